import Governance
import PathlinkCore

/// What extract does with one column of the raw export, decided once from the manifest.
enum ColumnAction {
    /// `direct`, `free-text`, or undeclared with `undeclared-columns: drop`.
    case drop
    /// Kept as it is (identifier, linkage, attribute without a value list).
    case keep
    /// A linkage date of birth: kept as it is, but its format is checked.
    case keepDate([DateFormat])
    /// An attribute with a closed value list.
    case keepListed(ValueSet)
    /// A quasi date → month / quarter / year.
    case generaliseDate([DateFormat], Generalisation)
    /// A quasi integer age → age band.
    case generaliseAge
    /// A quasi date of birth → age band at the date in another column (by input index).
    case generaliseBirthDate([DateFormat], at: Int, atFormats: [DateFormat])
    /// A quasi postcode → postcode district.
    case generalisePostcode
}

/// A small set of byte strings, matched without making `String`s.
struct ValueSet {
    private var values: [[UInt8]]

    init(_ strings: [String]) { values = strings.map { Array($0.utf8) } }

    @inline(__always)
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for value in values where value.count == bytes.count {
            if value.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return true }
        }
        return false
    }
}

/// Byte-level helpers for the hot loop.
enum Bytes {
    /// Trim ASCII spaces and tabs.
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard var start = bytes.baseAddress, bytes.count > 0 else { return bytes }
        var end = start + bytes.count
        while start < end && (start.pointee == 0x20 || start.pointee == 0x09) { start += 1 }
        while end > start && ((end - 1).pointee == 0x20 || (end - 1).pointee == 0x09) { end -= 1 }
        return UnsafeBufferPointer(start: start, count: end - start)
    }

    private static let placeholders: [[UInt8]] = Placeholder.texts.sorted().map { Array($0.utf8) }

    /// The ASCII bytes a placeholder can start with (either case), as a bit set over 0–127.
    private static let placeholderFirstBytes: (UInt64, UInt64) = {
        var low: UInt64 = 0, high: UInt64 = 0
        for placeholder in placeholders {
            guard let first = placeholder.first, first < 0x80 else { continue }
            var cases = [first]
            if first >= 0x41 && first <= 0x5A { cases.append(first + 0x20) }
            for byte in cases { if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) } }
        }
        return (low, high)
    }()
    /// Whether a placeholder can start with `byte` (either case).
    @inline(__always)
    static func startsPlaceholder(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return false }
        let starts = placeholderFirstBytes
        return (byte < 64 ? (starts.0 >> UInt64(byte)) & 1 : (starts.1 >> UInt64(byte - 64)) & 1) != 0
    }

    /// The longest placeholder, in bytes.
    private static let longestPlaceholder = placeholders.map(\.count).max() ?? 0

    /// Empty or a placeholder (UNKNOWN, N/A, …), compared case-insensitively after trimming.
    /// - Complexity: one table look-up for almost every value (its first byte cannot start
    ///   a placeholder), a comparison with each placeholder of its length otherwise.
    @inline(__always)
    static func isMissing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most values start with a byte that is neither white space nor the start of a
        // placeholder: then trimming would keep that byte first, and the answer is no.
        if let base = bytes.baseAddress, bytes.count > 0 {
            let first = base[0]
            if first != 0x20 && first != 0x09 && !startsPlaceholder(first) { return false }
        }
        let value = trimmed(bytes)
        if value.count == 0 { return true }
        if value.count > longestPlaceholder { return false }
        if !startsPlaceholder(value[0]) { return false }
        for placeholder in placeholders where placeholder.count == value.count {
            var equal = true
            for index in 0..<value.count {
                var byte = value[index]
                if byte >= 0x61 && byte <= 0x7A { byte -= 0x20 }
                if byte != placeholder[index] { equal = false; break }
            }
            if equal { return true }
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
