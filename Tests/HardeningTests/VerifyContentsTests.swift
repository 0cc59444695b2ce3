import Foundation
import Testing
import PathlinkCore

/// Issue 14, "verify does not prove what it says": a receipt edited by hand — its row
/// count, its exclusion counts, a column's action — no longer verifies intact.
@Suite("verify checks what receipts say, not only their hashes", .serialized)
struct VerifyContentsTests {
    /// A copy of the small world's run in a fresh folder, as `run`.
    static func copyOfRun() throws -> TestFolder {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        try FileManager.default.copyItem(atPath: world.output, toPath: folder.file("run"))
        // The receipts name the report spec relative to the run (../small-report.yaml).
        try FileManager.default.copyItem(atPath: world.spec, toPath: folder.file("small-report.yaml"))
        return folder
    }

    /// Edit the JSON of `receipt` (relative to the folder) with `edit`, keeping its layout.
    static func editReceipt(_ folder: TestFolder, _ receipt: String, _ edit: (inout [String: Any]) -> Void) throws {
        let path = folder.file(receipt)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(try FilePath.readAll(path))) as? [String: Any])
        edit(&json)
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try FilePath.writeAtomically(Array(data), to: path, force: true)
    }

    static let extractReceipt = "run/extracts/support-service.cases.csv.receipt.json"
    static let tokensReceipt = "run/tokens/police.crimes.csv.receipt.json"
    static let schemas = repositoryRoot + "/schemas"
    static let governance = repositoryRoot + "/governance"

    @Test("An untouched run verifies intact")
    func intact() throws {
        let folder = try Self.copyOfRun()
        for target in ["run", "run/extracts/support-service.cases.csv"] {
            let result = try pathlink(["verify", target], in: folder.path)
            #expect(result.status == 0, "\(target): \(result.standardOutput)\(result.standardError)")
            #expect(result.standardOutput.contains("intact"))
        }
    }

    @Test("An edited row count, exclusion count or column action breaks the chain (exit 4)", arguments: [
        "an output's row count", "the records written", "an exclusion count", "a dropped column said kept",
    ])
    func editedReceipt(_ edit: String) throws {
        let folder = try Self.copyOfRun()
        try Self.editReceipt(folder, Self.extractReceipt) { json in
            switch edit {
            case "an output's row count":
                var outputs = json["outputs"] as! [[String: Any]]
                outputs[0]["rows"] = (outputs[0]["rows"] as! Int) + 1
                json["outputs"] = outputs
            case "the records written":
                var counts = json["counts"] as! [String: Any]
                counts["records_written"] = (counts["records_written"] as! Int) - 1
                counts["records_excluded"] = (counts["records_excluded"] as! Int) + 1
                json["counts"] = counts
            case "an exclusion count":
                var excluded = json["excluded"] as! [[String: Any]]
                excluded[0]["count"] = (excluded[0]["count"] as! Int) + 5
                json["excluded"] = excluded
            default:
                var columns = json["columns"] as! [[String: Any]]
                let index = columns.firstIndex { ($0["action"] as? String) == "dropped" }!
                columns[index]["action"] = "kept"
                json["columns"] = columns
            }
        }
        // The extract alone: a later stage's receipt records the extract receipt's hash, so
        // verifying the whole run would catch any edit by hash; the extract alone has only
        // what its receipt says to go by.
        // The manifest lies outside the run: named as a root so that verify may read it.
        let result = try pathlink(["verify", "run/extracts/support-service.cases.csv", "--root", Self.schemas], in: folder.path)
        #expect(result.status == 4, "\(edit): exit \(result.status)\n\(result.standardOutput)")
        #expect(result.standardOutput.contains("BROKEN") && result.standardOutput.contains("support-service.cases.csv.receipt.json"),
                "\(edit): \(result.standardOutput)")
    }

    @Test("An exclusion count moved from one row condition to another breaks the chain: verify counts them again in the raw export")
    func movedExclusion() throws {
        let folder = try Self.copyOfRun()
        try Self.editReceipt(folder, Self.extractReceipt) { json in
            // The total stays right: only the raw export can tell the two conditions apart.
            var excluded = json["excluded"] as! [[String: Any]]
            excluded[0]["count"] = (excluded[0]["count"] as! Int) + 1
            excluded[1]["count"] = (excluded[1]["count"] as! Int) - 1
            json["excluded"] = excluded
        }
        let before = folder.allFiles
        let result = try pathlink(["verify", "run/extracts/support-service.cases.csv", "--root", Self.schemas, "--root", "run/raw"], in: folder.path)
        #expect(result.status == 4, "exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        let broken = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("BROKEN") && $0.contains("excluded by") }
        #expect(broken.count == 2, "\(result.standardOutput)")
        #expect(folder.allFiles == before, "verify wrote or removed a file")
        // Without the raw export among the roots the count cannot be checked, and says so.
        let unseen = try pathlink(["verify", "run/extracts/support-service.cases.csv", "--root", Self.schemas], in: folder.path)
        #expect(unseen.status == 0 && unseen.standardOutput.contains("NOT CHECKED") && unseen.standardOutput.contains("raw/support-service-cases.csv"),
                "\(unseen.standardOutput)\(unseen.standardError)")
    }

    /// The SHA-256 of a file, by `sha256sum` (the test bundle does not link the project's hasher).
    static func sha256(_ path: String) throws -> String {
        let result = try pathlinkInShell("sha256sum '\(path)' >&2", in: "/")
        let hash = String(result.standardError.prefix(64))
        try #require(result.status == 0 && hash.count == 64 && hash.allSatisfy(\.isHexDigit), "sha256sum: \(result.standardError)")
        return hash
    }

    @Test("A token column renamed, added, removed or moved to another domain, in the receipt or the file, breaks the chain", arguments: [
        "renamed in the receipt", "removed from the receipt", "added to the receipt", "another domain in the receipt",
        "renamed in the file (hash updated)", "renamed in file and receipt",
    ])
    func editedTokenColumns(_ edit: String) throws {
        let folder = try Self.copyOfRun()
        let tokens = folder.file("run/tokens/police.crimes.csv")
        if edit.contains("file") {
            var text = try FilePath.readText(tokens)
            let header = text.prefix { $0 != "\n" }
            try #require(header.contains(",MK2,"))
            text.replaceSubrange(header.startIndex..<header.endIndex, with: header.replacingOccurrences(of: ",MK2,", with: ",MK8,"))
            try FilePath.writeAtomically(text, to: tokens, force: true)
        }
        let newHash = try Self.sha256(tokens)
        try Self.editReceipt(folder, Self.tokensReceipt) { json in
            var columns = json["columns"] as! [[String: Any]]
            let mk2 = columns.firstIndex { ($0["name"] as? String) == "MK2" }!
            switch edit {
            case "renamed in the receipt", "renamed in file and receipt": columns[mk2]["name"] = "MK8"
            case "removed from the receipt": columns.remove(at: mk2)
            case "added to the receipt":
                columns.insert(["name": "DOB", "class": "matchkey", "action": "tokenised", "domain": "person/DOB", "missing": 0], at: mk2 + 1)
            case "another domain in the receipt":
                let reference = columns.firstIndex { ($0["domain"] as? String) == "crime-reference" }!
                columns[reference]["domain"] = "police-nominal"
            default: break
            }
            json["columns"] = columns
            var outputs = json["outputs"] as! [[String: Any]]
            outputs[0]["sha256"] = newHash
            json["outputs"] = outputs
        }
        let result = try pathlink(["verify", "run/tokens/police.crimes.csv", "--root", Self.schemas, "--root", Self.governance], in: folder.path)
        #expect(result.status == 4, "\(edit): exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("BROKEN") && result.standardOutput.contains("police.crimes.csv.receipt.json"), "\(edit): \(result.standardOutput)")
        #expect(!result.standardOutput.contains("SHA-256 differs"), "\(edit): the hash was kept right; the columns must be what breaks: \(result.standardOutput)")
    }
}
