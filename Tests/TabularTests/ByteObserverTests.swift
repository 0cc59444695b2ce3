import Foundation
import Testing
import PathlinkTestSupport
import PathlinkCore
@testable import Tabular

/// An observer that reads what it was lent only when asked to wait — as late as the
/// contract allows. Had the reader or writer moved, overwritten or freed lent bytes
/// before waiting, what it saw would differ from the file.
final class LateObserver: ByteObserver {
    private var pending: [(pointer: UnsafeRawPointer, count: Int, ticket: UInt64)] = []
    private var issued: UInt64 = 0
    private(set) var seen: [UInt8] = []
    private(set) var loans = 0

    func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return issued }
        issued += 1
        loans += 1
        pending.append((base, bytes.count, issued))
        return issued
    }

    func waitUntilRead(through ticket: UInt64) {
        while let first = pending.first, first.ticket <= ticket {
            seen += UnsafeRawBufferPointer(start: first.pointer, count: first.count)
            pending.removeFirst()
        }
    }

    var outstanding: Int { pending.count }

    /// Where what was seen first differs from `expected` (nil: identical), so that a
    /// failure names an offset rather than printing the bytes.
    func firstDifference(from expected: [UInt8]) -> Int? {
        if let index = (0..<min(seen.count, expected.count)).first(where: { seen[$0] != expected[$0] }) { return index }
        return seen.count == expected.count ? nil : min(seen.count, expected.count)
    }
}

@Suite("Lent bytes: the reader and writer wait for their observer")
struct ByteObserverTests {
    /// Records with doubled quotes in quoted fields (unescaped in place when read), line
    /// breaks inside quotes, and non-ASCII text.
    func export(records: Int) -> [UInt8] {
        var text = "id,name,notes\r\n"
        for index in 0..<records {
            text += "\(index),\"O\"\"Brien \(index)\",\"said \"\"no\"\"\r\nthen left; café \(index % 7)\"\r\n"
        }
        return Array(text.utf8)
    }

    @Test("The reader's observer sees exactly the file's bytes, whatever the chunk size", arguments: [7, 64, 4096, 1 << 20])
    func reader(chunkSize: Int) throws {
        let folder = TestFolder()
        let bytes = export(records: 400)
        let path = folder.write("in.csv", bytes)
        let observer = LateObserver()
        var names: [String] = []
        do {
            let reader = try CSVReader(path: path, chunkSize: chunkSize, observer: observer)
            while try reader.next() {
                names.append(reader.string(1))   // unescapes in place
                _ = reader.bytes(2)
            }
        }
        #expect(observer.outstanding == 0, "the reader waits for its observer before it goes")
        #expect(observer.firstDifference(from: bytes) == nil)
        #expect(observer.loans > 1 || chunkSize >= bytes.count)
        #expect(names.count == 400 && names[399] == "O\"Brien 399")
    }

    @Test("The reader lends the raw Windows-1252 bytes, before transcoding")
    func windows1252() throws {
        let folder = TestFolder()
        var bytes = Array("id,name\r\n".utf8)
        for index in 0..<300 { bytes += Array("\(index),Ren".utf8) + [0xE9] + Array("e\r\n".utf8) }
        let path = folder.write("in.csv", bytes)
        let observer = LateObserver()
        do {
            let reader = try CSVReader(path: path, encoding: .windows1252, chunkSize: 64, observer: observer)
            var count = 0
            while try reader.next() { count += 1; #expect(reader.string(1) == "Renée") }
            #expect(count == 300)
        }
        #expect(observer.firstDifference(from: bytes) == nil)
    }

    /// A writer with the smallest buffer, lending to `observer`.
    func lendingWriter(_ path: String, to observer: LateObserver) throws -> CSVWriter {
        let writer = try CSVWriter(path: path, force: false, bufferSize: 1 << 16)
        writer.observer = observer
        return writer
    }

    @Test("The writer's observer sees exactly the file's bytes, across buffer swaps and oversized fields")
    func writer() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let observer = LateObserver()
        do {
            let writer = try lendingWriter(path, to: observer)
            for index in 0..<20_000 {
                try writer.write("\(index)")
                try writer.write("a \"quoted\", field \(index)")
                if index % 5_000 == 0 { try writer.write(String(repeating: "x", count: 200_000)) }
                try writer.endRecord()
            }
            try writer.close()
        }
        let written = try #require(FileManager.default.contents(atPath: path))
        #expect(observer.loans > 10)
        #expect(observer.outstanding == 0)
        #expect(observer.firstDifference(from: Array(written)) == nil)
    }

    @Test("A discarded writer waits for its observer too, and leaves no file")
    func discarded() throws {
        let folder = TestFolder()
        let path = folder.file("out.csv")
        let observer = LateObserver()
        do {
            let writer = try lendingWriter(path, to: observer)
            for index in 0..<10_000 { try writer.write("row \(index) of a file that will be abandoned"); try writer.endRecord() }
            writer.discard()
        }
        #expect(observer.outstanding == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
