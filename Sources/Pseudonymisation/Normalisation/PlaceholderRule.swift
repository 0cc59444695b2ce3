/// Placeholders shared by every normaliser (governance/token-specification.md 3, "Placeholder").
package enum PlaceholderRule {
    /// The words that mean "no value", compared after trimming and upper-casing.
    package static let words: Set<String> = ["", "UNKNOWN", "NOT KNOWN", "N/A", "NA", "-9", "NO NAME"]

    /// Whether `value` is empty or a placeholder word.
    package static func isPlaceholder(_ value: String) -> Bool {
        let trimmed = Whitespace.trim(value)
        if trimmed.utf8.count > 36 { return false }   // longer than any placeholder, even upper-cased
        return words.contains(trimmed.uppercased())
    }

    /// The placeholder words as bytes, for ``isASCIIPlaceholder(_:)``.
    private static let asciiWords: [[UInt8]] = words.sorted().map { Array($0.utf8) }
    /// The length of the longest placeholder word.
    static let longestASCIIWord = words.map(\.utf8.count).max() ?? 0

    /// Whether trimmed ASCII bytes are a placeholder word once upper-cased: the same
    /// answer as ``isPlaceholder(_:)`` for trimmed ASCII input.
    @inline(__always)
    static func isASCIIPlaceholder(_ trimmed: UnsafeBufferPointer<UInt8>) -> Bool {
        if trimmed.isEmpty { return true }
        for word in asciiWords where word.count == trimmed.count {
            var equal = true
            for index in 0..<word.count {
                let byte = trimmed[index]
                if (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) != word[index] { equal = false; break }
            }
            if equal { return true }
        }
        return false
    }
}
