import Cryptography

/// Tokens of one domain: lowercase hex of the first 16 bytes of `HMAC-SHA256(K_d, v)`.
///
/// The domain key is derived and primed once; each token copies the primed state
/// (see ``HMACKey``). Not thread-safe: each thread tokenises with its own ``makeCopy()``.
package final class DomainTokeniser {
    package let domain: String
    private let key: HMACKey

    /// - Parameter failurePoint: for tests only: where OpenSSL is made to fail.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package init(key: MasterKey, project: String, domain: String, failurePoint: FailurePoint? = nil) throws {
        self.domain = domain
        self.key = try key.domainKey(project: project, domain: domain, failurePoint: failurePoint)
    }

    private init(domain: String, key: HMACKey) {
        self.domain = domain
        self.key = key
    }

    /// A tokeniser of the same domain for another thread: copies of the primed HMAC
    /// contexts (``HMACKey/makeCopy()``), never the master or domain key bytes
    /// (governance/key-custody.md).
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func makeCopy() throws -> DomainTokeniser {
        DomainTokeniser(domain: domain, key: try key.makeCopy())
    }

    /// The token of a normalised value; empty for nil or an empty value — never the
    /// HMAC of an empty string.
    /// - Throws: `.internal` when an OpenSSL call fails.
    /// - Complexity: one HMAC-SHA256 of the value's UTF-8 bytes.
    package func token(_ normalised: String?) throws -> String {
        guard var value = normalised, !value.isEmpty else { return "" }
        return try value.withUTF8 { bytes in
            try String(unsafeUninitializedCapacity: 32) { hex in
                try key.authenticateHex(UnsafeRawBufferPointer(bytes), into: hex.baseAddress!)
                return 32
            }
        }
    }

    /// The token of a non-empty normalised value given as UTF-8 bytes, as 32 lowercase hex
    /// digits written to `hex`: the same token as ``token(_:)-(String?)`` of that value,
    /// without making a `String`.
    /// - Throws: `.internal` when an OpenSSL call fails; then nothing is written to `hex`.
    /// - Complexity: one HMAC-SHA256; no allocation.
    @inline(__always)
    package func writeToken(of value: UnsafeRawBufferPointer, into hex: UnsafeMutablePointer<UInt8>) throws {
        precondition(value.count > 0, "an empty value has no token")
        try key.authenticateHex(value, into: hex)
    }

    /// The token of a normalisation outcome (empty unless it is a value).
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func token(_ normalised: Normalised) throws -> String {
        try token(normalised.text)
    }
}
