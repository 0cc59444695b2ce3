import ArgumentParser
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
}
