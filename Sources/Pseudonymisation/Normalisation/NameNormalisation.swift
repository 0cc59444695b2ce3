import Foundation

/// The `name` normaliser and the name fields built on it (forename, surname, full name).
///
/// `name` of a word: map the letters NFKD leaves whole (Ł→L, Ø→O, Æ→AE, ß→SS, …), then
/// NFKD, drop combining marks, upper-case and keep A–Z only. A name field is first
/// checked for placeholders, then split on white space; every word whose own `name` is a
/// title or suffix is removed; the remaining words' `name`s are concatenated
/// (Jane Mary → JANEMARY). See `governance/token-specification.md`.
package enum NameNormalisation {
    /// Titles and suffixes removed word by word before a name is normalised.
    package static let titlesAndSuffixes: Set<String> = [
        "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "LADY", "REV", "JR", "SR", "II", "III", "IV",
    ]

    /// Letters that NFKD leaves whole, and what they become (upper and lower case).
    package static let wholeLetters: [Unicode.Scalar: String] = [
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
        "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n",
        "ı": "i", "Þ": "TH", "þ": "th", "Ð": "D", "ð": "d", "ß": "ss", "ẞ": "SS",
    ]

    /// `name` of one word or phrase (no placeholder or title handling): A–Z only.
    /// - Complexity: O(n); ASCII input takes a fast path without Unicode normalisation.
    package static func letters(_ value: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        if value.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): output.append(byte)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): output.append(byte - 0x20)
                default: break
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
        var mapped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if let replacement = wholeLetters[scalar] {
                mapped.append(contentsOf: replacement.unicodeScalars)
            } else {
                mapped.append(scalar)
            }
        }
        let decomposed = String(mapped).decomposedStringWithCompatibilityMapping
        for scalar in decomposed.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): output.append(byte)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): output.append(byte - 0x20)
                default: break
                }
                continue
            }
            // Combining marks are dropped; any other letter is kept only if upper-casing
            // makes it A–Z (none does after the map and NFKD, but the rule is the rule).
            if isCombiningMark(scalar) { continue }
            for upper in String(scalar).uppercased().utf8 where upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") {
                output.append(upper)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether a word is a title or suffix (by its own `name`).
    package static func isTitleOrSuffix(_ word: String) -> Bool {
        titlesAndSuffixes.contains(letters(word))
    }

    /// The words of `value` other than titles and suffixes.
    package static func wordsWithoutTitles(_ value: String) -> [String] {
        Whitespace.words(value).filter { !isTitleOrSuffix($0) }
    }

    /// A name field (`forename`, `surname`): placeholders, then titles removed, then `name`.
    package static func name(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        if let ascii = asciiName(value) { return ascii }
        return .nonEmpty(wordsWithoutTitles(value).map(letters).joined())
    }

    /// ``name(_:)`` for all-ASCII input without intermediate strings; nil when the
    /// input is not ASCII. Same rules: ASCII White_Space splits words, a word whose
    /// letters are a title or suffix is dropped, the other words' letters are kept.
    /// - Complexity: O(n), one allocation for the result.
    static func asciiName(_ value: String) -> Normalised? {
        var result: [UInt8] = []
        result.reserveCapacity(value.utf8.count)
        var wordStart = 0
        var isASCII = true
        func endWord() {
            let length = result.count - wordStart
            if length > 0 && length <= 4 && titlesAndSuffixes.contains(String(decoding: result[wordStart...], as: UTF8.self)) {
                result.removeLast(length)
            }
            wordStart = result.count
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): result.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): result.append(byte - 0x20)
            case 0x09...0x0D, 0x20: endWord()
            case 0x80...: isASCII = false
            default: break
            }
            if !isASCII { return nil }
        }
        endWord()
        return .nonEmpty(String(decoding: result, as: UTF8.self))
    }

    /// The first word (after titles) that has letters, `name`-normalised.
    package static func firstName(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        for word in wordsWithoutTitles(value) {
            let normalised = letters(word)
            if !normalised.isEmpty { return .value(normalised) }
        }
        return .missing
    }

    /// The first letter of the normalised forename (missing when the forename is).
    package static func initial(_ value: String) -> Normalised {
        guard let forename = name(value).text else { return .missing }
        return .value(String(forename.prefix(1)))
    }

    /// How a `full-name` column is written.
    package enum Order: String, Sendable, CaseIterable {
        /// `SMITH, Jane` (split at the first comma) or `SMITH Jane` (the first word is the surname).
        case surnameFirst = "surname-first"
        /// `Jane Mary Smith`: the last word is the surname.
        case forenameFirst = "forename-first"
    }

    /// Split a full name into normalised forename and surname: titles and suffixes are
    /// removed first, then the name is split per `order`.
    package static func fullName(_ value: String, order: Order) -> (forename: Normalised, surname: Normalised) {
        let split = splitFullName(value, order: order)
        return (split.forename, split.surname)
    }

    /// ``fullName(_:order:)`` and the first given name alone.
    package static func splitFullName(_ value: String, order: Order) -> (forename: Normalised, firstForename: Normalised, surname: Normalised) {
        if PlaceholderRule.isPlaceholder(value) { return (.missing, .missing, .missing) }
        let words = wordsWithoutTitles(value)
        guard !words.isEmpty else { return (.missing, .missing, .missing) }
        let forenameWords: [String]
        let surnameWords: [String]
        switch order {
        case .surnameFirst:
            let joined = words.joined(separator: " ")
            if let comma = joined.firstIndex(of: ",") {
                surnameWords = [String(joined[..<comma])]
                forenameWords = [String(joined[joined.index(after: comma)...])]
            } else {
                surnameWords = [words[0]]
                forenameWords = Array(words.dropFirst())
            }
        case .forenameFirst:
            surnameWords = [words[words.count - 1]]
            forenameWords = Array(words.dropLast())
        }
        let given = forenameWords.flatMap { Whitespace.words($0) }.map(letters).filter { !$0.isEmpty }
        return (.nonEmpty(given.joined()), given.first.map(Normalised.value) ?? .missing, .nonEmpty(surnameWords.map(letters).joined()))
    }
}
