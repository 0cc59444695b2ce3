import ArgumentParser
import Cryptography
import Extraction
import Governance
import PathlinkCore
import Pipeline

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate manifests, linkage plans, report specs, policies and pipeline files, and print a review sheet for governance reviewers.",
        discussion: """
        Validates every part of each manifest, then prints, column by column, what
        leaves the owner and in what form, the records that may leave, the SHA-256 to
        record when approving the manifest, and lints (e.g. an attribute whose name
        suggests personal data needs reviewed: true).

        With --data, also checks the export's header against the manifest and profiles
        every column that would leave: values that look like e-mail addresses, UK
        phone numbers, UK postcodes, NHS numbers or free text in an attribute or quasi
        column are errors, and so are date-like values where no date is declared;
        near-unique columns are warnings. In open columns (open: true), personal names,
        dates inside text, street addresses, spreadsheet formulas and markup are errors
        too; placeholders (built-in, or declared with missing:) are missing values, not
        profiled. Then it runs
        extract's own checks on the export (into a hidden owner-only temporary folder,
        removed at once): whatever extract would refuse — a value outside a closed
        list, a date in no declared format such as an undeclared placeholder (declare
        it with missing: in the manifest if it means "not known") — is an
        error. Findings give counts and row numbers, never values.

        A linkage plan, report spec, disclosure policy or pipeline file (recognised by
        its first key: linkage:, report:, policy:, pipeline:) is validated as its stage
        reads it; its sheet says what it decides (for a plan, which person fields enter
        which match keys), shows the document as written, and gives the SHA-256 to
        approve. In markdown, everything a document's author wrote is escaped.

        Every error finding here is also an error of `extract` and `run`: they refuse
        to write anything while one stands.

        Exit status: 0 when there is no error finding, 1 otherwise.
        """)

    @Argument(help: "One or more manifests, linkage plans, report specs, disclosure policies or pipeline files.")
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
                if let kind = try DocumentReviewSheet.kind(of: path), kind != .manifest {
                    if data != nil {
                        throw PathlinkError(.usage, file: path, problem: "--data goes with a manifest, and this is a \(kind.rawValue)",
                                            remedy: "check the export with its manifest: pathlink check MANIFEST --data EXPORT")
                    }
                    let sheet = try DocumentReviewSheet(kind: kind, path: path)
                    switch format {
                    case "markdown": print(sheet.markdown())
                    case "json": print(sheet.json(), terminator: "")
                    default: print(sheet.text())
                    }
                    continue
                }
                let manifest = try Manifest.load(path: path)
                var sheet = ReviewSheet(manifest: manifest, sha256: try SHA256.hex(ofFile: path))
                if let data {
                    sheet.findings += try ExportProfiler(manifest: manifest).profile(input: data)
                    // Everything extract would refuse is an error here too (a value outside a
                    // closed list, an undeclared placeholder in a date column), unless the
                    // lints or the profile above already report it.
                    if !sheet.hasErrors, let refusal = ExtractGate.dryRunRefusal(manifest: manifest, input: data) {
                        sheet.findings.append(.init(severity: .error, column: refusal.column,
                                                    message: "extract would refuse this export: \(refusal.problem)", count: 1, firstRow: refusal.row))
                    }
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
