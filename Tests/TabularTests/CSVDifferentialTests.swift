import Testing
import PathlinkTestSupport
import PathlinkCore
@testable import Tabular

/// The reader against its earlier, simpler self (`ReferenceCSVReader`) on thousands of
/// generated files, good and damaged: the same records, fields, row and line numbers, and
/// the same refusal (row, column and problem) at the same point.
@Suite("CSV reader: differential against the reference reader")
struct CSVDifferentialTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        /// A field's bytes: unquoted from safe bytes, or quoted with delimiters, line
        /// breaks and doubled quotes inside.
        mutating func field(delimiter: UInt8) -> [UInt8] {
            let safe: [[UInt8]] = [[0x61], [0x62], [0x20], [0x31], [0x09], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], Array("UNKNOWN".utf8)]
            var pieces: [[UInt8]] = []
            for _ in 0..<next(14) { pieces.append(safe[next(safe.count)]) }
            guard next(3) == 0 else { return Array(pieces.joined()) }
            // Between characters (never inside one): delimiters, doubled quotes, line breaks.
            let specials: [[UInt8]] = [[delimiter], [0x22, 0x22], [0x0A], [0x0D, 0x0A], [0x2C]]
            for _ in 0..<next(4) { pieces.insert(specials[next(specials.count)], at: next(pieces.count + 1)) }
            return [0x22] + Array(pieces.joined()) + [0x22]
        }

        mutating func file(delimiter: UInt8) -> [UInt8] {
            let columns = 1 + next(4)
            let crlf = next(2) == 0
            let end: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
            var bytes: [UInt8] = next(8) == 0 ? [0xEF, 0xBB, 0xBF] : []
            bytes += (0..<columns).map { [UInt8(ascii: "h"), UInt8(0x30 + $0)] }.joined(separator: [delimiter]) + end
            for _ in 0..<next(12) {
                var width = columns
                if next(100) == 0 { width += next(3) - 1 }          // a wrong field count
                if next(25) == 0 { bytes += end; continue }         // a blank line
                bytes += (0..<max(width, 1)).map { _ in field(delimiter: delimiter) }.joined(separator: [delimiter])
                if next(80) != 0 { bytes += end }                   // now and then no line ending (joined lines)
            }
            // Damage, now and then: a stray byte anywhere.
            if next(4) == 0 && !bytes.isEmpty {
                let strays: [UInt8] = [0x00, 0xFF, 0x80, 0xC3, 0x22, 0x0D, 0x0A, delimiter, 0xEF]
                bytes.insert(strays[next(strays.count)], at: next(bytes.count + 1))
            }
            return bytes
        }
    }

    /// The header, then each record's row, line and fields (with whether each was quoted).
    func lines(of reader: some RecordReading) throws -> [String] {
        var lines = ["header \(reader.header)"]
        while try reader.next() {
            lines.append("row \(reader.row) line \(reader.line) \((0..<reader.count).map { "\(reader.isQuoted($0))" + reader.string($0) })")
        }
        return lines
    }

    /// Everything a reader reports: each record's row, line and fields, then how it ended.
    func transcript(_ read: () throws -> [String]) -> [String] {
        do { return try read() } catch let error as PathlinkError {
            return ["refused \(error.code) row \(error.row.map(String.init) ?? "-") column \(error.column ?? "-"): \(error.problem)"]
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test("Generated files read the same, through chunks of 7, 64 and 1 MiB bytes")
    func sameAsReference() throws {
        let folder = TestFolder()
        var generator = Generator(state: 20_261_122)
        var refusals = 0
        for round in 0..<1_500 {
            let delimiter: UInt8 = round % 4 == 3 ? UInt8(ascii: "|") : UInt8(ascii: ",")
            let path = folder.write("in-\(round % 8).csv", generator.file(delimiter: delimiter))
            var limits = CSVReader.Limits()
            if round % 5 == 0 { limits.maxFieldBytes = 24; limits.maxColumns = 4 }
            for chunkSize in [7, 64, 1 << 20] {
                let ours = transcript { try lines(of: CSVReader(path: path, delimiter: delimiter, limits: limits, chunkSize: chunkSize)) }
                let theirs = transcript {
                    try lines(of: ReferenceCSVReader(path: path, delimiter: delimiter, limits: limits, chunkSize: chunkSize))
                }
                #expect(ours == theirs, "round \(round), chunk \(chunkSize)")
                if chunkSize == 7, ours.last?.hasPrefix("refused") == true { refusals += 1 }
            }
        }
        // Both outcomes are well represented.
        #expect(refusals > 300 && refusals < 900, "\(refusals) of 1500 files refused")
    }
}

/// What the differential test reads from either reader.
protocol RecordReading {
    var header: [String] { get }
    var row: Int { get }
    var line: Int { get }
    var count: Int { get }
    func next() throws -> Bool
    func isQuoted(_ index: Int) -> Bool
    func string(_ index: Int) -> String
}

extension CSVReader: RecordReading {}
extension ReferenceCSVReader: RecordReading {}
