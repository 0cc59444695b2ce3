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

    @Test("bad policy fields are refused at their line")
    func refusals() {
        let cases: [(String, Int?)] = [
            ("policy: 1\nthreshold: 3\nzeros: maybe\n", 3),
            ("policy: 1\nthreshold: 0\n", 2),
            ("policy: 1\nrounding: -5\n", 2),
            ("policy: 1\nsecondary: perhaps\n", 2),
            ("policy: 1\nsymbol: \"3\"\n", 2),
            ("policy: 1\nthreshhold: 5\n", 2),
            ("threshold: 3\n", nil),
            ("policy: 2\n", 1),
            ("policy: 1\nsymbol: \"*\"\nstructural-symbol: \"*\"\n", 2),
            ("policy: 1\ndescription: x\nstructural-symbol: \" 4 \"\n", 3),
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
        try runReport(scratch, spec: "report: 1\nid: d\npolicy: {threshold: 3}\ntables:\n  - {id: s, rows: [sex]}\n", linked: linked,
                      policy: "policy: 1\nthreshold: 2\n")
        // Under the tighter threshold M (2) is hidden; with the base shown, F must be hidden
        // too or M = 6 − 4. Under the file's threshold 2 everything would be published.
        #expect(tidyCells(scratch, "s") == ["F": "[c]", "M": "[c]", "Total": "6"])
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        #expect((json["policy"] as? [String: Any])?["threshold"] as? Int == 3)
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
