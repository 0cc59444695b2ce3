import COpenSSL
import PathlinkCore

/// One OpenSSL `EVP_MD_CTX`, owned: created by ``init()``, freed (and so cleansed) in
/// `deinit`, never shared between owners. Every type in this module that holds a digest
/// context holds it through one of these, as swift-crypto keeps each BoringSSL context in
/// a private final class.
final class DigestContext {
    /// The context; valid for the owner's lifetime.
    let pointer: OpaquePointer

    /// A new, uninitialised context.
    /// - Throws: `.internal` when OpenSSL cannot allocate one.
    init() throws {
        guard let pointer = EVP_MD_CTX_new() else { throw OpenSSLFailure.error("allocate a digest context") }
        self.pointer = pointer
    }

    // EVP_MD_CTX_free cleanses the digest state before freeing it.
    deinit { EVP_MD_CTX_free(pointer) }
}

/// The error for a failed OpenSSL call.
enum OpenSSLFailure {
    /// A `PathlinkError` naming the step that failed and OpenSSL's own reason (library and
    /// reason names only: never key material, never data); empties OpenSSL's error queue.
    @inline(never)
    static func error(_ step: String) -> PathlinkError {
        var reason = ""
        let code = ERR_get_error()
        if code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reason = " (" + String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + ")"
        }
        ERR_clear_error()
        return PathlinkError(.internal, problem: "OpenSSL failed to \(step)\(reason); nothing was written from it",
                             remedy: "check the system's OpenSSL 3 installation and its configuration (OPENSSL_CONF, providers), then run again")
    }
}
