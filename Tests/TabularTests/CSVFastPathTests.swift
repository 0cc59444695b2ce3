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
}
