#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Cryptography
import PathlinkCore

/// The key file: the master key as hexadecimal text, readable by its owner only.
///
/// Format (governance/token-specification.md 1, "Key file"): an even number, 64 or more, of hex digits,
/// optionally followed by one LF or one CRLF, and nothing else. Every refusal names the
/// file and says how to fix it; none ever shows a byte of the file.
package enum KeyFile {
    /// Load the master key from `path`.
    /// - Parameter allowTestKey: accept a weak or published key (``KeyStrength``): for
    ///   tests and demonstrations on synthetic data only (`--test-key`).
    /// - Throws: `.key` when the file is missing, not a regular file, readable by group
    ///   or others, unreadable, not in the key-file format, or a weak or published key.
    package static func load(_ path: String, allowTestKey: Bool = false) throws -> MasterKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT {
                throw PathlinkError(.key, file: path, problem: "the key file does not exist",
                                    remedy: "check the path, or create a key with `pathlink keygen --output \(path)` (every owner of one project must use the same key)")
            }
            throw refusal(path, "the key file cannot be read (\(String(cString: strerror(errno))))",
                          "check the path and that you may read the file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw refusal(path, "the key path is not a regular file", "give the path of the key file written by `pathlink keygen`")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw refusal(path, "the key file may be read or written by group or others (mode \(String(info.st_mode & 0o777, radix: 8)))",
                          "restrict it to its owner: `chmod 600 \(path)`; if others could read it, treat the key as exposed and agree a new one")
        }
        var text = try SecretFile.contents(of: path, noun: "key file")
        defer { wipe(&text) }
        return try parse(text, path: path, allowTestKey: allowTestKey)
    }

    /// Parse key-file text (see the type's documentation).
    static func parse(_ text: [UInt8], path: String, allowTestKey: Bool = false) throws -> MasterKey {
        var end = text.count
        if end >= 2 && text[end - 2] == 0x0D && text[end - 1] == 0x0A {
            end -= 2
        } else if end >= 1 && text[end - 1] == 0x0A {
            end -= 1
        }
        let digits = text[0..<end]
        let formatRemedy = "a key file holds only 64 or more hexadecimal digits (an even number) and at most one line ending; create one with `pathlink keygen --output KEYFILE`"
        for byte in digits {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                continue
            case 0x0A, 0x0D, 0x20, 0x09:
                throw refusal(path, "the key file has extra white space or line breaks", formatRemedy)
            default:
                throw refusal(path, "the key file holds characters that are not hexadecimal digits", formatRemedy)
            }
        }
        guard digits.count % 2 == 0 else {
            throw refusal(path, "the key file holds an odd number of hexadecimal digits", formatRemedy)
        }
        guard digits.count >= MasterKey.minimumByteCount * 2 else {
            throw refusal(path, "the key is shorter than \(MasterKey.minimumByteCount) bytes (\(digits.count) hexadecimal digits; at least 64 are needed)",
                          "generate a proper key with `pathlink keygen --output KEYFILE`")
        }
        guard var bytes = Hex.decode(digits) else {
            throw refusal(path, "the key file is not hexadecimal text", formatRemedy)
        }
        defer { wipe(&bytes) }
        if !allowTestKey, let weakness = KeyStrength.weakness(of: bytes) {
            throw refusal(path, weakness + "; it may not protect real data", KeyStrength.remedy)
        }
        return try MasterKey(bytes: bytes)
    }

    /// Write `key` to a new key file at `path`, owner-only from the first byte.
    ///
    /// The temporary file is created with `O_CREAT | O_EXCL` and mode 0600 (never
    /// world-readable, even briefly), filled, synced and renamed over `path`.
    /// - Returns: the SHA-256 of the file's content (for its receipt), computed in memory
    ///   so the key text is never read back through an unwiped buffer.
    /// - Throws: `.outputExists` when `path` exists and `force` is false; `.io`.
    @discardableResult
    package static func save(_ key: MasterKey, to path: String, force: Bool) throws -> String {
        let output = try AtomicOutput(path: path, force: force)
        let descriptor = open(output.temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw PathlinkError.io(path: path, operation: "create") }
        // The umask can only remove bits; make sure of exactly 0600 anyway.
        guard fchmod(descriptor, 0o600) == 0 else {
            close(descriptor)
            throw PathlinkError.io(path: path, operation: "set owner-only permissions on")
        }
        var text = try key.fileText()
        defer { wipe(&text) }
        var written = 0
        while written < text.count {
            let count = text.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                close(descriptor)
                throw PathlinkError.io(path: path, operation: "write")
            }
            written += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else { throw PathlinkError.io(path: path, operation: "write") }
        try output.commit()
        return SHA256.hex(of: text)
    }

    private static func refusal(_ path: String, _ problem: String, _ remedy: String) -> PathlinkError {
        PathlinkError(.key, file: path, problem: problem, remedy: remedy)
    }
}
