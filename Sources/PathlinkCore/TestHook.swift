#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// The one test hook of a stage that holds a key: `PATHLINK_TEST_PAUSE_AFTER_PRIMING=1`
/// (governance/key-custody.md, "How it is tested").
///
/// With it, `pseudonymise` (alone, or in `run` once per dataset) stops itself with SIGSTOP after writing its
/// first record — the key's domain keys primed, the raw key wiped, the export being read —
/// and `link` after reading and re-keying its inputs (its secret's derived keys primed, the
/// raw secret wiped), so that a test can read the stopped process's memory through `/proc/PID/mem` and look
/// for the key, then let it finish with SIGCONT. While stopped the process is made
/// dumpable (`PR_SET_DUMPABLE` 1; `RLIMIT_CORE` stays 0, so still no core file), because a
/// test running as an ordinary user could not read it otherwise; it is made undumpable
/// again when it continues.
///
/// It is honoured by release builds too, on purpose: the shipped binary is the one whose
/// wipe must be proven (an optimiser could keep a copy a debug build does not). It adds no
/// power: whoever can set a process's environment can already run code in it
/// (`LD_PRELOAD`), and the hook prints nothing but its process id.
package enum TestHook {
    /// The environment variable.
    package static let pauseAfterPrimingVariable = "PATHLINK_TEST_PAUSE_AFTER_PRIMING"

    /// The record after which the stage stops: 1 when the variable is `1`, else -1 (never).
    package static var pauseAfterPrimingRecord: Int {
        guard let value = getenv(pauseAfterPrimingVariable), String(cString: value) == "1" else { return -1 }
        return 1
    }

    /// Say so on stderr, become readable by this user, stop until SIGCONT, then undumpable again.
    package static func pauseAfterPriming(stage: String) {
        StandardError.write("pathlink: \(pauseAfterPrimingVariable): \(stage) stopped after priming (pid \(getpid())); SIGCONT continues it\n")
        _ = pathlink_set_dumpable()
        raise(SIGSTOP)
        _ = pathlink_set_not_dumpable()
    }
}
