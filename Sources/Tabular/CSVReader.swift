#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathlinkCore

/// A streaming RFC 4180 CSV reader that hands out fields as byte ranges.
///
/// The reader scans bytes in a large buffer and never builds a `String` unless asked
/// (``string(_:)``); a field's bytes stay valid until the next call to ``next()``. Memory
/// is bounded by the largest record (at most ``Limits/maxRecordBytes``), never by the
/// file size.
///
/// What it accepts: a UTF-8 byte-order mark at the start; records ending in LF or CRLF
/// (one style per file); fields quoted with `"` holding delimiters, doubled quotes and
/// line breaks; blank lines between records (skipped, when the header has more than one
/// column). What it refuses, with ``PathlinkError`` code `.malformedCSV` naming the file,
/// row and column but never a cell's content: an unbalanced quote, text after a closing
/// quote, a quote inside an unquoted field, a record with the wrong number of fields,
/// invalid UTF-8, a NUL byte, a byte-order mark after the start, mixed line endings,
/// a bare CR, an empty file, duplicate header names, and anything over the limits.
///
/// Rows are numbered as a spreadsheet numbers them: the header is row 1.
package final class CSVReader {
    /// Size limits that bound memory; each breach is an error that says which.
    package struct Limits: Sendable {
        package var maxFieldBytes = 1 << 20
        package var maxRecordBytes = 16 << 20
        package var maxColumns = 10_000
        package init() {}
    }

    /// The file being read, as given (used in errors).
    package let path: String
    /// The header's column names.
    package private(set) var header: [String] = []
    /// The current record's row number (header = 1).
    package private(set) var row: Int { get { state.pointee.row } set { state.pointee.row = newValue } }
    /// The physical line on which the current record starts (1-based).
    package private(set) var line: Int { get { state.pointee.line } set { state.pointee.line = newValue } }
    /// Bytes consumed so far (for progress).
    package var bytesRead: Int { Int(consumedBefore) + start }

    private let delimiter: UInt8
    private let encoding: TextEncoding
    private let limits: Limits
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    /// The reader's moving parts, in memory the reader allocates and frees itself.
    ///
    /// Stored `var` properties of a class pay a run-time exclusivity check on every
    /// access, and the record loop and the field accessors touch these for every record
    /// and field (a quarter of extract's instructions, measured with callgrind). Only the
    /// reader holds this pointer, and a reader is used from one thread at a time.
    @usableFromInline struct State {
        @usableFromInline var buffer: UnsafeMutablePointer<UInt8>
        @usableFromInline var fieldCount = 0
        var capacity: Int
        var start = 0
        var end = 0
        var isAtEOF = false
        var consumedBefore: Int64 = 0
        var row = 1
        var line = 1
        var nextLine = 1
        var recordLineBreaks = 0
        var recordMayBeUnclean = true
        var lastFieldWasQuoted = false
        var headerCount = 0
        @usableFromInline init(buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
            self.buffer = buffer
            self.capacity = capacity
        }
    }
    @usableFromInline let state: UnsafeMutablePointer<State>

    @usableFromInline var buffer: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { state.pointee.buffer }
        set { state.pointee.buffer = newValue }
    }
    private var capacity: Int { get { state.pointee.capacity } set { state.pointee.capacity = newValue } }
    /// The buffer size now (tests check that it stays bounded).
    var bufferCapacity: Int { capacity }
    /// First byte of the next record.
    private var start: Int { get { state.pointee.start } set { state.pointee.start = newValue } }
    /// End of valid bytes.
    private var end: Int { get { state.pointee.end } set { state.pointee.end = newValue } }
    private var isAtEOF: Bool { get { state.pointee.isAtEOF } set { state.pointee.isAtEOF = newValue } }
    private var consumedBefore: Int64 { get { state.pointee.consumedBefore } set { state.pointee.consumedBefore = newValue } }
    private var rawBuffer: UnsafeMutablePointer<UInt8>?
    private let chunkSize: Int

    // Field ranges of the current record. Fixed-capacity raw storage owned by the reader:
    // `let` pointers need no exclusivity checks in the hot loop.
    @usableFromInline let fieldStartStorage: UnsafeMutablePointer<Int>
    @usableFromInline let fieldEndStorage: UnsafeMutablePointer<Int>
    @usableFromInline let fieldUnescapeStorage: UnsafeMutablePointer<Bool>
    @usableFromInline let fieldQuotedStorage: UnsafeMutablePointer<Bool>
    @usableFromInline var fieldCount: Int {
        @inline(__always) get { state.pointee.fieldCount }
        set { state.pointee.fieldCount = newValue }
    }
    private var recordLineBreaks: Int { get { state.pointee.recordLineBreaks } set { state.pointee.recordLineBreaks = newValue } }
    /// Whether the current record may hold a byte >= 0x80 or a NUL: set while parsing
    /// from every byte of its fields (and, harmlessly, a few bytes beyond), so a record
    /// of clean ASCII needs no second pass to check its encoding.
    private var recordMayBeUnclean: Bool { get { state.pointee.recordMayBeUnclean } set { state.pointee.recordMayBeUnclean = newValue } }
    private var lineEnding: LineEnding?
    private var nextLine: Int { get { state.pointee.nextLine } set { state.pointee.nextLine = newValue } }
    /// Lent every chunk of raw bytes as it is read (before any transcoding), e.g. to hash
    /// the input in the same pass. The reader waits for it before it moves or changes
    /// lent bytes.
    private let observer: ByteObserver?
    /// The ticket of the last chunk lent to `observer` and not yet known to be read (0: none).
    private var pendingTicket: UInt64 = 0

    private enum LineEnding { case lf, crlf }
    private enum Outcome { case record, needMore, endOfFile }

    /// Open `path` for reading.
    /// - Parameters:
    ///   - delimiter: the field separator (one ASCII byte).
    ///   - encoding: the file's encoding; Windows-1252 is transcoded to UTF-8 as it is read.
    ///   - observer: lent the raw bytes as they are read (e.g. a background SHA-256).
    /// - Throws: `.io` when the file cannot be opened; `.malformedCSV` for a bad header.
    package init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8,
                limits: Limits = Limits(), chunkSize: Int = 1 << 20,
                observer: ByteObserver? = nil) throws {
        self.path = path
        self.observer = observer
        self.delimiter = delimiter
        self.encoding = encoding
        self.limits = limits
        self.chunkSize = chunkSize
        if FilePath.isDirectory(path) {
            throw PathlinkError(.io, file: path, problem: "this is a folder, not a CSV file", remedy: "give the path of the CSV file")
        }
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw PathlinkError.io(path: path, operation: "open", remedy: "check that the file exists and that you may read it")
        }
        ownsDescriptor = true
        state = .allocate(capacity: 1)
        state.initialize(to: State(buffer: .allocate(capacity: chunkSize * 2), capacity: chunkSize * 2))
        fieldStartStorage = .allocate(capacity: limits.maxColumns + 1)
        fieldEndStorage = .allocate(capacity: limits.maxColumns + 1)
        fieldUnescapeStorage = .allocate(capacity: limits.maxColumns + 1)
        fieldQuotedStorage = .allocate(capacity: limits.maxColumns + 1)
        if encoding == .windows1252 { rawBuffer = .allocate(capacity: chunkSize) }
        try readHeader()
    }

    deinit {
        settleObserver()
        buffer.deallocate()
        state.deinitialize(count: 1).deallocate()
        rawBuffer?.deallocate()
        fieldStartStorage.deallocate()
        fieldEndStorage.deallocate()
        fieldUnescapeStorage.deallocate()
        fieldQuotedStorage.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    // MARK: Fields of the current record

    /// The number of fields in the current record (equal to the header's).
    @inlinable
    package var count: Int { fieldCount }

    /// The bytes of field `index` of the current record (UTF-8), valid until ``next()``.
    /// Inlinable: extract and pseudonymise call it for every field.
    @inlinable @inline(__always)
    package func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        if fieldUnescapeStorage[index] { unescapeField(index) }
        let start = fieldStartStorage[index]
        return UnsafeBufferPointer(start: buffer + start, count: fieldEndStorage[index] - start)
    }

    /// The bytes from the start of field `first` to the end of field `last` of the current
    /// record, delimiters between included — as they are in the file when none of the
    /// fields is quoted (``isQuoted(_:)``). Valid until ``next()``.
    @inlinable @inline(__always)
    package func span(from first: Int, through last: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(first >= 0 && first <= last && last < fieldCount, "field index out of range")
        let start = fieldStartStorage[first]
        return UnsafeBufferPointer(start: buffer + start, count: fieldEndStorage[last] - start)
    }

    /// Turn the doubled quotes of a quoted field into single ones, in place. Done only
    /// when the field is asked for: dropped columns are never unescaped.
    @usableFromInline
    func unescapeField(_ index: Int) {
        settleObserver()   // the bytes change in place
        var read = fieldStartStorage[index]
        var write = read
        let stop = fieldEndStorage[index]
        while read < stop {
            let byte = buffer[read]
            buffer[write] = byte
            write += 1
            read += (byte == UInt8(ascii: "\"")) ? 2 : 1
        }
        fieldEndStorage[index] = write
        fieldUnescapeStorage[index] = false
    }

    /// Whether field `index` of the current record was quoted in the file. An unquoted
    /// field holds no quote, CR or LF, nor the reader's delimiter.
    @inlinable @inline(__always)
    package func isQuoted(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        return fieldQuotedStorage[index]
    }

    /// Field `index` of the current record as a `String`.
    package func string(_ index: Int) -> String {
        String(decoding: bytes(index), as: UTF8.self)
    }

    /// Every field of the current record as `String`s (convenient, slower).
    package func strings() -> [String] {
        (0..<count).map(string)
    }

    /// Whether field `index` is empty.
    @inlinable @inline(__always)
    package func isEmpty(_ index: Int) -> Bool { fieldEndStorage[index] == fieldStartStorage[index] }

    // MARK: Reading

    /// Advance to the next record.
    /// - Returns: false at the end of the file.
    /// - Throws: `.malformedCSV` naming the row (and column) of any damage.
    package func next() throws -> Bool {
        while true {
            switch try parseRecord() {
            case .record:
                row += 1
                let expected = state.pointee.headerCount
                try finishRecord(expectedFields: expected)
                if fieldCount == 1 && expected > 1 && fieldEndStorage[0] == fieldStartStorage[0] && !lastFieldWasQuoted {
                    row -= 1   // a blank line: skipped, not a record
                    continue
                }
                return true
            case .needMore:
                try refill()
            case .endOfFile:
                return false
            }
        }
    }

    private func readHeader() throws {
        // Skip a UTF-8 byte-order mark.
        try refill()
        if encoding == .utf8 && end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
        }
        try refuseWideEncoding()
        while true {
            switch try parseRecord() {
            case .record:
                try finishRecord(expectedFields: nil)
                header = strings()
                state.pointee.headerCount = header.count
                isHeaderRead = true
                var seen: [String: Int] = [:]
                for (index, name) in header.enumerated() {
                    if let earlier = seen[name] {
                        throw malformed(row: 1, column: name, "the header names column \(earlier + 1) and column \(index + 1) the same",
                                        remedy: "rename one of the two columns in the export so that every header is unique")
                    }
                    seen[name] = index
                }
                return
            case .needMore:
                try refill()
            case .endOfFile:
                throw PathlinkError(.malformedCSV, file: path, problem: "the file is empty: there is no header row",
                                    remedy: "check that the export finished and that this is the right file")
            }
        }
    }

    private var lastFieldWasQuoted: Bool { get { state.pointee.lastFieldWasQuoted } set { state.pointee.lastFieldWasQuoted = newValue } }
    private var isHeaderRead = false
    /// The row number of the record being parsed.
    private var pendingRow: Int { isHeaderRead ? row + 1 : 1 }

    /// Parse one record starting at `start`; on success sets the field ranges and moves `start`.
    ///
    /// - Complexity: one pass over the record's bytes; the state lives in locals and in
    ///   the reader's raw field storage, so the loop makes no allocation and no
    ///   exclusivity check.
    private func parseRecord() throws -> Outcome {
        fieldCount = 0
        recordLineBreaks = 0
        var position = start
        let limit = end
        let atEOF = isAtEOF
        if position >= limit {
            return atEOF ? .endOfFile : .needMore
        }
        let delimiter = self.delimiter
        let delimiterWord = SWAR.broadcast(delimiter)
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let buffer = self.buffer
        let starts = fieldStartStorage
        let ends = fieldEndStorage
        let unescape = fieldUnescapeStorage
        let quoted = fieldQuotedStorage
        let maxColumns = limits.maxColumns
        let maxField = limits.maxFieldBytes
        var count = 0
        var breaks = 0
        // Every byte of every field is OR-ed into `highBits` and tested for zero into
        // `zeroBytes` (by the word, or by the byte at the end of the buffer).
        var highBits: UInt64 = 0
        var zeroBytes: UInt64 = 0
        defer {
            fieldCount = count
            recordLineBreaks = breaks
            recordMayBeUnclean = (highBits & SWAR.highs) | zeroBytes != 0
        }
        while true {
            if count >= maxColumns {
                throw malformed(row: pendingRow, "the record has more than \(maxColumns) fields",
                                remedy: "check the delimiter declared in the manifest (input.delimiter) and the export")
            }
            if position < limit && buffer[position] == quote {
                let fieldStart = position + 1
                var scan = fieldStart
                var needsUnescape = false
                while true {
                    // Sixteen bytes a step (then eight, then one) to the next quote,
                    // counting line feeds exactly in the same pass and noting unclean bytes:
                    // the whole cost of a dropped quoted field, whose bytes are never copied
                    // or unescaped (the record's encoding check in ``finishRecord`` still
                    // reads them). SIMD compares give 0xFF in each equal lane, so a mask read
                    // as two words gives the first quote's lane (trailing zero bits / 8) and
                    // the line feeds before it (set bits / 8).
                    var wideHigh = SIMD16<UInt8>(repeating: 0), wideZero = SIMD16<UInt8>(repeating: 0)
                    var sawQuote = false
                    while scan &+ 16 <= limit {
                        let bytes = UnsafeRawPointer(buffer + scan).loadUnaligned(as: SIMD16<UInt8>.self)
                        wideHigh |= bytes
                        wideZero |= unsafeBitCast(bytes .== SIMD16<UInt8>(repeating: 0), to: SIMD16<UInt8>.self)
                        let quotes = unsafeBitCast(bytes .== SIMD16<UInt8>(repeating: quote), to: SIMD2<UInt64>.self)
                        let lineFeeds = unsafeBitCast(bytes .== SIMD16<UInt8>(repeating: lf), to: SIMD2<UInt64>.self)
                        if quotes[0] | quotes[1] != 0 {
                            let low = quotes[0] != 0
                            let lane = low ? quotes[0].trailingZeroBitCount : quotes[1].trailingZeroBitCount
                            let below = (1 &<< UInt64(lane)) &- 1
                            let bits = low ? (lineFeeds[0] & below).nonzeroBitCount
                                : lineFeeds[0].nonzeroBitCount &+ (lineFeeds[1] & below).nonzeroBitCount
                            breaks &+= bits >> 3
                            scan &+= (low ? 0 : 8) &+ lane >> 3
                            sawQuote = true
                            break
                        }
                        breaks &+= (lineFeeds[0].nonzeroBitCount &+ lineFeeds[1].nonzeroBitCount) >> 3
                        scan &+= 16
                    }
                    let foldedHigh = unsafeBitCast(wideHigh, to: SIMD2<UInt64>.self)
                    let foldedZero = unsafeBitCast(wideZero, to: SIMD2<UInt64>.self)
                    highBits |= foldedHigh[0] | foldedHigh[1]
                    zeroBytes |= foldedZero[0] | foldedZero[1]
                    while !sawQuote && scan &+ 8 <= limit {
                        let word = UnalignedLoad.uint64(buffer + scan)
                        highBits |= word
                        zeroBytes |= SWAR.zeroBytes(word)
                        let lineFeeds = SWAR.exactZeroBytes(word ^ SWAR.lfWord)
                        let quotes = SWAR.zeroBytes(word ^ SWAR.quoteWord)
                        if quotes != 0 {
                            // Only the line feeds in the lanes below the quote belong to the field.
                            let lane = quotes.trailingZeroBitCount
                            breaks &+= (lineFeeds & ((1 &<< UInt64(lane)) &- 1)).nonzeroBitCount
                            scan &+= lane >> 3
                            break
                        }
                        breaks &+= lineFeeds.nonzeroBitCount
                        scan &+= 8
                    }
                    if !sawQuote && scan &+ 8 > limit {
                        while scan < limit {
                            let byte = buffer[scan]
                            if byte == quote { break }
                            highBits |= UInt64(byte)
                            if byte == 0 { zeroBytes = 1 }
                            if byte == lf { breaks &+= 1 }
                            scan &+= 1
                        }
                    }
                    if scan >= limit {
                        if atEOF {
                            throw malformed(row: pendingRow, column: columnName(count),
                                            "a quoted field is never closed (unbalanced quote)",
                                            remedy: "find the stray \" in this row of the export, or re-export it with proper quoting")
                        }
                        if scan - fieldStart > maxField { throw fieldTooLong(count) }
                        return try needMore(position: scan)
                    }
                    // scan is at a quote: a doubled quote, or the closing quote.
                    if scan + 1 >= limit && !atEOF { return try needMore(position: scan) }
                    if scan + 1 < limit && buffer[scan + 1] == quote {
                        needsUnescape = true
                        scan &+= 2
                        continue
                    }
                    break
                }
                if scan - fieldStart > maxField { throw fieldTooLong(count) }
                starts[count] = fieldStart
                ends[count] = scan
                unescape[count] = needsUnescape
                quoted[count] = true
                count += 1
                lastFieldWasQuoted = true
                position = scan + 1
                if position >= limit {
                    if !atEOF { return try needMore(position: position) }
                    start = position
                    return .record
                }
                let after = buffer[position]
                if after == delimiter { position += 1; continue }
                if after == lf || after == cr {
                    return try endOfRecord(at: position, breaks: &breaks)
                }
                throw malformed(row: pendingRow, column: columnName(count - 1),
                                "there is text after the closing quote of a quoted field",
                                remedy: "a quote inside a quoted field must be doubled (\"\"); fix or re-export the file")
            } else {
                let fieldStart = position
                // Eight bytes a step: the lowest byte equal to one of the four stops is the
                // first (SWAR zero-byte test; a false positive can only follow a true one).
                while position &+ 8 <= limit {
                    let word = UnalignedLoad.uint64(buffer + position)
                    highBits |= word
                    zeroBytes |= SWAR.zeroBytes(word)
                    let hits = SWAR.zeroBytes(word ^ delimiterWord) | SWAR.zeroBytes(word ^ SWAR.lfWord)
                        | SWAR.zeroBytes(word ^ SWAR.crWord) | SWAR.zeroBytes(word ^ SWAR.quoteWord)
                    if hits != 0 {
                        position &+= hits.trailingZeroBitCount >> 3
                        break
                    }
                    position &+= 8
                }
                if position &+ 8 > limit {
                    while position < limit {
                        let byte = buffer[position]
                        if byte == delimiter || byte == lf || byte == cr || byte == quote { break }
                        highBits |= UInt64(byte)
                        if byte == 0 { zeroBytes = 1 }
                        position &+= 1
                    }
                }
                if position - fieldStart > maxField { throw fieldTooLong(count) }
                if position >= limit {
                    if !atEOF { return try needMore(position: position) }
                    starts[count] = fieldStart
                    ends[count] = position
                    unescape[count] = false
                    quoted[count] = false
                    count += 1
                    lastFieldWasQuoted = false
                    start = position
                    return .record
                }
                let byte = buffer[position]
                if byte == quote {
                    throw malformed(row: pendingRow, column: columnName(count),
                                    "a quote appears inside a field that is not quoted",
                                    remedy: "fields containing quotes must be wholly quoted, with inner quotes doubled; re-export the file")
                }
                starts[count] = fieldStart
                ends[count] = position
                unescape[count] = false
                quoted[count] = false
                count += 1
                lastFieldWasQuoted = false
                if byte == delimiter { position += 1; continue }
                return try endOfRecord(at: position, breaks: &breaks)
            }
        }
    }

    private func needMore(position: Int) throws -> Outcome {
        if position - start > limits.maxRecordBytes {
            throw malformed(row: pendingRow, "the record is longer than \(limits.maxRecordBytes >> 20) MiB",
                            remedy: "check the file for an unbalanced quote, or split the export")
        }
        return .needMore
    }

    private func fieldTooLong(_ index: Int) -> PathlinkError {
        malformed(row: pendingRow, column: columnName(index),
                  "a field is longer than \(limits.maxFieldBytes >> 10) KiB",
                  remedy: "check for an unbalanced quote; very long free text should be removed from the export at source")
    }

    /// `position` is at CR or LF ending a record.
    private func endOfRecord(at position: Int, breaks: inout Int) throws -> Outcome {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        var next = position
        let ending: LineEnding
        if buffer[position] == cr {
            if position + 1 >= end && !isAtEOF { return try needMore(position: position) }
            guard position + 1 < end && buffer[position + 1] == lf else {
                throw malformed(row: pendingRow, "a line ends with a bare carriage return (CR without LF)",
                                remedy: "re-save the export with LF or CRLF line endings")
            }
            ending = .crlf
            next += 2
        } else {
            _ = lf
            ending = .lf
            next += 1
        }
        if let established = lineEnding, established != ending {
            throw malformed(row: pendingRow, "line endings are mixed: this row ends with \(ending == .lf ? "LF" : "CRLF"), earlier rows with \(established == .lf ? "LF" : "CRLF")",
                            remedy: "the file may have been joined from several exports; re-export it in one piece or convert its line endings")
        }
        lineEnding = ending
        start = next
        breaks += 1
        return .record
    }

    /// Unescape doubled quotes, check field count and encoding, advance line numbers.
    private func finishRecord(expectedFields: Int?) throws {
        line = nextLine
        nextLine += recordLineBreaks
        let recordRow = expectedFields == nil ? 1 : row
        let count = fieldCount
        let starts = fieldStartStorage
        let ends = fieldEndStorage
        if let expectedFields, count != expectedFields {
            let isBlank = count == 1 && ends[0] == starts[0] && !lastFieldWasQuoted && expectedFields > 1
            if !isBlank {
                throw malformed(row: recordRow, "the row has \(count) fields but the header has \(expectedFields)",
                                remedy: "check for an unquoted delimiter or a missing field in this row, and the delimiter declared in the manifest")
            }
        }
        guard count > 0 else { return }
        let first = starts[0], last = ends[count - 1]
        if recordMayBeUnclean && !UTF8Check.isCleanASCII(buffer + first, last - first) {
            for index in 0..<count {
                // Only the fields that are not plain ASCII need the byte-by-byte decoder
                // (a record with one accented name must not decode its free text slowly).
                // (``UTF8Check/problem(_:_:)`` skips clean ASCII 32 bytes a step itself.)
                let fieldStart = buffer + starts[index], fieldCount = ends[index] - starts[index]
                if let problem = UTF8Check.problem(fieldStart, fieldCount) {
                    let column = expectedFields == nil ? nil : columnName(index)
                    switch problem {
                    case .nul:
                        throw malformed(row: recordRow, column: column, "the field contains a NUL byte",
                                        remedy: "this is not a text CSV file, or it is damaged; re-export it")
                    case .invalid:
                        throw malformed(row: recordRow, column: column, "the field is not valid \(encoding == .utf8 ? "UTF-8" : "text")",
                                        remedy: encoding == .utf8
                                            ? "if the export was saved by Excel as \"CSV\" (not \"CSV UTF-8\"), declare input.encoding: windows-1252 in the manifest"
                                            : "re-export the file")
                    case .byteOrderMark:
                        throw malformed(row: recordRow, column: column, "the field contains a byte-order mark (U+FEFF), as when files are concatenated",
                                        remedy: "re-export the file in one piece, or remove the extra byte-order marks")
                    }
                }
            }
        }
    }

    private func columnName(_ index: Int) -> String? {
        index < header.count ? header[index] : (header.isEmpty ? nil : "#\(index + 1)")
    }

    /// Refuse a UTF-16 or UTF-32 file (Excel's "Unicode text" is UTF-16 with a byte-order
    /// mark) before its first record, instead of a confusing error about a line ending:
    /// a UTF-16 byte-order mark (FF FE or FE FF), or no mark and a quarter or more of the
    /// first 4 KiB (at least 16 bytes) being NUL bytes, which no export in an 8-bit
    /// encoding has (a lone NUL is refused later, naming its row and column).
    private func refuseWideEncoding() throws {
        let count = min(end - start, 4096)
        guard count >= 2 else { return }
        let first = buffer[start], second = buffer[start + 1]
        var wide = (first == 0xFF && second == 0xFE) || (first == 0xFE && second == 0xFF)
        if !wide && count >= 16 {
            var zeros = 0
            for index in start..<(start + count) where buffer[index] == 0 { zeros += 1 }
            wide = zeros * 4 >= count
        }
        if wide {
            throw PathlinkError(.malformedCSV, file: path,
                                problem: "the file is in UTF-16 (or UTF-32), e.g. saved as Excel's \"Unicode text\"; Pathlink reads UTF-8 (or windows-1252 when the manifest says so)",
                                remedy: "re-save it as UTF-8 (in Excel: \"CSV UTF-8 (Comma delimited)\"), or convert it: iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8.csv")
        }
    }

    private func malformed(row: Int, column: String? = nil, _ problem: String, remedy: String) -> PathlinkError {
        PathlinkError(.malformedCSV, file: path, row: row, column: column, problem: problem, remedy: remedy)
    }

    /// Move the unread bytes to the front, grow if a record fills the buffer, and read more.
    private func refill() throws {
        if isAtEOF { return }
        settleObserver()   // bytes are about to move and be overwritten
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buffer.update(from: buffer + start, count: remaining) }
            consumedBefore += Int64(start)
            // Field offsets are recomputed by re-parsing, so nothing else needs moving.
            start = 0
            end = remaining
        }
        let room = encoding == .windows1252 ? chunkSize * 3 : chunkSize
        if capacity - end < room {
            let newCapacity = max(capacity * 2, end + room)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        while true {
            let count: Int
            if let rawBuffer {
                count = read(descriptor, rawBuffer, chunkSize)
                if count > 0 {
                    lendToObserver(UnsafeRawBufferPointer(start: rawBuffer, count: count))
                    end += transcodeWindows1252(UnsafeBufferPointer(start: rawBuffer, count: count), into: buffer + end)
                }
            } else {
                count = read(descriptor, buffer + end, chunkSize)
                if count > 0 {
                    lendToObserver(UnsafeRawBufferPointer(start: buffer + end, count: count))
                    end += count
                }
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw PathlinkError.io(path: path, operation: "read")
            }
            if count == 0 { isAtEOF = true }
            return
        }
    }
}

extension CSVReader {
    @inline(__always)
    private func lendToObserver(_ bytes: UnsafeRawBufferPointer) {
        if let observer { pendingTicket = observer.lend(bytes) }
    }

    /// Wait until the observer has read every byte lent to it.
    @inline(__always)
    private func settleObserver() {
        guard pendingTicket != 0, let observer else { return }
        observer.waitUntilRead(through: pendingTicket)
        pendingTicket = 0
    }
}

/// Byte-parallel tests on eight bytes in a `UInt64` ("SIMD within a register").
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let lfWord: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    static let crWord: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
    static let quoteWord: UInt64 = 0x2222_2222_2222_2222

    /// `byte` in all eight lanes.
    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* ones }

    /// The high bit set in the lanes that are zero; exact up to the lowest zero lane
    /// (a borrow can mark lanes above it), which is all a scan for the first match needs.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }

    /// The high bit set in exactly the lanes that are zero (no borrow between lanes), so
    /// its population count is the number of zero bytes.
    @inline(__always)
    static func exactZeroBytes(_ word: UInt64) -> UInt64 {
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & lows) &+ lows) | word | lows)
    }
}
