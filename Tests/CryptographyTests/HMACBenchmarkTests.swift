import Testing
@testable import Cryptography

@Suite("HMAC methods compared by the token benchmark")
struct HMACBenchmarkTests {
    @Test("one-shot HMAC(), a reused EVP_MAC_CTX and the primed copy give the same digests")
    func methodsAgree() {
        let values = HMACBenchmark.Values.shortIdentifiers(count: 2_000)
        #expect(values.count == 2_000)
        let key = Array(0..<32).map(UInt8.init)
        let checksums = HMACBenchmark.Method.allCases.map { HMACBenchmark.run($0, key: key, values: values) }
        #expect(Set(checksums).count == 1)
        #expect(checksums[0] != 0)
        // A different key changes the result, so the checksum depends on the MACs.
        #expect(HMACBenchmark.run(.primedDigestCopy, key: Array(1...32), values: values) != checksums[0])
    }

    @Test("the hex token writer gives the first bytes of the MAC in lowercase hex")
    func hexToken() throws {
        let key = try HMACKey(key: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        var hex = [UInt8](repeating: 0, count: 32)
        try message.withUnsafeBytes { raw in
            try hex.withUnsafeMutableBufferPointer { try key.authenticateHex(raw, into: $0.baseAddress!) }
        }
        #expect(String(decoding: hex, as: UTF8.self) == "5bdcc146bf60754e6a042426089575c7")   // RFC 4231 case 2, first 16 bytes
    }
}
