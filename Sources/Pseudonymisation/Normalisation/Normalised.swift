/// The outcome of normalising one value: a value to tokenise, or no token.
///
/// `missing` is an empty value or a placeholder (`UNKNOWN`, `N/A`, a 1900-01-01 date of
/// birth, a `ZZ99` postcode…); `invalid` is a non-empty value that fits no declared form
/// (an impossible date, a postcode of the wrong shape, a reference that does not match
/// its pattern). Both give an empty token — never the HMAC of an empty string — and the
/// receipt counts them separately per column.
public enum Normalised: Equatable, Sendable {
    case value(String)
    case missing
    case invalid

    /// The normalised text, or nil when there is none.
    public var text: String? {
        if case .value(let text) = self { return text }
        return nil
    }

    /// `.value`, unless the text is empty (then `.missing`).
    static func nonEmpty(_ text: String) -> Normalised {
        text.isEmpty ? .missing : .value(text)
    }
}

/// Placeholders and trimming shared by every normaliser (PRODUCT.md, "Placeholders").
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

/// White space as Unicode defines it (the `White_Space` property).
public enum Whitespace {
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 0x20 || (value >= 0x09 && value <= 0x0D)
        }
        return scalar.properties.isWhitespace
    }

    /// `value` without leading and trailing White_Space characters.
    public static func trim(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return value }
        return String(scalars[first...last])
    }

    /// The words of `value`, split on runs of White_Space.
    public static func words(_ value: String) -> [String] {
        value.unicodeScalars.split(whereSeparator: isWhitespace).map { String($0) }
    }
}
