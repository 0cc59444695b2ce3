import Foundation
import Testing
import PathlinkCore

/// Issue 14, "verify does not prove what it says": `verify` reads nothing outside the
/// folders it is given (`verify DIR... [--root DIR]`), links resolved; an upstream file it
/// cannot see is "not available here", so a release folder verifies on its own.
@Suite("verify reads only inside its roots", .serialized)
struct VerifyRootsTests {
    typealias Run = VerifyContentsTests

    static func lines(_ text: String, _ prefix: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    @Test("A release folder and its receipt, copied alone, verify intact (exit 0); upstream inputs are not available here")
    func releaseAlone() throws {
        let run = try Run.copyOfRun()
        let alone = TestFolder()
        try FileManager.default.copyItem(atPath: run.file("run/release"), toPath: alone.file("release"))
        try FileManager.default.copyItem(atPath: run.file("run/release.receipt.json"), toPath: alone.file("release.receipt.json"))
        let before = alone.allFiles
        let result = try pathlink(["verify", "release"], in: alone.path)
        #expect(result.status == 0, "exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        #expect(Self.lines(result.standardOutput, "BROKEN").isEmpty, "\(result.standardOutput)")
        let skipped = Self.lines(result.standardOutput, "NOT CHECKED")
        for upstream in ["linked/journeys.csv", "linked/quality.json", "linked.receipt.json", "small-report.yaml", "disclosure-policy.yaml"] {
            #expect(skipped.contains { $0.contains(upstream) && $0.contains("not available here") }, "\(upstream): \(result.standardOutput)")
        }
        #expect(result.standardOutput.contains("verify: intact"), "\(result.standardOutput)")
        // The same as JSON, for scripts.
        let json = try pathlink(["verify", "release", "--format", "json"], in: alone.path)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(json.status == 0 && summary["intact"] as? Bool == true && (summary["broken"] as? [String])?.isEmpty == true)
        #expect((summary["not_checked"] as? [String])?.count == 5, "\(json.standardOutput)")
        #expect(alone.allFiles == before, "verify wrote or removed a file")
        // What it can see is still checked: a changed byte of the release breaks it.
        var bytes = try FilePath.readAll(alone.file("release/report.html"))
        bytes[bytes.count / 2] ^= 0x01
        try FilePath.writeAtomically(bytes, to: alone.file("release/report.html"), force: true)
        let changed = try pathlink(["verify", "release"], in: alone.path)
        #expect(changed.status == 4 && changed.standardOutput.contains("BROKEN") && changed.standardOutput.contains("report.html"),
                "\(changed.standardOutput)")
    }

    @Test("A whole chain verifies with nothing unchecked when the roots it spans are named")
    func wholeChain() throws {
        let run = try Run.copyOfRun()
        let result = try pathlink(["verify", "run", "--root", Run.schemas, "--root", Run.governance, "--root", run.path], in: run.path)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(Self.lines(result.standardOutput, "BROKEN").isEmpty && Self.lines(result.standardOutput, "NOT CHECKED").isEmpty,
                "nothing BROKEN or NOT CHECKED expected: \(result.standardOutput)")
        let missing = try pathlink(["verify", "run", "--root", "nothere"], in: run.path)
        #expect(missing.status == ExitStatus.inputError.rawValue && missing.standardError.contains("nothere"), "\(missing.standardError)")
    }

    /// A planted file outside the run, a link from inside the run to it, and a receipt
    /// that names it, `/etc/shadow` and `../../outside/planted.txt` as its inputs with
    /// wrong hashes (read, they would be BROKEN "has changed").
    static func hostileRun() throws -> (folder: TestFolder, plantedHash: String) {
        let folder = try Run.copyOfRun()
        try FileManager.default.createDirectory(atPath: folder.file("outside"), withIntermediateDirectories: false)
        folder.write("outside/planted.txt", "a file outside the verified roots\n")
        #expect(symlink("../../outside/planted.txt", folder.file("run/extracts/escape.csv")) == 0)
        let planted = try Run.sha256(folder.file("outside/planted.txt"))
        try Run.editReceipt(folder, "run/extracts/police.crimes.csv.receipt.json") { json in
            var inputs = json["inputs"] as! [[String: Any]]
            for path in ["/etc/shadow", "escape.csv", "../../outside/planted.txt"] {
                inputs.append(["path": path, "sha256": String(repeating: "0", count: 64)])
            }
            json["inputs"] = inputs
        }
        return (folder, planted)
    }

    @Test("Inputs a receipt names outside the roots (/etc/shadow, ../.., a link out) are not read: not checked, exit 0")
    func inputsOutside() throws {
        let (folder, planted) = try Self.hostileRun()
        let before = folder.allFiles
        let result = try pathlink(["verify", "run"], in: folder.path)
        #expect(result.status == 0, "exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        let skipped = Self.lines(result.standardOutput, "NOT CHECKED")
        for path in ["/etc/shadow", "escape.csv", "../../outside/planted.txt"] {
            #expect(skipped.contains { $0.contains(": \(path): ") && $0.contains("outside the verified roots; not read") }, "\(path): \(result.standardOutput)")
        }
        #expect(!result.standardOutput.contains("has changed") && !result.standardOutput.contains(planted), "\(result.standardOutput)")
        #expect(folder.allFiles == before, "verify wrote or removed a file")
        // Named as a root, the outside folder is read: the wrong hashes show (so the
        // exit 0 above came from not reading, not from not comparing).
        let rooted = try pathlink(["verify", "run", "--root", "outside"], in: folder.path)
        #expect(rooted.status == 4, "\(rooted.standardOutput)")
        #expect(Self.lines(rooted.standardOutput, "BROKEN").contains { $0.contains("escape.csv") && $0.contains("has changed") }, "\(rooted.standardOutput)")
        #expect(Self.lines(rooted.standardOutput, "BROKEN").contains { $0.contains("planted.txt") && $0.contains("has changed") }, "\(rooted.standardOutput)")
        #expect(!rooted.standardOutput.contains("/etc/shadow: the input has changed"), "\(rooted.standardOutput)")
    }

    @Test("Outputs a receipt claims outside the roots (a link out with the right hash, /etc/shadow) are BROKEN and not read (exit 4)")
    func outputsOutside() throws {
        let (folder, planted) = try Self.hostileRun()
        try Run.editReceipt(folder, "run/extracts/cps.cases.csv.receipt.json") { json in
            var outputs = json["outputs"] as! [[String: Any]]
            // The right hash: were the link followed, this output would verify.
            outputs.append(["path": "escape.csv", "sha256": planted])
            outputs.append(["path": "/etc/shadow", "sha256": String(repeating: "0", count: 64)])
            json["outputs"] = outputs
        }
        let result = try pathlink(["verify", "run/extracts/cps.cases.csv"], in: folder.path)
        #expect(result.status == 4, "exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        let broken = Self.lines(result.standardOutput, "BROKEN")
        for path in ["escape.csv", "/etc/shadow"] {
            #expect(broken.contains { $0.contains(": \(path): ") && $0.contains("outside the verified roots; not read") }, "\(path): \(result.standardOutput)")
        }
        #expect(!result.standardOutput.contains("has changed") && !result.standardOutput.contains(planted), "\(result.standardOutput)")
    }

    @Test("A receipt that is a link out of the folder, or a link to a folder outside, is not read")
    func receiptLinkOut() throws {
        let folder = try Run.copyOfRun()
        try FileManager.default.createDirectory(atPath: folder.file("outside"), withIntermediateDirectories: false)
        // A receipt that, read, would be BROKEN (its output is missing).
        folder.write("outside/evil.receipt.json", try FilePath.readText(folder.file("run/extracts/cps.cases.csv.receipt.json"))
            .replacingOccurrences(of: "\"cps.cases.csv\"", with: "\"no-such-output.csv\""))
        #expect(symlink("../../outside/evil.receipt.json", folder.file("run/extracts/evil.receipt.json")) == 0)
        // And a link to the outside folder: not followed.
        #expect(symlink("../outside", folder.file("run/elsewhere")) == 0)
        let result = try pathlink(["verify", "run"], in: folder.path)
        #expect(result.status == 0, "exit \(result.status)\n\(result.standardOutput)\(result.standardError)")
        #expect(Self.lines(result.standardOutput, "NOT CHECKED").contains { $0.contains("evil.receipt.json") && $0.contains("not read") },
                "\(result.standardOutput)")
        #expect(Self.lines(result.standardOutput, "NOT CHECKED").contains { $0.contains("run/elsewhere") && $0.contains("not followed") },
                "\(result.standardOutput)")
        #expect(Self.lines(result.standardOutput, "BROKEN").isEmpty, "\(result.standardOutput)")
    }
}
