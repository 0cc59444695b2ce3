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
    /// - Complexity: four 8-byte words, each checked and converted with word-wide
    ///   arithmetic (no branch per digit).
    @inline(__always)
    static func parseHex(_ field: UnsafeBufferPointer<UInt8>) -> Token? {
        if field.isEmpty { return .missing }
        guard field.count == 32, let base = field.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        var isValid = true
        let high = hexWord(raw, 0, &isValid) << 32 | hexWord(raw, 8, &isValid)
        let low = hexWord(raw, 16, &isValid) << 32 | hexWord(raw, 24, &isValid)
        return isValid ? Token(high: high, low: low) : nil
    }

    /// The value of the 8 lowercase hex digits at `offset` (first digit most significant);
    /// clears `isValid` when one of them is not a lowercase hex digit.
    @inline(__always)
    private static func hexWord(_ raw: UnsafeRawPointer, _ offset: Int, _ isValid: inout Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // Byte i of `word` is digit i.
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        /// Per byte, its high bit set when lower < byte < upper (bytes below 0x80;
        /// no carry crosses a byte for these bounds).
        @inline(__always)
        func between(_ lower: UInt64, _ upper: UInt64) -> UInt64 {
            let low7 = word & (ones &* 0x7F)
            return (ones &* (127 + upper) &- low7) & ~word & (low7 &+ ones &* (127 - lower)) & highBits
        }
        let isDigit = between(0x2F, 0x3A)    // '0'...'9'
        let isLetter = between(0x60, 0x67)   // 'a'...'f'
        isValid = isValid && (isDigit | isLetter) == highBits
        // '0'...'9' -> low nibble; 'a'...'f' -> low nibble (1...6) + 9.
        let values = (word & (ones &* 0x0F)) &+ (isLetter >> 7) &* 9
        // Digit 0 to the top byte, then pairs, quads and octets of nibbles together.
        var packed = values.byteSwapped
        packed = ((packed >> 4) | packed) & 0x00FF_00FF_00FF_00FF
        packed = ((packed >> 8) | packed) & 0x0000_FFFF_0000_FFFF
        packed = ((packed >> 16) | packed) & 0x0000_0000_FFFF_FFFF
        return packed
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
