#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes temporary outputs when the process is interrupted.
///
/// ``install()`` sets handlers for SIGINT, SIGTERM and SIGHUP that unlink every
/// registered temporary path (files, and folders one level deep, which is how Pathlink
/// builds them) and exit with status 130/143/129. Paths are kept in a fixed table of C
/// strings so that the handler calls only async-signal-safe functions.
public final class InterruptCleanup: @unchecked Sendable {
    public static let shared = InterruptCleanup()

    private static let capacity = 256
    private static let pathLength = 4096
    private let table: UnsafeMutablePointer<CChar>
    private let lock = Mutex()

    private init() {
        table = .allocate(capacity: Self.capacity * Self.pathLength)
        table.initialize(repeating: 0, count: Self.capacity * Self.pathLength)
    }

    /// Install the signal handlers (once, from the executable).
    ///
    /// The signals are also unblocked: a blocked mask is inherited across `exec`, and a
    /// parent that blocks them (a test runner, some supervisors) would otherwise leave
    /// `pathlink` deaf to Ctrl-C and `kill` (found by the interrupt tests, issue 7).
    public func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                InterruptCleanup.shared.removeAllFromSignalHandler()
                _exit(128 + received)
            }
        }
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
        lock.withLock {
            for slot in 0..<Self.capacity where table[slot * Self.pathLength] != 0 {
                if String(cString: table + slot * Self.pathLength) == path {
                    table[slot * Self.pathLength] = 0
                    return
                }
            }
        }
    }

    private func removeAllFromSignalHandler() {
        for slot in 0..<Self.capacity where table[slot * Self.pathLength] != 0 {
            InterruptCleanup.removeTree(in: AT_FDCWD, table + slot * Self.pathLength, depth: 0)
        }
    }

    /// Remove `name` (relative to the folder `parent`, or absolute) and, if it is a folder,
    /// everything under it — `pathlink run` builds a tree of folders (found by the
    /// interrupt tests, issue 7: one level was not enough). Only system calls on
    /// descriptors, no allocation by Swift; symbolic links are removed, never followed.
    private static func removeTree(in parent: Int32, _ name: UnsafePointer<CChar>, depth: Int) {
        if unlinkat(parent, name, 0) == 0 || depth > 64 { return }
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        guard descriptor >= 0 else { return }
        guard let directory = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        while let entry = readdir(directory) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let child = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                if child[0] == 46 && (child[1] == 0 || (child[1] == 46 && child[2] == 0)) { return }
                removeTree(in: descriptor, child, depth: depth + 1)
            }
        }
        closedir(directory)
        _ = unlinkat(parent, name, AT_REMOVEDIR)
    }
}
