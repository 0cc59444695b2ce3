#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathlinkCore

/// The processor time the report stage may take (governance/disclosure-control.md,
/// "Time budget"), counted from the stage's start. Processor (CPU) time of the process,
/// not wall clock: a loaded machine slows a run down but does not change its verdict.
///
/// Two things happen against it. The optimiser may use at most ``optimiserShare`` of what
/// is left when it starts (and never more than its own `seconds` limit): when that runs
/// out, the greedy pattern is the fallback, and the audit sidecar names it and says why.
/// Past the whole budget, the next linear program of the audit is not started: the stage
/// is refused (``exceeded``), and nothing is written — a release is never published on an
/// audit that did not finish. Within the budget, the clock changes nothing: the same
/// inputs give the same release whatever the machine's speed, unless the optimiser's share
/// stops it (which the sidecar records).
package struct TimeBudget: Sendable {
    /// The documented default: five minutes of processor time for the whole report stage
    /// (the demo takes about 1.3 s; the demo spec on 30 sparse persons, the hardest shipped
    /// case, about 55 s in a release build).
    package static let defaultSeconds = 300.0
    /// The part of the remaining budget the optimiser may use; the rest is kept for the
    /// greedy fallback and the final audit.
    package static let optimiserShare = 0.5

    package let seconds: Double
    private let start: Double

    /// A budget of `seconds`, counted from now.
    package init(seconds: Double = TimeBudget.defaultSeconds) {
        self.seconds = seconds
        self.start = Self.processorSeconds()
    }

    /// Processor seconds the process has used since the budget started.
    package var elapsed: Double { Self.processorSeconds() - start }

    /// Processor time used by the whole process (every thread), in seconds.
    static func processorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Seconds left (negative once exceeded).
    package var remaining: Double { seconds - elapsed }

    /// The optimiser's time limit: its own limit, or its share of what is left if smaller.
    package func optimiserSeconds(limit: Double) -> Double {
        min(limit, max(0, remaining) * Self.optimiserShare)
    }

    /// Throws ``exceeded`` once the budget is spent.
    package func check() throws {
        if remaining <= 0 { throw exceeded }
    }

    /// The refusal when the stage runs past its budget.
    package var exceeded: PathlinkError {
        PathlinkError(.disclosure,
                      problem: "the report stage ran past its time budget of \(Self.format(seconds)) seconds before the disclosure audit finished; nothing was written",
                      remedy: "merge sparse categories (recodes), drop a dimension or a table, or give a larger budget with --time-budget SECONDS")
    }

    /// Whether an error is the refusal of a spent budget (for callers and tests).
    package static func isExceeded(_ error: any Error) -> Bool {
        guard let error = error as? PathlinkError, error.code == .disclosure else { return false }
        return error.problem.contains("ran past its time budget")
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
