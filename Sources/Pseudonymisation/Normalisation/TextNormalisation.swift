import Foundation

/// The `text` normaliser (the default for an identifier without `normalise`) and the
/// `sex` normaliser.
public enum TextNormalisation {
    /// `text`: trim White_Space, NFC, collapse runs of White_Space to one space, upper-case.
    /// Placeholders (checked on the trimmed, upper-cased value) are missing.
    public static func text(_ value: String) -> Normalised {
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

    /// `sex`: `M` for M or MALE, `F` for F or FEMALE (after trimming and upper-casing);
    /// placeholders are missing, anything else is invalid.
    public static func sex(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        switch Whitespace.trim(value).uppercased() {
        case "M", "MALE": return .value("M")
        case "F", "FEMALE": return .value("F")
        default: return .invalid
        }
    }
}
