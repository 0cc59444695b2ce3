#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import PathlinkCore

/// SHA-256 through OpenSSL's EVP interface, for receipts and document hashes.
package struct SHA256 {
    private let context: OpaquePointer

    package init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not initialise SHA-256")
        }
        self.context = context
    }

    package func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    package func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finish and return the 32-byte digest. The hasher cannot be used afterwards.
    package func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        EVP_MD_CTX_free(context)
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
