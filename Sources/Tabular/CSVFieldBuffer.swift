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
package final class CSVFieldBuffer: CSVFieldSink {
    private let delimiter: UInt8
    private let recordEnd: [UInt8]
    private var storage: [UInt8] = []
    private var fieldsInRecord = 0
    /// Whole records in the buffer.
    package private(set) var records = 0

    /// A buffer that formats as `writer` does.
    package init(like writer: CSVWriter) {
        delimiter = writer.fieldDelimiter
        recordEnd = writer.recordEnd
    }

    /// A buffer with this delimiter and these record-ending bytes.
    package init(delimiter: UInt8 = UInt8(ascii: ","), recordEnd: [UInt8] = [0x0D, 0x0A]) {
        self.delimiter = delimiter
        self.recordEnd = recordEnd
    }

    package func write(_ field: UnsafeBufferPointer<UInt8>) throws {
        if fieldsInRecord > 0 { storage.append(delimiter) }
        fieldsInRecord += 1
        let delimiter = self.delimiter
        guard field.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            storage.append(contentsOf: field)
            return
        }
        storage.append(0x22)
        for byte in field {
            if byte == 0x22 { storage.append(0x22) }
            storage.append(byte)
        }
        storage.append(0x22)
    }

    package func writeVerbatim(_ field: UnsafeBufferPointer<UInt8>) throws {
        if fieldsInRecord > 0 { storage.append(delimiter) }
        fieldsInRecord += 1
        storage.append(contentsOf: field)
    }

    package func endRecord() throws {
        storage.append(contentsOf: recordEnd)
        fieldsInRecord = 0
        records += 1
    }

    /// Empty the buffer, keeping its memory.
    package func removeAll() {
        storage.removeAll(keepingCapacity: true)
        fieldsInRecord = 0
        records = 0
    }

    /// Hand the formatted bytes (whole records only) to `body`.
    package func withFormattedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(fieldsInRecord == 0, "a record is not finished")
        return try storage.withUnsafeBufferPointer(body)
    }
}
