import Testing
@testable import Cryptography

@Suite("SHA-256 on a second thread")
struct BackgroundSHA256Tests {
    @Test("the digest equals SHA256's over the same blocks, whatever their sizes", arguments: [1, 2, 4])
    func sameDigest(buffers: Int) {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let background = BackgroundSHA256(bufferCount: buffers)
        let plain = SHA256()
        for round in 0..<200 {
            // Sizes from 0 to ~1.5 MiB, growing and shrinking, so buffers are reused and replaced.
            let size = round % 17 == 0 ? 0 : Int(next() % UInt64(round % 5 == 0 ? 1_500_000 : 5_000))
            let block = (0..<size).map { _ in UInt8(truncatingIfNeeded: next()) }
            block.withUnsafeBytes { background.update($0); plain.update($0) }
        }
        #expect(background.finalize() == plain.finalize())
    }

    @Test("known vector: SHA-256 of \"abc\"")
    func vector() {
        let hasher = BackgroundSHA256()
        Array("abc".utf8).withUnsafeBytes { hasher.update($0) }
        #expect(Hex.encode(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a hasher dropped without finalize stops its thread")
    func dropped() {
        for _ in 0..<50 {
            let hasher = BackgroundSHA256()
            Array("x".utf8).withUnsafeBytes { hasher.update($0) }
        }
    }
}
