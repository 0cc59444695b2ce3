// libFuzzer target: the streaming CSV reader (Tabular.CSVReader).
//
// The input is written to a temporary file and read to the end with small limits and a
// small chunk size (chosen from the first byte), so buffer refills, quotes split across
// chunks and every limit are reached quickly. Any PathlinkError is a correct refusal; a
// crash, a trap or an ASan report is a finding.
import Foundation
import PathlinkCore
import Tabular

private let file = NSTemporaryDirectory() + "pathlink-fuzz-csv-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { return 0 }
    _ = body.baseAddress.map { write(descriptor, $0, body.count) }
    close(descriptor)

    var limits = CSVReader.Limits()
    limits.maxFieldBytes = 64 + Int(control & 0x0F) * 16
    limits.maxRecordBytes = 256 + Int(control & 0x0F) * 64
    limits.maxColumns = 4 + Int(control >> 4)
    let chunkSize = [16, 64, 4096][Int(control % 3)]
    let delimiter: UInt8 = control & 0x40 == 0 ? UInt8(ascii: ",") : UInt8(ascii: "|")
    let encoding: TextEncoding = control & 0x80 == 0 ? .utf8 : .windows1252
    do {
        let reader = try CSVReader(path: file, delimiter: delimiter, encoding: encoding, limits: limits, chunkSize: chunkSize)
        var rows = 0
        while try reader.next() {
            precondition(reader.count == reader.header.count, "a record must have the header's width")
            for index in 0..<reader.count {
                _ = reader.bytes(index)
                _ = reader.string(index)
            }
            rows += 1
            precondition(reader.row == rows + 1, "row numbers count records after the header")
        }
    } catch is PathlinkError {
    } catch {
        fatalError("CSVReader threw something other than a PathlinkError: \(type(of: error))")
    }
    return 0
}
