#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PathlinkCore

/// Render a `PathlinkError` once, at the edge: to stderr, then exit non-zero.
///
/// Exit status: the one table of ``ExitStatus`` (README "Exit status", every `--help`).
func reportingErrors(_ logging: LoggingOptions? = nil, _ body: () throws -> Void) throws {
    logging?.apply()
    InterruptCleanup.shared.install()
    do {
        try body()
    } catch let error as PathlinkError {
        StandardError.write("pathlink: error: \(error.description)\n")
        throw ExitCode(ExitStatus(for: error.code).rawValue)
    }
}
