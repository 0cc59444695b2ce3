import COpenSSL
import PathlinkCore

/// A keyed HMAC-SHA256, primed once and reused for every value.
///
/// HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) (RFC 2104). The two SHA-256 states
/// after absorbing the padded key blocks are computed once, in ``init(key:failurePoint:)``;
/// each MAC copies them (`EVP_MD_CTX_copy_ex`) into a work context instead of re-keying,
/// which is what makes millions of tokens per second possible. All hashing is OpenSSL's
/// EVP SHA-256, so a FIPS provider can be configured.
///
/// Each of the three contexts is owned by a ``DigestContext`` (freed in its `deinit`).
/// Every OpenSSL call is checked: a failed call throws a `PathlinkError` and leaves no
/// partial digest in the caller's output, so a failure is never a wrong token.
///
/// Not thread-safe: give each thread its own copy (``makeCopy()``).
package final class HMACKey {
    /// SHA-256 after absorbing K ⊕ ipad, and after absorbing K ⊕ opad. Never written after init.
    private let inner: DigestContext
    private let outer: DigestContext
    /// Where each MAC is computed.
    private let work: DigestContext
    /// A test's injected failure (nil in production), and the copies made so far (counted
    /// only when there is one).
    private let failurePoint: FailurePoint?
    private var contextCopies = 0

    /// Prime HMAC-SHA256 with `key` (any length; longer than 64 bytes is hashed first).
    /// - Parameter failurePoint: for tests only: where OpenSSL is made to fail.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package convenience init(key: [UInt8], failurePoint: FailurePoint? = nil) throws {
        var block = key.withUnsafeBufferPointer { Self.keyBlock($0) }
        defer { wipe(&block) }
        try self.init(block: block, failurePoint: failurePoint)
    }

    /// Prime HMAC-SHA256 with the key in `bytes` (memory the caller owns and wipes).
    /// - Throws: `.internal` when an OpenSSL call fails.
    package convenience init(bytes: UnsafeBufferPointer<UInt8>, failurePoint: FailurePoint? = nil) throws {
        var block = Self.keyBlock(bytes)
        defer { wipe(&block) }
        try self.init(block: block, failurePoint: failurePoint)
    }

    /// The key as one 64-byte block (RFC 2104): hashed first when longer, zero-padded.
    private static func keyBlock(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 64)
        if key.count > 64 {
            let digest = SHA256()
            digest.update(UnsafeRawBufferPointer(key))
            var hashed = digest.finalize()
            defer { wipe(&hashed) }
            block.replaceSubrange(0..<32, with: hashed)
        } else if key.count > 0 {
            block.withUnsafeMutableBufferPointer { _ = $0.initialize(from: key) }
        }
        return block
    }

    private init(block: [UInt8], failurePoint: FailurePoint?) throws {
        inner = try DigestContext()
        outer = try DigestContext()
        work = try DigestContext()
        self.failurePoint = failurePoint
        try Self.prime(inner, with: block, pad: 0x36)
        try Self.prime(outer, with: block, pad: 0x5c)
    }

    /// Start SHA-256 in `context` and absorb `block` ⊕ `pad` (the pad block is wiped).
    private static func prime(_ context: DigestContext, with block: [UInt8], pad: UInt8) throws {
        var padded = block.map { $0 ^ pad }
        defer { wipe(&padded) }
        guard EVP_DigestInit_ex(context.pointer, EVP_sha256(), nil) == 1 else {
            throw OpenSSLFailure.error("start SHA-256 for HMAC")
        }
        guard EVP_DigestUpdate(context.pointer, padded, padded.count) == 1 else {
            throw OpenSSLFailure.error("absorb the padded HMAC key")
        }
    }

    /// A key with copies of `source`'s primed contexts and its own work context.
    private init(copying source: HMACKey, failurePoint: FailurePoint?) throws {
        inner = try DigestContext()
        outer = try DigestContext()
        work = try DigestContext()
        self.failurePoint = failurePoint
        guard EVP_MD_CTX_copy_ex(inner.pointer, source.inner.pointer) == 1,
              EVP_MD_CTX_copy_ex(outer.pointer, source.outer.pointer) == 1 else {
            throw OpenSSLFailure.error("copy a primed HMAC-SHA256 context")
        }
    }

    /// An independent copy for another thread.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func makeCopy() throws -> HMACKey { try HMACKey(copying: self, failurePoint: failurePoint) }

    /// An independent copy whose OpenSSL calls fail at `failurePoint` (tests only).
    package func makeCopy(failurePoint: FailurePoint?) throws -> HMACKey { try HMACKey(copying: self, failurePoint: failurePoint) }

    /// Copy a primed context into ``work``; false when OpenSSL refuses.
    @inline(__always)
    private func copyPrimed(_ primed: DigestContext) -> Bool {
        var source: OpaquePointer? = primed.pointer
        if let failurePoint {
            // The injected failure: OpenSSL is asked to copy no context, and refuses.
            contextCopies += 1
            if contextCopies > failurePoint.successfulContextCopies { source = nil }
        }
        return EVP_MD_CTX_copy_ex(work.pointer, source) == 1
    }

    /// HMAC-SHA256 of `message` into `output` (32 bytes).
    /// - Throws: `.internal` when an OpenSSL call fails; `output` is then zeroed (never a
    ///   partial or wrong digest).
    /// - Complexity: two SHA-256 finalisations plus two context copies; no allocation.
    @inline(__always)
    package func authenticate(_ message: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) throws {
        let work = work.pointer
        var length: UInt32 = 0
        guard copyPrimed(inner) else { throw failed("copy the primed HMAC-SHA256 inner context", output) }
        if let base = message.baseAddress, message.count > 0 {
            guard EVP_DigestUpdate(work, base, message.count) == 1 else { throw failed("hash a value", output) }
        }
        guard EVP_DigestFinal_ex(work, output, &length) == 1, length == 32 else {
            throw failed("finish the inner SHA-256 of HMAC", output)
        }
        guard copyPrimed(outer) else { throw failed("copy the primed HMAC-SHA256 outer context", output) }
        guard EVP_DigestUpdate(work, output, 32) == 1 else { throw failed("hash the inner digest", output) }
        guard EVP_DigestFinal_ex(work, output, &length) == 1, length == 32 else {
            throw failed("finish the outer SHA-256 of HMAC", output)
        }
    }

    /// The error for a failed step, after zeroing whatever `output` holds.
    @inline(never)
    private func failed(_ step: String, _ output: UnsafeMutablePointer<UInt8>) -> PathlinkError {
        OPENSSL_cleanse(output, 32)
        return OpenSSLFailure.error(step)
    }

    /// HMAC-SHA256 of `message`, 32 bytes.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func authenticate(_ message: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        try message.withUnsafeBytes { raw in
            try output.withUnsafeMutableBufferPointer { try authenticate(raw, into: $0.baseAddress!) }
        }
        return output
    }

    /// HMAC-SHA256 of a string's UTF-8 bytes.
    /// - Throws: `.internal` when an OpenSSL call fails.
    package func authenticate(_ message: String) throws -> [UInt8] {
        try authenticate(Array(message.utf8))
    }

    /// The lowercase hex of the first `byteCount` bytes of HMAC-SHA256(`message`), written
    /// to `hex` (`2 × byteCount` bytes). This is the token of Pathlink's derivation
    /// (`byteCount` 16) without any allocation.
    /// - Throws: `.internal` when an OpenSSL call fails; then nothing is written to `hex`.
    /// - Complexity: one ``authenticate(_:into:)``; no allocation.
    @inline(__always)
    package func authenticateHex(_ message: UnsafeRawBufferPointer, byteCount: Int = 16, into hex: UnsafeMutablePointer<UInt8>) throws {
        precondition(byteCount >= 0 && byteCount <= 32)
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            defer { OPENSSL_cleanse(digest.baseAddress!, 32) }
            try authenticate(message, into: digest.baseAddress!)
            Hex.encode(UnsafeBufferPointer(start: digest.baseAddress!, count: byteCount), into: hex)
        }
    }
}
