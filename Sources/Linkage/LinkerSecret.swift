#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Cryptography
import PathlinkCore

/// The linker's own secret: re-keys every incoming token and orders research ids.
///
/// Drawn fresh (32 bytes from the CSPRNG) for each run and discarded, unless
/// `link --secret FILE` fixes it for a reproducible rerun. The file has the owners'
/// key-file format (governance/token-specification.md 1, "Key file"): an even number, 64 or more, of hex
/// digits, optionally one LF or CRLF, readable by its owner only. It is a different
/// secret from any owner's key and must never be one.
///
/// The bytes live in memory owned by this object alone (never a shared Swift array, which
/// copy-on-write would leave unwiped) and are overwritten when it is released.
package final class LinkerSecret {
    private let storage: UnsafeMutableBufferPointer<UInt8>

    deinit {
        OpenSSLCleanse.cleanse(storage)
        storage.deallocate()
    }

    /// A fresh random secret (the default).
    package static func fresh() throws -> LinkerSecret {
        LinkerSecret(bytes: try SecureRandom.bytes(32))
    }

    /// A secret from bytes (tests).
    package init(bytes: [UInt8]) {
        storage = .allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
    }

    /// Load a secret file.
    /// - Throws: `.key` when the file is missing, readable by group or others, or not in
    ///   the key-file format. The error never shows a byte of the file.
    /// - Parameter allowTestKey: accept a weak or published secret (``KeyStrength``), for
    ///   tests only (`link --test-key`).
    package static func load(_ path: String, allowTestKey: Bool = false) throws -> LinkerSecret {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw refusal(path, "the secret file does not exist or is not a regular file",
                          "create one with `pathlink keygen --output \(path)` (a secret of the linking unit's own, never an owner's key)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw refusal(path, "the secret file may be read or written by group or others (mode \(String(info.st_mode & 0o777, radix: 8)))",
                          "restrict it to its owner: `chmod 600 \(path)`")
        }
        var text = try FilePath.readAll(path, limit: 4096)
        defer { wipe(&text) }
        var end = text.count
        if end >= 2 && text[end - 2] == 0x0D && text[end - 1] == 0x0A { end -= 2 } else if end >= 1 && text[end - 1] == 0x0A { end -= 1 }
        let digits = text[0..<end]
        let remedy = "a secret file holds only 64 or more hexadecimal digits (an even number) and at most one line ending; create one with `pathlink keygen --output FILE`"
        guard digits.count >= 64, digits.count % 2 == 0, var decoded = Hex.decode(digits) else {
            throw refusal(path, "the secret file is not 64 or more hexadecimal digits", remedy)
        }
        defer { wipe(&decoded) }
        if !allowTestKey, let weakness = KeyStrength.weakness(of: decoded) {
            throw refusal(path, weakness.replacingOccurrences(of: "the key", with: "the secret") + "; it may not protect real data",
                          KeyStrength.remedy.replacingOccurrences(of: "KEYFILE", with: "FILE"))
        }
        return LinkerSecret(bytes: decoded)
    }

    /// The fingerprint these bytes would have as an owner key (`HMAC-SHA256(S,
    /// "pathlink/1/fingerprint")`, 16 hex digits), to refuse a secret that is an owner's
    /// key: receipts carry the owners' key fingerprints.
    /// - Throws: `.internal` when an OpenSSL call fails (never a wrong fingerprint).
    package func fingerprintAsOwnerKey() throws -> String {
        var bytes = Array(storage)
        defer { wipe(&bytes) }
        return String(Hex.encode(try HMACKey(key: bytes).authenticate("pathlink/1/fingerprint")).prefix(16))
    }

    private static func refusal(_ path: String, _ problem: String, _ remedy: String) -> PathlinkError {
        PathlinkError(.key, file: path, problem: problem, remedy: remedy)
    }

    /// The keyed HMAC for one purpose: `HMAC(secret, "pathlink/link/" + purpose)` as key.
    /// - Throws: `.internal` when an OpenSSL call fails.
    func derivedKey(_ purpose: String) throws -> HMACKey {
        var bytes = Array(storage)
        defer { wipe(&bytes) }
        let master = try HMACKey(key: bytes)
        var derived = try master.authenticate("pathlink/link/" + purpose)
        defer { wipe(&derived) }
        return try HMACKey(key: derived)
    }
}
