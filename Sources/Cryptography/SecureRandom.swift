import COpenSSL
import PathlinkCore

/// Random bytes from OpenSSL's CSPRNG (`RAND_bytes`).
package enum SecureRandom {
    /// `count` random bytes.
    /// - Throws: `.internal` if the generator fails (it should not on a working system).
    package static func bytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard status == 1 else {
            throw PathlinkError(.internal, problem: "OpenSSL's random generator failed",
                                remedy: "check the system's OpenSSL installation and entropy source")
        }
        return bytes
    }
}

/// Overwrite secret bytes in memory (`OPENSSL_cleanse`, which the compiler cannot elide).
package func wipe(_ bytes: inout [UInt8]) {
    let count = bytes.count
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress { OPENSSL_cleanse(base, count) }
    }
}

/// Overwrite memory that held a secret.
package enum OpenSSLCleanse {
    package static func cleanse(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
    }
}
