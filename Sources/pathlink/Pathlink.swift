import ArgumentParser
import Foundation
import PathlinkCore

@main
struct Pathlink: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathlink",
        abstract: "Privacy-preserving linkage of support-service, police and CPS records.",
        discussion: """
        Stages: extract (owner, no key) → pseudonymise (owner, key) → link (linking
        unit) → report (researchers). Each output has a receipt (X.receipt.json)
        beside it; `pathlink verify` checks the chain. `pathlink run PIPELINE.yaml`
        runs every stage on one machine (the demo).

        \(ExitStatus.helpTable)
        """,
        version: "0.1.0",
        subcommands: [
            KeygenCommand.self,
            CheckCommand.self,
            ExtractCommand.self,
            PseudonymiseCommand.self,
            LinkCommand.self,
            RekeyCommand.self,
            ReportCommand.self,
            RunCommand.self,
            VerifyCommand.self,
            SynthCommand.self,
            TokenBenchmarkCommand.self,
        ]
    )

    /// ArgumentParser's `main`, with the project's exit-status conventions: a wrong
    /// command line exits 2 (not the parser's 64), and every command's help ends with the
    /// exit-status table (the root's has it in its discussion).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            var code = exitCode(for: error).rawValue
            var message = fullMessage(for: error)
            if code == ExitCode.validationFailure.rawValue { code = ExitStatus.usage.rawValue }
            let isHelp = code == 0 && (message.hasPrefix("OVERVIEW:") || message.hasPrefix("USAGE:"))
            if isHelp && !message.contains("EXIT STATUS:") { message += "\n\n" + ExitStatus.helpTable }
            if !message.isEmpty {
                if code == 0 { print(message) } else { StandardError.write(message + "\n") }
            }
            Foundation.exit(code)
        }
    }
}
