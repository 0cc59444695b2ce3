// libFuzzer target: the YAML loaders of Governance — schema manifests and linkage plans.
//
// The input is parsed as a YAML document and then as both a manifest and a plan. Any
// PathlinkError is a correct refusal; a crash, a trap, an ASan report, a hang or a memory
// blow-up (libFuzzer's -rss_limit_mb) is a finding.
import Foundation
import PathlinkCore
import Governance

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGovernanceDocuments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        let document = try YAMLDocument(text: text, path: "fuzz.yaml")
        do { _ = try Manifest.parse(document) } catch is PathlinkError {}
        do { _ = try LinkagePlan.parse(document) } catch is PathlinkError {}
    } catch is PathlinkError {
    } catch {
        fatalError("a Governance loader threw something other than a PathlinkError: \(type(of: error))")
    }
    return 0
}
