import Governance

/// The `date-of-birth` and `date-of-birth-unordered` normalisers.
///
/// A value is trimmed, checked for placeholders, then read with each declared format in
/// turn (ASCII digits, fixed width exactly as written); the first format that gives a
/// real calendar date wins. The result is `YYYYMMDD`. 1900-01-01 is a placeholder
/// (missing); a value no format reads is invalid.
package enum DateOfBirth {
    /// `YYYYMMDD`, or missing / invalid.
    package static func normalise(_ value: String, formats: [DateFormat]) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        let trimmed = Whitespace.trim(value)
        for format in formats {
            guard case .date(let date) = format.parse(trimmed) else { continue }
            if date.year == 1900 && date.month == 1 && date.day == 1 { return .missing }
            return .value(pad(date.year, 4) + pad(date.month, 2) + pad(date.day, 2))
        }
        return .invalid
    }

    /// `YYYY` + the smaller then the larger of day and month (two digits each), from a
    /// normalised `YYYYMMDD`: equal for a date and its day/month swap.
    package static func unordered(_ normalised: String) -> String {
        let digits = Array(normalised.utf8)
        precondition(digits.count == 8, "unordered expects a normalised YYYYMMDD date")
        let month = String(decoding: digits[4..<6], as: UTF8.self)
        let day = String(decoding: digits[6..<8], as: UTF8.self)
        let year = String(decoding: digits[0..<4], as: UTF8.self)
        return month <= day ? year + month + day : year + day + month
    }

    /// Two of the three parts of a normalised `YYYYMMDD` date (token specification 5.4):
    /// `YYYYMM`, `MMDD` or `YYYYDD`. A one-part typo (year or day off by one) keeps one of
    /// them equal; people born years apart differ in all three unless they share a birthday.
    package enum Part: Sendable { case yearMonth, monthDay, yearDay }

    package static func parts(_ normalised: String, _ part: Part) -> String {
        let digits = Array(normalised.utf8)
        precondition(digits.count == 8, "parts expects a normalised YYYYMMDD date")
        let year = digits[0..<4], month = digits[4..<6], day = digits[6..<8]
        switch part {
        case .yearMonth: return String(decoding: year + month, as: UTF8.self)
        case .monthDay: return String(decoding: month + day, as: UTF8.self)
        case .yearDay: return String(decoding: year + day, as: UTF8.self)
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
