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
}
