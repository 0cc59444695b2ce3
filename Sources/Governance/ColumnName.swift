import Foundation

/// Column names as a reviewer must see them: invisible characters and letters that only
/// look Latin are refused, and the name lints read names folded (NFKC, look-alikes mapped
/// to Latin), so `mo_nоtes` with a Cyrillic `о` is still a notes column.
package enum ColumnName {
    /// Cyrillic and Greek letters that look like Latin ones, mapped to those.
    static let lookAlikes: [Character: Character] = [
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "ь": "b",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "У": "Y",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    ]

    /// The name NFKC-normalised, without invisible characters, look-alikes mapped to
    /// Latin, lower-cased: what the personal-data word lint reads.
    package static func folded(_ name: String) -> String {
        let visible = String(String.UnicodeScalarView(name.precomposedStringWithCompatibilityMapping.unicodeScalars.filter { !isInvisible($0) }))
        return String(visible.map { lookAlikes[$0] ?? $0 }).lowercased()
    }

    /// Format characters (zero-width space and joiners, word joiner, BOM, direction marks
    /// and overrides): a name holding one is not what it looks like.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
    }

    /// Errors for invisible characters and look-alike letters; a warning for a name that
    /// NFKC changes (full-width letters, ligatures).
    static func findings(_ name: String) -> [ReviewSheet.Finding] {
        var findings: [ReviewSheet.Finding] = []
        let invisible = name.unicodeScalars.filter(isInvisible)
        if let first = invisible.first {
            findings.append(.init(severity: .error, column: folded(name),
                                  message: "the column name holds an invisible character (U+\(String(first.value, radix: 16, uppercase: true).leftPadded(4))); retype the name in the manifest and the export"))
        }
        if let alike = name.first(where: { lookAlikes[$0] != nil }) {
            let code = alike.unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(4) } ?? ""
            findings.append(.init(severity: .error, column: folded(name),
                                  message: "the column name holds a letter that only looks Latin (\(code), read here as \"\(lookAlikes[alike]!)\"); retype the name in the manifest and the export"))
        } else if invisible.isEmpty && name.precomposedStringWithCompatibilityMapping != name {
            findings.append(.init(severity: .warning, column: name,
                                  message: "the column name changes under Unicode NFKC normalisation (full-width letters or ligatures?); prefer plain letters"))
        }
        return findings
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
