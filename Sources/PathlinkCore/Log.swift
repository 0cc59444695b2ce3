import Synchronization

/// How much a command says besides its errors (`--log-level`, `--quiet`).
package enum LogLevel: Int, CaseIterable, Comparable, Sendable {
    /// Errors only (`--quiet`): no summary, no warning, no progress.
    case error = 0
    /// Errors and warnings.
    case warning
    /// Errors, warnings, the one-line summary of each stage and progress (the default).
    case info
    /// All of the above, plus how long each stage took (`run`).
    case debug

    package static func < (left: LogLevel, right: LogLevel) -> Bool { left.rawValue < right.rawValue }

    package var name: String {
        switch self {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "info"
        case .debug: return "debug"
        }
    }

    package init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }
}

/// The process's log level and the only way commands print anything but errors and their
/// requested output (a review sheet, SQL, JSON). Messages are the commands' own fixed
/// sentences with counts, paths and column names; like every `PathlinkError`, they never
/// carry a data value or key material (docs/hardening.md "leak tests" run with the default
/// level, which prints the most).
package enum Log {
    private static let current = Atomic<Int>(LogLevel.info.rawValue)

    package static var level: LogLevel {
        get { LogLevel(rawValue: current.load(ordering: .relaxed)) ?? .info }
        set { current.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// A stage's summary line, on stdout, at `info` and above.
    package static func info(_ message: String) {
        if level >= .info { print(message) }
    }

    /// A warning, on stderr (`pathlink: warning: …`), at `warning` and above.
    package static func warning(_ message: String) {
        if level >= .warning { StandardError.write("pathlink: warning: \(message)\n") }
    }

    /// Detail, on stderr, at `debug` only.
    package static func debug(_ message: String) {
        if level >= .debug { StandardError.write(message + "\n") }
    }
}
