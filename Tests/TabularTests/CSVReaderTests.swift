import Testing
import PathlinkTestSupport
import PathlinkCore
@testable import Tabular

@Suite("Streaming CSV reader")
struct CSVReaderTests {
    func read(_ text: String, chunkSize: Int = 1 << 20, encoding: TextEncoding = .utf8) throws -> (header: [String], rows: [[String]]) {
        try read(Array(text.utf8), chunkSize: chunkSize, encoding: encoding)
    }

    func read(_ bytes: [UInt8], chunkSize: Int = 1 << 20, encoding: TextEncoding = .utf8, limits: CSVReader.Limits = .init()) throws -> (header: [String], rows: [[String]]) {
        let folder = TestFolder()
        let path = folder.write("in.csv", bytes)
        let reader = try CSVReader(path: path, encoding: encoding, limits: limits, chunkSize: chunkSize)
        var rows: [[String]] = []
        while try reader.next() { rows.append(reader.strings()) }
        return (reader.header, rows)
    }

    /// The read must fail with `.malformedCSV` at `row` (and `column`), and the message
    /// must not contain `secret`.
    func expectRefused(_ bytes: [UInt8], row: Int?, column: String? = nil, secret: String = "SECRETVALUE",
                       limits: CSVReader.Limits = .init(), because words: String) {
        do {
            _ = try read(bytes, chunkSize: 16, limits: limits)
            Issue.record("expected the input to be refused: \(words)")
        } catch let error as PathlinkError {
            #expect(error.code == .malformedCSV)
            #expect(error.row == row)
            if let column { #expect(error.column == column) }
            #expect(error.description.contains(words), "\(error.description)")
            #expect(!error.description.contains(secret))
            #expect(error.remedy != nil)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Quoted fields hold delimiters, doubled quotes and line breaks, across small buffer refills")
    func quotedFields() throws {
        let text = "a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"two\r\nlines\"\r\nplain,,\"\"\r\n"
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            let result = try read(text, chunkSize: chunk)
            #expect(result.header == ["a", "b", "c"])
            #expect(result.rows == [["x,1", "he said \"hi\"", "two\r\nlines"], ["plain", "", ""]])
        }
    }

    @Test("LF endings, a final record without a newline, a BOM, and blank lines")
    func endings() throws {
        #expect(try read("a,b\n1,2\n3,4").rows == [["1", "2"], ["3", "4"]])
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name,x\r\n1,2\r\n\r\n3,4\r\n".utf8)
        let result = try read(bom)
        #expect(result.header == ["name", "x"])
        #expect(result.rows == [["1", "2"], ["3", "4"]])
    }

    @Test("Row and line numbers count the header as row 1 and embedded line breaks as lines")
    func numbering() throws {
        let folder = TestFolder()
        let path = folder.write("in.csv", "a,b\n\"1\n2\",x\ny,z\n")
        let reader = try CSVReader(path: path)
        #expect(try reader.next())
        #expect(reader.row == 2 && reader.line == 2)
        #expect(try reader.next())
        #expect(reader.row == 3 && reader.line == 4)
        #expect(try !reader.next())
    }

    @Test("Windows-1252 is transcoded to UTF-8")
    func windows1252() throws {
        let bytes: [UInt8] = Array("name\r\n".utf8) + [0x5A, 0x6F, 0xEB, 0x0D, 0x0A, 0x80, 0x0D, 0x0A]  // Zoë, €
        let result = try read(bytes, encoding: .windows1252)
        #expect(result.rows == [["Zoë"], ["€"]])
    }

    @Test("An unbalanced quote is refused with its row and column")
    func unbalancedQuote() {
        expectRefused(Array("a,b\n1,\"SECRETVALUE\n".utf8), row: 2, column: "b", because: "unbalanced quote")
    }

    @Test("Text after a closing quote, and a quote in an unquoted field, are refused")
    func strayQuotes() {
        expectRefused(Array("a,b\n\"SECRETVALUE\"x,2\n".utf8), row: 2, column: "a", because: "after the closing quote")
        expectRefused(Array("a,b\n1,SECRET\"VALUE\n".utf8), row: 2, column: "b", because: "quote appears inside")
    }

    @Test("A row with the wrong number of fields is refused")
    func raggedRows() {
        expectRefused(Array("a,b\n1,2\n3,SECRETVALUE,5\n".utf8), row: 3, because: "3 fields but the header has 2")
        expectRefused(Array("a,b\n1,2\nSECRETVALUE\n".utf8), row: 3, because: "1 fields but the header has 2")
    }

    @Test("Invalid UTF-8, NUL bytes and a BOM in the middle are refused, naming the column")
    func encodingDamage() {
        expectRefused(Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n".utf8), row: 2, column: "b", because: "not valid UTF-8")
        expectRefused(Array("a,b\nx,".utf8) + [0x00] + Array("\n".utf8), row: 2, column: "b", because: "NUL byte")
        expectRefused(Array("a,b\n1,2\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("3,4\n".utf8), row: 3, column: "a", because: "byte-order mark")
        // Overlong encodings and surrogates are invalid too.
        expectRefused(Array("a\n".utf8) + [0xC0, 0xAF] + Array("\n".utf8), row: 2, because: "not valid UTF-8")
        expectRefused(Array("a\n".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8), row: 2, because: "not valid UTF-8")
    }

    @Test("Mixed line endings and bare carriage returns are refused")
    func lineEndings() {
        expectRefused(Array("a,b\r\n1,2\n".utf8), row: 2, because: "line endings are mixed")
        expectRefused(Array("a,b\r1,2\r".utf8), row: 1, because: "bare carriage return")
    }

    @Test("Empty files, duplicate header names and oversized fields are refused")
    func limits() {
        expectRefused([], row: nil, because: "empty")
        expectRefused(Array("id,name,id\n1,2,3\n".utf8), row: 1, column: "id", because: "the same")
        var small = CSVReader.Limits()
        small.maxFieldBytes = 1024
        expectRefused(Array("a,b\n1,".utf8) + Array(repeating: 0x41, count: 5000) + [0x0A], row: 2, limits: small, because: "longer than 1 KiB")
        expectRefused(Array("a,b\n1,\"".utf8) + Array(repeating: 0x41, count: 5000) + Array("\"\n".utf8), row: 2, limits: small, because: "longer than 1 KiB")
        var narrow = CSVReader.Limits()
        narrow.maxColumns = 10
        expectRefused(Array(String(repeating: "a,", count: 20).utf8) + Array("z\n".utf8), row: 1, limits: narrow, because: "more than 10 fields")
    }

    @Test("Memory does not grow with the file: the buffer stays at its initial size for a long file")
    func boundedBuffer() throws {
        let folder = TestFolder()
        var text = "id,value\n"
        for index in 0..<20_000 { text += "\(index),\"v,\(index)\"\n" }
        let path = folder.write("in.csv", text)
        let reader = try CSVReader(path: path, chunkSize: 4096)
        var count = 0
        while try reader.next() { count += 1 }
        #expect(count == 20_000)
        #expect(reader.bufferCapacity <= 4096 * 2)
    }
}

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("Fields needing quotes are quoted; the file appears only on close; round trip")
    func roundTrip() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let rows = [["a", "b,c", "say \"hi\""], ["line\nbreak", "", "é"]]
        let writer = try CSVWriter(path: path, force: false)
        try writer.writeRecord(["x", "y", "z"])
        for row in rows { try writer.writeRecord(row) }
        #expect(!FilePath.exists(path))
        try writer.close()
        let table = try CSVTable(contentsOf: path)
        #expect(table.header == ["x", "y", "z"])
        #expect(table.rows == rows)
        let bytes = try FilePath.readAll(path)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("x,y,z\r\na,\"b,c\",\"say \"\"hi\"\"\"\r\n"))
    }

    @Test("Records formatted by the caller with escaped(_:) and recordEnd equal records written field by field")
    func formattedRecords() throws {
        let folder = TestFolder()
        let rows = [["R1", "b,c", "say \"hi\""], ["R2", "line\nbreak", ""], ["R3", "cr\rhere", "é"]]
        let fieldByField = folder.file("fields.csv")
        let writer = try CSVWriter(path: fieldByField, force: false)
        try writer.writeRecord(["x", "y", "z"])
        for row in rows { try writer.writeRecord(row) }
        try writer.close()
        for lineEnding in [CSVWriter.LineEnding.crlf, .lf] {
            let formatted = folder.file(lineEnding == .crlf ? "formatted-crlf.csv" : "formatted-lf.csv")
            let other = try CSVWriter(path: formatted, force: false, lineEnding: lineEnding)
            try other.writeRecord(["x", "y", "z"])
            var bytes: [UInt8] = []
            for row in rows {
                bytes += row.map { CSVWriter.escaped(Array($0.utf8)) }.joined(separator: [other.fieldDelimiter])
                bytes += other.recordEnd
            }
            try bytes.withUnsafeBufferPointer { try other.writeFormatted($0, records: rows.count) }
            #expect(other.recordCount == 1 + rows.count)
            try other.close()
            if lineEnding == .crlf {
                #expect(try FilePath.readAll(formatted) == (try FilePath.readAll(fieldByField)))
            } else {
                #expect(try CSVTable(contentsOf: formatted).rows == rows)
            }
        }
    }

    @Test("An existing output is not replaced without force; a discarded writer leaves nothing")
    func atomicity() throws {
        let folder = TestFolder()
        let path = folder.write("out.csv", "old\n")
        #expect(throws: PathlinkError.self) { try CSVWriter(path: path, force: false) }
        let writer = try CSVWriter(path: path, force: true)
        try writer.writeRecord(["new"])
        writer.discard()
        #expect(try FilePath.readAll(path) == Array("old\n".utf8))
        #expect(folder.contents == ["out.csv"])
    }

    @Test("An output in a missing folder is refused before anything is written")
    func missingFolder() {
        let folder = TestFolder()
        do {
            _ = try CSVWriter(path: folder.file("nope/out.csv"), force: false)
            Issue.record("expected refusal")
        } catch let error as PathlinkError {
            #expect(error.code == .io)
            #expect(error.description.contains("does not exist"))
        } catch { Issue.record("\(error)") }
    }
}
