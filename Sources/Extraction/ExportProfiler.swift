import Governance
import PathlinkCore
import Tabular

/// Profiles a raw export against its manifest for `pathlink check --data`: every column
/// that would leave the owner as it is (attributes) or generalised (quasi) is scanned for
/// values that look like personal data. Findings give counts and the first row, never a
/// value.
///
/// What counts as an error: values that look like e-mail addresses, UK phone numbers, UK
/// postcodes, NHS numbers (with a valid check digit) or free text (long, many words), and
/// date-of-birth-like dates in an attribute or in a quasi column not declared as a date;
/// in open columns also personal names, dates inside text, street addresses, formulas and
/// markup. Placeholders (built-in or declared in the manifest) are missing values, not
/// profiled. Near-unique columns are warnings.
package struct ExportProfiler {
    package let manifest: Manifest

    package init(manifest: Manifest) { self.manifest = manifest }

    enum Pattern: Int, CaseIterable {
        case email, phone, postcode, nhsNumber, freeText, date, name, dateInText, formula, markup, address

        var message: String {
            switch self {
            case .email: return "values that look like e-mail addresses"
            case .phone: return "values that look like UK phone numbers"
            case .postcode: return "values that look like UK postcodes"
            case .nhsNumber: return "values that look like NHS numbers (valid check digit)"
            case .freeText: return "values that look like free text (long, many words)"
            case .date: return "values that look like dates (a date of birth?)"
            case .name: return "values that look like personal names (a title, or two or three capitalised words)"
            case .dateInText: return "values with a date inside the text (a date of birth?)"
            case .formula: return "values that a spreadsheet would run as a formula (=, +, -, @ first)"
            case .markup: return "values holding HTML or script markup"
            case .address: return "values that look like street addresses (a house or flat number and a street word)"
            }
        }
    }

    /// Check the export's header and profile its leaving columns.
    /// - Parameter onlyOpen: profile only the open attribute columns (`open: true`), as
    ///   extract does before it writes anything.
    /// - Throws: header and CSV errors, as extract would.
    package func profile(input: String, onlyOpen: Bool = false) throws -> [ReviewSheet.Finding] {
        let encoding = TextEncoding(rawValue: manifest.input.encoding) ?? .utf8
        let reader = try CSVReader(path: input, delimiter: manifest.input.delimiter, encoding: encoding)
        _ = try HeaderCheck(manifest: manifest, header: reader.header, file: input).layout()
        var watched: [(index: Int, column: ColumnDeclaration)] = []
        for (index, name) in reader.header.enumerated() {
            guard let column = manifest.column(named: name) else { continue }
            if onlyOpen && !(column.columnClass == .attribute && column.values == nil) { continue }
            if column.columnClass == .attribute || column.columnClass == .quasi { watched.append((index, column)) }
        }
        let declared: [Set<String>?] = watched.map { $0.column.missing.isEmpty ? nil : Set($0.column.missing) }
        var hits = Array(repeating: Array(repeating: (count: 0, first: 0), count: Pattern.allCases.count), count: watched.count)
        var distinct = Array(repeating: Set<Int>(), count: watched.count)
        var nonEmpty = Array(repeating: 0, count: watched.count)
        let distinctLimit = 200_000
        var records = 0
        while try reader.next() {
            records += 1
            for (slot, entry) in watched.enumerated() {
                let value = reader.string(entry.index).trimmingWhitespace
                if value.isEmpty || ExportProfiler.isPlaceholder(value, declared: declared[slot]) { continue }
                nonEmpty[slot] += 1
                if distinct[slot].count < distinctLimit { distinct[slot].insert(value.hashValue) }
                let isOpen = entry.column.columnClass == .attribute && entry.column.values == nil
                for pattern in ExportProfiler.patterns(in: value, open: isOpen) {
                    if pattern == .date && entry.column.columnClass == .quasi && entry.column.type == .date { continue }
                    if pattern == .postcode && entry.column.columnClass == .quasi && entry.column.type == .postcode { continue }
                    if hits[slot][pattern.rawValue].count == 0 { hits[slot][pattern.rawValue].first = reader.row }
                    hits[slot][pattern.rawValue].count += 1
                }
            }
        }
        var findings: [ReviewSheet.Finding] = []
        for (slot, entry) in watched.enumerated() {
            for pattern in Pattern.allCases where hits[slot][pattern.rawValue].count > 0 {
                let hit = hits[slot][pattern.rawValue]
                findings.append(.init(severity: .error, column: entry.column.name,
                                      message: "\(pattern.message) in a column that leaves as \(entry.column.columnClass.rawValue); declare it direct, free-text or linkage, or clean the export",
                                      count: hit.count, firstRow: hit.first))
            }
            let unique = distinct[slot].count
            if nonEmpty[slot] >= 20 && Double(unique) > 0.9 * Double(nonEmpty[slot]) && entry.column.values == nil {
                findings.append(.init(severity: .warning, column: entry.column.name,
                                      message: "nearly every value is different (\(unique) distinct in \(nonEmpty[slot]) rows): it may identify people; generalise it or declare it an identifier"))
            }
        }
        return findings
    }

    /// Whether a trimmed value is missing rather than a value: a built-in placeholder
    /// (`UNKNOWN`, `NOT KNOWN`, …) or one the manifest declares for the column.
    static func isPlaceholder(_ value: String, declared: Set<String>?) -> Bool {
        if value.utf8.count <= 9 && Placeholder.texts.contains(value.uppercased()) { return true }
        guard let declared else { return false }
        return declared.contains(Placeholder.declared(value))
    }

    /// The patterns `value` matches. Names, dates inside text, addresses, formulas and markup are
    /// looked for in open columns only (a closed list is checked value by value at extract).
    static func patterns(in value: String, open: Bool = false) -> [Pattern] {
        var found: [Pattern] = []
        let bytes = Array(value.utf8)
        if looksLikeEmail(bytes) { found.append(.email) }
        let digits = bytes.filter { $0 >= 0x30 && $0 <= 0x39 }
        let onlyPhoneCharacters = bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 || $0 == 0x2B || $0 == 0x2D || $0 == 0x28 || $0 == 0x29 }
        if onlyPhoneCharacters && isUKPhone(digits) { found.append(.phone) }
        if digits.count == 10 && onlyPhoneCharacters && isNHSNumber(digits) { found.append(.nhsNumber) }
        if bytes.count <= 10, bytes.withUnsafeBufferPointer({ Postcode.normalised($0) }) != nil,
           bytes.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
            found.append(.postcode)
        }
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
        if bytes.count >= 40 && words >= 6 { found.append(.freeText) }
        let isDate = looksLikeDate(bytes)
        if isDate { found.append(.date) }
        if open {
            if looksLikeName(value) { found.append(.name) }
            if !isDate && value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" || $0 == "(" || $0 == ")" })
                .contains(where: { looksLikeDate(Array($0.utf8)) }) {
                found.append(.dateInText)
            }
            if let first = bytes.first, [0x3D, 0x2B, 0x2D, 0x40].contains(first), bytes.count > 1,
               !bytes.dropFirst().allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) {
                found.append(.formula)
            }
            if looksLikeMarkup(bytes) { found.append(.markup) }
            if looksLikeAddress(value) { found.append(.address) }
        }
        return found
    }

    /// Street-type words of UK addresses, lower case, and their usual abbreviations.
    static let streetWords: Set<String> = [
        "road", "rd", "street", "st", "avenue", "ave", "av", "lane", "ln", "close", "drive", "dr", "way", "court", "ct",
        "crescent", "cres", "gardens", "gdns", "place", "pl", "terrace", "tce", "grove", "hill", "walk", "square", "sq",
        "mews", "parade", "rise", "row", "boulevard", "embankment", "wharf", "green", "park", "view", "mount", "vale",
    ]
    /// Words that start a flat or unit number ("Flat 3", "Apartment 12b").
    static let flatWords: Set<String> = ["flat", "apartment", "apt", "maisonette"]
    /// Words that make "3 weeks to Crown Court" a phrase, not "3 Acacia Court".
    static let notStreetNameWords: Set<String> = ["day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours",
                                                  "time", "times", "of", "to", "in", "at", "and", "or", "for", "per", "by", "from", "x"]

    /// "12 Acacia Avenue", "Flat 3, 45 High St", "1a Mill Lane", "Apartment 4": a house
    /// number (1–4 digits, an optional letter, or a range such as 12-14) followed, one to
    /// three words later, by a street word; or a flat word followed by a number. A number
    /// right before a street word ("3 way") or a street word alone ("Crown Court") is not
    /// an address.
    static func looksLikeAddress(_ value: String) -> Bool {
        let words = value.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
            .map { $0.trimmingCharacters(in: [".", ";", ":"]) }
        guard words.count >= 2 else { return false }
        func isHouseNumber(_ word: String) -> Bool {
            let parts = word.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count) else { return false }
            return parts.allSatisfy { part in
                let digits = part.prefix { $0.isASCII && $0.isNumber }
                let rest = part.dropFirst(digits.count)
                return (1...4).contains(digits.count) && (rest.isEmpty || (rest.count == 1 && rest.first!.isASCII && rest.first!.isLetter))
            }
        }
        for (index, word) in words.enumerated() where isHouseNumber(word) {
            if index > 0 && flatWords.contains(words[index - 1]) { return true }
            var later = index + 2
            while later < min(words.count, index + 5) {
                // The words between are a street's name: words of letters, not numbers or a phrase.
                if streetWords.contains(words[later]),
                   words[(index + 1)..<later].allSatisfy({ $0.first?.isLetter == true && !notStreetNameWords.contains($0) }) {
                    return true
                }
                later += 1
            }
        }
        return false
    }

    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev"]

    /// "Mrs J Smith", "Dr Jones", "Jane Smith", "SMITH, Jane", "Mary Ann O'Neill": a title and a word, or
    /// two or three words that are each a capital and lower-case letters (or an initial).
    static func looksLikeName(_ value: String) -> Bool {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "," }).map { $0.trimmingCharacters(in: ["."]) }
        guard (2...4).contains(words.count) else { return false }
        if titles.contains(words[0].lowercased()) { return true }
        guard words.count <= 3 else { return false }
        func nameWord(_ word: String) -> Bool {
            guard let first = word.first, first.isUppercase, first.isLetter else { return false }
            let rest = word.dropFirst()
            return rest.allSatisfy { $0.isLetter || $0 == "'" || $0 == "-" }
                && (rest.isEmpty || rest.allSatisfy { !$0.isLetter || $0.isLowercase } || rest.allSatisfy { !$0.isLetter || $0.isUppercase })
        }
        let initials = words.filter { $0.count == 1 }.count
        return words.allSatisfy(nameWord) && initials < words.count
            && words.contains { $0.count > 1 && $0.dropFirst().contains(where: \.isLowercase) }
    }

    /// `<script>`, `<a href=…>`, `</b>`, `javascript:`: text a web page would run or render.
    static func looksLikeMarkup(_ bytes: [UInt8]) -> Bool {
        for index in bytes.indices.dropLast() where bytes[index] == 0x3C {
            let next = bytes[index + 1]
            if next == 0x2F || next == 0x21 || (next | 0x20 >= 0x61 && next | 0x20 <= 0x7A) { return true }
        }
        return String(decoding: bytes, as: UTF8.self).lowercased().contains("javascript:")
    }

    static func looksLikeEmail(_ bytes: [UInt8]) -> Bool {
        guard let at = bytes.firstIndex(of: 0x40), at > 0, at < bytes.count - 3 else { return false }
        let domain = bytes[(at + 1)...]
        return domain.contains(0x2E) && !bytes.contains(0x20)
    }

    /// UK numbers: 07… mobiles and 01/02/03 landlines (11 digits), or +44 / 44 forms.
    static func isUKPhone(_ digits: [UInt8]) -> Bool {
        var digits = digits
        if digits.count == 12 && digits[0] == 0x34 && digits[1] == 0x34 { digits = [0x30] + digits[2...] }
        guard digits.count == 11, digits[0] == 0x30 else { return false }
        return [0x31, 0x32, 0x33, 0x37].contains(digits[1])
    }

    /// NHS number: 10 digits, modulus 11 check digit.
    static func isNHSNumber(_ digits: [UInt8]) -> Bool {
        guard digits.count == 10 else { return false }
        let values = digits.map { Int($0 - 0x30) }
        var sum = 0
        for index in 0..<9 { sum += values[index] * (10 - index) }
        let check = 11 - sum % 11
        if check == 10 { return false }
        return (check == 11 ? 0 : check) == values[9]
    }

    /// dd/mm/yyyy, yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd with a plausible calendar date.
    static func looksLikeDate(_ bytes: [UInt8]) -> Bool {
        for format in ["DD/MM/YYYY", "YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "YYYYMMDD", "YYYY/MM/DD"] {
            if case .date(let date) = DateFormat(format)!.parse(String(decoding: bytes, as: UTF8.self)),
               date.year >= 1900 && date.year <= 2100 {
                return true
            }
        }
        return false
    }
}
