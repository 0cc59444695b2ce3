import Cryptography

/// Re-keys incoming tokens with the linker's own secret (docs/link.md "Re-keying and
/// the linker's secret"; governance/key-custody.md).
///
/// Every owner of a project holds the same master key, so an owner who obtained the
/// linker's working data could test tokens of people it knows. Re-keying every token with
/// `HMAC-SHA256(K_link, token bytes)` (first 16 bytes) before it is stored makes the
/// linker's tokens useless to owners. Not thread-safe: one per thread (``makeCopy()``).
final class Rekeyer {
    private let key: HMACKey
    private let output = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)

    init(key: HMACKey) { self.key = key }
    deinit {
        output.initialize(repeating: 0, count: 32)
        output.deallocate()
    }

    /// - Throws: `.internal` when OpenSSL cannot copy the primed contexts.
    func makeCopy() throws -> Rekeyer { Rekeyer(key: try key.makeCopy()) }

    /// HMAC-SHA256 of `message` into ``output``. A failed OpenSSL call stops the process:
    /// it is never a wrong token (the record loops that call this do not throw).
    @inline(__always)
    private func authenticate(_ message: UnsafeRawBufferPointer) {
        do {
            try key.authenticate(message, into: output)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The re-keyed token; missing stays missing.
    /// - Complexity: one HMAC-SHA256 (~0.2 µs), no allocation.
    @inline(__always)
    func rekey(_ token: Token) -> Token {
        if token.isMissing { return .missing }
        token.withBytes { authenticate($0) }
        let raw = UnsafeRawPointer(output)
        let high = UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self))
        let low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // Zero is reserved for missing; a zero HMAC prefix (p = 2^-128) becomes 1.
        return high == 0 && low == 0 ? Token(high: 0, low: 1) : Token(high: high, low: low)
    }

    /// A 64-bit keyed hash of a short message (research-id ordering).
    @inline(__always)
    func hash64(_ message: UnsafeRawBufferPointer) -> UInt64 {
        authenticate(message)
        return UInt64(bigEndian: UnsafeRawPointer(output).loadUnaligned(as: UInt64.self))
    }
}
