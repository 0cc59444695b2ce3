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
    /// An attribute with a closed value list (its number in the layout's ``ValueSets``).
    case keepListed(Int)
    /// A quasi date → month / quarter / year.
    case generaliseDate([DateFormat], Generalisation)
    /// A quasi integer age → age band.
    case generaliseAge
    /// A quasi date of birth → age band at the date in another column (by input index).
    case generaliseBirthDate([DateFormat], at: Int, atFormats: [DateFormat])
    /// A quasi postcode → postcode district.
    case generalisePostcode
}

/// Small sets of byte strings (closed value lists, row conditions), matched without
/// making `String`s and without reference counting in the record loop: a set is named by
/// its number, and its values of 1–8 bytes are kept as (length, ``shortKey(_:_:)``)
/// pairs in one flat allocation.
final class ValueSets {
    private let counts: UnsafeMutablePointer<Int>
    private let keys: UnsafeMutablePointer<UInt64>
    /// Per set, its first entry in `counts`/`keys` (and one past the last set's end).
    private let starts: UnsafeMutablePointer<Int>
    /// Per set, whether every value is 1–8 bytes long (else `long` is searched too).
    private let allShort: UnsafeMutablePointer<Bool>
    private let long: [[[UInt8]]]
    private let setCount: Int
    private let entryCount: Int

    init(_ sets: [[String]]) {
        let bytes = sets.map { $0.map { Array($0.utf8) } }
        setCount = sets.count
        let short = bytes.map { $0.filter { $0.count >= 1 && $0.count <= 8 } }
        entryCount = short.reduce(0) { $0 + $1.count }
        counts = .allocate(capacity: max(entryCount, 1))
        keys = .allocate(capacity: max(entryCount, 1))
        starts = .allocate(capacity: setCount + 1)
        allShort = .allocate(capacity: max(setCount, 1))
        var position = 0
        for (index, values) in short.enumerated() {
            starts[index] = position
            allShort[index] = values.count == bytes[index].count
            for value in values {
                counts[position] = value.count
                keys[position] = value.withUnsafeBufferPointer { ValueSets.shortKey($0.baseAddress!, $0.count) }
                position += 1
            }
        }
        starts[setCount] = position
        long = bytes
    }

    deinit {
        counts.deallocate()
        keys.deallocate()
        starts.deallocate()
        allShort.deallocate()
    }

    /// Bytes of a 1–8 byte value packed into a word: with its length, it names the value
    /// exactly. Reads only inside the value (two overlapping loads, as `CSVWriter.copy`).
    @inline(__always)
    static func shortKey(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        if count >= 4 {
            let head = UInt64(raw.loadUnaligned(as: UInt32.self))
            let tail = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return head | tail << 32
        }
        return UInt64(base[0]) | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1]) << 16
    }

    /// Whether set number `set` holds exactly `bytes`.
    @inline(__always)
    func contains(_ set: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        precondition(set >= 0 && set < setCount, "no such value set")
        let count = bytes.count
        if count >= 1 && count <= 8, let base = bytes.baseAddress {
            let key = ValueSets.shortKey(base, count)
            for entry in starts[set]..<starts[set + 1] where counts[entry] == count && keys[entry] == key { return true }
            if allShort[set] { return false }
        }
        for value in long[set] where value.count == count {
            if count == 0 { return true }
            if value.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, count) == 0 }) { return true }
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

    /// The ASCII bytes a placeholder can start with (either case), as a bit set over
    /// 0–127: "-", "N", "n", "U", "u". A literal, so the record loop reads it without a
    /// lazy-initialisation call; a test checks it against ``computedPlaceholderFirstBytes()``.
    static let placeholderFirstBytes: (UInt64, UInt64) = (0x0000_2000_0000_0000, 0x0020_4000_0020_4000)

    /// ``placeholderFirstBytes`` computed from ``Placeholder/texts``.
    static func computedPlaceholderFirstBytes() -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        for placeholder in placeholders {
            guard let first = placeholder.first, first < 0x80 else { continue }
            var cases = [first]
            if first >= 0x41 && first <= 0x5A { cases.append(first + 0x20) }
            for byte in cases { if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) } }
        }
        return (low, high)
    }
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
