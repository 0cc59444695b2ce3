/// A fixed-width date format such as `DD/MM/YYYY`, `YYYY-MM-DD` or `YYYYMMDD`.
///
/// A format is made of the fields `YYYY`, `MM` and `DD` (each exactly once) and literal
/// separator characters. A value matches only if it has exactly the format's width,
/// ASCII digits where the fields are, and the same separators (schemas/README.md "Dates";
/// governance/token-specification.md 3.4). A matching value may still be an impossible
/// calendar date (31/02/2001); ``parse(_:)`` tells the two apart.
package struct DateFormat: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    private let pattern: [UInt8]
    private let yearOffset: Int
    private let monthOffset: Int
    private let dayOffset: Int

    /// - Returns: nil when `text` is not a valid format.
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        func offset(of field: String) -> Int? {
            let needle = Array(field.utf8)
            var found: Int? = nil
            var index = 0
            while index + needle.count <= bytes.count {
                if Array(bytes[index..<index + needle.count]) == needle {
                    if found != nil { return nil }
                    found = index
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return found
        }
        guard let year = offset(of: "YYYY"), let month = offset(of: "MM"), let day = offset(of: "DD") else { return nil }
        var pattern = bytes
        for index in year..<year + 4 { pattern[index] = 0 }
        for index in month..<month + 2 { pattern[index] = 0 }
        for index in day..<day + 2 { pattern[index] = 0 }
        // Separators must be punctuation or space, never letters or digits.
        for byte in pattern where byte != 0 {
            guard byte < 0x80, !(0x30...0x39).contains(byte), !(0x41...0x5A).contains(byte), !(0x61...0x7A).contains(byte) else { return nil }
        }
        self.text = text
        self.pattern = pattern
        yearOffset = year
        monthOffset = month
        dayOffset = day
    }

    package var description: String { text }

    /// The result of reading a value with a format.
    package enum Reading: Equatable, Sendable {
        case date(CalendarDate)
        /// The value has the format's shape but is no calendar date (e.g. 31/02/2001).
        case impossible
        /// The value does not have the format's shape.
        case mismatch
    }

    /// Read `bytes` (already trimmed) with this format.
    package func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Reading {
        guard bytes.count == pattern.count else { return .mismatch }
        for index in 0..<pattern.count {
            let expected = pattern[index]
            let byte = bytes[index]
            if expected == 0 {
                guard byte >= 0x30 && byte <= 0x39 else { return .mismatch }
            } else if byte != expected {
                return .mismatch
            }
        }
        func number(_ offset: Int, _ width: Int) -> Int {
            var value = 0
            for index in offset..<offset + width { value = value * 10 + Int(bytes[index] - 0x30) }
            return value
        }
        let date = CalendarDate(year: number(yearOffset, 4), month: number(monthOffset, 2), day: number(dayOffset, 2))
        return date.isValid ? .date(date) : .impossible
    }

    package func parse(_ text: String) -> Reading {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}

/// A proleptic Gregorian calendar date.
package struct CalendarDate: Sendable, Equatable, Comparable, Hashable {
    package var year: Int
    package var month: Int
    package var day: Int

    @inlinable
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    package var isValid: Bool {
        guard year >= 1 && (1...12).contains(month) && day >= 1 else { return false }
        return day <= CalendarDate.daysIn(month: month, year: year)
    }

    @inlinable
    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Completed years from `self` (a birth date) to `date`.
    @inlinable
    package func age(at date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// `YYYY-MM-DD`.
    package var iso: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// The MoJ report's age bands.
package enum AgeBand {
    package static let labels = ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]

    /// The band of an age in completed years; nil for a negative age.
    package static func label(forAge age: Int) -> String? {
        index(forAge: age).map { labels[$0] }
    }

    /// The position in ``labels`` of an age's band; nil for a negative age.
    @inlinable @inline(__always)
    package static func index(forAge age: Int) -> Int? {
        switch age {
        case ..<0: return nil
        case ..<18: return 0
        case ..<25: return 1
        case ..<35: return 2
        case ..<45: return 3
        case ..<55: return 4
        case ..<65: return 5
        case ..<75: return 6
        default: return 7
        }
    }
}

/// Values that mean "not known" rather than a value (governance/token-specification.md 3,
/// "Placeholder"; schemas/README.md "Dates").
package enum Placeholder {
    /// Upper-cased, trimmed placeholder texts.
    package static let texts: Set<String> = ["UNKNOWN", "NOT KNOWN", "N/A", "NA", "-9", "NO NAME"]

    /// Whether a value is empty or a placeholder (after trimming and upper-casing).
    package static func isMissing(_ value: String) -> Bool {
        let trimmed = value.trimmingWhitespace
        return trimmed.isEmpty || texts.contains(trimmed.uppercased())
    }

    /// A declared placeholder (`missing:` in a manifest) as values are compared with it:
    /// trimmed (Unicode White_Space) and upper-cased, as the built-in ones are.
    package static func declared(_ value: String) -> String {
        value.trimmingWhitespace.uppercased()
    }
}
