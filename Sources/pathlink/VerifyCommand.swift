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
        receipt of the stage before. The receipt's contents must hold: row counts and
        headers, an extract's exclusions per row condition (counted again from the raw
        export), its column actions (the manifest's), a token file's token columns
        (the plan's). Prints what breaks the chain.

        verify reads nothing outside its roots: the paths given (an output and its
        receipt go together) and each --root folder, after resolving symbolic links. A
        document or input a receipt names outside them is not read and is printed as
        NOT CHECKED (not available here); an output outside them is BROKEN. So a
        release folder verifies on its own ("pathlink verify release"), and a whole
        chain is verified by naming the folders it spans ("pathlink verify RUN --root
        schemas --root governance --root FOLDER-OF-THE-SPEC").

        Exit status: 0 intact (everything inside the roots; NOT CHECKED lines do not
        change it); 4 the chain is broken (each problem printed as BROKEN); 1 a path
        or --root given does not exist or a receipt cannot be read; 2 usage (e.g. no
        path).
        """)

    @Argument(help: "Outputs, receipts or folders.")
    var paths: [String]

    @Option(name: .customLong("root"), help: ArgumentHelp("A further folder verify may read (the documents' or inputs' folder); repeatable.", valueName: "DIR"))
    var roots: [String] = []

    @Option(help: "text (the default) or json: the summary as one JSON object on stdout.")
    var format: OutputFormat = .text
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let result = try ChainVerifier(roots: roots).verify(paths)
            if format == .json {
                printJSON(["command": "verify", "intact": result.isIntact, "receipts": result.receiptsChecked.count,
                           "file_checks": result.filesChecked, "broken": result.findings.map { "\($0)" },
                           "not_checked": result.notChecked.map { "\($0)" }, "roots": result.roots])
            } else {
                for finding in result.findings { print("BROKEN \(finding)") }
                for skipped in result.notChecked { print("NOT CHECKED \(skipped)") }
            }
            if result.isIntact {
                let skipped = result.notChecked.isEmpty ? ""
                    : "; \(result.notChecked.count) upstream file(s) outside the verified roots not checked"
                if format == .text { Log.info("verify: intact — \(result.receiptsChecked.count) receipts, \(result.filesChecked) file checks\(skipped)") }
            } else {
                throw PathlinkError(.provenance, problem: "\(result.findings.count) problem(s) in \(result.receiptsChecked.count) receipts",
                                    remedy: "re-run the stage whose output changed, from the approved manifests and plan")
            }
        }
    }
}
