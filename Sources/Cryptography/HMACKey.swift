import COpenSSL
import PathlinkCore

/// A keyed HMAC-SHA256, primed once and reused for every value.
///
/// HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) (RFC 2104). The two SHA-256 states
/// after absorbing the padded key blocks are computed once, in ``init(key:)``; each MAC
/// copies them (`EVP_MD_CTX_copy_ex`) instead of re-keying, which is what makes
/// millions of tokens per second possible. All hashing is OpenSSL's EVP SHA-256, so a
/// FIPS provider can be configured.
///
/// Not thread-safe: give each thread its own copy (``makeCopy()``).
package final class HMACKey {
    private let inner: OpaquePointer
    private let outer: OpaquePointer
    private let work: OpaquePointer

    /// Prime HMAC-SHA256 with `key` (any length; longer than 64 bytes is hashed first).
    package init(key: [UInt8]) {
        var block = [UInt8](repeating: 0, count: 64)
        if key.count > 64 {
            let digest = SHA256()
            digest.update(key)
            let hashed = digest.finalize()
            block.replaceSubrange(0..<32, with: hashed)
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        var innerPad = block.map { $0 ^ 0x36 }
        var outerPad = block.map { $0 ^ 0x5c }
        guard let inner = EVP_MD_CTX_new(), let outer = EVP_MD_CTX_new(), let work = EVP_MD_CTX_new(),
              EVP_DigestInit_ex(inner, EVP_sha256(), nil) == 1, EVP_DigestInit_ex(outer, EVP_sha256(), nil) == 1,
              EVP_DigestUpdate(inner, innerPad, 64) == 1, EVP_DigestUpdate(outer, outerPad, 64) == 1
        else { fatalError("OpenSSL could not initialise HMAC-SHA256") }
        self.inner = inner
        self.outer = outer
        self.work = work
        wipe(&block)
        wipe(&innerPad)
        wipe(&outerPad)
    }

    private init(inner: OpaquePointer, outer: OpaquePointer) {
        self.inner = inner
        self.outer = outer
        self.work = EVP_MD_CTX_new()!
    }

    deinit {
        // EVP_MD_CTX_free cleanses the context's state.
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
        EVP_MD_CTX_free(work)
    }

    /// An independent copy for another thread.
    package func makeCopy() -> HMACKey {
        let innerCopy = EVP_MD_CTX_new()!
        let outerCopy = EVP_MD_CTX_new()!
        EVP_MD_CTX_copy_ex(innerCopy, inner)
        EVP_MD_CTX_copy_ex(outerCopy, outer)
        return HMACKey(inner: innerCopy, outer: outerCopy)
    }

    /// HMAC-SHA256 of `message` into `output` (32 bytes).
    /// - Complexity: two SHA-256 finalisations plus two context copies; no allocation.
    @inline(__always)
    package func authenticate(_ message: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        var length: UInt32 = 0
        EVP_MD_CTX_copy_ex(work, inner)
        if let base = message.baseAddress, message.count > 0 { EVP_DigestUpdate(work, base, message.count) }
        EVP_DigestFinal_ex(work, output, &length)
        EVP_MD_CTX_copy_ex(work, outer)
        EVP_DigestUpdate(work, output, 32)
        EVP_DigestFinal_ex(work, output, &length)
    }

    /// HMAC-SHA256 of `message`, 32 bytes.
    package func authenticate(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { authenticate(raw, into: $0.baseAddress!) }
        }
        return output
    }

    /// HMAC-SHA256 of a string's UTF-8 bytes.
    package func authenticate(_ message: String) -> [UInt8] {
        authenticate(Array(message.utf8))
    }

    /// The lowercase hex of the first `byteCount` bytes of HMAC-SHA256(`message`), written
    /// to `hex` (`2 × byteCount` bytes). This is the token of Pathlink's derivation
    /// (`byteCount` 16) without any allocation.
    /// - Complexity: one ``authenticate(_:into:)``; no allocation.
    @inline(__always)
    package func authenticateHex(_ message: UnsafeRawBufferPointer, byteCount: Int = 16, into hex: UnsafeMutablePointer<UInt8>) {
        precondition(byteCount >= 0 && byteCount <= 32)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            authenticate(message, into: digest.baseAddress!)
            Hex.encode(UnsafeBufferPointer(start: digest.baseAddress!, count: byteCount), into: hex)
            OPENSSL_cleanse(digest.baseAddress!, 32)
        }
    }
}
