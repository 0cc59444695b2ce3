#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PathlinkCore
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage of a pipeline on one machine (the demo, and single-site use).",
        discussion: """
        Reads PIPELINE.yaml (docs/pipeline.md): the sources (raw export + manifest, or
        synthetic data), the linkage plan, the key (generated into the output folder
        with owner-only permissions when the file says generate: true), the report
        spec and the disclosure policy. Runs synth (if asked), extract, keygen (if
        asked), pseudonymise, link and report in order, each with its own code and
        receipts.

        The run is built in a hidden temporary folder and appears at --output only
        when every stage has succeeded: after an error or an interrupt nothing is left
        half written. The output folder holds raw/, extracts/, keys/, tokens/,
        linked/, release/ (open release/report.html) and release.audit.json (not for
        release).

        The datasets are extracted, then pseudonymised, side by side on up to
        PATHLINK_THREADS threads (default: every core); the output is the same byte for
        byte whatever the number.
        """)

    @Argument(help: "The pipeline file.")
    var pipeline: String
    @Option(help: "The output folder (default: pathlink-output).")
    var output: String = "pathlink-output"
    @Flag(help: "Replace an existing output folder.")
    var force = false
    @Flag(help: "Refuse to run unless every manifest, plan, spec and policy is in the approvals register (the pipeline's approvals:, default governance/approvals.yaml).")
    var requireApproved = false
    @Flag(help: "Accept a weak or published key or linker secret file (tests and demonstrations on synthetic data only).")
    var testKey = false

    @Option(help: "text (the default) or json: the summary as one JSON object on stdout.")
    var format: OutputFormat = .text
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let definition = try PipelineDefinition.load(path: pipeline)
            let started = Progress.now()
            var runner = PipelineRunner(definition: definition, output: output, force: force, requireApproved: requireApproved) { line in
                if Log.level >= .info { StandardError.write("[\(String(format: "%5.1f", Progress.now() - started))s] \(line)\n") }
            }
            runner.testKey = testKey
            let summary = try runner.run()
            if format == .json {
                printJSON(["command": "run", "output": output, "report": summary.report, "audit": summary.audit])
                return
            }
            Log.info("run: every stage finished; open \(summary.report)")
            Log.info("run: the audit sidecar (not for release) is \(summary.audit)")
        }
    }
}
