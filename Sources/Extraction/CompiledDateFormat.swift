import Governance

/// A ``DateFormat`` compiled for the record loop: the same reading (``DateFormat/parse(_:)``
/// with its width, digit and separator rules and calendar check), on raw bytes, without
/// array bounds checks, reference counting or a call into another module per byte.
/// Formats wider than 16 bytes are not compiled: ``parse(_:fallback:column:position:)``
/// reads them with the ``DateFormat`` itself.
struct CompiledDateFormat {
    /// The format's bytes with 0 where a digit goes (at most 16; longer formats use `format`).
    private let pattern: (UInt64, UInt64)
    /// 0xFF in the byte lanes where a digit goes, 0 elsewhere.
    private let digitLanes: (UInt64, UInt64)
    private let width: Int
    private let yearOffset: Int
    private let monthOffset: Int
    private let dayOffset: Int
    private let isCompiled: Bool

    init(_ format: DateFormat) {
        let bytes = Array(format.text.utf8)
        width = bytes.count
        // DateFormat accepted the text, so YYYY, MM and DD each occur exactly once.
        func offset(of field: String) -> Int {
            let needle = Array(field.utf8)
            var index = 0
            while index + needle.count <= bytes.count {
                if Array(bytes[index..<index + needle.count]) == needle { return index }
                index += 1
            }
            return -1
        }
        yearOffset = offset(of: "YYYY")
        monthOffset = offset(of: "MM")
        dayOffset = offset(of: "DD")
        isCompiled = width >= 8 && width <= 16 && yearOffset >= 0 && monthOffset >= 0 && dayOffset >= 0
        var pattern = [UInt8](repeating: 0, count: 16)
        for index in 0..<min(width, 16) { pattern[index] = bytes[index] }
        for index in yearOffset..<yearOffset + 4 where index < 16 { pattern[index] = 0 }
        for index in monthOffset..<monthOffset + 2 where index < 16 { pattern[index] = 0 }
        for index in dayOffset..<dayOffset + 2 where index < 16 { pattern[index] = 0 }
        var lanes = [UInt8](repeating: 0, count: 16)
        for field in [(yearOffset, 4), (monthOffset, 2), (dayOffset, 2)] where field.0 >= 0 {
            for index in field.0..<field.0 + field.1 where index < 16 { lanes[index] = 0xFF }
        }
        self.pattern = pattern.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        digitLanes = lanes.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// Whether the lanes of `word` are digits where `digits` is 0xFF and equal to
    /// `literal` elsewhere (eight bytes at once).
    @inline(__always)
    private static func fits(_ word: UInt64, literal: UInt64, digits: UInt64) -> Bool {
        let literalMismatch = (word ^ literal) & ~digits
        // A digit is 0x30–0x39: high nibble 3, and low nibble + 6 without reaching 0x10.
        let highNibble = ((word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030) & digits
        let lowNibble = ((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010 & digits
        return literalMismatch | highNibble | lowNibble == 0
    }

    /// ``DateFormat/parse(_:)`` of `bytes` (already trimmed); `fallback[column][position]`
    /// is the format this was compiled from.
    @inline(__always)
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, fallback: [[DateFormat]], column: Int, position: Int) -> DateFormat.Reading {
        guard isCompiled else { return fallback[column][position].parse(bytes) }
        guard bytes.count == width, let base = bytes.baseAddress else { return .mismatch }
        // The value's bytes as two words (8–16 bytes; loads stay inside the value), lanes
        // past its width zero, as they are in `pattern` (little-endian lanes, as on every
        // platform Pathlink builds for).
        let raw = UnsafeRawPointer(base)
        let low = raw.loadUnaligned(as: UInt64.self)
        let high = width > 8 ? raw.loadUnaligned(fromByteOffset: width - 8, as: UInt64.self) >> UInt64((16 - width) * 8) : 0
        guard CompiledDateFormat.fits(low, literal: pattern.0, digits: digitLanes.0),
              CompiledDateFormat.fits(high, literal: pattern.1, digits: digitLanes.1)
        else { return .mismatch }
        @inline(__always) func two(_ offset: Int) -> Int { Int(base[offset] &- 0x30) &* 10 &+ Int(base[offset + 1] &- 0x30) }
        let year = two(yearOffset) &* 100 &+ two(yearOffset + 2)
        let month = two(monthOffset)
        let day = two(dayOffset)
        let valid = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= CalendarDate.daysIn(month: month, year: year)
        return valid ? .date(CalendarDate(year: year, month: month, day: day)) : .impossible
    }
}

extension CompiledDateFormat {
    /// The compiled formats of every column, in one flat allocation.
    final class Table {
        private let storage: UnsafeMutablePointer<CompiledDateFormat>
        private let starts: [Int]
        private let total: Int

        init(_ formats: [[DateFormat]]) {
            total = formats.reduce(0) { $0 + $1.count }
            storage = .allocate(capacity: max(total, 1))
            var starts = [0]
            var position = 0
            for column in formats {
                for format in column {
                    (storage + position).initialize(to: CompiledDateFormat(format))
                    position += 1
                }
                starts.append(position)
            }
            self.starts = starts
        }

        deinit {
            storage.deinitialize(count: total)
            storage.deallocate()
        }

        /// The compiled formats of input column `column`, in declaration order.
        @inline(__always)
        func formats(of column: Int) -> UnsafeBufferPointer<CompiledDateFormat> {
            UnsafeBufferPointer(start: storage + starts[column], count: starts[column + 1] - starts[column])
        }
    }
}
