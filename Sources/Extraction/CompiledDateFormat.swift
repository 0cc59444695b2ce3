import Governance

/// A ``DateFormat`` compiled for the record loop: the same reading (``DateFormat/parse(_:)``
/// with its width, digit and separator rules and calendar check), on raw bytes, without
/// array bounds checks, reference counting or a call into another module per byte.
/// Formats wider than 16 bytes are not compiled: ``parse(_:fallback:column:position:)``
/// reads them with the ``DateFormat`` itself.
struct CompiledDateFormat {
    /// The format's bytes with 0 where a digit goes (at most 16; longer formats use `format`).
    private let pattern: (UInt64, UInt64)
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
        isCompiled = width <= 16 && yearOffset >= 0 && monthOffset >= 0 && dayOffset >= 0
        var pattern = [UInt8](repeating: 0, count: 16)
        for index in 0..<min(width, 16) { pattern[index] = bytes[index] }
        for index in yearOffset..<yearOffset + 4 where index < 16 { pattern[index] = 0 }
        for index in monthOffset..<monthOffset + 2 where index < 16 { pattern[index] = 0 }
        for index in dayOffset..<dayOffset + 2 where index < 16 { pattern[index] = 0 }
        self.pattern = pattern.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// ``DateFormat/parse(_:)`` of `bytes` (already trimmed); `fallback[column][position]`
    /// is the format this was compiled from.
    @inline(__always)
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, fallback: [[DateFormat]], column: Int, position: Int) -> DateFormat.Reading {
        guard isCompiled else { return fallback[column][position].parse(bytes) }
        guard bytes.count == width, let base = bytes.baseAddress else { return .mismatch }
        var expected = pattern
        let matches: Bool = withUnsafeBytes(of: &expected) { raw in
            for index in 0..<width {
                let wanted = raw[index]
                let byte = base[index]
                if wanted == 0 {
                    if byte &- 0x30 > 9 { return false }
                } else if byte != wanted {
                    return false
                }
            }
            return true
        }
        guard matches else { return .mismatch }
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
