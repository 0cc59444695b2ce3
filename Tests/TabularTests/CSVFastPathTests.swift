import Testing
import PathlinkTestSupport
import PathlinkCore
@testable import Tabular

/// The eight-bytes-a-step paths of the reader and writer must give exactly what the
/// byte-by-byte rules give, wherever in a word the byte that matters falls.
@Suite("CSV fast paths")
struct CSVFastPathTests {
    /// RFC 4180 quoting, written out byte by byte: the reference for the writer.
    func quoted(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Fields of 0–20 bytes with one special byte (or none) at every position.
    var fields: [String] {
        var fields: [String] = [""]
        for length in 1...20 {
            fields.append(String(repeating: "a", count: length))
            for special in [",", "\"", "\n", "\r"] {
                for position in 0..<length {
                    var characters = Array(repeating: "b", count: length)
                    characters[position] = special
                    fields.append(characters.joined())
                }
            }
        }
        return fields
    }

    @Test("The writer quotes a field exactly when it holds a comma, quote, CR or LF, wherever it is")
    func writerQuoting() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let writer = try CSVWriter(path: path, force: false, lineEnding: .lf)
        for field in fields {
            try writer.write(field)
            try writer.write("x")
            try writer.endRecord()
        }
        try writer.close()
        let expected = fields.map { quoted($0) + ",x\n" }.joined()
        #expect(String(decoding: try FilePath.readAll(path), as: UTF8.self) == expected)
    }

    @Test("Reading back what was written gives every field, and isQuoted says which were quoted")
    func readerRoundTrip() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let writer = try CSVWriter(path: path, force: false)
        try writer.writeRecord(["field", "next"])
        let values = fields.filter { !$0.isEmpty }
        for field in values { try writer.writeRecord([field, "tail"]) }
        try writer.close()
        for chunkSize in [7, 1 << 20] {
            let reader = try CSVReader(path: path, chunkSize: chunkSize)
            var index = 0
            while try reader.next() {
                #expect(reader.string(0) == values[index])
                #expect(reader.isQuoted(0) == (quoted(values[index]) != values[index]))
                #expect(!reader.isQuoted(1))
                index += 1
            }
            #expect(index == values.count)
        }
    }

    @Test("writeVerbatim copies a field as it is, and a record mixing it with write() reads back")
    func verbatim() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let writer = try CSVWriter(path: path, force: false, bufferSize: 1 << 16)
        try writer.writeRecord(["a", "b"])
        let long = String(repeating: "0123456789abcdef", count: 5000)   // larger than the buffer
        for value in ["plain", "", long] {
            var copy = value
            try copy.withUTF8 { try writer.writeVerbatim($0) }
            try writer.write("x,y")
            try writer.endRecord()
        }
        try writer.close()
        let table = try CSVTable(contentsOf: path)
        #expect(table.rows == [["plain", "x,y"], ["", "x,y"], [long, "x,y"]])
    }

    /// Read `bytes` (header a,b,c) through chunks of `chunkSize`: the fields of each record,
    /// with its physical line, or the error.
    func readAll(_ bytes: [UInt8], chunkSize: Int) -> Result<[(fields: [String], line: Int)], PathlinkError> {
        let folder = TestFolder()
        let path = folder.write("in.csv", bytes)
        do {
            let reader = try CSVReader(path: path, chunkSize: chunkSize)
            var records: [(fields: [String], line: Int)] = []
            while try reader.next() { records.append((reader.strings(), reader.line)) }
            return .success(records)
        } catch let error as PathlinkError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failure(PathlinkError(.io, problem: "unexpected"))
        }
    }

    @Test("A NUL or invalid byte anywhere in a field is refused, quoted or not, whatever the chunk size; valid UTF-8 is read")
    func uncleanBytesEverywhere() {
        for length in 1...20 {
            for position in 0..<length {
                for quoted in [false, true] {
                    for chunkSize in [7, 1 << 20] {
                        func file(_ inner: [UInt8]) -> [UInt8] {
                            let field = quoted ? [0x22] + inner + Array(" , x".utf8) + [0x22] : inner
                            return Array("a,b,c\r\n1,ok,2\r\n3,".utf8) + field + Array(",4\r\n5,ok,6\r\n".utf8)
                        }
                        var plain = Array(repeating: UInt8(ascii: "m"), count: length)
                        for bad: UInt8 in [0x00, 0xFF, 0x80, 0xC3] {
                            plain[position] = bad
                            switch readAll(file(plain), chunkSize: chunkSize) {
                            case .success:
                                Issue.record("byte \(bad) at \(position) of \(length) (quoted: \(quoted)) was accepted")
                            case .failure(let error):
                                #expect(error.code == .malformedCSV && error.row == 3 && error.column == "b",
                                        "byte \(bad) at \(position) of \(length): \(error)")
                            }
                        }
                        // "é" (two bytes) in place of two of the field's bytes is clean.
                        var accented = Array(repeating: UInt8(ascii: "m"), count: length)
                        if position + 1 < length {
                            accented[position] = 0xC3
                            accented[position + 1] = 0xA9
                        }
                        switch readAll(file(accented), chunkSize: chunkSize) {
                        case .success(let records):
                            #expect(records.count == 3)
                            let expected = String(decoding: accented, as: UTF8.self) + (quoted ? " , x" : "")
                            #expect(records.count == 3 && records[1].fields[1] == expected)
                        case .failure(let error):
                            Issue.record("clean field refused: \(error)")
                        }
                    }
                }
            }
        }
    }

    @Test("Line feeds inside quoted fields are counted at every position (the next record's line)")
    func lineFeedsEverywhere() {
        for length in 1...20 {
            for position in 0..<length {
                for chunkSize in [7, 1 << 20] {
                    var inner = Array(repeating: UInt8(ascii: "q"), count: length)
                    inner[position] = 0x0A
                    if position + 2 < length { inner[position + 2] = 0x0A }
                    let breaks = inner.filter { $0 == 0x0A }.count
                    let bytes = Array("a,b,c\n1,\"".utf8) + inner + Array("\",2\n3,x,4\n".utf8)
                    switch readAll(bytes, chunkSize: chunkSize) {
                    case .success(let records):
                        #expect(records.count == 2)
                        #expect(records.count == 2 && records[0].line == 2 && records[1].line == 3 + breaks,
                                "line feed at \(position) of \(length)")
                    case .failure(let error):
                        Issue.record("refused: \(error)")
                    }
                }
            }
        }
    }
}
