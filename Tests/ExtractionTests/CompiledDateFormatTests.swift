import Testing
import Foundation
import Governance
@testable import Extraction

@Suite("Compiled date formats")
struct CompiledDateFormatTests {
    @Test("A compiled format reads every value exactly as DateFormat does")
    func sameReading() throws {
        let formats = ["DD/MM/YYYY", "YYYY-MM-DD", "YYYYMMDD", "MM/DD/YYYY", "DD.MM.YYYY", "YYYY MM DD", "DD/MM/YYYY      ....."]
        var values = ["08/08/2004", "31/02/2001", "29/02/2000", "29/02/1900", "00/01/2000", "01/13/2000", "1/1/2000",
                      "2004-08-08", "20040808", "2004/08/08", "0000-01-01", "08/08/200a", "08-08-2004", "", "12.11.1999",
                      "2024 02 29", "08/08/2004      .....", "08/08/2004      ....,", "31/02/2004      ....."]
        for day in [0, 1, 28, 29, 30, 31, 32] {
            for month in [0, 1, 2, 4, 12, 13] {
                for year in [1, 1900, 2000, 2023, 2024] {
                    values.append(String(format: "%02d/%02d/%04d", day, month, year))
                    values.append(String(format: "%04d-%02d-%02d", year, month, day))
                }
            }
        }
        for text in formats {
            let format = try #require(DateFormat(text))
            let compiled = CompiledDateFormat(format)
            for value in values {
                var bytes = Array(value.utf8)
                let (expected, actual) = bytes.withUnsafeMutableBufferPointer { buffer in
                    let view = UnsafeBufferPointer(buffer)
                    return (format.parse(view), compiled.parse(view, fallback: [[format]], column: 0, position: 0))
                }
                #expect(actual == expected, "\(text) reading \(value)")
            }
        }
    }

    @Test("Every byte at every position of a value is read as DateFormat reads it (8 to 16 bytes wide)")
    func everyByteEveryPosition() throws {
        let cases = [("DD/MM/YYYY", "28/02/2024"), ("YYYYMMDD", "20240229"), ("YYYY-MM-DD", "1999-12-31"),
                     ("DD/MM/YYYY .", "01/01/2000 ."), ("DD.MM.YYYY -- --", "31.12.1999 -- --"), ("YYYY MM DD", "2024 02 29")]
        for (text, valid) in cases {
            let format = try #require(DateFormat(text))
            let compiled = CompiledDateFormat(format)
            let original = Array(valid.utf8)
            for position in original.indices {
                for byte in 0...255 {
                    var bytes = original
                    bytes[position] = UInt8(byte)
                    let (expected, actual) = bytes.withUnsafeBufferPointer { view in
                        (format.parse(view), compiled.parse(view, fallback: [[format]], column: 0, position: 0))
                    }
                    #expect(actual == expected, "\(text) with byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test("Values of a byte more or less than the format are mismatches, whatever they hold")
    func otherWidths() throws {
        let format = try #require(DateFormat("DD/MM/YYYY"))
        let compiled = CompiledDateFormat(format)
        for value in ["28/02/202", "28/02/20245", "8/02/2024", "28/02/2024 "] {
            let actual = Array(value.utf8).withUnsafeBufferPointer { compiled.parse($0, fallback: [[format]], column: 0, position: 0) }
            #expect(actual == .mismatch, "\(value)")
        }
    }
}

@Suite("Record-loop byte helpers")
struct ByteHelperTests {
    @Test("The placeholder first-byte table is the one the placeholder texts give")
    func placeholderTable() {
        #expect(Bytes.placeholderFirstBytes == Bytes.computedPlaceholderFirstBytes())
    }

    @Test("A value set finds exactly its own values, short and long, and nothing else")
    func valueSet() {
        let declared = ["1", "14", "Yes", "No", "abcd", "abcdefgh", "a longer value"]
        let short = ["1", "14", "Yes"]
        let sets = ValueSets([declared, short, []])
        var probes = declared + ["", "2", "41", "15", "Ye", "Yes ", "yes", "YES", "Nope", "abce", "abdd", "bbcd", "abcdefgi",
                                 "bbcdefgh", "abcdefg", "a longer valuE", "a longer", "10", "144"]
        for first in 0...255 { probes.append(String(decoding: [UInt8(first), 0x34], as: UTF8.self)) }
        for probe in probes {
            let bytes = Array(probe.utf8)
            bytes.withUnsafeBufferPointer { view in
                #expect(sets.contains(0, view) == declared.contains(probe), "\(probe)")
                #expect(sets.contains(1, view) == short.contains(probe), "\(probe)")
                #expect(!sets.contains(2, view), "\(probe)")
            }
        }
    }
}
