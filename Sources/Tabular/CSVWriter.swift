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
package final class CSVWriter {
    package let path: String
    private let output: AtomicOutput
    private let descriptor: Int32
    /// The write position, in memory the writer allocates and frees itself.
    ///
    /// Stored `var` properties of a class pay a run-time exclusivity check on every
    /// access, and the record loops move the position for every field (with the reader's,
    /// a quarter of extract's instructions, measured with callgrind). Only the writer holds
    /// this pointer, and a writer is used from one thread at a time.
    @usableFromInline struct Cursor {
        /// The buffer being filled.
        @usableFromInline var buffer: UnsafeMutablePointer<UInt8>
        /// Bytes of `buffer` filled.
        @usableFromInline var used = 0
        /// Fields written to the current record.
        @usableFromInline var fieldsInRecord = 0
        /// Records written so far (the header counts as one).
        @usableFromInline var records = 0
        @usableFromInline init(buffer: UnsafeMutablePointer<UInt8>) { self.buffer = buffer }
    }
    @usableFromInline let cursor: UnsafeMutablePointer<Cursor>
    @usableFromInline var buffer: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { cursor.pointee.buffer }
        @inline(__always) set { cursor.pointee.buffer = newValue }
    }
    @usableFromInline var used: Int {
        @inline(__always) get { cursor.pointee.used }
        @inline(__always) set { cursor.pointee.used = newValue }
    }
    @usableFromInline var fieldsInRecord: Int {
        @inline(__always) get { cursor.pointee.fieldsInRecord }
        @inline(__always) set { cursor.pointee.fieldsInRecord = newValue }
    }
    @usableFromInline var records: Int {
        @inline(__always) get { cursor.pointee.records }
        @inline(__always) set { cursor.pointee.records = newValue }
    }
    @usableFromInline let capacity: Int
    @usableFromInline let delimiter: UInt8
    private var isClosed = false
    /// Lent every block of bytes as it is written, e.g. to hash the output in the same
    /// pass. The writer fills a second buffer meanwhile, and waits for the observer before
    /// it reuses a lent one. Set it before writing anything.
    package var observer: ByteObserver? {
        didSet { precondition(recordCount == 0 && used <= 3, "set the observer before writing") }
    }
    /// The buffer not being filled (allocated once there is an observer), and the ticket
    /// of its last loan (0: none outstanding).
    private var spare: UnsafeMutablePointer<UInt8>?
    private var spareTicket: UInt64 = 0
    /// The last ticket the observer has been given (0: none).
    private var lentThrough: UInt64 = 0
    @usableFromInline let lineEnding: LineEnding
    /// Records written so far (the header counts as one).
    package var recordCount: Int { records }

    /// How records end.
    package enum LineEnding: Sendable {
        /// CR LF, as RFC 4180 specifies (the default).
        case crlf
        /// LF alone, as Unix tools write.
        case lf
    }

    /// Start writing `path` (not visible until ``close()``).
    /// - Parameters:
    ///   - lineEnding: how records end (CRLF unless asked otherwise).
    ///   - byteOrderMark: begin the file with a UTF-8 byte-order mark, as Excel does.
    ///   - inputs: the command's inputs, which the output may not be, contain or lie in.
    /// - Throws: `.outputExists` when `path` exists and `force` is false; `.usage` for an
    ///   unsafe output (a link, FIFO or device, or an input); `.io`.
    ///
    /// The file is created 0600 whatever the umask (it holds personal data or tokens).
    package init(path: String, force: Bool, delimiter: UInt8 = UInt8(ascii: ","), bufferSize: Int = 1 << 20,
                lineEnding: LineEnding = .crlf, byteOrderMark: Bool = false, inputs: [String] = []) throws {
        self.path = path
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        capacity = max(bufferSize, 1 << 16)
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(buffer: .allocate(capacity: capacity)))
        do {
            output = try AtomicOutput(path: path, force: force, inputs: inputs)
        } catch {
            cursor.pointee.buffer.deallocate()
            cursor.deinitialize(count: 1).deallocate()
            throw error
        }
        do {
            descriptor = try output.createFile()
        } catch {
            output.discard()
            cursor.pointee.buffer.deallocate()
            cursor.deinitialize(count: 1).deallocate()
            throw error
        }
        if byteOrderMark {
            buffer[0] = 0xEF
            buffer[1] = 0xBB
            buffer[2] = 0xBF
            used = 3
        }
    }

    deinit {
        if !isClosed { discard() }
        settleObserver()
        buffer.deallocate()
        cursor.deinitialize(count: 1).deallocate()
        spare?.deallocate()
    }

    /// Append a field given as bytes.
    /// - Complexity: one scan for bytes that need quoting, then one copy (worst case twice
    ///   the field's length); the buffer is checked for room once per field, not per byte.
    @inline(__always)
    package func write(_ field: UnsafeBufferPointer<UInt8>) throws {
        let count = field.count
        // Room for a delimiter, the field with every byte doubled, and two quotes.
        if used + 2 * count + 3 > capacity {
            if used > 0 { try flush() }
            if 2 * count + 3 > capacity { return try writeLarge(field) }
        }
        if fieldsInRecord > 0 { buffer[used] = delimiter; used += 1 }
        fieldsInRecord += 1
        guard let base = field.baseAddress, count > 0 else { return }
        let delimiter = self.delimiter
        var needsQuotes = false
        var index = 0
        // Eight bytes a step (SWAR zero-byte test against the four bytes that need quoting).
        let delimiterWord = SWAR.broadcast(delimiter)
        while index &+ 8 <= count {
            let word = UnalignedLoad.uint64(base + index)
            if SWAR.zeroBytes(word ^ delimiterWord) | SWAR.zeroBytes(word ^ SWAR.quoteWord)
                | SWAR.zeroBytes(word ^ SWAR.lfWord) | SWAR.zeroBytes(word ^ SWAR.crWord) != 0 {
                needsQuotes = true
                break
            }
            index &+= 8
        }
        while !needsQuotes && index < count {
            let byte = base[index]
            if byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D { needsQuotes = true }
            index &+= 1
        }
        if !needsQuotes {
            CSVWriter.copy(base, count, to: buffer + used)
            used += count
            return
        }
        var position = used
        buffer[position] = 0x22
        position += 1
        for index in 0..<count {
            let byte = base[index]
            if byte == 0x22 { buffer[position] = 0x22; position += 1 }
            buffer[position] = byte
            position += 1
        }
        buffer[position] = 0x22
        used = position + 1
    }

    /// Append a field that needs no quoting — it holds no delimiter, quote, CR or LF, e.g.
    /// an unquoted field read with the same delimiter, or hex — copied as it is.
    /// Inlinable: the record loops call it for most fields.
    @inlinable @inline(__always)
    package func writeVerbatim(_ field: UnsafeBufferPointer<UInt8>) throws {
        let count = field.count
        if used + count + 1 > capacity {
            if used > 0 { try flush() }
            if count + 1 > capacity { return try writeLarge(field) }
        }
        if fieldsInRecord > 0 { buffer[used] = delimiter; used += 1 }
        fieldsInRecord += 1
        guard let base = field.baseAddress, count > 0 else { return }
        assert(!field.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }, "this field needs quoting")
        CSVWriter.copy(base, count, to: buffer + used)
        used += count
    }

    /// Append `fields` consecutive fields already joined by this writer's delimiter, none of
    /// which needs quoting — e.g. a run of unquoted fields read with the same delimiter,
    /// copied as one span.
    @inlinable @inline(__always)
    package func writeVerbatimFields(_ span: UnsafeBufferPointer<UInt8>, count fields: Int) throws {
        precondition(fields >= 1, "a span holds at least one field")
        let count = span.count
        if used + count + 1 > capacity {
            if used > 0 { try flush() }
            if count + 1 > capacity { return try writeLargeSpan(span, fields: fields) }
        }
        if fieldsInRecord > 0 { buffer[used] = delimiter; used += 1 }
        fieldsInRecord += fields
        guard let base = span.baseAddress, count > 0 else { return }
        assert(!span.contains { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }, "a field in this span needs quoting")
        CSVWriter.copy(base, count, to: buffer + used)
        used += count
    }

    /// Copy `count` bytes; short fields (most of them) without a call to `memmove`, by
    /// two overlapping loads and stores that stay inside the field.
    @inlinable @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, _ count: Int, to target: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch count {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            target[0] = source[0]
            target[count >> 1] = source[count >> 1]
            target[count - 1] = source[count - 1]
        case 0:
            break
        default:
            target.update(from: source, count: count)
        }
    }

    /// ``writeVerbatimFields(_:count:)`` for a span too large for the buffer.
    @usableFromInline
    func writeLargeSpan(_ span: UnsafeBufferPointer<UInt8>, fields: Int) throws {
        if fieldsInRecord > 0 { try put(delimiter) }
        fieldsInRecord += fields
        try put(span)
    }

    /// ``write(_:)-(UnsafeBufferPointer<UInt8>)`` for a field too large for the buffer:
    /// byte by byte, flushing as needed.
    @usableFromInline
    func writeLarge(_ field: UnsafeBufferPointer<UInt8>) throws {
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
    package func write(_ field: String) throws {
        var copy = field
        try copy.withUTF8 { try write($0) }
    }

    /// Append a whole record of `String`s.
    package func writeRecord(_ fields: [String]) throws {
        for field in fields { try write(field) }
        try endRecord()
    }

    /// Append bytes that are already CSV: whole records, each field escaped as
    /// ``write(_:)-(UnsafeBufferPointer<UInt8>)`` would (``escaped(_:delimiter:)``), fields
    /// separated by the delimiter, records ended by ``recordEnd``. For callers that format
    /// many records themselves; `records` is added to ``recordCount``.
    package func writeFormatted(_ bytes: UnsafeBufferPointer<UInt8>, records: Int) throws {
        precondition(fieldsInRecord == 0, "writeFormatted is for whole records")
        try put(bytes)
        self.records += records
    }

    /// The bytes that end a record (CR LF, or LF).
    package var recordEnd: [UInt8] { lineEnding == .crlf ? [0x0D, 0x0A] : [0x0A] }

    /// The field separator.
    package var fieldDelimiter: UInt8 { delimiter }

    /// The bytes ``write(_:)-(UnsafeBufferPointer<UInt8>)`` appends for `field` (after any
    /// delimiter): the field itself, or quoted with inner quotes doubled when it holds the
    /// delimiter, a quote, CR or LF.
    package static func escaped(_ field: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
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
    @inlinable @inline(__always)
    package func endRecord() throws {
        if used + 2 > capacity { try flush() }
        if lineEnding == .crlf {
            buffer[used] = 0x0D
            used += 1
        }
        buffer[used] = 0x0A
        used += 1
        fieldsInRecord = 0
        records += 1
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

    @usableFromInline
    func flush() throws {
        guard let observer else {
            try writeAll(buffer, used)
            used = 0
            return
        }
        // Lend the full buffer and carry on in the spare, once the observer is done with it.
        let ticket = observer.lend(UnsafeRawBufferPointer(start: buffer, count: used))
        lentThrough = max(lentThrough, ticket)
        try writeToFile(buffer, used)
        if spare == nil { spare = .allocate(capacity: capacity) }
        if spareTicket != 0 { observer.waitUntilRead(through: spareTicket) }
        let filled = buffer
        buffer = spare!
        spare = filled
        spareTicket = ticket
        used = 0
    }

    /// Wait until the observer has read everything lent to it (the buffer being filled
    /// too, when a failed write left it lent).
    private func settleObserver() {
        guard let observer else { return }
        if lentThrough != 0 { observer.waitUntilRead(through: lentThrough) }
        spareTicket = 0
    }

    /// Write bytes that are not in the buffer (a field larger than it), lending them first.
    private func writeAll(_ pointer: UnsafePointer<UInt8>, _ count: Int) throws {
        if let observer {
            let ticket = observer.lend(UnsafeRawBufferPointer(start: pointer, count: count))
            defer { observer.waitUntilRead(through: ticket) }
            try writeToFile(pointer, count)
        } else {
            try writeToFile(pointer, count)
        }
    }

    private func writeToFile(_ pointer: UnsafePointer<UInt8>, _ count: Int) throws {
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
    package func close() throws {
        guard !isClosed else { return }
        try flush()
        settleObserver()
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
    package func discard() {
        settleObserver()
        guard !isClosed else { return }
        Glibc.close(descriptor)
        isClosed = true
        output.discard()
    }
}
