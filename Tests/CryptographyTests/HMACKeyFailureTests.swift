import Testing
import PathlinkCore
@testable import Cryptography

/// A failed OpenSSL call is an error, never a wrong byte (issue 13): OpenSSL is made to
/// refuse a context copy through the key's ``FailurePoint``.
@Suite("HMAC-SHA256 when OpenSSL fails")
struct HMACKeyFailureTests {
    static let key = Array("Jefe".utf8)
    static let message = Array("what do ya want for nothing?".utf8)
    static let mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"   // RFC 4231 case 2

    @Test("MACs before the failure point are right; from it on every MAC throws and leaves no digest")
    func failedCopy() throws {
        // Each MAC copies two primed contexts: two MACs succeed, the third fails.
        let key = try HMACKey(key: Self.key, failurePoint: .contextCopy(after: 4))
        #expect(Hex.encode(try key.authenticate(Self.message)) == Self.mac)
        #expect(Hex.encode(try key.authenticate(Self.message)) == Self.mac)
        for _ in 0..<2 {
            var output = [UInt8](repeating: 0xAA, count: 32)
            let error = #expect(throws: PathlinkError.self) {
                try Self.message.withUnsafeBytes { raw in
                    try output.withUnsafeMutableBufferPointer { try key.authenticate(raw, into: $0.baseAddress!) }
                }
            }
            #expect(error?.code == .internal)
            #expect(error?.problem.contains("OpenSSL failed to copy the primed HMAC-SHA256 inner context") == true)
            #expect(output == [UInt8](repeating: 0, count: 32), "a failed MAC left bytes in the output")
        }
    }

    @Test("a failed outer copy zeroes the inner digest already written to the output")
    func failedOuterCopy() throws {
        let key = try HMACKey(key: Self.key, failurePoint: .contextCopy(after: 1))
        var output = [UInt8](repeating: 0xAA, count: 32)
        let error = #expect(throws: PathlinkError.self) {
            try Self.message.withUnsafeBytes { raw in
                try output.withUnsafeMutableBufferPointer { try key.authenticate(raw, into: $0.baseAddress!) }
            }
        }
        #expect(error?.problem.contains("outer context") == true)
        #expect(output == [UInt8](repeating: 0, count: 32), "a failed MAC left the inner digest in the output")
    }

    @Test("a failed token writes no hex digit")
    func failedHexToken() throws {
        let key = try HMACKey(key: Self.key, failurePoint: .contextCopy(after: 0))
        var hex = [UInt8](repeating: UInt8(ascii: "x"), count: 32)
        #expect(throws: PathlinkError.self) {
            try Self.message.withUnsafeBytes { raw in
                try hex.withUnsafeMutableBufferPointer { try key.authenticateHex(raw, into: $0.baseAddress!) }
            }
        }
        #expect(hex == [UInt8](repeating: UInt8(ascii: "x"), count: 32))
    }

    @Test("a copy for another thread keeps the failure point and is otherwise the same key")
    func copies() throws {
        let key = try HMACKey(key: Self.key)
        #expect(Hex.encode(try key.makeCopy().authenticate(Self.message)) == Self.mac)
        let failing = try HMACKey(key: Self.key, failurePoint: .contextCopy(after: 0))
        #expect(throws: PathlinkError.self) { try failing.makeCopy().authenticate(Self.message) }
    }
}

@Suite("SHA-256 owns its context")
struct SHA256OwnershipTests {
    @Test("a hasher shared by two references and dropped unfinished is freed once")
    func sharedAndDropped() {
        let hasher = SHA256()
        let alias = hasher
        alias.update(Array("ab".utf8))
        hasher.update(Array("c".utf8))
        #expect(Hex.encode(alias.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        for _ in 0..<1_000 { SHA256().update(Array("unfinished".utf8)) }
    }

    @Test("finalising twice stops the process instead of freeing the context twice")
    func finalizeTwice() async {
        await #expect(processExitsWith: .failure) {
            let hasher = SHA256()
            _ = hasher.finalize()
            _ = hasher.finalize()
        }
    }
}
