import Foundation
import Testing
import PathlinkTestSupport
@testable import Tabular

/// The in-memory formatter that pseudonymise's threads fill must write exactly what the
/// file writer writes, and a block must hand back exactly the reader's fields.
@Suite("CSV field buffer and record block")
struct CSVFieldBufferTests {
    static let fields: [[UInt8]] = [
        [], Array("plain".utf8), Array("a,b".utf8), Array("say \"hi\"".utf8), Array("two\r\nlines".utf8),
        Array("lf\nonly".utf8), Array("cr\ronly".utf8), Array("Zoë".utf8), [0x22], Array("tab\there".utf8),
    ]

    @Test("fields written to a buffer are the bytes a CSVWriter writes, for CRLF and LF files")
    func sameBytesAsTheWriter() throws {
        let folder = TestFolder()
        for lineEnding in [CSVWriter.LineEnding.crlf, .lf] {
            let path = folder.file("out-\(lineEnding).csv")
            let writer = try CSVWriter(path: path, force: true, lineEnding: lineEnding)
            let buffer = CSVFieldBuffer(like: writer)
            for record in 0..<Self.fields.count {
                for offset in 0..<3 {
                    let field = Self.fields[(record + offset) % Self.fields.count]
                    try field.withUnsafeBufferPointer { try writer.write($0); try buffer.write($0) }
                }
                try Array("verbatim".utf8).withUnsafeBufferPointer { try writer.writeVerbatim($0); try buffer.writeVerbatim($0) }
                try writer.endRecord()
                try buffer.endRecord()
            }
            try writer.close()
            let written = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let formatted = buffer.withFormattedBytes { Array($0) }
            #expect(buffer.records == Self.fields.count)
            #expect(formatted == written)
            #expect(formatted.count > 100)
        }
    }

    @Test("a block holds each record's unescaped fields and whether they were quoted")
    func blockKeepsTheFields() throws {
        let folder = TestFolder()
        let text = "a,b,c\r\nplain,\"q,1\",\"say \"\"hi\"\"\"\r\n,\"two\r\nlines\",Zoë\r\nx,,\"\"\r\n"
        let path = folder.write("in.csv", text)
        let reader = try CSVReader(path: path, chunkSize: 7)
        let block = CSVRecordBlock(columns: 3)
        var expected: [[String]] = [], quoted: [[Bool]] = []
        while try reader.next() {
            expected.append(reader.strings())
            quoted.append((0..<3).map(reader.isQuoted))
            block.append(reader)
        }
        #expect(block.count == 3)
        #expect(expected[0] == ["plain", "q,1", "say \"hi\""])
        for index in 0..<block.count {
            let record = block.record(index)
            #expect((0..<3).map(record.string) == expected[index])
            #expect((0..<3).map(record.isQuoted) == quoted[index])
        }
        block.removeAll()
        #expect(block.count == 0)
    }
}
