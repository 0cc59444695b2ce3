import ArgumentParser
import Cryptography
import Extraction
import Governance
import PathlinkCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate schema manifests and print a review sheet for governance reviewers.",
        discussion: """
        Validates every part of each manifest, then prints, column by column, what
        leaves the owner and in what form, the records that may leave, the SHA-256 to
        record when approving the manifest, and lints (e.g. an attribute whose name
        suggests personal data needs reviewed: true).

        With --data, also checks the export's header against the manifest and profiles
        every column that would leave: values that look like e-mail addresses, UK
        phone numbers, UK postcodes, NHS numbers or free text in an attribute or quasi
        column are errors, and so are date-like values where no date is declared;
        near-unique columns are warnings. Findings give counts and row numbers, never
        values.

        Exit status: 0 when there is no error finding, 1 otherwise.
        """)

    @Argument(help: "One or more manifests.")
    var manifests: [String]
    @Option(help: "A raw export to check against the manifest (only with one manifest).")
    var data: String?
    @Option(help: "text, markdown or json.")
    var format: String = "text"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard ["text", "markdown", "json"].contains(format) else { throw ValidationError("--format must be text, markdown or json") }
        if data != nil && manifests.count != 1 { throw ValidationError("--data goes with exactly one manifest") }
    }

    func run() throws {
        try reportingErrors(logging) {
            var failed = false
            for path in manifests {
                let manifest = try Manifest.load(path: path)
                var sheet = ReviewSheet(manifest: manifest, sha256: try SHA256.hex(ofFile: path))
                if let data {
                    sheet.findings += try ExportProfiler(manifest: manifest).profile(input: data)
                }
                switch format {
                case "markdown": print(sheet.markdown())
                case "json": print(sheet.json(), terminator: "")
                default: print(sheet.text())
                }
                failed = failed || sheet.hasErrors
            }
            if failed { throw ExitCode(1) }
        }
    }
}
