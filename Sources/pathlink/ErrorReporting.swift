#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PathlinkCore

/// Render a `PathlinkError` once, at the edge: to stderr, then exit non-zero.
///
/// Exit status: 1 for errors in inputs or documents, 2 for usage, 3 for a refused
/// release (disclosure), 4 for provenance failures.
///
/// Before the command runs: core dumps are switched off (a key or raw data is in memory
/// in most stages), and leftovers of killed runs of any path on the command line are
/// removed (``ProcessHardening``).
func reportingErrors(_ body: () throws -> Void) throws {
    ProcessHardening.disableCoreDumps()
    InterruptCleanup.shared.install()
    ProcessHardening.removeLeftovers(namedIn: Array(CommandLine.arguments.dropFirst()))
    do {
        try body()
    } catch let error as PathlinkError {
        StandardError.write("pathlink: error: \(error.description)\n")
        switch error.code {
        case .usage: throw ExitCode(2)
        case .disclosure: throw ExitCode(3)
        case .provenance: throw ExitCode(4)
        default: throw ExitCode(1)
        }
    }
}
