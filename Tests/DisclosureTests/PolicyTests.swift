import Disclosure
import Foundation
import PathlinkCore
import Testing

@Suite("Disclosure policy")
struct PolicyTests {
    @Test("defaults are those of governance/disclosure-control.md")
    func defaults() {
        let policy = DisclosurePolicy()
        #expect(policy.threshold == 3 && policy.zeros == .show && policy.secondary && policy.rounding == 0)
        #expect(policy.symbol == "[c]" && policy.structuralSymbol == "[z]")
    }

    @Test("decodes the policy fields; a missing field keeps its default")
    func decoding() throws {
        let json = #"{"threshold": 5, "zeros": "suppress"}"#
        let policy = try JSONDecoder().decode(DisclosurePolicy.self, from: Data(json.utf8))
        #expect(policy == DisclosurePolicy(threshold: 5, zeros: .suppress))
        let encoded = try JSONEncoder().encode(policy)
        let keys = try #require(JSONSerialization.jsonObject(with: encoded) as? [String: Any]).keys.sorted()
        #expect(keys == ["rounding", "secondary", "symbol", "threshold", "zeros"])
    }

    @Test("tightening is accepted field by field")
    func tightening() throws {
        let base = DisclosurePolicy()
        let tighter = DisclosurePolicy(threshold: 5, zeros: .suppress, secondary: true, rounding: 5)
        #expect(try base.tightened(by: tighter) == tighter)
        #expect(try base.tightened(by: DisclosurePolicyOverride(threshold: 10)).threshold == 10)
        // A coarser multiple of the base is stricter.
        #expect(try DisclosurePolicy(rounding: 5).tightened(by: DisclosurePolicyOverride(rounding: 10)).rounding == 10)
        // An override leaves the fields it does not set as they were.
        let strict = DisclosurePolicy(threshold: 4, zeros: .suppress)
        #expect(try strict.tightened(by: DisclosurePolicyOverride(threshold: 6)) == DisclosurePolicy(threshold: 6, zeros: .suppress))
    }

    @Test("loosening is refused, naming the field",
          arguments: [
              ("threshold", DisclosurePolicyOverride(threshold: 2)),
              ("zeros", DisclosurePolicyOverride(zeros: .show)),
              ("secondary", DisclosurePolicyOverride(secondary: false)),
              ("rounding", DisclosurePolicyOverride(rounding: 0)),
              ("rounding", DisclosurePolicyOverride(rounding: 7)),
          ])
    func loosening(field: String, override: DisclosurePolicyOverride) {
        let base = DisclosurePolicy(threshold: 3, zeros: .suppress, secondary: true, rounding: 5)
        let error = expectPathlinkError(.invalidDocument) { try base.tightened(by: override) }
        #expect(error?.problem.contains("\"\(field)\"") == true)
        #expect(error?.remedy?.contains("tighten") == true)
    }

    @Test("a symbol that reads as a number is refused: a hidden cell printed as 0 gives it away",
          arguments: ["0", " 2 ", "", "[z]"])
    func numericSymbol(symbol: String) {
        _ = expectPathlinkError(.invalidDocument) { try DisclosurePolicy(symbol: symbol).validated() }
        _ = expectPathlinkError(.invalidDocument) { try DisclosurePolicy().tightened(by: DisclosurePolicyOverride(symbol: symbol)) }
    }

    @Test("an invalid threshold or rounding is refused before anything is protected")
    func invalidNumbers() {
        let data = makeMicrodata(["region"], [(["North"], 4)])
        let table = TableDefinition(id: "t", dimensions: ["region"], categories: [["North"]])
        _ = expectPathlinkError(.invalidDocument) {
            try ReleaseProtector(policy: DisclosurePolicy(threshold: 0)).protect(data, tables: [table])
        }
        _ = expectPathlinkError(.invalidDocument) {
            try ReleaseProtector(policy: DisclosurePolicy(rounding: -5)).protect(data, tables: [table])
        }
    }
}

@Suite("Table definitions")
struct TableDefinitionTests {
    let data = makeMicrodata(["region", "outcome"], [(["North", "A"], 4)])

    @Test("invalid tables are refused with the table's id",
          arguments: [
              TableDefinition(id: "t", dimensions: ["county"], categories: [["Kent"]]),
              TableDefinition(id: "t", dimensions: ["region"], categories: [["North", "North"]]),
              TableDefinition(id: "t", dimensions: ["region"], categories: [["North", "Total"]]),
              TableDefinition(id: "t", dimensions: ["region", "outcome"], categories: [["North"]]),
              TableDefinition(id: "t", dimensions: ["region"], categories: [["North"]], filter: ["sex": ["F"]]),
              TableDefinition(id: "t", dimensions: ["region"], categories: [["North"]], structuralZeros: [["South"]]),
          ])
    func invalid(table: TableDefinition) {
        let error = expectPathlinkError(.invalidDocument) {
            try ReleaseProtector(policy: DisclosurePolicy()).protect(data, tables: [table])
        }
        #expect(error?.problem.contains("\"t\"") == true)
    }

    @Test("two tables with one id are refused")
    func duplicateIDs() {
        let table = TableDefinition(id: "t", dimensions: ["region"], categories: [["North"]])
        _ = expectPathlinkError(.invalidDocument) {
            try ReleaseProtector(policy: DisclosurePolicy()).protect(data, tables: [table, table])
        }
    }
}
