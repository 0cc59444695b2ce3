import ArgumentParser
import PathlinkCore
import Pseudonymisation

/// Hidden: run by Benchmarks/tokens/run. Times HMAC-SHA256 of short identifiers.
struct TokenBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark-tokens",
        abstract: "Time token derivation methods on one core (for Benchmarks/tokens/run).",
        shouldDisplay: false)

    @Option(help: "Distinct values per pass.")
    var values = 1_000_000
    @Option(help: "Passes per method (the best is reported).")
    var passes = 3

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            for line in TokenBenchmark.run(valueCount: values, passes: passes) { print(line) }
        }
    }
}
