import Foundation
import Testing
import PathlinkCore

/// `--quiet`, `--log-level` and `--format json` (README "The commands"), through the binary.
@Suite("Command-line conventions")
struct CommandLineConventionTests {
    static let commands = ["keygen", "check", "extract", "pseudonymise", "link", "report", "run", "verify", "synth"]

    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }

    @Test("every command documents --quiet and --log-level; a wrong level is a usage error")
    func everyCommandHasThem() throws {
        let folder = TestFolder()
        for command in Self.commands {
            let help = try pathlink([command, "--help"], in: folder.path).standardOutput
            #expect(help.contains("--quiet") && help.contains("--log-level"), "\(command) --help")
            let wrong = try pathlink([command, "--log-level", "loud"], in: folder.path)
            #expect(wrong.status == ExitStatus.usage.rawValue && wrong.standardError.contains("--log-level"), "\(command): \(wrong.standardError)")
        }
    }

    @Test("--quiet and --log-level error print nothing on success; errors are still printed")
    func quiet() throws {
        let folder = try ownerFixtureCopy()
        let arguments = ["extract", "--manifest", "police-crimes.manifest.yaml", "--input", "police-crimes.csv", "--force"]
        let normal = try pathlink(arguments + ["--output", "a.csv"], in: folder.path)
        #expect(normal.status == 0 && normal.standardOutput.contains("extract: police.crimes: 7 of 7 records"), "\(normal.standardOutput)")
        for flags in [["--quiet"], ["-q"], ["--log-level", "error"]] {
            let silent = try pathlink(arguments + ["--output", "b.csv"] + flags, in: folder.path)
            #expect(silent.status == 0 && silent.standardOutput.isEmpty && silent.standardError.isEmpty, "\(flags): \(silent.standardOutput)\(silent.standardError)")
        }
        #expect(try FilePath.readAll(folder.file("a.csv")) == FilePath.readAll(folder.file("b.csv")))
        let failing = try pathlink(["extract", "--manifest", "police-crimes.manifest.yaml", "--input", "none.csv", "--output", "c.csv", "--quiet"], in: folder.path)
        #expect(failing.status == 1 && failing.standardError.contains("none.csv"), "\(failing.standardError)")
        // --log-level warning drops the summary lines.
        let both = try pathlink(["synth", "--persons", "5", "--seed", "1", "--output", "raw", "--log-level", "warning"], in: folder.path)
        #expect(both.status == 0 && both.standardOutput.isEmpty, "\(both.standardOutput)")
    }

    @Test("link, verify and run --format json print one JSON object with the summary")
    func formatJSON() throws {
        let folder = try ownerFixtureCopy()
        let flag = try pathlink(["pseudonymise", "--help"], in: folder.path).standardOutput.contains("--test-key") ? ["--test-key"] : []
        for arguments in [["extract", "--manifest", "support-service-cases.manifest.yaml", "--input", "support-service-cases.csv", "--output", "ss.csv"],
                          ["pseudonymise", "--manifest", "support-service-cases.manifest.yaml", "--plan", "linkage.yaml", "--key", "key",
                           "--input", "ss.csv", "--output", "ss.tokens.csv"] + flag] {
            let result = try pathlink(arguments, in: folder.path)
            try #require(result.status == 0, "\(result.standardError)")
        }
        let link = try pathlink(["link", "--plan", "linkage.yaml", "--input", "support-service.cases=ss.tokens.csv",
                                 "--input", "police.crimes=police-crimes.tokens.csv", "--output", "linked", "--format", "json"], in: folder.path)
        try #require(link.status == 0, "\(link.standardError)")
        let linked = try json(link.standardOutput)
        #expect(linked["command"] as? String == "link" && linked["records"] as? Int == 18 && (linked["persons"] as? Int ?? 0) > 0)

        let verify = try pathlink(["verify", "linked", "--format", "json"], in: folder.path)
        #expect(verify.status == 0, "\(verify.standardError)")
        let intact = try json(verify.standardOutput)
        #expect(intact["intact"] as? Bool == true && (intact["receipts"] as? Int ?? 0) >= 1)
        var bytes = try FilePath.readAll(folder.file("linked/links.csv"))
        bytes[bytes.count - 2] ^= 0x01
        try FilePath.writeAtomically(bytes, to: folder.file("linked/links.csv"), force: true)
        let broken = try pathlink(["verify", "linked", "--format", "json"], in: folder.path)
        #expect(broken.status == ExitStatus.provenance.rawValue)
        let brokenSummary = try json(broken.standardOutput)
        #expect(brokenSummary["intact"] as? Bool == false && (brokenSummary["broken"] as? [String] ?? []).count >= 1)

        folder.write("pipeline.yaml", World.pipelineText(synth: (persons: 30, seed: 2), reportSpec: SafeFilesTests.smallReport(in: folder)) + (flag.isEmpty ? "" : "\ntest-key: true") + "\n")
        let run = try pathlink(["run", "pipeline.yaml", "--output", "out", "--format", "json", "--quiet"], in: folder.path)
        try #require(run.status == 0, "\(run.standardError)")
        let ran = try json(run.standardOutput)
        #expect(ran["command"] as? String == "run" && (ran["report"] as? String ?? "").hasSuffix("report.html"))
        #expect(run.standardError.isEmpty, "--quiet run printed: \(run.standardError)")

        let check = try pathlink(["check", "police-crimes.manifest.yaml", "--format", "json"], in: folder.path)
        #expect(check.status == 0)
        #expect(try json(check.standardOutput)["sha256"] != nil || check.standardOutput.contains("sha256"))
    }
}
