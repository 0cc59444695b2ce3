#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathlinkCore

/// Reads a small secret file (an owner key, a linker secret) leaving no copy behind: one
/// buffer, read into with `read(2)`, copied once to an exact-size array for the caller to
/// wipe, then wiped itself. (A general file reader grows arrays and frees chunk buffers
/// with the text still in them.)
package enum SecretFile {
    /// The bytes of the file at `path` (at most `limit`); the caller wipes them (``wipe(_:)``).
    /// - Parameter noun: what the file is, for errors ("key file", "secret file").
    /// - Throws: `.key` when the file cannot be read or is larger than `limit`; never shows a byte.
    package static func contents(of path: String, noun: String, limit: Int = 4096) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PathlinkError(.key, file: path, problem: "the \(noun) cannot be read (\(String(cString: strerror(errno))))",
                                remedy: "make it readable by the user running Pathlink, and by no one else (`chmod 600 \(path)`)")
        }
        defer { close(descriptor) }
        var text = [UInt8](repeating: 0, count: limit + 1)
        defer { wipe(&text) }
        var used = 0
        while used <= limit {
            let count = text.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + used, $0.count - used) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PathlinkError(.key, file: path, problem: "the \(noun) cannot be read (\(String(cString: strerror(errno))))",
                                    remedy: "check the file and its permissions")
            }
            if count == 0 { break }
            used += count
        }
        guard used <= limit else {
            throw PathlinkError(.key, file: path, problem: "the \(noun) is too large to be a \(noun)",
                                remedy: "give the \(noun) written by `pathlink keygen`")
        }
        var exact = [UInt8](repeating: 0, count: used)
        exact.withUnsafeMutableBufferPointer { output in
            text.withUnsafeBufferPointer { input in _ = output.initialize(from: UnsafeBufferPointer(rebasing: input[0..<used])) }
        }
        return exact
    }
}
