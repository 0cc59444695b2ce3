// libFuzzer target: the value normalisers of Pseudonymisation.
//
// The input (any bytes, decoded leniently as UTF-8) is given to every normaliser; the
// `pattern` normaliser gets a pattern and template cut from the input too. Normalisers
// never throw on values: they return a value, missing or invalid. A crash, a trap or an
// ASan report is a finding.
import Foundation
import PathlinkCore
import Governance
import Pseudonymisation

private let formats = ["DD/MM/YYYY", "YYYY-MM-DD", "D/M/YYYY", "DDMMYYYY"].compactMap(DateFormat.init)
private let shipped = try! ReferencePattern(pattern: #"([A-Z]{2})[ /-]?(\d{2})[ /-]?(\d{1,6})"#, template: "$1/$2/$3")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNormalisers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let value = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if case .value(let date) = DateOfBirth.normalise(value, formats: formats) {
        precondition(date.utf8.count == 8, "a normalised date is YYYYMMDD")
        _ = DateOfBirth.unordered(date)
    }
    if case .value(let postcode) = Postcode.normalise(value) { _ = Postcode.district(postcode) }
    _ = NameNormalisation.name(value)
    _ = NameNormalisation.firstName(value)
    _ = NameNormalisation.initial(value)
    for order in NameNormalisation.Order.allCases { _ = NameNormalisation.splitFullName(value, order: order) }
    _ = TextNormalisation.text(value)
    _ = TextNormalisation.sex(value)
    _ = shipped.normalise(value)
    _ = DateFormat(value)
    // A pattern and a template from the input: compiling may refuse, never crash.
    let pieces = value.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
    if pieces.count == 3 {
        do {
            let pattern = try ReferencePattern(pattern: String(pieces[0]), template: String(pieces[1]))
            _ = pattern.normalise(String(pieces[2]))
        } catch is ReferencePatternError {
        } catch {
            fatalError("ReferencePattern threw something other than a ReferencePatternError: \(type(of: error))")
        }
    }
    return 0
}
