#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PathlinkCore

/// Render a `PathlinkError` once, at the edge: to stderr, then exit non-zero.
///
/// Exit status: the one table of ``ExitStatus`` (README "Exit status", every `--help`).
///
/// Before the command runs: the log level is set (`--quiet`, `--log-level`), core dumps
/// are switched off (a key or raw data is in memory in most stages), and leftovers of
/// killed runs of any path on the command line are removed (``ProcessHardening``).
func reportingErrors(_ logging: LoggingOptions? = nil, _ body: () throws -> Void) throws {
    logging?.apply()
    ProcessHardening.disableCoreDumps()
    InterruptCleanup.shared.install()
    ProcessHardening.removeLeftovers(namedIn: Array(CommandLine.arguments.dropFirst()))
    do {
        try body()
    } catch let error as PathlinkError {
        StandardError.write("pathlink: error: \(error.description)\n")
        throw ExitCode(ExitStatus(for: error.code).rawValue)
    }
}
