import ArgumentParser
import Linkage
import PathlinkCore

struct RekeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Write the linker's re-keyed token files, for running `link --emit-sql` on another engine.",
        discussion: """
        Run by the linking unit. Reads and checks each pseudonymised input exactly as `link` \
        does, re-keys every token with the linker's secret (the same re-keying `link` does; \
        give the same --secret FILE to both), and writes DIR/<dataset>.tokens.csv with its \
        receipt: rekey_row (the record's row in the input), the re-keyed token columns and the \
        attributes. No owner's token is written. Then `pathlink link --emit-sql duckdb|spark --output \
        DIR` writes DIR/link.sql, which does link's work on these files. See docs/scaling.md.
        """
    )

    @Option(name: .long, help: ArgumentHelp("The linkage plan (YAML).", valueName: "PLAN"))
    var plan: String

    @Option(name: .long, help: ArgumentHelp("A pseudonymised input as DATASET=PATH; repeat for each dataset of the plan.", valueName: "DATASET=PATH"))
    var input: [String] = []

    @Option(name: .long, help: ArgumentHelp("The folder to write the re-keyed files into (created if missing).", valueName: "DIR"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("The linker's secret file (64+ hex digits, mode 0600; `pathlink keygen` writes one).", valueName: "FILE"))
    var secret: String

    @Flag(name: .long, help: "Accept a weak or published --secret file (a test key): tests on synthetic data only.")
    var testKey = false

    @Flag(name: .long, help: "Replace re-keyed files and receipts that exist.")
    var force = false

    func run() throws {
        try reportingErrors {
            let inputs = try LinkCommand.parseInputs(input)
            let written = try RekeyedTokens.write(planPath: plan, inputs: inputs, folder: output, secret: try LinkerSecret.load(secret, allowTestKey: testKey), force: force)
            for (dataset, rows) in written {
                print("rekey: \(dataset): \(rows) records -> \(output)/\(RekeyedTokens.fileName(dataset))")
            }
        }
    }
}
