import Foundation
import PathlinkCore
@testable import Reporting
import Testing

@Suite("Report spec parsing")
struct ReportSpecTests {
    /// The 1-based line of the first line containing `needle`.
    func line(of needle: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }! + 1
    }

    @Test("a full spec parses into its variables and tables")
    func parsesFullSpec() throws {
        let text = """
        report: 1
        id: demo
        title: Demo release
        count: persons
        person-record: {earliest-by: referral_month}
        missing: Unknown
        policy: {threshold: 5, zeros: suppress}
        variables:
          closure:
            from: closure_reason
            label: Case closure
            map: {Planned: [Completed], Unexpected: [Disengaged, Lost], Open: [""]}
            other: Unexpected
          stage:
            cases:
              - {when: {closure: [Planned]}, value: Closed}
            else: Not closed
          age_band: {categories: [Under 18, 18-24]}
        tables:
          - id: closure-by-age
            title: Closure by age
            rows: [age_band]
            columns: closure
            filter: {sex: F}
            structural-zeros: [[Under 18, Open]]
            notes: A note.
          - id: planned-rate
            kind: rate
            rows: [age_band, sex]
            numerator: {closure: [Planned]}
            denominator: {closure: [Planned, Unexpected]}
            decimals: 2
        """
        let spec = try ReportSpec.parse(text, file: "spec.yaml")
        #expect(spec.id == "demo")
        #expect(spec.unit == .persons)
        #expect(spec.personRecordOrder == ["referral_month"])
        #expect(spec.policy?.threshold == 5)
        #expect(spec.policy?.zeros == .suppress)
        #expect(spec.policy?.rounding == nil)
        #expect(spec.variables.map(\.name) == ["closure", "stage", "age_band"])
        guard case .map(let source, let groups, let other) = spec.variables[0].rule else {
            Issue.record("closure should be a map"); return
        }
        #expect(source == "closure_reason")
        #expect(groups.map(\.0) == ["Planned", "Unexpected", "Open"])
        #expect(groups[2].1 == ["Unknown"], "an empty category is the missing label")
        #expect(other == "Unexpected")
        #expect(spec.variables[0].label == "Case closure")
        #expect(spec.variables[2].rule == .column(source: "age_band", categories: ["Under 18", "18-24"]))
        #expect(spec.tables.count == 2)
        let count = spec.tables[0]
        #expect(count.kind == .count)
        #expect(count.dimensions == ["age_band", "closure"])
        #expect(count.filter == ["sex": ["F"]])
        #expect(count.structuralZeros == [["Under 18", "Open"]])
        #expect(count.notes == "A note.")
        let rate = spec.tables[1]
        #expect(rate.kind == .rate)
        #expect(rate.rows == ["age_band", "sex"])
        #expect(rate.column == nil)
        #expect(rate.numerator == ["closure": ["Planned"]])
        #expect(rate.denominator == ["closure": ["Planned", "Unexpected"]])
        #expect(rate.decimals == 2)
    }

    @Test("a misspelt field is refused at its YAML line, naming the field")
    func unknownFieldAtLine() {
        let text = "report: 1\nid: demo\ntables:\n  - id: a\n    rows: [sex]\n    colums: outcome\n"
        let error = expectRefused(.invalidDocument) { _ = try ReportSpec.parse(text, file: "spec.yaml") }
        #expect(error?.line == line(of: "colums", in: text))
        #expect(error?.file == "spec.yaml")
        #expect(error?.problem.contains("colums") == true)
        #expect(error?.remedy?.contains("columns") == true)
    }

    @Test("YAML syntax errors name the line")
    func syntaxErrorLine() {
        let text = "report: 1\nid: demo\ntables:\n  - id: a\n    rows: [sex\n"
        let error = expectRefused(.invalidDocument) { _ = try ReportSpec.parse(text, file: "spec.yaml") }
        #expect(error?.line != nil)
    }

    @Test("refusals: version, rows, duplicate ids, rate fields on a count, mixed units, Total as a category")
    func refusals() {
        let cases: [(String, String)] = [
            ("report: 2\nid: d\ntables:\n  - {id: a, rows: [x]}\n", "report"),
            ("id: d\ntables:\n  - {id: a, rows: [x]}\n", "report"),
            ("report: 1\nid: d\ntables:\n  - {id: a, rows: [x, y, z]}\n", "rows"),
            ("report: 1\nid: d\ntables:\n  - {id: a, rows: [x]}\n  - {id: a, rows: [y]}\n", "- {id: a, rows: [y]}"),
            ("report: 1\nid: d\ntables:\n  - {id: a, rows: [x], numerator: {y: [1]}}\n", "numerator"),
            ("report: 1\nid: d\ntables:\n  - {id: a, kind: rate, rows: [x]}\n", "kind: rate"),
            ("report: 1\nid: d\ntables:\n  - {id: a, rows: [x], count: records}\n", "count: records"),
            ("report: 1\nid: d\ntables:\n  - {id: a, rows: [x, x]}\n", "rows"),
            ("report: 1\nid: d\nvariables:\n  g:\n    map: {Total: [a]}\ntables:\n  - {id: a, rows: [g]}\n", "map"),
            ("report: 1\nid: ../evil\ntables:\n  - {id: a, rows: [x]}\n", "id:"),
            ("report: 1\nid: d\ntables: []\n", "tables"),
            ("report: 1\nid: d\nvariables:\n  g:\n    map: {A: [a]}\n    order: [B]\ntables:\n  - {id: a, rows: [g]}\n", "order"),
        ]
        for (text, marker) in cases {
            let error = expectRefused(.invalidDocument) { _ = try ReportSpec.parse(text, file: "s.yaml") }
            #expect(error?.line != nil, "\(text)")
            if let line = error?.line {
                let expected = text.components(separatedBy: "\n").firstIndex { $0.contains(marker) }.map { $0 + 1 }
                #expect(line == expected || marker == "report", "\(text): line \(line)")
            }
        }
    }

    @Test("an unknown variable in a table is refused at the table's line")
    func unknownVariable() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        let spec = "report: 1\nid: d\ntables:\n  - id: a\n    rows: [sex]\n  - id: b\n    rows: [gender]\n"
        let error = expectRefused(.invalidDocument) { try runReport(scratch, spec: spec, linked: linked) }
        #expect(error?.line == 6)
        #expect(error?.problem.contains("gender") == true)
        #expect(!scratch.exists("release"))
    }

    @Test("the example spec parses, with every column name declared once at the top")
    func exampleSpecParses() throws {
        let spec = try ReportSpec.load(path: exampleSpecPath)
        #expect(spec.id == "victims-pathway")
        #expect(spec.unit == .persons)
        #expect(spec.tables.count >= 9)
        #expect(spec.linkageQuality, "the example publishes the linkage-quality section")
        let ids = Set(spec.tables.map(\.id))
        for id in ["incident-by-age-gender", "referral-source", "closure-by-referral", "closure-by-age", "journey-funnel",
                   "engagement-by-police-outcome", "police-outcome-by-support", "cps-by-support"] {
            #expect(ids.contains(id), "\(id)")
        }
        // Tables use only declared variables, so the raw column names live in one block.
        let declared = Set(spec.variables.map(\.name))
        for table in spec.tables {
            for name in table.dimensions + Array(table.filter.keys) + Array(table.numerator.keys) + Array(table.denominator.keys) {
                #expect(declared.contains(name), "table \(table.id) uses \(name) directly")
            }
        }
    }

    @Test("the spec shown in docs/report-spec.md parses")
    func documentedSpecParses() throws {
        let doc = try String(contentsOfFile: exampleSpecPath.replacingOccurrences(of: "examples/victims-pathway/report.yaml", with: "docs/report-spec.md"), encoding: .utf8)
        let section = doc.components(separatedBy: "## The report spec")[1]
        let yaml = section.components(separatedBy: "```yaml\n")[1].components(separatedBy: "```")[0]
        let spec = try ReportSpec.parse(yaml, file: "docs/report-spec.md")
        #expect(spec.tables.map(\.id) == ["closure-by-age", "planned-closure-rate", "days-to-assessment", "risks"])
        #expect(spec.tables.map(\.kind) == [.count, .rate, .mean, .multiResponse])
        #expect(spec.variables.map(\.name) == ["age_band", "closure", "stage"])
        #expect(spec.personRecordOrder == ["referral_month"])
    }
}

/// examples/victims-pathway/report.yaml in this package.
let exampleSpecPath: String = {
    var folder = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { folder.deleteLastPathComponent() }
    return folder.appendingPathComponent("examples/victims-pathway/report.yaml").path
}()
