import Governance

/// One column's declared placeholders (``ColumnDeclaration/missing``: trimmed, upper-cased),
/// matched against raw field bytes exactly as `Placeholder.declared` matches their text.
///
/// - Complexity: for most values one bit-set look-up (their first byte is ASCII, cannot
///   start a placeholder and is not white space); an ASCII comparison for an ASCII value
///   of a placeholder's length; a `String` only when the value or a placeholder is not ASCII.
final class DeclaredPlaceholders {
    private let texts: Set<String>
    /// The placeholders as bytes, when every one is ASCII (upper case); nil otherwise.
    private let ascii: [[UInt8]]?
    /// ASCII bytes a placeholder can start with, either case (bits 0–127).
    private let firstBytes: (UInt64, UInt64)
    private let longest: Int

    init(_ placeholders: [String]) {
        texts = Set(placeholders)
        let bytes = placeholders.map { Array($0.utf8) }
        ascii = bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? bytes : nil
        var low: UInt64 = 0, high: UInt64 = 0
        for placeholder in bytes {
            guard let first = placeholder.first, first < 0x80 else { continue }
            var cases = [first]
            if first >= 0x41 && first <= 0x5A { cases.append(first + 0x20) }
            for byte in cases { if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) } }
        }
        firstBytes = (low, high)
        longest = bytes.map(\.count).max() ?? 0
    }

    /// ASCII characters with the Unicode White_Space property.
    @inline(__always)
    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Whether the field is one of the placeholders, after trimming and upper-casing.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var start = bytes.baseAddress, bytes.count > 0 else { return false }
        let first = start.pointee
        if first < 0x80 && !Self.isASCIISpace(first) {
            let bit = first < 64 ? (firstBytes.0 >> UInt64(first)) & 1 : (firstBytes.1 >> UInt64(first - 64)) & 1
            if bit == 0 { return false }
        }
        var end = start + bytes.count
        while start < end && Self.isASCIISpace(start.pointee) { start += 1 }
        while end > start && Self.isASCIISpace((end - 1).pointee) { end -= 1 }
        let value = UnsafeBufferPointer(start: start, count: end - start)
        if let ascii, value.allSatisfy({ $0 < 0x80 }) {
            guard value.count > 0 && value.count <= longest else { return false }
            for placeholder in ascii where placeholder.count == value.count {
                var equal = true
                for offset in 0..<value.count {
                    var byte = value[offset]
                    if byte >= 0x61 && byte <= 0x7A { byte -= 0x20 }
                    if byte != placeholder[offset] { equal = false; break }
                }
                if equal { return true }
            }
            return false
        }
        // Non-ASCII text: trimmed (Unicode white space) and upper-cased as the manifest's were.
        return texts.contains(Placeholder.declared(String(decoding: bytes, as: UTF8.self)))
    }
}
