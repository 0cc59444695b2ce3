import ArgumentParser
import PathlinkCore
import Pipeline

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that outputs still match their receipts and that the chain from raw export to report is unbroken.",
        discussion: """
        Give outputs, receipts, or folders (every *.receipt.json under a folder is
        checked). For each receipt: every output must have its recorded SHA-256; every
        manifest, plan, spec and policy must be unchanged since the run; every input
        must match, and — except a raw export — must be an output recorded by the
        receipt of the stage before. Prints what breaks the chain.

        Exit status: 0 intact; 4 the chain is broken (each problem printed as BROKEN);
        1 a path given does not exist or a receipt cannot be read; 2 usage (e.g. no path).
        """)

    @Argument(help: "Outputs, receipts or folders.")
    var paths: [String]

    @Option(help: "text (the default) or json: the summary as one JSON object on stdout.")
    var format: OutputFormat = .text
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let result = try ChainVerifier().verify(paths)
            if format == .json {
                printJSON(["command": "verify", "intact": result.isIntact, "receipts": result.receiptsChecked.count,
                           "file_checks": result.filesChecked, "broken": result.findings.map { "\($0)" }])
            } else {
                for finding in result.findings { print("BROKEN \(finding)") }
            }
            if result.isIntact {
                if format == .text { Log.info("verify: intact — \(result.receiptsChecked.count) receipts, \(result.filesChecked) file checks") }
            } else {
                throw PathlinkError(.provenance, problem: "\(result.findings.count) problem(s) in \(result.receiptsChecked.count) receipts",
                                    remedy: "re-run the stage whose output changed, from the approved manifests and plan")
            }
        }
    }
}
