import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Tabular
import Testing

@Suite("Release folder, audit sidecar and receipts")
struct ReleaseOutputTests {
    let spec = "report: 1\nid: d\ntitle: Small <release>\n" + outcomeGroups + """
    tables:
      - {id: grid, title: Sex by outcome, rows: [sex], columns: outcome_group, notes: Hand-made.}
      - {id: charged, kind: rate, rows: [sex], numerator: {outcome_group: [Charged]}, denominator: {outcome_group: [Charged, Not charged]}}
    """

    @Test("the folder holds tidy and wide CSVs per table, tables.json, results.json and report.html — and nothing else")
    func folderContents() throws {
        let scratch = Scratch()
        // Two copies of each person: counts of 2 to suppress, and a base of 12 to publish.
        let linked = scratch.linked(smallHeader, smallRows, quality: "{\"persons\": 6, \"linked_by_rule\": {\"MK1\": 40}, \"link_rate\": 0.5}",
                                    copies: 2)
        // The rate's denominator here is every person: with [Charged, Not charged] its base (10)
        // and the grid's (12) would differ by the two Open persons, and no release could show both.
        let spec = self.spec.replacingOccurrences(of: "[Charged, Not charged]}}", with: "[Charged, Not charged, Open]}}")
        try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        #expect(FilePath.contents(of: scratch.file("release")) ==
                ["charged.csv", "charged.wide.csv", "grid.csv", "grid.wide.csv", "report.html", "results.json", "tables.json"])
        #expect(scratch.exists("release.receipt.json"))
        #expect(scratch.exists("release.audit.json"))

        // Wide: the column variable across, totals on both sides.
        let wide = try CSVTable(contentsOf: scratch.file("release/grid.wide.csv"))
        #expect(wide.header == ["sex", "Charged", "Not charged", "Open", "Total"])
        // Every cell is its true count or [c]; no 1 or 2 is published; the totals and the base are.
        let truth = [["F", "2", "4", "2", "8"], ["M", "2", "2", "0", "4"], ["Total", "4", "6", "2", "12"]]
        #expect(wide.rows.map { $0.first } == truth.map { $0.first })
        for (row, trueRow) in zip(wide.rows, truth) {
            for (value, trueValue) in zip(row, trueRow).dropFirst() {
                #expect(value == trueValue || value == "[c]", "\(row)")
                if trueValue == "1" || trueValue == "2" { #expect(value == "[c]", "\(row)") }
            }
        }
        // Everyone Open is F: the M zero of that column is hidden (class disclosure).
        #expect(wide.rows[1][3] == "[c]", "\(wide.rows[1])")
        #expect(wide.rows.last?.last == "12", "the base")
        let rateWide = try CSVTable(contentsOf: scratch.file("release/charged.wide.csv"))
        #expect(rateWide.header == ["sex", "rate"])
        #expect(rateWide.rows.map { $0.first } == ["F", "M", "Total"])

        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        let policy = json["policy"] as! [String: Any]
        #expect(policy["threshold"] as? Int == 3 && policy["symbol"] as? String == "[c]" && policy["zeros"] as? String == "show")
        let tables = json["tables"] as! [[String: Any]]
        #expect(tables.map { $0["id"] as? String } == ["grid", "charged"])
        #expect(tables[0]["kind"] as? String == "count" && tables[1]["kind"] as? String == "rate")
        #expect(tables[0]["dimensions"] as? [String] == ["sex", "outcome_group"])
        #expect(tables[0]["unit"] as? String == "persons")
        #expect(tables[0]["base"] as? String == "Base = 12")
        #expect(tables[0]["notes"] as? String == "Hand-made.")
        #expect(tables[0]["title"] as? String == "Sex by outcome")
        #expect(tables[1]["base"] as? String == "Base = 12", "a rate's base is its denominator")
        #expect(tables[1]["unit"] as? String == "percent of persons")
    }

    @Test("report.html is one self-contained page: charts, marked suppressed cells, methodology")
    func html() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows, quality: "{\"persons\": 6, \"linked_by_rule\": {\"MK1\": 40, \"MK2\": 1, \"MK3\": 4}, \"link_rate\": 0.5}")
        try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let page = scratch.read("release/report.html")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 2, "one chart per table")
        #expect(!page.contains("<script"), "no script")
        #expect(!page.contains("<link"), "no external stylesheet")
        #expect(!page.contains("src="), "no external image or script")
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"), "no network reference")
        #expect(page.contains("<td class=\"sup\""), "suppressed cells are marked in tables")
        #expect(page.contains("class=\"sup\">[c]</text>"), "and in charts")
        #expect(page.contains("Small &lt;release&gt;"), "text is escaped")
        #expect(page.contains("id=\"methodology\""))
        #expect(page.contains("Linkage quality"))
        #expect(page.contains("≈ 40"), "headline counts are rounded")
        #expect(page.contains("MK2</th><td class=\"num\">[c]</td>"), "a headline count under the threshold is not shown")
        #expect(page.contains("MK3</th><td class=\"num\">fewer than 10</td>"))
        #expect(page.contains("50.0%"), "a headline rate is shown as a percentage")
        #expect(page.contains("Provenance"))
        #expect(page.contains("none found beside the linked folder"), "a missing linked receipt is said, not hidden")
    }

    @Test("the HTML shows the receipts chain: the linked data hashes and the inputs its receipt lists")
    func receiptsChain() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        let inputHash = String(repeating: "ab", count: 32)
        scratch.write("linked.receipt.json", """
        {"receipt": 1, "stage": "link", "tool": {"name": "pathlink", "version": "0.1.0", "token_derivation": 1},
         "documents": [{"kind": "plan", "name": "demo", "path": "plan.yaml", "sha256": "\(String(repeating: "cd", count: 32))"}],
         "inputs": [{"path": "police.tokens.csv", "sha256": "\(inputHash)", "rows": 10, "dataset": "police.crimes"}],
         "outputs": [{"path": "linked/journeys.csv", "sha256": "\(String(repeating: "ef", count: 32))", "rows": 3}],
         "columns": [], "excluded": [], "counts": {}, "warnings": [],
         "started": "2026-01-01T00:00:00Z", "finished": "2026-01-01T00:00:01Z"}
        """)
        try runReport(scratch, spec: spec, linked: linked)
        let page = scratch.read("release/report.html")
        #expect(page.contains(inputHash))
        #expect(page.contains("police.tokens.csv"))
        #expect(page.contains(String(repeating: "ef", count: 32)), "the linked data's hash, from its receipt")
        #expect(page.contains("linked output (link)"))
        let receipt = scratch.read("release.receipt.json")
        #expect(receipt.contains("linked.receipt.json"), "the release receipt lists the linked receipt as an input")
    }

    @Test("the audit sidecar is beside the folder (or at --audit), marked not for release; never inside")
    func auditSidecar() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        try runReport(scratch, spec: spec, linked: linked)
        let audit = try JSONSerialization.jsonObject(with: Data(scratch.read("release.audit.json").utf8)) as! [String: Any]
        #expect((audit["not_for_release"] as? String)?.contains("NOT FOR RELEASE") == true)
        #expect(audit["policy"] != nil && audit["suppressed_cells"] != nil)
        #expect(scratch.exists("release.audit.json.receipt.json"))
        // The information loss and the method are in the sidecar, and only there.
        let suppression = try #require(audit["suppression"] as? [String: Any])
        #expect(["optimal", "greedy"].contains(suppression["method"] as? String))
        let overall = try #require(suppression["overall"] as? [String: Any])
        let hidden = (audit["suppressed_cells"] as? [Any])?.count
        #expect(overall["cells"] as? Int == hidden)
        #expect((suppression["tables"] as? [Any])?.isEmpty == false)
        for name in ["report.html", "tables.json", "results.json"] {
            let text = scratch.read("release/" + name)
            for key in ["lower_bound", "secondary_units", "gap_to_lower_bound", "optimal-stopped", "round(s) of cuts"] {
                #expect(!text.contains(key), "\(name) names \(key)")
            }
        }
        #expect(scratch.read("release/report.html").contains("Information loss"))

        try runReport(scratch, spec: spec, linked: linked, output: "second", audit: "elsewhere.json")
        #expect(scratch.exists("elsewhere.json"))
        #expect(!scratch.exists("second.audit.json"))

        let error = expectRefused(.usage) { try runReport(scratch, spec: spec, linked: linked, output: "third", audit: "third/audit.json") }
        #expect(error?.problem.contains("inside the release folder") == true)
        #expect(!scratch.exists("third"))

        // Through a link to the release folder, under the release receipt's name, or as the
        // folder itself: refused before anything is written (issue 15).
        try FileManager.default.createDirectory(atPath: scratch.file("fourth"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("fourth"))
        for audit in ["link/audit.json", "fourth.receipt.json", "fourth", "./x/../fourth/a.json"] {
            let refused = expectRefused(.usage) {
                try runReport(scratch, spec: spec, linked: linked, output: "fourth", audit: audit, force: true)
            }
            #expect(refused?.problem.contains("audit sidecar") == true, "\(audit)")
            #expect(FilePath.contents(of: scratch.file("fourth")).isEmpty, "\(audit): nothing written")
            #expect(!scratch.exists("fourth.receipt.json"), "\(audit)")
        }
    }

    @Test("the release receipt holds hashes and row counts only, with paths relative to it")
    func receipt() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let text = scratch.read("release.receipt.json")
        let receipt = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(receipt["stage"] as? String == "report")
        let outputs = receipt["outputs"] as! [[String: Any]]
        #expect(outputs.map { $0["path"] as? String }.contains("release/grid.csv"))
        #expect(outputs.first { $0["path"] as? String == "release/grid.csv" }?["rows"] as? Int == 12)
        let inputs = receipt["inputs"] as! [[String: Any]]
        #expect(inputs.first?["path"] as? String == "linked/journeys.csv")
        #expect(inputs.first?["rows"] as? Int == 7)
        for word in ["primary", "secondary", "suppress", "audit"] {
            #expect(!text.lowercased().contains(word), "the receipt must not mention \(word)")
        }
    }

    @Test("nothing is written when the disclosure engine refuses the release")
    func nothingWrittenOnRefusal() {
        struct Refusal: Error {}
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        var stage = ReportStage(specPath: scratch.write("spec.yaml", spec), inputPath: linked, outputPath: scratch.file("release"))
        stage.protect = { _, _, _ in throw Refusal() }
        let error = expectRefused(.disclosure) { try stage.run() }
        #expect(error?.remedy?.contains("nothing was written") == true)
        stage.protect = { _, _, _ in
            throw PathlinkError(.disclosure, problem: "a suppressed cell could be recovered", remedy: "merge categories")
        }
        expectRefused(.disclosure) { try stage.run() }
        #expect(FilePath.contents(of: scratch.path) == ["linked", "spec.yaml"], "no folder, audit, receipt or temporary left")
    }

    @Test("an existing release is not replaced without --force, and is with it")
    func force() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows)
        try runReport(scratch, spec: spec, linked: linked)
        let before = scratch.read("release/grid.csv")
        expectRefused(.outputExists) { try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 3\n") }
        #expect(scratch.read("release/grid.csv") == before)
        try runReport(scratch, spec: spec, linked: linked, policy: "policy: 1\nthreshold: 3\nsymbol: \"[x]\"\n", force: true)
        #expect(scratch.read("release/grid.csv") != before)
    }

    @Test("same inputs give byte-identical release files")
    func deterministic() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, smallRows.reversed())
        try runReport(scratch, spec: spec, linked: linked, output: "one")
        try runReport(scratch, spec: spec, linked: linked, output: "two")
        let names = FilePath.contents(of: scratch.file("one"))
        #expect(names == FilePath.contents(of: scratch.file("two")))
        for name in names { #expect(scratch.read("one/\(name)") == scratch.read("two/\(name)"), "\(name)") }
        #expect(scratch.read("one.audit.json") == scratch.read("two.audit.json"))
    }

    @Test("a linked folder without journeys.csv, or a table without person_id, is refused")
    func badLinkedFolder() {
        let scratch = Scratch()
        let empty = scratch.file("empty")
        try? FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        expectRefused(.io) { try runReport(scratch, spec: spec, linked: empty) }
        let noPerson = scratch.linked(["record_id", "sex"], [["1", "F"]], name: "noperson")
        let error = expectRefused(.invalidDocument) { try runReport(scratch, spec: spec, linked: noPerson) }
        #expect(error?.column == "person_id")
    }

    @Test("the example spec runs on a linked folder with its column names")
    func exampleRuns() throws {
        let scratch = Scratch()
        let linked = scratch.linked(ExampleData.header, ExampleData.rows(persons: 400))
        let stage = ReportStage(specPath: exampleSpecPath, inputPath: linked, outputPath: scratch.file("release"))
        let summary = try stage.run()
        #expect(summary.tables == (try ReportSpec.load(path: exampleSpecPath)).tables.count)
        let funnel = tidyCells(scratch, "journey-funnel")
        #expect(funnel["Total"] == "400")
        #expect(funnel.keys.sorted() == ["1 Referred", "2 Assessed", "3 Received a service", "4 Planned closure", "Total"])
        let lines = scratch.read("release/journey-funnel.csv").components(separatedBy: "\r\n").map { $0.components(separatedBy: ",").first! }
        #expect(Array(lines.prefix(6)) == ["stage", "1 Referred", "2 Assessed", "3 Received a service", "4 Planned closure", "Total"],
                "order: puts the funnel in stage order")
    }
}

/// A deterministic linked table with the example spec's column names (those of the
/// synthetic support-service export, police and CPS records attached).
enum ExampleData {
    static let header = ["record_id", "person_id", "age_band", "gender", "ethnicity", "referral_source", "primary_incident",
                         "closure_reason", "assessment_date", "service_isva", "service_counselling", "service_helpline",
                         "service_group_work", "police.crimes.outcome_code", "police.crimes.link", "cps.cases.charge_decision",
                         "cps.cases.outcome", "cps.cases.link", "referral_date", "time_incident_to_referral", "role"]

    static func rows(persons: Int) -> [[String]] {
        var state: UInt64 = 42
        func pick(_ values: [String]) -> String {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return values[Int((state >> 33) % UInt64(values.count))]
        }
        return (1...persons).map { person in
            let assessed = pick(["2021-03", "2021-04", ""])
            let isva = assessed.isEmpty ? "No" : pick(["Yes", "No"])
            let counselling = assessed.isEmpty ? "No" : pick(["Yes", "No", "No"])
            let linked = pick(["crime-reference", "MK1", ""])
            let outcome = linked.isEmpty ? "" : pick(["1", "14", "15", "16", "18"])
            let charge = outcome == "1" ? pick(["Charge", "No further action"]) : ""
            return [String(person), "p\(person)", pick(["18-24", "25-34", "35-44", "45-54", "55-64"]),
                    pick(["Female", "Female", "Male"]), pick(["White British", "Asian or Asian British", "Black or Black British", "Not known"]),
                    pick(["Self", "Police", "Healthcare", "Social care", "Other"]), pick(["Rape", "Sexual assault", "Child sexual abuse"]),
                    pick(["Planned closure", "Client disengaged", "Unable to contact", "Not applicable"]), assessed, isva, counselling,
                    "No", "No", outcome, linked, charge, charge == "Charge" ? pick(["Guilty plea", "Acquitted", "Pending"]) : "",
                    charge.isEmpty ? "" : "crime-reference",
                    pick(["2020-01", "2021-06", "2022-11"]), pick(["Under 1 month", "1-2 years", "More than 2 years", "More than 2 years", "Not known"]),
                    pick(["Primary", "Primary", "Primary", "Secondary"])]
        }
    }
}
