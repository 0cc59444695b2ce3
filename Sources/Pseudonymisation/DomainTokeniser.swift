import Cryptography

/// Tokens of one domain: lowercase hex of the first 16 bytes of `HMAC-SHA256(K_d, v)`.
///
/// The domain key is derived and primed once; each token copies the primed state
/// (see ``HMACKey``). Not thread-safe.
package final class DomainTokeniser {
    package let domain: String
    private let key: HMACKey

    package init(key: MasterKey, project: String, domain: String) {
        self.domain = domain
        self.key = key.domainKey(project: project, domain: domain)
    }

    /// The token of a normalised value; empty for nil or an empty value — never the
    /// HMAC of an empty string.
    /// - Complexity: one HMAC-SHA256 of the value's UTF-8 bytes.
    package func token(_ normalised: String?) -> String {
        guard var value = normalised, !value.isEmpty else { return "" }
        return value.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: 32) { hex in
                key.authenticateHex(UnsafeRawBufferPointer(bytes), into: hex.baseAddress!)
                return 32
            }
        }
    }

    /// The token of a non-empty normalised value given as UTF-8 bytes, as 32 lowercase hex
    /// digits written to `hex`: the same token as ``token(_:)-(String?)`` of that value,
    /// without making a `String`.
    /// - Complexity: one HMAC-SHA256; no allocation.
    @inline(__always)
    package func writeToken(of value: UnsafeRawBufferPointer, into hex: UnsafeMutablePointer<UInt8>) {
        precondition(value.count > 0, "an empty value has no token")
        key.authenticateHex(value, into: hex)
    }

    /// The token of a normalisation outcome (empty unless it is a value).
    package func token(_ normalised: Normalised) -> String {
        token(normalised.text)
    }
}
