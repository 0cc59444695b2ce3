/// The `postcode` and `postcode-district` normalisers.
///
/// `postcode`: upper-case, keep A–Z and 0–9 only; a `ZZ99` pseudo-postcode is missing;
/// anything not of the UK shape `^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$` is invalid.
/// `postcode-district`: the normalised postcode without its last three characters
/// (the inward code), e.g. `SS11AA` → `SS1`.
package enum Postcode {
    package static func normalise(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        let upper = value.utf8.allSatisfy({ $0 < 0x80 }) ? value : value.uppercased()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        for byte in upper.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(byte - 0x20)
            default: break
            }
        }
        if bytes.starts(with: Array("ZZ99".utf8)) { return .missing }
        guard hasUKShape(bytes) else { return bytes.isEmpty ? .missing : .invalid }
        return .value(String(decoding: bytes, as: UTF8.self))
    }

    /// The district of a normalised postcode.
    package static func district(_ normalised: String) -> String {
        String(normalised.dropLast(3))
    }

    /// `^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$` on upper-case ASCII bytes.
    static func hasUKShape(_ bytes: [UInt8]) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let count = bytes.count
        guard count >= 5 && count <= 7 else { return false }
        // The inward code: digit, letter, letter.
        guard isDigit(bytes[count - 3]), isLetter(bytes[count - 2]), isLetter(bytes[count - 1]) else { return false }
        // The outward code: 1–2 letters, a digit, an optional letter or digit.
        for letters in 1...2 {
            let middle = count - 3 - letters - 1    // characters after the digit: 0 or 1
            guard middle == 0 || middle == 1 else { continue }
            guard bytes[0..<letters].allSatisfy(isLetter), isDigit(bytes[letters]) else { continue }
            if middle == 1 && !(isLetter(bytes[letters + 1]) || isDigit(bytes[letters + 1])) { continue }
            return true
        }
        return false
    }
}
