import Foundation
import Testing
import PathlinkCore

/// The exit-status table (`ExitStatus`, README "Exit status", every `--help`): each
/// command's failure modes, run through the built binary, exit with the documented status.
@Suite("Exit status")
struct ExitStatusTests {

    func status(_ arguments: [String], in folder: TestFolder) throws -> Invocation {
        try pathlink(arguments, in: folder.path)
    }

    @Test("a wrong command line exits 2 for every command, never the parser's 64")
    func usage() throws {
        let folder = TestFolder()
        let commands = ["keygen", "check", "extract", "pseudonymise", "link", "report", "run", "verify", "synth"]
        for command in commands {
            let result = try status([command, "--no-such-option"], in: folder)
            #expect(result.status == ExitStatus.usage.rawValue, "\(command): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("pathlink \(command)"), "\(command): \(result.standardError)")
        }
        let missing = try status(["extract", "--manifest", "m.yaml"], in: folder)
        #expect(missing.status == 2, "\(missing.standardError)")
        let badFormat = try status(["check", "--format", "xml", ownerFixture + "/police-crimes.manifest.yaml"], in: folder)
        #expect(badFormat.status == 2, "\(badFormat.standardError)")
        #expect(try status(["no-such-command"], in: folder).status == 2)
    }

    @Test("every command's --help ends with the exit-status table, which the README repeats")
    func helpAndReadme() throws {
        let folder = TestFolder()
        for command in ["", "keygen", "check", "extract", "pseudonymise", "link", "report", "run", "verify", "synth"] {
            let result = try status(command.isEmpty ? ["--help"] : [command, "--help"], in: folder)
            #expect(result.status == 0)
            #expect(result.standardOutput.contains("EXIT STATUS:"), "\(command) --help has no exit-status table")
            for status in ExitStatus.allCases {
                #expect(result.standardOutput.contains("  \(status.rawValue) "), "\(command) --help lacks status \(status.rawValue)")
            }
        }
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        for status in ExitStatus.allCases {
            #expect(readme.contains("| \(status.rawValue) |") || readme.contains("| \(status.rawValue), "),
                    "README's exit-status table lacks \(status.rawValue)")
        }
    }

    @Test("inputs and documents: 1; a refused key: 5; a broken receipt: 4")
    func stageFailures() throws {
        let folder = try ownerFixtureCopy()
        // 1: a raw export that is not there; a manifest that is not valid.
        let noInput = try status(["extract", "--manifest", "police-crimes.manifest.yaml", "--input", "missing.csv", "--output", "x.csv"], in: folder)
        #expect(noInput.status == ExitStatus.inputError.rawValue, "\(noInput.standardError)")
        folder.write("bad.yaml", "manifest: 1\ndataset: Not A Name\n")
        let badManifest = try status(["check", "bad.yaml"], in: folder)
        #expect(badManifest.status == 1, "\(badManifest.standardError)")
        // 1: an output that exists, without --force.
        #expect(try status(["extract", "--manifest", "police-crimes.manifest.yaml", "--input", "police-crimes.csv",
                            "--output", "police-crimes.extract.csv"], in: folder).status == 1)
        // 5: a key file others may read; a key file that is not a key.
        chmod(folder.file("key"), 0o644)
        let pseudonymise = ["pseudonymise", "--manifest", "police-crimes.manifest.yaml", "--plan", "linkage.yaml", "--key", "key",
                            "--input", "police-crimes.extract.csv", "--output", "t.csv"] + (try testKeyFlag("pseudonymise", in: folder))
        let readable = try status(pseudonymise, in: folder)
        #expect(readable.status == ExitStatus.key.rawValue, "\(readable.standardError)")
        folder.write("key", "not a key\n")
        chmod(folder.file("key"), 0o600)
        #expect(try status(pseudonymise, in: folder).status == 5)
        // 4: a token file without its receipt; a changed output under verify.
        try copyFile(folder.file("police-crimes.tokens.csv"), folder.file("bare.csv"))
        let noReceipt = try status(["link", "--plan", "linkage.yaml", "--input", "police.crimes=bare.csv",
                                    "--input", "support-service.cases=police-crimes.tokens.csv", "--output", "linked"], in: folder)
        #expect(noReceipt.status == ExitStatus.provenance.rawValue, "\(noReceipt.standardError)")
        #expect(try status(["verify", "police-crimes.tokens.csv.receipt.json"], in: folder).status == 0)
        var bytes = try FilePath.readAll(folder.file("police-crimes.tokens.csv"))
        bytes[bytes.count - 3] ^= 0x01
        try FilePath.writeAtomically(bytes, to: folder.file("police-crimes.tokens.csv"), force: true)
        let broken = try status(["verify", "police-crimes.tokens.csv.receipt.json"], in: folder)
        #expect(broken.status == 4, "\(broken.standardOutput) \(broken.standardError)")
    }

    @Test("run --require-approved with a document not in the register exits 6")
    func notApproved() throws {
        let folder = TestFolder()
        let spec = try String(contentsOfFile: repositoryRoot + "/examples/victims-pathway/report.yaml", encoding: .utf8)
        folder.write("report.yaml", spec + "\n# edited after approval\n")
        let text = World.pipelineText(synth: (persons: 20, seed: 1), reportSpec: folder.file("report.yaml"))
            + "\nrequire-approved: true\napprovals: \(repositoryRoot)/governance/approvals.yaml\n"
        folder.write("pipeline.yaml", text)
        let result = try status(["run", "pipeline.yaml", "--output", "out"], in: folder)
        #expect(result.status == ExitStatus.notApproved.rawValue, "\(result.status) \(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out")))
    }

    @Test("a UTF-16 export is refused with status 1, naming the file and saying to re-save it as UTF-8")
    func utf16() throws {
        let folder = try ownerFixtureCopy()
        let text = try String(contentsOfFile: folder.file("police-crimes.csv"), encoding: .utf8)
        let units = Array(text.utf16)
        var littleEndian: [UInt8] = []
        var bigEndian: [UInt8] = []
        for unit in units {
            littleEndian += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bigEndian += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let files: [(String, [UInt8])] = [("le.csv", [0xFF, 0xFE] + littleEndian), ("be.csv", [0xFE, 0xFF] + bigEndian),
                                          ("no-bom.csv", littleEndian)]
        for (name, bytes) in files {
            folder.write(name, bytes)
            let result = try status(["extract", "--manifest", "police-crimes.manifest.yaml", "--input", name, "--output", name + ".out"], in: folder)
            #expect(result.status == 1, "\(name): \(result.standardError)")
            #expect(result.standardError.contains(name) && result.standardError.contains("UTF-16")
                    && result.standardError.contains("re-save it as UTF-8"), "\(name): \(result.standardError)")
            #expect(!result.standardError.contains("carriage return"))
        }
    }
}
