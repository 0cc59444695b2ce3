import Cryptography
import PathlinkCore

/// The owners' shared master key `K`, held in memory only as long as it is needed.
///
/// Everything derived from it — domain keys, the fingerprint — is computed here; the key
/// bytes never leave this type, never appear in a description, and are wiped
/// (`OPENSSL_cleanse`) when it is released. See `governance/token-specification.md`.
///
/// A stage that tokenises calls ``primeAndWipe(project:domains:)`` before it reads any
/// data: the domain keys it needs are derived and primed, and the raw key bytes are wiped
/// at once (governance/key-custody.md, "In memory"). From then on the key answers only
/// ``domainKey(project:domain:failurePoint:)`` for those domains, and its fingerprint.
///
/// The bytes live in memory owned by this object alone (never a Swift array, which
/// copy-on-write could copy and leave unwiped).
package final class MasterKey: CustomStringConvertible {
    /// The minimum key length in bytes (governance/token-specification.md 1: at least 32 random bytes).
    package static let minimumByteCount = 32

    /// The raw key; its bytes are zeroed and it is emptied by ``primeAndWipe(project:domains:)``.
    private var storage: UnsafeMutableBufferPointer<UInt8>
    /// The domain keys primed before the raw key was wiped, by `project/domain`.
    private var primed: [String: HMACKey] = [:]
    /// The key fingerprint (safe to print and record): computed once, while the key is whole.
    package let fingerprint: String

    /// Copy key bytes into memory this key owns (the caller wipes its own array).
    /// - Throws: `.key` when shorter than ``minimumByteCount``; `.internal` when an
    ///   OpenSSL call fails.
    package init(bytes: [UInt8]) throws {
        guard bytes.count >= MasterKey.minimumByteCount else {
            throw PathlinkError(.key, problem: "the key is shorter than \(MasterKey.minimumByteCount) bytes",
                                remedy: "generate a proper key with `pathlink keygen --output KEYFILE`")
        }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        do {
            fingerprint = String(Hex.encode(try HMACKey(bytes: UnsafeBufferPointer(storage)).authenticate("pathlink/1/fingerprint")).prefix(16))
        } catch {
            OpenSSLCleanse.cleanse(storage)
            storage.deallocate()
            throw error
        }
        self.storage = storage
    }

    deinit {
        OpenSSLCleanse.cleanse(storage)
        storage.deallocate()
    }

    /// A new random key of 32 bytes from OpenSSL's CSPRNG.
    package static func generate() throws -> MasterKey {
        var bytes = try SecureRandom.bytes(minimumByteCount)
        defer { wipe(&bytes) }
        return try MasterKey(bytes: bytes)
    }

    /// Whether the raw key bytes have been wiped.
    package var isWiped: Bool { storage.isEmpty }

    /// Derive and prime the domain keys of `domains` in `project`, then wipe the raw key:
    /// what stays in memory is one primed HMAC-SHA256 state pair per domain key (enough
    /// to make tokens of that domain, not to recover `K` or derive any other domain).
    /// - Throws: `.internal` when an OpenSSL call fails (the raw key is wiped all the same).
    package func primeAndWipe(project: String, domains: some Sequence<String>) throws {
        defer { wipeRawBytes() }
        try prime(project: project, domains: domains)
    }

    /// Derive and prime the domain keys of `domains` in `project` and keep them, without
    /// wiping the raw key (`run` with a generated key, which writes the key file last).
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func prime(project: String, domains: some Sequence<String>) throws {
        for domain in domains where primed["\(project)/\(domain)"] == nil {
            primed["\(project)/\(domain)"] = try domainKey(project: project, domain: domain)
        }
    }

    /// Zero and release the raw key bytes now (``primeAndWipe(project:domains:)`` does this
    /// after priming).
    package func wipeRawBytes() {
        guard !storage.isEmpty else { return }
        OpenSSLCleanse.cleanse(storage)
        storage.deallocate()
        storage = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    /// The domain key `K_d = HMAC-SHA256(K, "pathlink/1/" + project + "/" + domain)`,
    /// primed for per-value use. The raw `K_d` bytes are wiped before returning. After the
    /// raw key is wiped, a copy of the domain key primed before.
    /// - Parameter failurePoint: for tests only: where the domain key's OpenSSL calls fail.
    /// - Throws: `.internal` when an OpenSSL call fails, or when the raw key was wiped
    ///   and this domain was not primed before.
    package func domainKey(project: String, domain: String, failurePoint: FailurePoint? = nil) throws -> HMACKey {
        if let key = primed["\(project)/\(domain)"] {
            return failurePoint == nil ? try key.makeCopy() : try key.makeCopy(failurePoint: failurePoint)
        }
        var derived = try domainKeyBytes(project: project, domain: domain)
        defer { wipe(&derived) }
        return try HMACKey(key: derived, failurePoint: failurePoint)
    }

    /// The raw bytes of `K_d`, for publishing test vectors only (never for output files).
    func domainKeyBytes(project: String, domain: String) throws -> [UInt8] {
        try HMACKey(bytes: try whole()).authenticate("pathlink/1/\(project)/\(domain)")
    }

    /// The key file text (`hex` + LF); the caller must wipe it after writing.
    /// - Throws: `.internal` when the raw key was wiped.
    func fileText() throws -> [UInt8] {
        let bytes = try whole()
        var text = [UInt8](repeating: 0x0A, count: bytes.count * 2 + 1)
        text.withUnsafeMutableBufferPointer { output in Hex.encode(bytes, into: output.baseAddress!) }
        return text
    }

    /// The raw key, while it is whole.
    private func whole() throws -> UnsafeBufferPointer<UInt8> {
        guard !storage.isEmpty else {
            throw PathlinkError(.internal, problem: "the raw key was wiped after its domain keys were primed, and a domain key that was not primed is needed",
                                remedy: "this is a bug in Pathlink: report it with the command you ran")
        }
        return UnsafeBufferPointer(storage)
    }

    /// Never the key: only its fingerprint.
    package var description: String { "MasterKey(fingerprint: \(fingerprint))" }
}
