import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Testing

@Suite("Disclosure policy file and the spec's policy block")
struct PolicyTests {
    @Test("the policy file is read; omitted fields keep the defaults")
    func parsesPolicy() throws {
        let policy = try PolicyDocument.parse("policy: 1\nthreshold: 5\nzeros: suppress\nrounding: 5\nsymbol: \"[x]\"\n", file: "p.yaml")
        #expect(policy.threshold == 5)
        #expect(policy.zeros == .suppress)
        #expect(policy.rounding == 5)
        #expect(policy.symbol == "[x]")
        #expect(policy.secondary == true)
        #expect(policy.structuralSymbol == "[z]")
        let defaults = try PolicyDocument.parse("policy: 1\n", file: "p.yaml")
        #expect(defaults == DisclosurePolicy())
    }

    @Test("protection-margin: read from the file, only raised by a spec, and every hidden value reaches threshold + margin")
    func protectionMargin() throws {
        let policy = try PolicyDocument.parse("policy: 1\nprotection-margin: 2\n", file: "p.yaml")
        #expect(policy.protectionMargin == 2 && policy.protectionLevel == 5)
        let lower = DisclosurePolicy.Settings(protectionMargin: 1, file: "spec.yaml", lines: [.protectionMargin: 7])
        let error = expectRefused(.invalidDocument) { _ = try policy.tightened(by: lower) }
        #expect(error?.line == 7)
        #expect(try policy.tightened(by: .init(protectionMargin: 3)).protectionMargin == 3)

        let grid = [(["North", "Charged"], 1), (["North", "NFA"], 4), (["South", "Charged"], 5), (["South", "NFA"], 6),
                    (["East", "Charged"], 7), (["East", "NFA"], 3)]
        var counts: [[String]: Int] = [:]
        for (key, count) in grid { counts[key] = count }
        let table = TableDefinition(id: "t", dimensions: ["region", "outcome"],
                                    categories: [["North", "South", "East"], ["Charged", "NFA"]])
        for margin in [0, 2, 4] {
            let release = try ReleaseProtector(policy: DisclosurePolicy(protectionMargin: margin))
                .protect(Microdata(variables: ["region", "outcome"], counts: counts), tables: [table])
            #expect(!release.audit.isEmpty)
            for entry in release.audit { #expect(entry.upper >= Double(3 + margin), "margin \(margin): \(entry)") }
        }
    }

    @Test("a table by a near-unique variable is refused before any protection work")
    func nearIndividualTable() throws {
        let scratch = Scratch()
        let rows = (1...40).map { ["\($0)", "p\($0)", "code-\($0 / 2)"] }
        let linked = scratch.linked(["record_id", "person_id", "postcode"], rows)
        var protected = false
        let specPath = scratch.write("spec.yaml", "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-postcode, title: P, rows: [postcode]}\n")
        var stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: scratch.file("release"))
        stage.protect = { policy, microdata, tables in
            protected = true
            return try ReleaseProtector(policy: policy).protect(microdata, tables: tables)
        }
        let error = expectRefused(.disclosure) { try stage.run() }
        #expect(error?.problem.contains("near individual-level") == true)
        #expect(error?.line == 5)
        #expect(!protected, "refused before the disclosure engine ran")
        #expect(!scratch.exists("release"))
    }

    @Test("category-share: read from the file, only lowered by a spec, and it decides which tables are near individual-level")
    func categoryShare() throws {
        #expect(try PolicyDocument.parse("policy: 1\n", file: "p.yaml").categoryShare == 0.5)
        #expect(try PolicyDocument.parse("policy: 1\ncategory-share: 0.2\n", file: "p.yaml").categoryShare == 0.2)
        #expect(try PolicyDocument.parse("policy: 1\ncategory-share: 1\n", file: "p.yaml").categoryShare == 1)
        let base = DisclosurePolicy(categoryShare: 0.3)
        #expect(try base.tightened(by: .init(categoryShare: 0.1)).categoryShare == 0.1)
        let raised = expectRefused(.invalidDocument) {
            _ = try base.tightened(by: .init(categoryShare: 0.5, file: "spec.yaml", lines: [.categoryShare: 6]))
        }
        #expect(raised?.problem.contains("\"category-share\"") == true)
        #expect(raised?.line == 6)

        // 100 persons in 25 codes of 4: more than 20 categories, but not more than half the
        // persons, so the default policy publishes the table; a share of 0.2 (20 persons)
        // makes it near individual-level.
        let scratch = Scratch()
        let linked = scratch.linked(["record_id", "person_id", "code"], (1...100).map { ["\($0)", "p\($0)", "code-\($0 % 25)"] })
        let spec = "report: 1\nid: r\ntables:\n  - {id: by-code, rows: [code]}\n"
        try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\n")
        #expect(tidyCells(scratch, "by-code")["code-3"] == "4")
        let error = expectRefused(.disclosure) {
            try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\ncategory-share: 0.2\n", output: "strict")
        }
        #expect(error?.problem.contains("near individual-level") == true)
        #expect(error?.problem.contains("category-share (0.2)") == true)
        #expect(error?.line == 4)
        #expect(!scratch.exists("strict"))
    }

    @Test("bad policy fields are refused at their line")
    func refusals() {
        let cases: [(String, Int?)] = [
            ("policy: 1\nthreshold: 3\nzeros: maybe\n", 3),
            ("policy: 1\nthreshold: 0\n", 2),
            ("policy: 1\nthreshold: 1\n", 2),
            ("policy: 1\nzeros: show\nthreshold: 2\n", 3),
            ("policy: 1\nclass-size: 2\n", 2),
            ("policy: 1\nrounding: -5\n", 2),
            ("policy: 1\nsecondary: perhaps\n", 2),
            ("policy: 1\nsymbol: \"3\"\n", 2),
            ("policy: 1\nthreshhold: 5\n", 2),
            ("threshold: 3\n", nil),
            ("policy: 2\n", 1),
            ("policy: 1\nsymbol: \"*\"\nstructural-symbol: \"*\"\n", 2),
            ("policy: 1\ndescription: x\nstructural-symbol: \" 4 \"\n", 3),
            ("policy: 1\nprotection-margin: -1\n", 2),
            ("policy: 1\ncategory-share: 0\n", 2),
            ("policy: 1\nthreshold: 3\ncategory-share: 1.5\n", 3),
            ("policy: 1\ncategory-share: -0.1\n", 2),
            ("policy: 1\ncategory-share: half\n", 2),
            ("policy: 1\ncategory-share: .nan\n", 2),
            ("policy: 1\ncategory-share: [0.5]\n", 2),
        ]
        for (text, line) in cases {
            let error = expectRefused(.invalidDocument) { _ = try PolicyDocument.parse(text, file: "p.yaml") }
            if let line { #expect(error?.line == line, "\(text)") }
            #expect(error?.file == "p.yaml")
        }
    }

    @Test("a spec may tighten the policy: the release applies and publishes the tighter one")
    func tightening() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        let many = scratch.linked(smallHeader, smallRows, name: "many", copies: 10)
        try runReport(scratch, spec: "report: 1\nid: d\npolicy: {threshold: 25}\ntables:\n  - {id: s, rows: [sex]}\n", linked: many,
                      policy: "policy: 1\nthreshold: 3\n")
        // Under the tighter threshold M (20) is hidden; with the base shown, F must be hidden
        // too or M = 60 − 40. Under the file's threshold 3 everything would be published.
        #expect(tidyCells(scratch, "s") == ["F": "[c]", "M": "[c]", "Total": "60"])
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        #expect((json["policy"] as? [String: Any])?["threshold"] as? Int == 25)
        _ = linked
    }

    @Test("a spec that loosens the policy is refused at its policy line, and nothing is written")
    func loosening() {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        let spec = "report: 1\nid: d\npolicy:\n  threshold: 2\ntables:\n  - {id: s, rows: [sex]}\n"
        let error = expectRefused(.invalidDocument) {
            try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 5\n")
        }
        #expect(error?.file?.hasSuffix("spec.yaml") == true)
        #expect(error?.line == 4)
        #expect(!scratch.exists("release"))
        #expect(!scratch.exists("release.audit.json"))
        #expect(!scratch.exists("release.receipt.json"))
    }

    @Test("a spec's loosening or invalid field is refused at that field's own line")
    func loosenedFieldLine() {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        let cases: [(String, Int)] = [
            ("policy:\n  zeros: suppress\n  rounding: 7\n", 5),
            ("policy:\n  threshold: 6\n  symbol: \"0\"\n", 5),
        ]
        for (block, line) in cases {
            let spec = "report: 1\nid: d\n" + block + "tables:\n  - {id: s, rows: [sex]}\n"
            let error = expectRefused(.invalidDocument) {
                try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 5\nrounding: 5\n")
            }
            #expect(error?.file?.hasSuffix("spec.yaml") == true)
            #expect(error?.line == line, "\(block)")
        }
    }
}
