import Disclosure
import Foundation
import PathlinkCore
import Testing

@Suite("Disclosure policy")
struct PolicyTests {
    typealias Settings = DisclosurePolicy.Settings

    @Test("defaults are those of governance/disclosure-control.md")
    func defaults() {
        let policy = DisclosurePolicy()
        #expect(policy.threshold == 3 && policy.zeros == .show && policy.secondary && policy.rounding == 0)
        #expect(policy.symbol == "[c]" && policy.structuralSymbol == "[z]")
    }

    @Test("settings are put over a policy; a field they do not set keeps the policy's value")
    func applying() {
        let base = DisclosurePolicy(threshold: 4, zeros: .suppress, rounding: 5, symbol: "[x]")
        #expect(Settings().applied(to: base) == base)
        let applied = Settings(threshold: 6, secondary: false, structuralSymbol: "[n]").applied(to: base)
        #expect(applied == DisclosurePolicy(threshold: 6, zeros: .suppress, secondary: false, rounding: 5,
                                            symbol: "[x]", structuralSymbol: "[n]"))
    }

    @Test("tightening is accepted field by field")
    func tightening() throws {
        let base = DisclosurePolicy()
        let tighter = Settings(threshold: 5, zeros: .suppress, secondary: true, rounding: 5)
        #expect(try base.tightened(by: tighter) == DisclosurePolicy(threshold: 5, zeros: .suppress, secondary: true, rounding: 5))
        #expect(try base.tightened(by: Settings(threshold: 10)).threshold == 10)
        // A coarser multiple of the base is stricter.
        #expect(try DisclosurePolicy(rounding: 5).tightened(by: Settings(rounding: 10)).rounding == 10)
        // Settings leave the fields they do not set as they were.
        let strict = DisclosurePolicy(threshold: 4, zeros: .suppress)
        #expect(try strict.tightened(by: Settings(threshold: 6)) == DisclosurePolicy(threshold: 6, zeros: .suppress))
        // Symbols are presentation: a spec may change them.
        #expect(try base.tightened(by: Settings(symbol: "[x]")).symbol == "[x]")
    }

    @Test("loosening is refused, naming the field, its file and its line",
          arguments: [
              ("threshold", Settings(threshold: 3, lines: [.threshold: 7])),
              ("class-size", Settings(classSize: 5, lines: [.classSize: 7])),
              ("category-share", Settings(categoryShare: 0.6, lines: [.categoryShare: 7])),
              ("zeros", Settings(zeros: .show, lines: [.zeros: 7])),
              ("secondary", Settings(secondary: false, lines: [.secondary: 7])),
              ("rounding", Settings(rounding: 0, lines: [.rounding: 7])),
              ("rounding", Settings(zeros: .suppress, rounding: 7, lines: [.zeros: 6, .rounding: 7])),
          ])
    func loosening(field: String, settings: Settings) {
        var located = settings
        located.file = "spec.yaml"
        located.line = 5
        let base = DisclosurePolicy(threshold: 4, zeros: .suppress, secondary: true, rounding: 5, classSize: 10)
        let error = expectPathlinkError(.invalidDocument) { try base.tightened(by: located) }
        #expect(error?.problem.contains("\"\(field)\"") == true)
        #expect(error?.remedy?.contains("tighten") == true)
        #expect(error?.file == "spec.yaml")
        #expect(error?.line == 7)
    }

    @Test("a symbol that reads as a number is refused: a hidden cell printed as 0 gives it away",
          arguments: ["0", " 2 ", "", "[z]"])
    func numericSymbol(symbol: String) {
        _ = expectPathlinkError(.invalidDocument) { try DisclosurePolicy(symbol: symbol).validated() }
        _ = expectPathlinkError(.invalidDocument) { try DisclosurePolicy().tightened(by: Settings(symbol: symbol)) }
        _ = expectPathlinkError(.invalidDocument) { try DisclosurePolicy(structuralSymbol: symbol == "[z]" ? "[c]" : symbol).validated() }
    }

    @Test("an invalid policy is refused at the line of the field at fault, else of its mapping")
    func locatedValidation() {
        let settings = Settings(threshold: 0, symbol: "[q]", file: "p.yaml", line: 1, lines: [.threshold: 4, .symbol: 6])
        let threshold = expectPathlinkError(.invalidDocument) {
            try settings.applied(to: DisclosurePolicy()).validated(locatedBy: settings)
        }
        #expect(threshold?.file == "p.yaml" && threshold?.line == 4)
        #expect(threshold?.problem.contains("\"threshold\"") == true)
        // The same symbol for both kinds of hidden cell: the line of `symbol`.
        let same = Settings(symbol: "[q]", structuralSymbol: "[q]", file: "p.yaml", line: 1,
                            lines: [.symbol: 6, .structuralSymbol: 7])
        let error = expectPathlinkError(.invalidDocument) { try same.applied(to: DisclosurePolicy()).validated(locatedBy: same) }
        #expect(error?.line == 6)
        // Without locations the error names the field only.
        let bare = expectPathlinkError(.invalidDocument) { try DisclosurePolicy(rounding: -1).validated() }
        #expect(bare?.file == nil && bare?.line == nil && bare?.problem.contains("\"rounding\"") == true)
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
