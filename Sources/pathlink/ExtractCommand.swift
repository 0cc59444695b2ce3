import ArgumentParser
import Extraction
import Governance
import PathlinkCore

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Turn a raw export into an extract, as its schema manifest says (data owner; no key).",
        discussion: """
        The export's header must match the manifest exactly (fail closed: an
        undeclared or missing column is an error and nothing is written). Records
        failing the manifest's `rows` conditions are excluded (counted in the
        receipt). `direct` and `free-text` columns are dropped, `quasi` columns
        generalised, `identifier`, `linkage` and `attribute` columns kept, derived
        columns added.

        Writes OUT.csv and OUT.csv.receipt.json, atomically.
        """)

    @Option(help: "The schema manifest (schemas/<owner>/<table>.yaml).")
    var manifest: String
    @Option(help: "The raw CSV export.")
    var input: String
    @Option(help: "The extract to write.")
    var output: String
    @Flag(help: "Replace an existing output.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let loaded = try Manifest.load(path: manifest)
            let summary = try Extractor(manifest: loaded, force: force).run(input: input, output: output)
            var line = "extract: \(loaded.dataset): \(summary.recordsWritten) of \(summary.recordsRead) records written to \(output)"
            let excluded = summary.recordsRead - summary.recordsWritten
            if excluded > 0 { line += " (\(excluded) excluded by row conditions)" }
            Log.info(line)
        }
    }
}
