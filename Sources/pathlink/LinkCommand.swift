#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Governance
import Linkage
import PathlinkCore

struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link pseudonymised datasets into journeys, with research ids and a linkage-quality report.",
        discussion: """
        Run by the linking unit. Each input is a pseudonymised CSV with its receipt \
        (X.receipt.json) beside it; the receipt says which columns are tokens of which domain, \
        match keys, confirm keys or attributes. Inputs without a pseudonymise receipt, or changed \
        since it was written, are refused.

        Every token is re-keyed with a secret of the linker's own before it is stored; the secret \
        is drawn fresh for each run and discarded, so research ids differ between runs. Give \
        --secret FILE (64+ hex digits, mode 0600; `pathlink keygen` writes one) to rerun \
        reproducibly: same inputs and secret give a byte-identical folder (receipt times aside).

        Reference links (e.g. crime-reference) attach records about the same crime; they merge \
        persons only when a confirm key agrees and the link's refute keys (e.g. the date of \
        birth and its parts) do not all differ. Persons are then joined by the plan's match keys, \
        in order, only where a token is unique on both sides; ambiguous tokens are reported in \
        quality.json, never guessed.

        Output: the folder DIR (journeys.csv, <dataset>.csv, links.csv, quality.json, quality.md) \
        and DIR.receipt.json beside it. See docs/link.md.
        """
    )

    @Option(name: .long, help: ArgumentHelp("The linkage plan (YAML).", valueName: "PLAN"))
    var plan: String

    @Option(name: .long, help: ArgumentHelp("A pseudonymised input as DATASET=PATH, e.g. police.crimes=police.csv; repeat for each dataset of the plan.", valueName: "DATASET=PATH"))
    var input: [String] = []

    @Option(name: .long, help: ArgumentHelp("The linked folder to write (its receipt goes beside it).", valueName: "DIR"))
    var output: String?

    @Option(name: .customLong("emit-sql"), help: ArgumentHelp("Instead of linking, write DIR/link.sql (DIR = --output), which does link's work (cascade method) on the re-keyed files `pathlink rekey` writes in DIR; reads only the inputs' receipts and headers. DIALECT: duckdb or spark. See docs/scaling.md.", valueName: "DIALECT"))
    var emitSQL: String?

    @Option(name: .long, help: ArgumentHelp("A secret file fixing the re-keying secret for a reproducible rerun (default: fresh and discarded).", valueName: "FILE"))
    var secret: String?

    @Flag(name: .long, help: "Accept a weak or published --secret file (a test key): tests on synthetic data only.")
    var testKey = false

    @Flag(name: .long, help: "Replace the output folder and its receipt if they exist.")
    var force = false

    @Option(help: "text (the default) or json: the summary as one JSON object on stdout.")
    var format: OutputFormat = .text
    @OptionGroup var logging: LoggingOptions

    /// `DATASET=PATH` pairs.
    static func parseInputs(_ input: [String]) throws -> [(dataset: String, path: String)] {
        try input.map { item in
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex, item.index(after: equals) != item.endIndex else {
                throw PathlinkError(.usage, problem: "--input \(item) is not DATASET=PATH", remedy: "for example --input police.crimes=police-tokens.csv")
            }
            return (String(item[..<equals]), String(item[item.index(after: equals)...]))
        }
    }

    func run() throws {
        try reportingErrors(logging) {
            let inputs = try Self.parseInputs(input)
            if let emitSQL {
                guard let dialect = LinkSQL.Dialect(rawValue: emitSQL) else {
                    throw PathlinkError(.usage, problem: "--emit-sql \(emitSQL) is not a dialect Pathlink writes",
                                        remedy: "give --emit-sql duckdb or --emit-sql spark")
                }
                guard let output else {
                    throw PathlinkError(.usage, problem: "--output is missing", remedy: "give the folder where `pathlink rekey` wrote the re-keyed files, e.g. --output sql")
                }
                let path = try LinkSQL.write(planPath: plan, inputs: inputs, folder: output, dialect: dialect, force: force)
                Log.info("link: wrote \(path); run it from \(output) (see docs/scaling.md)")
                return
            }
            guard let output else {
                throw PathlinkError(.usage, problem: "--output is missing", remedy: "give the linked folder to write, e.g. --output linked")
            }
            let linkerSecret = try secret.map { try LinkerSecret.load($0, allowTestKey: testKey) } ?? LinkerSecret.fresh()
            var options = LinkOptions(planPath: plan, inputs: inputs, outputPath: output, secret: linkerSecret, force: force)
            options.guardedPaths = secret.map { [$0] } ?? []
            let summary = try Linker.link(options)
            for warning in summary.warnings { Log.warning(warning) }
            if format == .json {
                printJSON(["command": "link", "output": output, "records": summary.records, "persons": summary.persons,
                           "record_links": summary.links, "ambiguous_tokens": summary.ambiguousTokens, "warnings": summary.warnings.count])
                return
            }
            Log.info("link: \(summary.records) records, \(summary.persons) persons, \(summary.links) record links, \(summary.ambiguousTokens) ambiguous tokens; see \(output)/quality.md")
        }
    }
}
