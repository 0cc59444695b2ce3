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
    public func install() {
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
            let path = table + slot * Self.pathLength
            if unlink(path) != 0 {
                // A folder: remove its entries (one level), then the folder.
                if let directory = opendir(path) {
                    while let entry = readdir(directory) {
                        withUnsafeBytes(of: entry.pointee.d_name) { raw in
                            let name = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                            if name[0] == 46 && (name[1] == 0 || (name[1] == 46 && name[2] == 0)) { return }
                            _ = unlinkat(dirfd(directory), name, 0)
                        }
                    }
                    closedir(directory)
                }
                rmdir(path)
            }
        }
    }
}
