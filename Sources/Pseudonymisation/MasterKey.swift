import Cryptography
import PathlinkCore

/// The owners' shared master key `K`, held in memory only as long as it is needed.
///
/// Everything derived from it — domain keys, the fingerprint — is computed here; the key
/// bytes never leave this type, never appear in a description, and are wiped
/// (`OPENSSL_cleanse`) when it is released. See `governance/token-specification.md`.
package final class MasterKey: CustomStringConvertible {
    /// The minimum key length in bytes (governance/token-specification.md 1: at least 32 random bytes).
    package static let minimumByteCount = 32

    private var bytes: [UInt8]

    /// Wrap key bytes (taken over: the caller should not keep a copy).
    /// - Throws: `.key` when shorter than ``minimumByteCount``.
    package init(bytes: [UInt8]) throws {
        guard bytes.count >= MasterKey.minimumByteCount else {
            var discarded = bytes
            wipe(&discarded)
            throw PathlinkError(.key, problem: "the key is shorter than \(MasterKey.minimumByteCount) bytes",
                                remedy: "generate a proper key with `pathlink keygen --output KEYFILE`")
        }
        self.bytes = bytes
    }

    deinit { wipe(&bytes) }

    /// A new random key of 32 bytes from OpenSSL's CSPRNG.
    package static func generate() throws -> MasterKey {
        try MasterKey(bytes: SecureRandom.bytes(minimumByteCount))
    }

    /// The key fingerprint: first 16 hex digits of `HMAC-SHA256(K, "pathlink/1/fingerprint")`.
    /// Safe to print and to record in receipts.
    /// (A failed OpenSSL call stops the process here: it is never a wrong fingerprint.)
    package var fingerprint: String {
        do {
            return String(Hex.encode(try HMACKey(key: bytes).authenticate("pathlink/1/fingerprint")).prefix(16))
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The domain key `K_d = HMAC-SHA256(K, "pathlink/1/" + project + "/" + domain)`,
    /// primed for per-value use. The raw `K_d` bytes are wiped before returning.
    /// - Parameter failurePoint: for tests only: where the domain key's OpenSSL calls fail.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func domainKey(project: String, domain: String, failurePoint: FailurePoint? = nil) throws -> HMACKey {
        var derived = try domainKeyBytes(project: project, domain: domain)
        defer { wipe(&derived) }
        return try HMACKey(key: derived, failurePoint: failurePoint)
    }

    /// The raw bytes of `K_d`, for publishing test vectors only (never for output files).
    func domainKeyBytes(project: String, domain: String) throws -> [UInt8] {
        try HMACKey(key: bytes).authenticate("pathlink/1/\(project)/\(domain)")
    }

    /// The key file text (`hex` + LF); the caller must wipe it after writing.
    func fileText() -> [UInt8] {
        var text = [UInt8](repeating: 0x0A, count: bytes.count * 2 + 1)
        text.withUnsafeMutableBufferPointer { output in
            bytes.withUnsafeBufferPointer { Hex.encode($0, into: output.baseAddress!) }
        }
        return text
    }

    /// Never the key: only its fingerprint.
    package var description: String { "MasterKey(fingerprint: \(fingerprint))" }
}
