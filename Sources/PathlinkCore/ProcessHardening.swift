#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// What every `pathlink` command does first, before it reads a key or a raw export.
package enum ProcessHardening {
    /// No core file, ever: `RLIMIT_CORE` 0 (soft and hard, so no child can raise it) and,
    /// on Linux, `PR_SET_DUMPABLE` 0, which also keeps other processes of the same user
    /// from reading this one's memory through ptrace or /proc/PID/mem. A crash while a
    /// key or raw data is in memory then writes nothing to disk.
    package static func disableCoreDumps() {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        _ = pathlink_set_not_dumpable()
    }

    /// True when core dumps are off (for the test hook `PATHLINK_TEST_REPORT_DUMPABLE`).
    package static var coreDumpsDisabled: Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0 else { return false }
        return limit.rlim_cur == 0 && limit.rlim_max == 0 && pathlink_is_dumpable() == 0
    }

    /// Remove the leftovers of killed runs (`.NAME.partial-PID-N`, see ``AtomicOutput``)
    /// of every path named on the command line, before the command starts: a run killed
    /// with SIGKILL may have left a hidden folder holding personal data, and the next
    /// Pathlink command on that output removes it, whichever command it is.
    package static func removeLeftovers(namedIn arguments: [String]) {
        for argument in arguments where !argument.isEmpty && !argument.hasPrefix("-") {
            var candidates = [argument]
            if let equals = argument.firstIndex(of: "=") { candidates.append(String(argument[argument.index(after: equals)...])) }
            for path in candidates where !path.isEmpty {
                let (parent, name) = FilePath.split(path)
                guard FilePath.isDirectory(parent) else { continue }
                FilePath.removeStalePartials(in: parent, for: name)
            }
        }
    }
}
