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
        let result = try pathlink(["verify", "run/extracts/support-service.cases.csv"], in: folder.path)
        #expect(result.status == 4, "\(edit): exit \(result.status)\n\(result.standardOutput)")
        #expect(result.standardOutput.contains("BROKEN") && result.standardOutput.contains("support-service.cases.csv.receipt.json"),
                "\(edit): \(result.standardOutput)")
    }
}
