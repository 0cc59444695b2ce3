import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathlinkCore
import Reporting

/// `pathlink report`: linked tables → a protected release (researcher side, no key).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build the declared tables from linked data, apply disclosure control, and write the release.",
        discussion: """
        Reads the linked folder written by `pathlink link` (journeys.csv, quality.json and its receipt), \
        builds the tables the report spec declares (docs/report-spec.md), and protects them all together \
        under the disclosure policy: counts under the threshold are suppressed, and further cells where \
        needed so that nothing can be worked out from totals or other tables; a small row or column \
        whose persons all fall in one category (class disclosure, under class-size) has its zeros \
        hidden, or the release is refused. The threshold is never below 3. A spec may tighten the \
        policy, never loosen it.

        The release folder (written whole or not at all) holds per table <id>.csv (tidy, margins as \
        `Total`) and <id>.wide.csv, plus tables.json, tables.ods (a spreadsheet: cover, contents, \
        notes, one table per sheet), results.json (the checks in ACRO's shape, for \
        SACRO-Viewer) and report.html (one self-contained page with charts). Its receipt, DIR.receipt.json, is written beside it. The audit sidecar, which tells \
        primary from secondary suppression and is NOT for release, goes to --audit (default \
        DIR.audit.json beside the folder), never inside it. If protection fails, nothing is written.

        Example:
          pathlink report --spec examples/victims-pathway/report.yaml \\
            --input out/linked --output out/release \\
            --policy governance/disclosure-policy.yaml
        """
    )

    @Option(name: .long, help: ArgumentHelp("The report spec (YAML, `report: 1`).", valueName: "SPEC"))
    var spec: String

    @Option(name: .long, help: ArgumentHelp("The linked folder written by `pathlink link`.", valueName: "LINKED_DIR"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("The release folder to write.", valueName: "DIR"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("The disclosure policy (default: threshold 3, zeros shown, secondary suppression on, no rounding).", valueName: "POLICY"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("Where to write the audit sidecar (not for release; default DIR.audit.json).", valueName: "FILE"))
    var audit: String?

    @Option(name: .long, help: ArgumentHelp("Processor (CPU) seconds the report stage may take (default 300). Past half of what is left, the optimiser stops and the greedy pattern is released (the audit sidecar says so); past the whole budget, nothing is written and the command exits 3.", valueName: "SECONDS"))
    var timeBudget: Double = ReportStage.defaultTimeBudget

    @Flag(name: .long, help: "Replace an existing release folder, audit and receipts.")
    var force = false

    func validate() throws {
        guard timeBudget > 0, timeBudget.isFinite else {
            throw ValidationError("--time-budget must be a positive number of seconds")
        }
    }

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let stage = ReportStage(specPath: spec, inputPath: input, outputPath: output, policyPath: policy,
                                    auditPath: audit, force: force, timeBudget: timeBudget)
            let summary = try stage.run()
            for warning in summary.warnings { Log.warning(warning) }
            Log.info("report: \(summary.tables) tables written to \(output); audit (not for release) in \(summary.auditPath)")
        }
    }
}
