/// Where a record loop writes fields: the output file (``CSVWriter``), or a
/// ``CSVFieldBuffer`` in memory that a thread fills and the writer later copies in order.
package protocol CSVFieldSink: AnyObject {
    /// Append a field, quoted when it holds the delimiter, a quote, CR or LF.
    func write(_ field: UnsafeBufferPointer<UInt8>) throws
    /// Append a field that needs no quoting, as it is.
    func writeVerbatim(_ field: UnsafeBufferPointer<UInt8>) throws
    /// End the current record.
    func endRecord() throws
}

extension CSVWriter: CSVFieldSink {}

/// Records formatted in memory exactly as a ``CSVWriter`` with the same delimiter and
/// line ending would write them, for ``CSVWriter/writeFormatted(_:records:)``: a thread
/// formats its share of a block here while others format theirs, and the writer copies
/// the buffers in record order, so the file does not depend on the thread count.
///
/// Its state is raw memory behind one pointer (as in ``CSVWriter``), so that the record
/// loop pays no run-time exclusivity check per field.
package final class CSVFieldBuffer: CSVFieldSink {
    private let delimiter: UInt8
    private let isCRLF: Bool
    struct Cursor {
        var bytes: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var used = 0
        var fieldsInRecord = 0
        var records = 0
    }
    private let cursor: UnsafeMutablePointer<Cursor>

    /// Whole records in the buffer.
    package var records: Int { cursor.pointee.records }

    /// A buffer that formats as `writer` does.
    package convenience init(like writer: CSVWriter) {
        self.init(delimiter: writer.fieldDelimiter, isCRLF: writer.recordEnd.count == 2)
    }

    /// A buffer with this delimiter, ending records in CR LF (or LF alone).
    package init(delimiter: UInt8 = UInt8(ascii: ","), isCRLF: Bool = true) {
        self.delimiter = delimiter
        self.isCRLF = isCRLF
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(bytes: .allocate(capacity: 1 << 16), capacity: 1 << 16))
    }

    deinit {
        cursor.pointee.bytes.deallocate()
        cursor.deinitialize(count: 1).deallocate()
    }

    /// Make room for `extra` more bytes.
    @inline(__always)
    private func reserve(_ extra: Int) {
        let used = cursor.pointee.used
        guard used + extra > cursor.pointee.capacity else { return }
        let capacity = max(cursor.pointee.capacity * 2, used + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: cursor.pointee.bytes, count: used)
        cursor.pointee.bytes.deallocate()
        cursor.pointee.bytes = grown
        cursor.pointee.capacity = capacity
    }

    package func write(_ field: UnsafeBufferPointer<UInt8>) throws {
        let count = field.count
        reserve(2 * count + 3)
        let bytes = cursor.pointee.bytes
        var position = cursor.pointee.used
        if cursor.pointee.fieldsInRecord > 0 { bytes[position] = delimiter; position += 1 }
        cursor.pointee.fieldsInRecord += 1
        if let base = field.baseAddress, count > 0 {
            let delimiter = self.delimiter
            var needsQuotes = false
            for index in 0..<count {
                let byte = base[index]
                if byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D { needsQuotes = true; break }
            }
            if needsQuotes {
                bytes[position] = 0x22
                position += 1
                for index in 0..<count {
                    let byte = base[index]
                    if byte == 0x22 { bytes[position] = 0x22; position += 1 }
                    bytes[position] = byte
                    position += 1
                }
                bytes[position] = 0x22
                position += 1
            } else {
                (bytes + position).update(from: base, count: count)
                position += count
            }
        }
        cursor.pointee.used = position
    }

    package func writeVerbatim(_ field: UnsafeBufferPointer<UInt8>) throws {
        let count = field.count
        reserve(count + 1)
        let bytes = cursor.pointee.bytes
        var position = cursor.pointee.used
        if cursor.pointee.fieldsInRecord > 0 { bytes[position] = delimiter; position += 1 }
        cursor.pointee.fieldsInRecord += 1
        if let base = field.baseAddress, count > 0 {
            (bytes + position).update(from: base, count: count)
            position += count
        }
        cursor.pointee.used = position
    }

    package func endRecord() throws {
        reserve(2)
        let bytes = cursor.pointee.bytes
        var position = cursor.pointee.used
        if isCRLF { bytes[position] = 0x0D; position += 1 }
        bytes[position] = 0x0A
        cursor.pointee.used = position + 1
        cursor.pointee.fieldsInRecord = 0
        cursor.pointee.records += 1
    }

    /// Empty the buffer, keeping its memory.
    package func removeAll() {
        cursor.pointee.used = 0
        cursor.pointee.fieldsInRecord = 0
        cursor.pointee.records = 0
    }

    /// Hand the formatted bytes (whole records only) to `body`.
    package func withFormattedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(cursor.pointee.fieldsInRecord == 0, "a record is not finished")
        return try body(UnsafeBufferPointer(start: cursor.pointee.bytes, count: cursor.pointee.used))
    }
}
