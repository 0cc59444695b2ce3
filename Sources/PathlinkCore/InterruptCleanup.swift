#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes temporary outputs when the process is interrupted.
///
/// ``install()`` blocks SIGINT, SIGTERM and SIGHUP in every thread and starts one thread
/// that waits for them with `sigwait`; when one comes, that thread removes every
/// registered temporary path (files, and folders with everything under them) and exits
/// with status 130/143/129. Because the removal runs on an ordinary thread, not in a
/// signal handler, it may allocate and take locks: a handler that called `opendir` while
/// the interrupted thread held the `malloc` lock deadlocked the process (found by the
/// interrupt tests, issue 7: `pathlink link` hung on SIGINT).
package final class InterruptCleanup: @unchecked Sendable {
    package static let shared = InterruptCleanup()

    private static let capacity = 256
    private static let pathLength = 4096
    private let table: UnsafeMutablePointer<CChar>
    private let lock = Mutex()

    private init() {
        table = .allocate(capacity: Self.capacity * Self.pathLength)
        table.initialize(repeating: 0, count: Self.capacity * Self.pathLength)
    }

    private static var handledSignals: sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signalNumber) }
        return signals
    }

    nonisolated(unsafe) private static var isInstalled = false

    /// Start handling interrupts (once, from the executable, before any other thread).
    ///
    /// Threads started later inherit the blocked mask, so the signals reach only the
    /// waiting thread — whatever mask the parent process left (a blocked mask is
    /// inherited across `exec`; the waiting thread takes the signals either way).
    package func install() {
        guard !Self.isInstalled else { return }
        Self.isInstalled = true
        var signals = Self.handledSignals
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var signals = InterruptCleanup.handledSignals
            var received: Int32 = 0
            while sigwait(&signals, &received) != 0 {}
            InterruptCleanup.shared.removeAll()
            _exit(128 + received)
        }, nil)
    }

    func register(_ path: String) {
        lock.withLock {
            for slot in 0..<Self.capacity where table[slot * Self.pathLength] == 0 {
                let bytes = Array(path.utf8.prefix(Self.pathLength - 1))
                for (offset, byte) in bytes.enumerated() { table[slot * Self.pathLength + offset] = CChar(bitPattern: byte) }
                table[slot * Self.pathLength + bytes.count] = 0
                return
            }
        }
    }

    func unregister(_ path: String) {
        lock.withLock { forget(path) }
    }

    /// Run `body` — the rename that puts `path` in its final place — so that an interrupt
    /// cannot remove `path` half-way through it (a half-removed folder renamed into place
    /// would be a partial output), then forget `path`.
    func committing<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        try lock.withLock {
            let result = try body()
            forget(path)
            return result
        }
    }

    private func forget(_ path: String) {
        for slot in 0..<Self.capacity where table[slot * Self.pathLength] != 0 {
            if String(cString: table + slot * Self.pathLength) == path {
                table[slot * Self.pathLength] = 0
                return
            }
        }
    }

    /// Remove every registered path. Writers may still be adding files to a folder being
    /// removed (until `_exit`), so a folder is retried until it is gone.
    /// The lock is kept: the process exits right after, and no commit may start meanwhile.
    private func removeAll() {
        lock.lock()
        let paths: [String] = (0..<Self.capacity).compactMap { slot in
            table[slot * Self.pathLength] == 0 ? nil : String(cString: table + slot * Self.pathLength)
        }
        for path in paths {
            for _ in 0..<100 {
                FilePath.removeTree(path)
                if access(path, F_OK) != 0 { break }
            }
        }
    }
}
