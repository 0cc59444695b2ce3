/// Placeholders shared by every normaliser (PRODUCT.md, "Placeholders").
public enum PlaceholderRule {
    /// The words that mean "no value", compared after trimming and upper-casing.
    public static let words: Set<String> = ["", "UNKNOWN", "NOT KNOWN", "N/A", "NA", "-9", "NO NAME"]

    /// Whether `value` is empty or a placeholder word.
    public static func isPlaceholder(_ value: String) -> Bool {
        let trimmed = Whitespace.trim(value)
        if trimmed.utf8.count > 36 { return false }   // longer than any placeholder, even upper-cased
        return words.contains(trimmed.uppercased())
    }
}
