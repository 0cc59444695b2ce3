/// A re-keyed token: 128 bits held as two integers, never as text.
///
/// Zero means missing. Tokens arrive as 32 lowercase hex digits; the linker re-keys each
/// one (``Rekeyer``) before storing it, so a `Token` in memory is never an owner's token.
struct Token: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    static let missing = Token(high: 0, low: 0)

    @inline(__always)
    var isMissing: Bool { high == 0 && low == 0 }

    /// Parse 32 lowercase hex digits straight from a CSV field's bytes.
    /// - Returns: `.missing` for an empty field, nil when the field is not a token.
    @inline(__always)
    static func parseHex(_ field: UnsafeBufferPointer<UInt8>) -> Token? {
        if field.isEmpty { return .missing }
        guard field.count == 32, let base = field.baseAddress else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var isValid = true
        for index in 0..<16 {
            let value = hexValue(base[index])
            isValid = isValid && value < 16
            high = high << 4 | UInt64(value & 0x0F)
        }
        for index in 16..<32 {
            let value = hexValue(base[index])
            isValid = isValid && value < 16
            low = low << 4 | UInt64(value & 0x0F)
        }
        return isValid ? Token(high: high, low: low) : nil
    }

    /// 0–15 for a lowercase hex digit, 255 otherwise.
    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: return byte &- 0x30
        case 0x61...0x66: return byte &- 0x61 &+ 10
        default: return 255
        }
    }

    /// The 16 bytes, big-endian (the order of the hex digits).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: &bytes, body)
    }

    /// A well-mixed hash for open addressing (re-keyed tokens are already uniform).
    @inline(__always)
    var bucketHash: Int { Int(truncatingIfNeeded: low ^ (high &* 0x9E37_79B9_7F4A_7C15)) }
}
