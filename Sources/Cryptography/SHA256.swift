#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import PathlinkCore

/// SHA-256 through OpenSSL's EVP interface, for receipts and document hashes.
///
/// A reference type owning its context (a ``DigestContext``, freed in its `deinit`), so a
/// hasher can be passed around and dropped unfinished without a double free or a leak.
/// Every OpenSSL call is checked; a failed one stops the process (a precondition) rather
/// than let a wrong hash into a receipt. SHA-256 cannot fail on any input: only a broken
/// OpenSSL installation makes these calls fail. Not thread-safe.
package final class SHA256 {
    private let context: DigestContext
    private var isFinished = false

    package init() {
        do {
            context = try DigestContext()
        } catch {
            preconditionFailure("\(error)")
        }
        check(EVP_DigestInit_ex(context.pointer, EVP_sha256(), nil), "start SHA-256")
    }

    /// Stop on a failed OpenSSL call (see the type's comment).
    @inline(__always)
    private func check(_ status: Int32, _ step: @autoclosure () -> String) {
        if _slowPath(status != 1) { preconditionFailure(OpenSSLFailure.error(step()).description) }
    }

    package func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!isFinished, "SHA-256 updated after finalize()")
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        check(EVP_DigestUpdate(context.pointer, base, bytes.count), "hash a block")
    }

    package func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finish and return the 32-byte digest. Call once: the hasher cannot be used afterwards.
    package func finalize() -> [UInt8] {
        precondition(!isFinished, "SHA-256 finalized twice")
        isFinished = true
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        check(EVP_DigestFinal_ex(context.pointer, &digest, &length), "finish SHA-256")
        precondition(length == 32, "SHA-256 gave \(length) bytes")
        return digest
    }

    /// The lowercase hex SHA-256 of `bytes`.
    package static func hex(of bytes: [UInt8]) -> String {
        let hasher = SHA256()
        hasher.update(bytes)
        return Hex.encode(hasher.finalize())
    }

    /// The lowercase hex SHA-256 of a file, read in 1 MiB chunks.
    /// - Throws: `.io` when the file cannot be read.
    package static func hex(ofFile path: String) throws -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw PathlinkError.io(path: path, operation: "open") }
        defer { close(descriptor) }
        let hasher = SHA256()
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = read(descriptor, chunk, 1 << 20)
            if count < 0 {
                if errno == EINTR { continue }
                throw PathlinkError.io(path: path, operation: "read")
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: chunk, count: count))
        }
        return Hex.encode(hasher.finalize())
    }
}

/// Lowercase hexadecimal.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Write the lowercase hex of `bytes` to `output` (`2 × bytes.count` bytes).
    @inline(__always)
    package static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        let table: StaticString = "0123456789abcdef"
        table.withUTF8Buffer { digits in
            var position = 0
            for byte in bytes {
                output[position] = digits[Int(byte >> 4)]
                output[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
        }
    }

    /// Decode hex text (either case); nil when it is not an even number of hex digits.
    package static func decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        guard text.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8? = nil
        for character in text {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}

extension SHA256: ByteObserver {
    /// Hash `bytes` at once, on the caller's thread (so the ticket is 0: already read).
    package func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        update(bytes)
        return 0
    }

    package func waitUntilRead(through ticket: UInt64) {}
}
