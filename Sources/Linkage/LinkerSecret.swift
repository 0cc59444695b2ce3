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
/// copy-on-write would leave unwiped) and are overwritten when it is released — or, for a
/// secret read from a file or drawn fresh, as soon as its derived keys are primed
/// (``primeAndWipe()``; governance/key-custody.md, "In memory").
package final class LinkerSecret {
    private var storage: UnsafeMutableBufferPointer<UInt8>
    /// The derived keys primed before the raw secret was wiped, by purpose.
    private var primed: [String: HMACKey] = [:]
    /// ``fingerprintAsOwnerKey()``, computed before the raw secret was wiped.
    private var ownerKeyFingerprint: String?

    /// The purposes the linking stage derives keys for (``derivedKey(_:)``).
    static let purposes = ["rekey", "research-ids"]

    deinit {
        OpenSSLCleanse.cleanse(storage)
        storage.deallocate()
    }

    /// A fresh random secret (the default), primed and with its raw bytes wiped.
    package static func fresh() throws -> LinkerSecret {
        var bytes = try SecureRandom.bytes(32)
        defer { wipe(&bytes) }
        let secret = LinkerSecret(bytes: bytes)
        try secret.primeAndWipe()
        return secret
    }

    /// Derive and prime the keys of every purpose and the owner-key fingerprint, then wipe
    /// the raw secret: from then on only those remain in memory.
    /// - Throws: `.internal` when an OpenSSL call fails (the raw secret is wiped all the same).
    package func primeAndWipe() throws {
        guard !storage.isEmpty else { return }
        defer {
            OpenSSLCleanse.cleanse(storage)
            storage.deallocate()
            storage = UnsafeMutableBufferPointer(start: nil, count: 0)
        }
        ownerKeyFingerprint = try fingerprintAsOwnerKey()
        for purpose in Self.purposes { primed[purpose] = try derivedKey(purpose) }
    }

    /// Whether the raw secret has been wiped.
    package var isWiped: Bool { storage.isEmpty }

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
        var text = try SecretFile.contents(of: path, noun: "secret file")
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
        let secret = LinkerSecret(bytes: decoded)
        try secret.primeAndWipe()
        return secret
    }

    /// The fingerprint these bytes would have as an owner key (`HMAC-SHA256(S,
    /// "pathlink/1/fingerprint")`, 16 hex digits), to refuse a secret that is an owner's
    /// key: receipts carry the owners' key fingerprints.
    /// - Throws: `.internal` when an OpenSSL call fails (never a wrong fingerprint).
    package func fingerprintAsOwnerKey() throws -> String {
        if let ownerKeyFingerprint { return ownerKeyFingerprint }
        return String(Hex.encode(try HMACKey(bytes: try whole()).authenticate("pathlink/1/fingerprint")).prefix(16))
    }

    /// The raw secret, while it is whole.
    private func whole() throws -> UnsafeBufferPointer<UInt8> {
        guard !storage.isEmpty else {
            throw PathlinkError(.internal, problem: "the linker secret was wiped after priming, and a key that was not primed is needed",
                                remedy: "this is a bug in Pathlink: report it with the command you ran")
        }
        return UnsafeBufferPointer(storage)
    }

    private static func refusal(_ path: String, _ problem: String, _ remedy: String) -> PathlinkError {
        PathlinkError(.key, file: path, problem: problem, remedy: remedy)
    }

    /// The keyed HMAC for one purpose: `HMAC(secret, "pathlink/link/" + purpose)` as key.
    /// - Throws: `.internal` when an OpenSSL call fails.
    func derivedKey(_ purpose: String) throws -> HMACKey {
        if let key = primed[purpose] { return try key.makeCopy() }
        let master = try HMACKey(bytes: try whole())
        var derived = try master.authenticate("pathlink/link/" + purpose)
        defer { wipe(&derived) }
        return try HMACKey(key: derived)
    }
}
