/// The `date-of-birth` and `date-of-birth-unordered` normalisers.
///
/// A value is trimmed, checked for placeholders, then read with each declared format in
/// turn (ASCII digits, fixed width exactly as written); the first format that gives a
/// real calendar date wins. The result is `YYYYMMDD`. 1900-01-01 is a placeholder
/// (missing); a value no format reads is invalid.
public enum DateOfBirth {
    /// A declared date format.
    public enum Format: String, Sendable, CaseIterable {
        case isoDate = "YYYY-MM-DD"
        case dayMonthYear = "DD/MM/YYYY"
        case compact = "YYYYMMDD"

        /// Byte offsets of year, month and day, and the separator positions.
        var layout: (length: Int, year: Int, month: Int, day: Int, separators: [(Int, UInt8)]) {
            switch self {
            case .isoDate: return (10, 0, 5, 8, [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-"))])
            case .dayMonthYear: return (10, 6, 3, 0, [(2, UInt8(ascii: "/")), (5, UInt8(ascii: "/"))])
            case .compact: return (8, 0, 4, 6, [])
            }
        }

        /// Read `bytes` in this format: (year, month, day) when the shape fits and the
        /// date exists, nil otherwise.
        func read(_ bytes: [UInt8]) -> (year: Int, month: Int, day: Int)? {
            let layout = self.layout
            guard bytes.count == layout.length else { return nil }
            for (offset, separator) in layout.separators where bytes[offset] != separator { return nil }
            func number(_ start: Int, _ width: Int) -> Int? {
                var value = 0
                for byte in bytes[start..<start + width] {
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(layout.year, 4), let month = number(layout.month, 2), let day = number(layout.day, 2) else { return nil }
            guard DateOfBirth.isCalendarDate(year: year, month: month, day: day) else { return nil }
            return (year, month, day)
        }
    }

    /// Whether the Gregorian date exists (years 0001–9999).
    public static func isCalendarDate(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let days: Int
        switch month {
        case 2: days = (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: days = 30
        default: days = 31
        }
        return day <= days
    }

    /// `YYYYMMDD`, or missing / invalid.
    public static func normalise(_ value: String, formats: [Format]) -> Normalised {
        if Placeholder.isPlaceholder(value) { return .missing }
        let bytes = Array(Whitespace.trim(value).utf8)
        for format in formats {
            guard let date = format.read(bytes) else { continue }
            if date.year == 1900 && date.month == 1 && date.day == 1 { return .missing }
            return .value(pad(date.year, 4) + pad(date.month, 2) + pad(date.day, 2))
        }
        return .invalid
    }

    /// `YYYY` + the smaller then the larger of day and month (two digits each), from a
    /// normalised `YYYYMMDD`: equal for a date and its day/month swap.
    public static func unordered(_ normalised: String) -> String {
        let digits = Array(normalised.utf8)
        precondition(digits.count == 8, "unordered expects a normalised YYYYMMDD date")
        let month = String(decoding: digits[4..<6], as: UTF8.self)
        let day = String(decoding: digits[6..<8], as: UTF8.self)
        let year = String(decoding: digits[0..<4], as: UTF8.self)
        return month <= day ? year + month + day : year + day + month
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
