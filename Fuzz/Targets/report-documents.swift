// libFuzzer target: the report spec and disclosure policy loaders (Reporting).
import Foundation
import PathlinkCore
import Reporting

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReportDocuments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do { _ = try ReportSpec.parse(text, file: "fuzz.yaml") } catch is PathlinkError {} catch {
        fatalError("ReportSpec.parse threw something other than a PathlinkError: \(type(of: error))")
    }
    do { _ = try PolicyDocument.parse(text, file: "fuzz.yaml") } catch is PathlinkError {} catch {
        fatalError("PolicyDocument.parse threw something other than a PathlinkError: \(type(of: error))")
    }
    return 0
}
