import Testing
@testable import Cryptography

@Suite("SHA-256 on a second thread")
struct BackgroundSHA256Tests {
    @Test("the digest equals SHA256's over the same blocks, whatever their sizes")
    func sameDigest() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let background = BackgroundSHA256()
        let plain = SHA256()
        for round in 0..<200 {
            // Sizes from 0 to ~1.5 MiB, growing and shrinking.
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

@Suite("SHA-256 on a second thread, of lent blocks")
struct BackgroundSHA256LendingTests {
    @Test("lent and updated blocks, mixed, give SHA256's digest; a block may change once its ticket is read")
    func lent() {
        let background = BackgroundSHA256()
        let plain = SHA256()
        var block = [UInt8](repeating: 0, count: 300_000)
        for round in 0..<60 {
            for index in stride(from: 0, to: block.count, by: 97) { block[index] = UInt8(truncatingIfNeeded: round &* 31 &+ index) }
            let size = (round * 7_919) % block.count
            block.withUnsafeBytes { raw in
                let part = UnsafeRawBufferPointer(rebasing: raw[0..<size])
                plain.update(part)
                if round % 3 == 0 {
                    background.update(part)
                } else {
                    let ticket = background.lend(part)
                    background.waitUntilRead(through: ticket)
                }
            }
        }
        #expect(background.finalize() == plain.finalize())
    }

    @Test("an empty loan gives the last ticket, and waiting on it returns")
    func emptyLoan() {
        let hasher = BackgroundSHA256()
        let ticket = Array("abc".utf8).withUnsafeBytes { hasher.lend($0) }
        hasher.waitUntilRead(through: ticket)
        let empty = [UInt8]().withUnsafeBytes { hasher.lend($0) }
        #expect(empty == ticket)
        hasher.waitUntilRead(through: empty)
        #expect(Hex.encode(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
