/// A failure a test injects into an ``HMACKey``'s OpenSSL calls, to show that a failed
/// call becomes an error and never a wrong byte. Production code passes none (`nil`),
/// and then the hot path pays one nil check per context copy.
///
/// Injection is real: when the point is reached, OpenSSL itself is asked to copy no
/// context (`EVP_MD_CTX_copy_ex(work, NULL)`), refuses, and the key reports that refusal
/// through the same checks as any other failed call.
package struct FailurePoint: Sendable, Equatable {
    /// How many copies of a primed context succeed before every later one fails (each
    /// MAC copies two: the ipad state, then the opad state).
    package var successfulContextCopies: Int

    /// Every copy of a primed context after the first `count` fails.
    package static func contextCopy(after count: Int) -> FailurePoint {
        FailurePoint(successfulContextCopies: count)
    }
}
