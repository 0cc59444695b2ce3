#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL

/// Ways of computing HMAC-SHA256 over many short values, timed side by side.
///
/// Used only by `Benchmarks/tokens/run` (through the hidden `pathlink benchmark-tokens`):
/// it shows why ``HMACKey`` primes its contexts once and copies them per value. Each
/// method MACs the same values with the same key, and the benchmark checks that every
/// method produces the same digests before it reports any speed.
package enum HMACBenchmark {
    package enum Method: String, CaseIterable, Sendable {
        /// `HMAC()` one-shot: re-keys (and fetches SHA-256) for every value.
        case oneShot = "openssl-hmac-one-shot"
        /// One `EVP_MAC_CTX` (HMAC, SHA-256), re-initialised with the same key per value.
        case reusedMACContext = "openssl-evp-mac-reused-ctx"
        /// ``HMACKey``: ipad/opad-primed `EVP_MD_CTX`s copied per value (Pathlink's way).
        case primedDigestCopy = "pathlink-primed-md-ctx-copy"
    }

    /// Values packed end to end with their offsets, so timing measures MACs, not Swift arrays.
    package struct Values {
        package let bytes: [UInt8]
        package let offsets: [Int]
        package var count: Int { offsets.count - 1 }

        /// `count` distinct short identifiers like `42/012345/21` (12 bytes).
        package static func shortIdentifiers(count: Int) -> Values {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count * 12)
            var offsets = [0]
            offsets.reserveCapacity(count + 1)
            for index in 0..<count {
                let text = "\(10 + index % 90)/\(String(100_000 + index % 900_000).dropFirst())/\(10 + (index / 900_000) % 90)"
                bytes.append(contentsOf: text.utf8)
                offsets.append(bytes.count)
            }
            return Values(bytes: bytes, offsets: offsets)
        }
    }

    /// MAC every value with `method`; returns the XOR of all digests' first 8 bytes
    /// (a checksum that both keeps the work from being optimised away and lets the
    /// caller check that the methods agree).
    package static func run(_ method: Method, key: [UInt8], values: Values) -> UInt64 {
        var checksum: UInt64 = 0
        var digest = [UInt8](repeating: 0, count: 32)
        values.bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            digest.withUnsafeMutableBufferPointer { output in
                let out = output.baseAddress!
                func fold() {
                    var word: UInt64 = 0
                    for index in 0..<8 { word = word << 8 | UInt64(out[index]) }
                    checksum ^= word
                }
                switch method {
                case .oneShot:
                    var length: UInt32 = 0
                    key.withUnsafeBytes { keyBytes in
                        for index in 0..<values.count {
                            let start = values.offsets[index]
                            let count = values.offsets[index + 1] - start
                            _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count),
                                     base.advanced(by: start).assumingMemoryBound(to: UInt8.self), count, out, &length)
                            fold()
                        }
                    }
                case .reusedMACContext:
                    guard let mac = EVP_MAC_fetch(nil, "HMAC", nil), let context = EVP_MAC_CTX_new(mac) else {
                        fatalError("OpenSSL has no HMAC EVP_MAC")
                    }
                    defer { EVP_MAC_CTX_free(context); EVP_MAC_free(mac) }
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, strdup("SHA256"), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    defer { free(parameters[0].data) }
                    let keyed = key.withUnsafeBufferPointer { keyBytes in
                        EVP_MAC_init(context, keyBytes.baseAddress, key.count, &parameters)
                    }
                    guard keyed == 1 else { fatalError("EVP_MAC_init failed") }
                    var length = 0
                    for index in 0..<values.count {
                        let start = values.offsets[index]
                        let count = values.offsets[index + 1] - start
                        // A NULL key keeps the key: the context is reset, not re-keyed.
                        EVP_MAC_init(context, nil, 0, nil)
                        EVP_MAC_update(context, base.advanced(by: start).assumingMemoryBound(to: UInt8.self), count)
                        EVP_MAC_final(context, out, &length, 32)
                        fold()
                    }
                case .primedDigestCopy:
                    do {
                        let hmac = try HMACKey(key: key)
                        for index in 0..<values.count {
                            let start = values.offsets[index]
                            let count = values.offsets[index + 1] - start
                            try hmac.authenticate(UnsafeRawBufferPointer(start: base.advanced(by: start), count: count), into: out)
                            fold()
                        }
                    } catch {
                        fatalError("\(error)")
                    }
                }
            }
        }
        return checksum
    }

    /// Seconds on a monotonic clock.
    package static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
