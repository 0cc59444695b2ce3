#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Removes temporary outputs when the process is interrupted.
///
/// ``install()`` blocks SIGINT, SIGTERM and SIGHUP in every thread and starts one thread
/// that waits for them with `sigwait`; when one comes, that thread removes every
/// registered temporary path (files, and folders with everything under them) and exits
/// with status 130/143/129. Because the removal runs on an ordinary thread, not in a
/// signal handler, it may allocate and take locks: a handler that called `opendir` while
/// the interrupted thread held the `malloc` lock deadlocked the process (found by the
/// interrupt tests, issue 7: `pathlink link` hung on SIGINT).
package final class InterruptCleanup: Sendable {
    package static let shared = InterruptCleanup()

    /// The temporary paths to remove on an interrupt.
    private let paths = Mutex<[String]>([])
    private static let isInstalled = Atomic<Bool>(false)

    private init() {}

    private static var handledSignals: sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signalNumber) }
        return signals
    }

    /// Start handling interrupts (once, from the executable, before any other thread).
    ///
    /// Threads started later inherit the blocked mask, so the signals reach only the
    /// waiting thread — whatever mask the parent process left (a blocked mask is
    /// inherited across `exec`; the waiting thread takes the signals either way).
    package func install() {
        guard Self.isInstalled.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
        else { return }
        var signals = Self.handledSignals
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var signals = InterruptCleanup.handledSignals
            var received: Int32 = 0
            while sigwait(&signals, &received) != 0 {}
            InterruptCleanup.shared.removeAllAndExit(status: 128 + received)
        }, nil)
    }

    func register(_ path: String) {
        paths.withLock { $0.append(path) }
    }

    /// Run `body` — the creation of a registered temporary path — under the lock that the
    /// interrupt's removal holds until the exit: the removal then either comes first (and
    /// the creation never happens: the process exits while it waits) or finds what
    /// `body` created. Without it, a path created between the removal's check and the
    /// exit was left behind (found by the interrupt tests: `link`, SIGTERM after 0.03 s).
    func creating<Result: Sendable>(_ body: () -> Result) -> Result {
        paths.withLock { _ in body() }
    }

    func unregister(_ path: String) {
        paths.withLock { Self.forget(path, in: &$0) }
    }

    /// Run `body` — the rename that puts `path` in its final place — so that an interrupt
    /// cannot remove `path` half-way through it (a half-removed folder renamed into place
    /// would be a partial output), then forget `path`.
    func committing(_ path: String, _ body: () throws -> String?) throws -> String? {
        try paths.withLock { paths in
            let result = try body()
            Self.forget(path, in: &paths)
            return result
        }
    }

    private static func forget(_ path: String, in paths: inout [String]) {
        if let index = paths.lastIndex(of: path) { paths.remove(at: index) }
    }

    /// Remove every registered path, then exit. Writers may still be adding files to a
    /// folder being removed (until `_exit`), so a folder is retried until it is gone.
    /// The lock is kept until the exit: no commit may start meanwhile.
    private func removeAllAndExit(status: Int32) -> Never {
        paths.withLock { paths -> Never in
            for path in paths {
                for _ in 0..<100 {
                    FilePath.removeTree(path)
                    if access(path, F_OK) != 0 { break }
                }
            }
            _exit(status)
        }
    }
}
