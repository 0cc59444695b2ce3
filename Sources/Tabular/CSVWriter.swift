#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathlinkCore

/// A buffered RFC 4180 CSV writer that produces its file atomically.
///
/// Records end in CRLF, as RFC 4180 specifies (or LF when asked: ``LineEnding``). A field is
/// quoted only when it holds the
/// delimiter, a quote, CR or LF; quotes inside are doubled. The file appears at its path
/// only on ``close()`` (see ``AtomicOutput``); ``discard()`` — or an error, or an
/// interrupt — leaves nothing behind.
public final class CSVWriter {
    public let path: String
    private let output: AtomicOutput
    private let descriptor: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0
    private var fieldsInRecord = 0
    private let delimiter: UInt8
    private var isClosed = false
    /// Called with every block of bytes as it is written, e.g. to hash the output in the same pass.
    public var onBytesWritten: ((UnsafeRawBufferPointer) -> Void)?
    private let lineEnding: LineEnding
    /// Records written so far (the header counts as one).
    public private(set) var recordCount = 0

    /// How records end.
    public enum LineEnding: Sendable {
        /// CR LF, as RFC 4180 specifies (the default).
        case crlf
        /// LF alone, as Unix tools write.
        case lf
    }

    /// Start writing `path` (not visible until ``close()``).
    /// - Parameters:
    ///   - lineEnding: how records end (CRLF unless asked otherwise).
    ///   - byteOrderMark: begin the file with a UTF-8 byte-order mark, as Excel does.
    /// - Throws: `.outputExists` when `path` exists and `force` is false; `.io`.
    public init(path: String, force: Bool, delimiter: UInt8 = UInt8(ascii: ","), bufferSize: Int = 1 << 20,
                lineEnding: LineEnding = .crlf, byteOrderMark: Bool = false) throws {
        self.path = path
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        output = try AtomicOutput(path: path, force: force)
        descriptor = open(output.temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            output.discard()
            throw PathlinkError.io(path: path, operation: "create")
        }
        capacity = max(bufferSize, 1 << 16)
        buffer = .allocate(capacity: capacity)
        if byteOrderMark {
            buffer[0] = 0xEF
            buffer[1] = 0xBB
            buffer[2] = 0xBF
            used = 3
        }
    }

    deinit {
        if !isClosed { discard() }
        buffer.deallocate()
    }

    /// Append a field given as bytes.
    @inline(__always)
    public func write(_ field: UnsafeBufferPointer<UInt8>) throws {
        if fieldsInRecord > 0 { try put(delimiter) }
        fieldsInRecord += 1
        var needsQuotes = false
        for byte in field where byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            try put(field)
            return
        }
        try put(0x22)
        for byte in field {
            if byte == 0x22 { try put(0x22) }
            try put(byte)
        }
        try put(0x22)
    }

    /// Append a field given as a `String`.
    public func write(_ field: String) throws {
        var copy = field
        try copy.withUTF8 { try write($0) }
    }

    /// Append a whole record of `String`s.
    public func writeRecord(_ fields: [String]) throws {
        for field in fields { try write(field) }
        try endRecord()
    }

    /// Append bytes that are already CSV: whole records, each field escaped as
    /// ``write(_:)-(UnsafeBufferPointer<UInt8>)`` would (``escaped(_:delimiter:)``), fields
    /// separated by the delimiter, records ended by ``recordEnd``. For callers that format
    /// many records themselves; `records` is added to ``recordCount``.
    public func writeFormatted(_ bytes: UnsafeBufferPointer<UInt8>, records: Int) throws {
        precondition(fieldsInRecord == 0, "writeFormatted is for whole records")
        try put(bytes)
        recordCount += records
    }

    /// The bytes that end a record (CR LF, or LF).
    public var recordEnd: [UInt8] { lineEnding == .crlf ? [0x0D, 0x0A] : [0x0A] }

    /// The field separator.
    public var fieldDelimiter: UInt8 { delimiter }

    /// The bytes ``write(_:)-(UnsafeBufferPointer<UInt8>)`` appends for `field` (after any
    /// delimiter): the field itself, or quoted with inner quotes doubled when it holds the
    /// delimiter, a quote, CR or LF.
    public static func escaped(_ field: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
        guard field.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        var result: [UInt8] = [0x22]
        for byte in field {
            if byte == 0x22 { result.append(0x22) }
            result.append(byte)
        }
        result.append(0x22)
        return result
    }

    /// End the current record (CRLF, or LF when so configured).
    @inline(__always)
    public func endRecord() throws {
        if lineEnding == .crlf { try put(0x0D) }
        try put(0x0A)
        fieldsInRecord = 0
        recordCount += 1
    }

    @inline(__always)
    private func put(_ byte: UInt8) throws {
        if used == capacity { try flush() }
        buffer[used] = byte
        used += 1
    }

    @inline(__always)
    private func put(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if used + bytes.count > capacity { try flush() }
        if bytes.count > capacity {
            try writeAll(base, bytes.count)
            return
        }
        (buffer + used).update(from: base, count: bytes.count)
        used += bytes.count
    }

    private func flush() throws {
        try writeAll(buffer, used)
        used = 0
    }

    private func writeAll(_ pointer: UnsafePointer<UInt8>, _ count: Int) throws {
        onBytesWritten?(UnsafeRawBufferPointer(start: pointer, count: count))
        var written = 0
        while written < count {
            let result = Glibc.write(descriptor, pointer + written, count - written)
            if result < 0 {
                if errno == EINTR { continue }
                let error = PathlinkError.io(path: path, operation: "write")
                discard()
                throw error
            }
            written += result
        }
    }

    /// Flush, sync and make the file appear at its path.
    public func close() throws {
        guard !isClosed else { return }
        try flush()
        guard fsync(descriptor) == 0 else {
            let error = PathlinkError.io(path: path, operation: "write")
            discard()
            throw error
        }
        Glibc.close(descriptor)
        isClosed = true
        try output.commit()
    }

    /// Abandon the file: nothing is left behind.
    public func discard() {
        guard !isClosed else { return }
        Glibc.close(descriptor)
        isClosed = true
        output.discard()
    }
}
