/// White space as Unicode defines it (the `White_Space` property).
package enum Whitespace {
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 0x20 || (value >= 0x09 && value <= 0x0D)
        }
        return scalar.properties.isWhitespace
    }

    /// `value` without leading and trailing White_Space characters.
    package static func trim(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return value }
        return String(scalars[first...last])
    }

    /// The words of `value`, split on runs of White_Space.
    package static func words(_ value: String) -> [String] {
        value.unicodeScalars.split(whereSeparator: isWhitespace).map { String($0) }
    }
}
