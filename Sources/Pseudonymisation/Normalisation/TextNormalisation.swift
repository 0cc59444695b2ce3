import Foundation

/// The `text` normaliser (the default for an identifier without `normalise`) and the
/// `sex` normaliser.
package enum TextNormalisation {
    /// `text`: trim White_Space, NFC, collapse runs of White_Space to one space, upper-case.
    /// Placeholders (checked on the trimmed, upper-cased value) are missing.
    package static func text(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        var composed = Whitespace.trim(value)
        let isASCII = composed.utf8.allSatisfy { $0 < 0x80 }
        if !isASCII { composed = composed.precomposedStringWithCanonicalMapping }
        var collapsed = String.UnicodeScalarView()
        var inSpace = false
        for scalar in composed.unicodeScalars {
            if Whitespace.isWhitespace(scalar) {
                if !inSpace { collapsed.append(" ") }
                inSpace = true
            } else {
                collapsed.append(scalar)
                inSpace = false
            }
        }
        return .nonEmpty(String(collapsed).uppercased())
    }

    /// ``text(_:)`` of an all-ASCII value given as bytes, written to `output` (room for
    /// `bytes.count` bytes) without making a `String`: the length written for a value, 0
    /// for missing; nil when `bytes` is not
    /// all ASCII (then use ``text(_:)``). For ASCII, White_Space is TAB–CR and space, NFC
    /// changes nothing and upper-casing maps a–z only, so the result is byte for byte
    /// that of ``text(_:)``.
    /// - Complexity: O(n); no allocation.
    static func asciiText(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int? {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var first = 0
        var last = bytes.count
        for byte in bytes where byte >= 0x80 { return nil }
        while first < last && isSpace(bytes[first]) { first += 1 }
        while last > first && isSpace(bytes[last - 1]) { last -= 1 }
        if first == last { return 0 }
        if last - first <= PlaceholderRule.longestASCIIWord {
            let trimmed = UnsafeBufferPointer(rebasing: bytes[first..<last])
            if PlaceholderRule.isASCIIPlaceholder(trimmed) { return 0 }
        }
        var inSpace = false
        var count = 0
        for index in first..<last {
            let byte = bytes[index]
            if isSpace(byte) {
                if !inSpace { output[count] = 0x20; count += 1 }
                inSpace = true
            } else {
                output[count] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                count += 1
                inSpace = false
            }
        }
        return count
    }

    /// `sex`: `M` for M or MALE, `F` for F or FEMALE (after trimming and upper-casing);
    /// placeholders are missing, anything else is invalid.
    package static func sex(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        switch Whitespace.trim(value).uppercased() {
        case "M", "MALE": return .value("M")
        case "F", "FEMALE": return .value("F")
        default: return .invalid
        }
    }
}
