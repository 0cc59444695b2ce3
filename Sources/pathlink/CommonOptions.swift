import ArgumentParser
import Foundation
import PathlinkCore

/// `--quiet` and `--log-level`, on every command (README "The commands").
struct LoggingOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Print errors only: no summary, warning or progress (the same as --log-level error).")
    var quiet = false
    @Option(name: .long, help: ArgumentHelp("error, warning, info (the default) or debug.", valueName: "LEVEL"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, LogLevel(name: logLevel) == nil {
            throw ValidationError("--log-level must be error, warning, info or debug")
        }
        if quiet, let logLevel, logLevel != "error" {
            throw ValidationError("--quiet is --log-level error; give one or the other")
        }
    }

    /// Set the process's level before the command does anything.
    func apply() {
        Log.level = quiet ? .error : logLevel.flatMap(LogLevel.init(name:)) ?? .info
    }
}

/// `--format text|json` for the commands whose summary a script may want to read.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// A JSON object on one line of stdout, keys sorted (printed whatever the log level: it is
/// the output asked for).
func printJSON(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
    print(String(decoding: data, as: UTF8.self))
}
