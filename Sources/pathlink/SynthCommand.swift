#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PathlinkCore
import Synthesis

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate synthetic raw exports (support service, police, CPS) with a ground truth, for tests and demos.",
        discussion: """
        Writes into DIR (created when missing):
          support-service-cases.csv  DPMS-style rape crisis case export (CRLF, BOM)
          police-crimes.csv          police crime-victim export (LF)
          cps-cases.csv              CPS case export (CRLF)
          ground-truth.csv           which person every record truly belongs to
        and a receipt (X.receipt.json) beside each.

        The exports hold FICTITIOUS personal data and free text, messy in the ways
        real exports differ from each other (typos, nicknames, diacritics,
        apostrophes, changed surnames, day/month swaps, missing and unspaced
        postcodes, reference numbers written differently, placeholders). They match
        the shipped manifests in schemas/, so `pathlink extract` runs on them
        unchanged. Distributions follow the MoJ BOLD report on Essex rape crisis data.
        ground-truth.csv is test data for linkage evaluation: never give it to a
        linker or a researcher. See docs/synthetic-data.md.

        The same --persons and --seed always give byte-identical files.
        """)

    @Option(help: ArgumentHelp("How many persons (victim-survivors and supported relatives) to generate.", valueName: "N"))
    var persons: Int
    @Option(help: ArgumentHelp("The random seed (a whole number ≥ 0); the same seed gives the same files.", valueName: "S"))
    var seed: UInt64
    @Option(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "DIR"))
    var output: String
    @Option(help: ArgumentHelp("The population's profile: typical (the default; what the demo and tests use; its journeys carry the MoJ Victims Pathway report's relationships) or hard (more repeat victims, relatives, multi-victim crimes and mess; see docs/synthetic-data.md).", valueName: "PROFILE"))
    var profile = "typical"
    @Flag(help: "Generate every record exactly, without the between-source mess (for debugging a linker).")
    var clean = false
    @Flag(help: "Replace existing synthetic files in DIR.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            guard let chosen = SynthesisProfile.named(profile) else {
                throw PathlinkError(.usage, problem: "--profile \(profile) is not a profile",
                                    remedy: "use one of: \(SynthesisProfile.all.map(\.name).joined(separator: ", "))")
            }
            let summary = try Synthesiser.run(.init(persons: persons, seed: seed, output: output, force: force,
                                                    rates: clean ? .none : chosen.mess, population: chosen.population))
            for file in summary.files { Log.info("synth: \(file.rows) records written to \(file.path)") }
            for line in summary.statistics.lines { Log.info("synth: profile \(chosen.name)\(clean ? " (clean)" : ""): \(line)") }
        }
    }
}
