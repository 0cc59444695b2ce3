import Foundation
import PathlinkCore
@testable import Reporting
import Testing

@Suite("Counting persons and records, recodes, filters")
struct CountingTests {
    @Test("persons are counted once, by the record whose values sort first; records are counted each")
    func personsVersusRecords() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        try runReport(scratch, spec: "report: 1\nid: d\ntables:\n  - {id: by-sex, rows: [sex]}\n  - {id: by-outcome, rows: [outcome]}\n",
                      linked: linked)
        #expect(countedCells(scratch, "by-sex") == ["F": "4", "M": "2", "Total": "6"])
        // p1 counts by Charged, which sorts before NFA (sex and region are equal); p4's empty outcome is "Not recorded".
        #expect(countedCells(scratch, "by-outcome") == ["Charged": "2", "NFA": "2", "Withdrawn": "1", "Not recorded": "1", "Total": "6"])

        try runReport(scratch, spec: "report: 1\nid: d\ncount: records\ntables:\n  - {id: by-sex, rows: [sex]}\n", linked: linked, output: "records")
        #expect(countedCells(scratch, "by-sex", output: "records") == ["F": "5", "M": "2", "Total": "7"])
    }

    @Test("person-record: earliest-by picks each person's record by that column first")
    func earliestBy() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        try runReport(scratch, spec: "report: 1\nid: d\nperson-record: {earliest-by: referral_month}\ntables:\n  - {id: by-outcome, rows: [outcome]}\n",
                      linked: linked)
        #expect(countedCells(scratch, "by-outcome") == ["Charged": "1", "NFA": "3", "Withdrawn": "1", "Not recorded": "1", "Total": "6"])
    }

    @Test("the record that describes a person never depends on research ids: redrawn ids and row order give the same release bytes")
    func researchIDsDoNotChooseTheRecord() throws {
        let scratch = Scratch()
        let first = scratch.linked(smallHeader, smallRows, name: "first", copies: countingCopies)
        // The same data as another linkage run writes them: every research id redrawn (record
        // 1 and 7 now sort the other way), rows in the new id order.
        let redrawn = smallRows.map { row -> [String] in
            var row = row
            row[0] = String(100 - Int(row[0])!)
            row[1] = "q" + String(row[1].reversed())
            return row
        }.reversed()
        let second = scratch.linked(smallHeader, Array(redrawn), name: "second", copies: countingCopies)
        let tables = "tables:\n  - {id: by-outcome, rows: [outcome]}\n  - {id: t, rows: [sex, region], columns: outcome}\n"
        let specs = ["report: 1\nid: d\n" + tables,
                     "report: 1\nid: d\nperson-record: {earliest-by: sex}\n" + tables,
                     "report: 1\nid: d\nperson-record: {earliest-by: [region, referral_month]}\n" + tables]
        for (number, spec) in specs.enumerated() {
            try runReport(scratch, spec: spec, linked: first, output: "one\(number)")
            try runReport(scratch, spec: spec, linked: second, output: "two\(number)")
            for id in ["by-outcome", "t"] {
                let one = scratch.read("one\(number)/\(id).csv")
                #expect(!one.isEmpty)
                #expect(one == scratch.read("two\(number)/\(id).csv"), "spec \(number), table \(id)")
            }
        }
        // Ties on earliest-by (p1's two records are both F, North) go to the values that sort first.
        #expect(countedCells(scratch, "by-outcome", output: "one1")["Charged"] == "2")
    }

    @Test("person-record: earliest-by may not name a research id, and names every column it lists")
    func earliestByRefusesResearchIDs() throws {
        for column in ["record_id", "person_id", "police.crimes.record_id"] {
            let error = expectRefused(.invalidDocument) {
                _ = try ReportSpec.parse("report: 1\nid: d\nperson-record: {earliest-by: [referral_month, \(column)]}\ntables:\n  - {id: t, rows: [sex]}\n",
                                         file: "spec.yaml")
            }
            #expect(error?.problem.contains("research id") == true)
            #expect(error?.line == 3)
        }
        let spec = try ReportSpec.parse("report: 1\nid: d\nperson-record: {earliest-by: [region, referral_month]}\ntables:\n  - {id: t, rows: [sex]}\n",
                                        file: "spec.yaml")
        #expect(spec.personRecordOrder == ["region", "referral_month"])
    }

    @Test("two row variables and a column: every margin, Total in the margin's dimension, sums add up")
    func allMargins() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        try runReport(scratch, spec: "report: 1\nid: d\ntables:\n  - {id: t, rows: [sex, region], columns: outcome}\n", linked: linked)
        let cells = countedCells(scratch, "t")
        #expect(cells.count == 3 * 3 * 5)
        #expect(cells["Total|Total|Total"] == "6")
        #expect(cells["F|Total|NFA"] == "2")
        #expect(cells["Total|North|Total"] == "3")
        #expect(cells["M|South|Withdrawn"] == "1")
        #expect(cells["M|North|Withdrawn"] == "0")
        // Every margin is the sum of the cells under it.
        for sex in ["F", "M", "Total"] {
            for region in ["North", "South", "Total"] {
                let parts = ["Charged", "NFA", "Withdrawn", "Not recorded"].map { Int(cells["\(sex)|\(region)|\($0)"]!)! }
                #expect(Int(cells["\(sex)|\(region)|Total"]!)! == parts.reduce(0, +))
            }
        }
        let header = scratch.read("release/t.csv").components(separatedBy: "\r\n").first
        #expect(header == "sex,region,outcome,value,status,is_margin")
    }

    @Test("a map recode groups categories; an unmapped category is refused naming row and column")
    func mapRecode() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        try runReport(scratch, spec: "report: 1\nid: d\n" + outcomeGroups + "tables:\n  - {id: g, rows: [outcome_group]}\n", linked: linked)
        #expect(countedCells(scratch, "g") == ["Charged": "2", "Not charged": "3", "Open": "1", "Total": "6"])
        // Declared order, not alphabetical.
        let lines = scratch.read("release/g.csv").components(separatedBy: "\r\n")
        #expect(lines.prefix(4) == ["outcome_group,value,status,is_margin", "Charged,20,,false", "Not charged,30,,false", "Open,10,,false"], "ten copies of each person")

        let withoutOpen = "report: 1\nid: d\nvariables:\n  g:\n    from: outcome\n    map: {Charged: [Charged], Not charged: [NFA, Withdrawn]}\ntables:\n  - {id: g, rows: [g]}\n"
        let error = expectRefused(.invalidValue) { try runReport(scratch, spec: withoutOpen, linked: linked, output: "second") }
        #expect(error?.row == 6, "p4 is on row 6 of journeys.csv")
        #expect(error?.column == "outcome")
        #expect(!scratch.exists("second"))

        let withOther = "report: 1\nid: d\nvariables:\n  g:\n    from: outcome\n    map: {Charged: [Charged]}\n    other: Other\ntables:\n  - {id: g, rows: [g]}\n"
        try runReport(scratch, spec: withOther, linked: linked, output: "third")
        #expect(countedCells(scratch, "g", output: "third") == ["Charged": "2", "Other": "4", "Total": "6"])
    }

    @Test("a cases recode reads several variables; a closed category list refuses other values")
    func casesRecode() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        let spec = """
        report: 1
        id: d
        variables:
          police: {from: police.crimes.link}
          path:
            cases:
              - {when: {police: [""]}, value: No police record}
              - {when: {outcome: [Charged]}, value: Charged}
            else: Reported, not charged
        tables:
          - {id: p, rows: [path]}
        """
        try runReport(scratch, spec: spec, linked: linked)
        // p1 (linked, Charged), p2 (linked, NFA), p3 (not linked), p4 (linked, empty), p5 (linked, Withdrawn), p6 (not linked)
        #expect(countedCells(scratch, "p") == ["No police record": "2", "Charged": "1", "Reported, not charged": "3", "Total": "6"])

        let closed = "report: 1\nid: d\nvariables:\n  region: {categories: [North]}\ntables:\n  - {id: r, rows: [region]}\n"
        let error = expectRefused(.invalidValue) { try runReport(scratch, spec: closed, linked: linked, output: "closed") }
        #expect(error?.column == "region")
        #expect(error?.row == 4)
    }

    @Test("a filter restricts the units counted, and its categories of a dimension")
    func filters() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        let spec = "report: 1\nid: d\ntables:\n  - {id: north, rows: [sex], filter: {region: North}}\n  - {id: nf, rows: [region], filter: {region: [North]}}\n"
        try runReport(scratch, spec: spec, linked: linked)
        #expect(countedCells(scratch, "north") == ["F": "2", "M": "1", "Total": "3"])
        #expect(countedCells(scratch, "nf") == ["North": "3", "Total": "3"])
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        let tables = json["tables"] as! [[String: Any]]
        #expect(tables[0]["filter"] as? [String: [String]] == ["region": ["North"]])
        #expect(tables[0]["base"] as? Int == 30)
    }

    @Test("structural zeros are published as the symbol; one that occurs in the data is refused")
    func structuralZeros() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        let spec = "report: 1\nid: d\n" + outcomeGroups + "tables:\n  - id: z\n    rows: [sex]\n    columns: outcome_group\n    structural-zeros: [[M, Open]]\n"
        try runReport(scratch, spec: spec, linked: linked)
        #expect(countedCells(scratch, "z")["M|Open"] == "[z]")
        #expect(countedCells(scratch, "z")["F|Open"] == "1")

        let wrong = spec.replacingOccurrences(of: "[[M, Open]]", with: "[[F, Open]]")
        let error = expectRefused(.invalidDocument) { try runReport(scratch, spec: wrong, linked: linked, output: "wrong") }
        #expect(error?.line == wrong.components(separatedBy: "\n").firstIndex { $0.contains("- id: z") }! + 1)
        #expect(!scratch.exists("wrong"))
    }

    @Test("rates: numerator within denominator, fixed decimals, margins; suppressed or empty parts are not a rate")
    func rates() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, copies: countingCopies)
        let spec = "report: 1\nid: d\n" + outcomeGroups + """
        tables:
          - id: charged
            kind: rate
            rows: [sex]
            numerator: {outcome_group: [Charged]}
            denominator: {outcome_group: [Charged, Not charged]}
          - id: empty-base
            kind: rate
            rows: [sex]
            numerator: {region: [South]}
            denominator: {outcome: [Withdrawn]}
        """
        try runReport(scratch, spec: spec, linked: linked)
        #expect(countedCells(scratch, "charged") == ["F": "1|3|33.3", "M": "1|2|50.0", "Total": "2|5|40.0"])
        #expect(scratch.read("release/charged.csv").hasPrefix("sex,numerator,denominator,rate,status,is_margin\r\n"))
        #expect(countedCells(scratch, "empty-base")["F"] == "0|0|[z]", "no base: not applicable")
        #expect(countedCells(scratch, "empty-base")["M"] == "1|1|100.0")
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        #expect((json["tables"] as! [[String: Any]])[0]["base"] as? Int == 50, "a rate's base is its denominator, as a number")

        // One copy of each person, threshold 3: the numerators of 1 and 2 are suppressed, so
        // their rates are too. Which other counts the engine hides is its business; what a
        // release must hold is checked here: no published 1 or 2, every published count true,
        // the base shown, and a rate shown exactly when its numerator and denominator are
        // (and then equal to their ratio).
        let charged = spec.components(separatedBy: "  - id: empty-base")[0]
        let small = scratch.linked(smallHeader, smallRows, name: "small")
        try runReport(scratch, spec: charged, linked: small, policy: "policy: 1\nthreshold: 3\n", output: "protected")
        let cells = countedCells(scratch, "charged", output: "protected")
        let truth = ["F": (1, 3), "M": (1, 2), "Total": (2, 5)]
        #expect(Set(cells.keys) == Set(truth.keys))
        #expect(cells["F"]?.hasPrefix("[c]|") == true && cells["M"]?.hasPrefix("[c]|") == true)
        #expect(cells["Total"]?.components(separatedBy: "|")[1] == "5", "the base is published")
        for (row, (numerator, denominator)) in truth {
            let parts = try #require(cells[row]).components(separatedBy: "|")
            try #require(parts.count == 3)
            #expect(parts[0] == "[c]" || parts[0] == String(numerator), "\(row)")
            #expect(parts[1] == "[c]" || parts[1] == String(denominator), "\(row)")
            if parts[0] == "[c]" || parts[1] == "[c]" {
                #expect(parts[2] == "[c]", "\(row)")
            } else {
                #expect(parts[2] == CellFormat(policy: .init()).fixed(100 * Double(numerator) / Double(denominator), decimals: 1), "\(row)")
            }
        }
    }

    @Test("the rate format rounds half away from zero with fixed decimals")
    func rateFormat() {
        let format = CellFormat(policy: .init())
        #expect(format.fixed(33.333, decimals: 1) == "33.3")
        #expect(format.fixed(66.65, decimals: 0) == "67")
        #expect(format.fixed(12.5, decimals: 2) == "12.50")
        #expect(format.fixed(0.05, decimals: 1) == "0.1")
        #expect(CellFormat.grouped(6457) == "6,457")
        #expect(CellFormat.grouped(1_234_567) == "1,234,567")
        #expect(CellFormat.grouped(999) == "999")
    }
}
