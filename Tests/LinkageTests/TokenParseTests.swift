@testable import Linkage
import Testing

/// `Token.parseHex` reads tokens eight digits at a time; these tests hold it to the plain
/// digit-by-digit definition: 32 lowercase hex digits, empty = missing, anything else refused.
@Suite("Token.parseHex: word-wide parsing equals digit-by-digit parsing")
struct TokenParseTests {
    /// The definition, one digit at a time.
    static func reference(_ bytes: [UInt8]) -> Token? {
        if bytes.isEmpty { return .missing }
        guard bytes.count == 32 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if index < 16 { high = high << 4 | value } else { low = low << 4 | value }
        }
        return Token(high: high, low: low)
    }

    static func parse(_ bytes: [UInt8]) -> Token? {
        bytes.withUnsafeBufferPointer { Token.parseHex($0) }
    }

    @Test("every byte value at every position is accepted or refused exactly as the definition says")
    func everyByteAtEveryPosition() {
        let digits = Array("0123456789abcdef".utf8)
        var state: UInt64 = 42
        for round in 0..<4 {
            var token = (0..<32).map { index -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return digits[Int(state >> 60)]
            }
            if round == 0 { token = Array(repeating: UInt8(ascii: "0"), count: 32) }
            if round == 1 { token = Array(repeating: UInt8(ascii: "f"), count: 32) }
            #expect(Self.parse(token) == Self.reference(token))
            #expect(Self.parse(token) != nil)
            for position in 0..<32 {
                for byte in 0...255 {
                    var changed = token
                    changed[position] = UInt8(byte)
                    let parsed = Self.parse(changed), expected = Self.reference(changed)
                    #expect(parsed == expected, "byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test("known values, empty, wrong lengths and upper case")
    func knownValues() {
        #expect(Self.parse(Array("0123456789abcdeffedcba9876543210".utf8))
                == Token(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210))
        #expect(Self.parse([]) == .missing)
        #expect(Self.parse(Array(String(repeating: "a", count: 31).utf8)) == nil)
        #expect(Self.parse(Array(String(repeating: "a", count: 33).utf8)) == nil)
        #expect(Self.parse(Array(String(repeating: "A", count: 32).utf8)) == nil)
    }
}
