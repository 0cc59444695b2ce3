import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Tabular
import Testing

/// Means, medians and multi-response tables (issue 17, build item 2): parsing and bad
/// input, the magnitude rules (dominance, small groups), the sums attacker, and every
/// output of the release.
@Suite("Means, medians and multi-response tables")
struct MeasureTests {
    static let header = ["record_id", "person_id", "region", "sex", "referral_date", "assessment_date", "score",
                         "risk_housing", "risk_self_harm", "risk_debt"]

    /// 60 persons, 10 in each region × sex; scores 10…39; North-F holds one score of 2000,
    /// which dominates its cell (but not the North or overall totals); three risks, of which
    /// debt is held by two persons only.
    static func rows(dominant: Bool = true) -> [[String]] {
        (0..<60).map { index in
            let region = ["North", "South", "East"][index % 3]
            let sex = index % 6 < 3 ? "F" : "M"
            let score = dominant && index == 0 ? 2000 : 10 + index % 30
            let day = 1 + index % 28
            let referral = "2024-03-\(day < 10 ? "0" : "")\(day)"
            // Assessment 7 to 36 days later; none for every tenth person.
            let assessment = index % 10 == 9 ? "" : QuantityColumnsDate.add(days: 7 + index % 30, to: referral)
            return [String(index + 1), "p\(index + 1)", region, sex, referral, assessment, String(score),
                    index % 3 == 0 ? "Yes" : "No", index % 4 == 0 ? "Yes" : "No", index == 5 || index == 11 ? "Yes" : "No"]
        }
    }

    static let variables = """
    variables:
      housing: {from: risk_housing, label: Housing}
      self_harm: {from: risk_self_harm, label: Self-harm}
      debt: {from: risk_debt, label: Debt}

    """

    static let meanSpec = "report: 1\nid: m\ntitle: Means\n" + variables + """
    tables:
      - {id: score-grid, title: Mean score by region and sex, kind: mean, of: score, rows: [region], columns: sex, decimals: 4}
      - {id: score-region, title: Mean score by region, kind: mean, of: score, rows: [region], decimals: 4}
      - {id: score-sex, title: Mean score by sex, kind: mean, of: score, rows: [sex], decimals: 4}
      - {id: wait, title: Days from referral to assessment, kind: median, of: {days-between: [referral_date, assessment_date]}, rows: [sex]}
      - {id: risks, title: Risks, kind: multi-response, responses: [housing, self_harm, debt], columns: sex}
    """

    // MARK: Parsing and bad input

    @Test("mean, median and multi-response tables parse; of: reads a column or two dates")
    func parses() throws {
        let spec = try ReportSpec.parse(Self.meanSpec, file: "spec.yaml")
        #expect(spec.tables[0].kind == .mean && spec.tables[0].quantity == .column("score") && spec.tables[0].decimals == 4)
        #expect(spec.tables[3].kind == .median && spec.tables[3].quantity == .daysBetween("referral_date", "assessment_date"))
        #expect(spec.tables[4].kind == .multiResponse && spec.tables[4].responses == ["housing", "self_harm", "debt"])
        #expect(spec.tables[4].yes == "Yes" && spec.tables[4].rows.isEmpty && spec.tables[4].column == "sex")
    }

    @Test("bad specs are refused at their YAML line", arguments: [
        ("- {id: a, kind: mean, rows: [sex]}", "of"),
        ("- {id: a, kind: mean, of: record_id, rows: [sex]}", "research id"),
        ("- {id: a, kind: median, of: police.crimes.link, rows: [sex]}", "link column"),
        ("- {id: a, kind: mean, of: {days-between: [referral_date]}, rows: [sex]}", "two different date columns"),
        ("- {id: a, kind: mean, of: {weeks: [a, b]}, rows: [sex]}", "days-between"),
        ("- {id: a, of: score, rows: [sex]}", "only a mean or median"),
        ("- {id: a, kind: average, of: score, rows: [sex]}", "kind must be"),
        ("- {id: a, kind: multi-response, rows: [sex], responses: [housing]}", "one row per response"),
        ("- {id: a, kind: multi-response}", "responses"),
        ("- {id: a, rows: [sex], responses: [housing]}", "only a multi-response"),
        ("- {id: a, kind: multi-response, responses: [housing, housing]}", "twice"),
        ("- {id: a, kind: mean, of: score, rows: [sex], numerator: {sex: [F]}}", "only a rate"),
    ])
    func refusesBadSpecs(table: String, says: String) throws {
        let text = "report: 1\nid: x\ntables:\n  " + table + "\n"
        let error = expectRefused(.invalidDocument) { _ = try ReportSpec.parse(text, file: "spec.yaml") }
        #expect(error?.line == 4, "\(String(describing: error))")
        #expect(error?.file == "spec.yaml")
        #expect(error?.description.contains(says) == true, "\(String(describing: error))")
    }

    @Test("a value of: cannot read is refused naming file, row and column, never printing the value")
    func refusesNonNumericValues() throws {
        let scratch = Scratch()
        var rows = Self.rows()
        rows[6][6] = "SECRET-7"
        let linked = scratch.linked(Self.header, rows)
        let error = expectRefused(.invalidValue) {
            try runReport(scratch, spec: "report: 1\nid: m\ntables:\n  - {id: a, kind: mean, of: score, rows: [sex]}\n", linked: linked)
        }
        #expect(error?.row == 8 && error?.column == "score" && error?.file?.hasSuffix("journeys.csv") == true)
        #expect(error?.description.contains("SECRET") == false)
        #expect(error?.description.contains("spec line 4") == true)
        #expect(!scratch.exists("release"))

        rows = Self.rows()
        rows[2][5] = "2024-02-30"
        let dates = scratch.linked(Self.header, rows, name: "dates")
        let dateError = expectRefused(.invalidValue) {
            try runReport(scratch, spec: "report: 1\nid: m\ntables:\n  - {id: a, kind: median, of: {days-between: [referral_date, assessment_date]}, rows: [sex]}\n",
                          linked: dates)
        }
        #expect(dateError?.row == 4 && dateError?.column == "assessment_date")
        #expect(dateError?.description.contains("2024-02-30") == false)

        let missing = expectRefused(.invalidDocument) {
            try runReport(scratch, spec: "report: 1\nid: m\ntables:\n  - {id: a, kind: mean, of: scor, rows: [sex]}\n", linked: linked)
        }
        #expect(missing?.line == 4 && missing?.description.contains("scor") == true)
    }

    @Test("the magnitude policy fields: defaults, floors, and a spec may only tighten them")
    func policyFields() throws {
        let defaults = try PolicyDocument.parse("policy: 1\n", file: "p.yaml")
        #expect(defaults.dominanceN == 2 && defaults.dominanceK == 90 && defaults.medianMinimum == 10)
        for (text, line) in [("policy: 1\ndominance-k: 95\n", 2), ("policy: 1\ndominance-n: 3\n", 2), ("policy: 1\nmedian-minimum: 2\n", 2)] {
            let error = expectRefused(.invalidDocument) { _ = try PolicyDocument.parse(text, file: "p.yaml") }
            #expect(error?.line == line, "\(text)")
        }
        let strict = try PolicyDocument.parse("policy: 1\ndominance-k: 80\nmedian-minimum: 15\n", file: "p.yaml")
        let settings = try ReportSpec.parse("report: 1\nid: x\npolicy:\n  dominance-k: 85\ntables:\n  - {id: a, rows: [sex]}\n", file: "s.yaml").policy!
        let error = expectRefused(.invalidDocument) { _ = try strict.tightened(by: settings) }
        #expect(error?.line == 4 && error?.description.contains("dominance-k") == true)
        let tighter = try ReportSpec.parse("report: 1\nid: x\npolicy:\n  dominance-k: 50\n  median-minimum: 20\ntables:\n  - {id: a, rows: [sex]}\n", file: "s.yaml").policy!
        let tightened = try strict.tightened(by: tighter)
        #expect(tightened.dominanceK == 50 && tightened.medianMinimum == 20)
    }

    // MARK: The magnitude rules

    @Test("the (n, k) dominance rule, the threshold, identical values and the median minimum")
    func magnitudeRule() {
        let policy = DisclosurePolicy()
        #expect(MagnitudeRule.primaryReason([1, 2], statistic: .mean, policy: policy) == .fewContributors)
        #expect(MagnitudeRule.primaryReason([100, 1, 1, 1], statistic: .mean, policy: policy) == .dominance)
        // Two contributions of 46% each: 92% > 90%.
        #expect(MagnitudeRule.primaryReason([46, 46, 2, 2, 2, 2], statistic: .mean, policy: policy) == .dominance)
        #expect(MagnitudeRule.primaryReason([46, 46, 2, 2, 2, 2], statistic: .mean, policy: DisclosurePolicy(dominanceN: 1)) == nil)
        #expect(MagnitudeRule.primaryReason([40, 40, 10, 10], statistic: .mean, policy: policy) == nil)
        #expect(MagnitudeRule.primaryReason([5, 5, 5], statistic: .mean, policy: policy) == .identicalValues)
        #expect(MagnitudeRule.primaryReason([1, 2, 3, 4, 5], statistic: .median, policy: policy) == .smallMedianGroup)
        #expect(MagnitudeRule.primaryReason([1, 2, 3, 4, 5], statistic: .mean, policy: policy) == nil)
        #expect(MagnitudeRule.value([1, 2, 3, 10], statistic: .median) == 2.5)
        #expect(MagnitudeRule.value([1, 2, 3, 10], statistic: .mean) == 4)
    }

    @Test("a dominated mean is hidden while its contributor count is published; medians of small groups are hidden")
    func dominanceAndSmallGroups() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        try runReport(scratch, spec: Self.meanSpec, linked: linked)
        let grid = try Self.tidy(scratch, "score-grid")
        #expect(grid["North|F"]?.contributors == "10" && grid["North|F"]?.value == "" && grid["North|F"]?.status == "[c]")
        // Published means are the true means.
        let southF = Self.rows().filter { $0[2] == "South" && $0[3] == "F" }.map { Double($0[6])! }
        #expect(grid["South|F"]?.value == String(format: "%.4f", southF.reduce(0, +) / Double(southF.count)))
        // 54 of 60 persons have an assessment date; the median is over them.
        let wait = try Self.tidy(scratch, "wait")
        #expect(wait["Total"]?.contributors == "54" && wait["Total"]?.status == "")
        // A median of fewer than median-minimum (10) contributors is hidden: raise the minimum.
        let tight = Self.meanSpec.replacingOccurrences(of: "title: Means\n", with: "title: Means\npolicy: {median-minimum: 29}\n")
        try runReport(scratch, spec: tight, linked: linked, output: "tight")
        let tightWait = try Self.tidy(scratch, "wait", output: "tight")
        #expect(tightWait["F"]?.contributors == "28" && tightWait["F"]?.status == "[c]", "\(tightWait)")
        #expect(tightWait["Total"]?.status == "")
    }

    // MARK: The sums attacker

    @Test("an independent attacker recovers no hidden sum from published means × counts (and does without sum protection)")
    func sumsAttacker() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        try runReport(scratch, spec: Self.meanSpec, linked: linked)
        let attack = try SumsAttacker(scratch: scratch, output: "release", tables: ["score-grid", "score-region", "score-sex"], people: Self.rows())
        #expect(attack.hiddenCells > 0, "the dominated cell is hidden")
        #expect(attack.recovered.isEmpty, "recovered: \(attack.recovered)")
        // Interior means are hidden before margins: the headline means stay published.
        let grid = try Self.tidy(scratch, "score-grid")
        #expect(grid["Total|Total"]?.status == "" && grid["North|Total"]?.status == "" && grid["Total|F"]?.status == "", "\(grid)")

        // The same release without sum protection: the attacker gets the dominated cell's sum.
        let specPath = scratch.write("spec2.yaml", Self.meanSpec)
        var stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: scratch.file("naive"),
                                policyPath: scratch.write("policy2.yaml", countingPolicy))
        stage.protectsSums = false
        try stage.run()
        let naive = try SumsAttacker(scratch: scratch, output: "naive", tables: ["score-grid", "score-region", "score-sex"], people: Self.rows())
        #expect(naive.recovered.contains("score-grid:North|F"), "\(naive.recovered)")
    }

    @Test("on 16 seeded random releases with outliers and small cells, the attacker recovers no hidden sum")
    func sumsAttackerRandom() throws {
        var leaks: [String] = []
        var hidden = 0
        for seed in 1...16 {
            var generator = SplitMix(seed: UInt64(seed))
            let persons = 30 + Int(generator.next() % 40)
            let people: [[String]] = (0..<persons).map { index in
                let region = ["North", "South", "East"][Int(generator.next() % 3)]
                let sex = generator.next() % 3 == 0 ? "M" : "F"
                let score = generator.next() % 12 == 0 ? 1000 + Int(generator.next() % 4000) : Int(generator.next() % 50)
                return [String(index + 1), "p\(index + 1)", region, sex, "2024-01-01", "", String(score)] + Array(repeating: index % 2 == 0 ? "Yes" : "No", count: 3)
            }
            let scratch = Scratch()
            let linked = scratch.linked(Self.header, people)
            try runReport(scratch, spec: Self.meanSpec, linked: linked)
            let attack = try SumsAttacker(scratch: scratch, output: "release", tables: ["score-grid", "score-region", "score-sex"], people: people)
            hidden += attack.hiddenCells
            leaks += attack.recovered.map { "seed \(seed): \($0)" }
        }
        #expect(hidden > 16, "the random releases must hide means for the test to mean anything")
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test("cases as the unit: count: records makes means and multi-response tables count rows; persons count each person once")
    func recordsAsUnit() throws {
        let scratch = Scratch()
        // Every person has a second case (a copy of the row with its own record id).
        let people = Self.rows(dominant: false)
        let cases = people + people.map { row in ["9\(row[0])"] + row.dropFirst() }
        let linked = scratch.linked(Self.header, cases)
        let spec = "report: 1\nid: c\ncount: UNIT\n" + Self.variables + """
        tables:
          - {id: score, kind: mean, of: score, rows: [sex]}
          - {id: risks, kind: multi-response, responses: [housing]}
        """
        try runReport(scratch, spec: spec.replacingOccurrences(of: "UNIT", with: "records"), linked: linked, output: "cases")
        try runReport(scratch, spec: spec.replacingOccurrences(of: "UNIT", with: "persons"), linked: linked, output: "persons")
        #expect(try Self.tidy(scratch, "score", output: "cases")["Total"]?.contributors == "120")
        #expect(try Self.tidy(scratch, "score", output: "persons")["Total"]?.contributors == "60")
        #expect(tidyCells(scratch, "risks", output: "cases")["Housing"] == "40|120|33.3")
        #expect(tidyCells(scratch, "risks", output: "persons")["Housing"] == "20|60|33.3")
    }

    @Test("a pair of hidden means whose combined sum is implied is not left dominated by one person")
    func dominatedPairs() throws {
        // North: one 2000 among nine 20s (dominated); South: ten small values; East: forty 20s.
        var people: [[String]] = []
        for index in 0..<60 {
            let region = index < 10 ? "North" : index < 20 ? "South" : "East"
            let score = index == 0 ? 2000 : index < 10 ? 20 : index < 20 ? 4 + index % 3 : 19 + index % 3
            people.append([String(index + 1), "p\(index + 1)", region, index % 2 == 0 ? "F" : "M", "2024-01-01", "",
                           String(score), "No", "No", "No"])
        }
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, people)
        try runReport(scratch, spec: "report: 1\nid: p\ntables:\n  - {id: score-region, kind: mean, of: score, rows: [region], decimals: 4}\n", linked: linked)
        let table = try Self.tidy(scratch, "score-region")
        // Hiding North and South alone leaves North + South = Total − East, 90.6% one person's.
        #expect(table["North"]?.status == "[c]" && table["South"]?.status == "[c]" && table["East"]?.status == "[c]", "\(table)")
        #expect(table["Total"]?.status == "", "the total is not dominated (66.7%) and stays")
        let attack = try SumsAttacker(scratch: scratch, output: "release", tables: ["score-region"], people: people)
        #expect(attack.recovered.isEmpty && attack.dominatedPairs.isEmpty, "\(attack.recovered) \(attack.dominatedPairs)")
    }

    // MARK: Multi-response

    @Test("a multi-response table: per response the persons with it, of all persons, audited per response")
    func multiResponse() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        try runReport(scratch, spec: Self.meanSpec, linked: linked)
        let risks = tidyCells(scratch, "risks")
        #expect(risks["Housing|Total"] == "20|60|33.3")
        #expect(risks["Self-harm|Total"] == "15|60|25.0")
        #expect(risks["Housing|F"] == "10|30|33.3")
        #expect(risks["Debt|Total"]?.hasPrefix("[c]") == true, "two persons: suppressed")
        #expect(risks.keys.allSatisfy { !$0.hasPrefix("Total") }, "no total over responses: a person can have several")
        let audit = scratch.read("release.audit.json")
        #expect(audit.contains("risks#response-3"), "the debt response is audited as a count table of its own")
        let wide = scratch.read("release/risks.wide.csv")
        #expect(wide.hasPrefix("response,F (%),F numerator,F denominator,M (%),M numerator,M denominator,Total (%),Total numerator,Total denominator\r\n"))
    }

    @Test("a yes category that a response lacks is refused at the table's line")
    func multiResponseYes() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        let error = expectRefused(.invalidDocument) {
            try runReport(scratch, spec: "report: 1\nid: m\ntables:\n  - {id: r, kind: multi-response, responses: [risk_debt], yes: Y}\n", linked: linked)
        }
        #expect(error?.line == 4 && error?.description.contains("yes") == true)
    }

    // MARK: Outputs

    @Test("every output carries the new kinds: tidy and wide CSV, tables.json, results.json, HTML; byte-identical on a rerun")
    func outputs() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        try runReport(scratch, spec: Self.meanSpec, linked: linked)
        try runReport(scratch, spec: Self.meanSpec, linked: linked, output: "again")
        for name in FilePath.contents(of: scratch.file("release")) {
            #expect(scratch.read("release/" + name) == scratch.read("again/" + name), "\(name)")
        }
        #expect(scratch.read("release/score-grid.csv").hasPrefix("region,sex,contributors,mean,status,is_margin\r\n"))
        #expect(scratch.read("release/wait.csv").hasPrefix("sex,contributors,median,status,is_margin\r\n"))
        #expect(scratch.read("release/score-grid.wide.csv").hasPrefix("region,F (mean),F contributors,M (mean),M contributors,Total (mean),Total contributors\r\n"))

        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        let tables = json["tables"] as! [[String: Any]]
        let grid = try #require(tables.first { $0["id"] as? String == "score-grid" })
        #expect(grid["kind"] as? String == "mean" && grid["of"] as? String == "score" && grid["base"] as? Int == 60)
        let cells = try #require(grid["cells"] as? [[String: Any]])
        let northF = try #require(cells.first { $0["coordinates"] as? [String] == ["North", "F"] })
        #expect(northF["contributors"] as? Int == 10 && northF["mean"] is NSNull && northF["status"] as? String == "[c]")
        let wait = try #require(tables.first { $0["id"] as? String == "wait" })
        #expect(wait["kind"] as? String == "median" && wait["of"] as? String == "days from referral_date to assessment_date")
        let risks = try #require(tables.first { $0["id"] as? String == "risks" })
        #expect(risks["kind"] as? String == "multi-response" && risks["dimensions"] as? [String] == ["response", "sex"])
        #expect((risks["responses"] as? [[String: Any]])?.map { $0["variable"] as? String } == ["housing", "self_harm", "debt"])
        let policy = try #require(json["policy"] as? [String: Any])
        #expect(policy["dominance_k"] as? Int == 90 && policy["dominance_n"] as? Int == 2 && policy["median_minimum"] as? Int == 10)

        let results = try JSONSerialization.jsonObject(with: Data(scratch.read("release/results.json").utf8)) as! [String: Any]
        let entries = try #require(results["results"] as? [String: Any])
        #expect(Set(entries.keys) == ["score-grid", "score-region", "score-sex", "wait", "risks"])
        let gridEntry = try #require(entries["score-grid"] as? [String: Any])
        let outcome = try #require(gridEntry["outcome"] as? [String: [String: String]])
        #expect(outcome["F (mean)"]?["North"] == "suppressed; " && outcome["F contributors"]?["North"] == "ok")

        let html = scratch.read("release/report.html")
        #expect(html.contains("Mean score by region and sex") && html.contains("n = 10") && html.contains("Means and medians"))
        #expect(!html.contains("has-value:"), "the presence column is internal")
        // The workbook (a stored zip: its XML is readable in the bytes) has the new kinds' sheets and note.
        let workbook = String(decoding: FileManager.default.contents(atPath: scratch.file("release/tables.ods")) ?? Data(), as: UTF8.self)
        #expect(workbook.contains("Mean score by region and sex") && workbook.contains("Means and medians are shown with their contributors"))
        #expect(workbook.contains("F (mean)") && workbook.contains("Housing") && workbook.contains("multi-response table"))
    }

    @Test("pandas.read_csv reads the new kinds' tidy CSVs with numeric value columns",
          .enabled(if: PythonWithPandas.path != nil, "no python3 with pandas"))
    func pandasReads() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows())
        try runReport(scratch, spec: Self.meanSpec, linked: linked)
        let script = """
        import glob, sys, pandas
        bad = []
        files = [f for f in glob.glob(sys.argv[1] + "/*.csv") if not f.endswith(".wide.csv")]
        for f in files:
            frame = pandas.read_csv(f)
            for column in ("contributors", "mean", "median", "numerator", "denominator", "rate"):
                if column in frame.columns and not pandas.api.types.is_numeric_dtype(frame[column]):
                    bad.append(f + ":" + column + ":" + str(frame[column].dtype))
        print(len(files), "files;", "bad:", ",".join(bad) if bad else "none")
        sys.exit(1 if bad or len(files) != 5 else 0)
        """
        let (status, output) = try PythonWithPandas.run(script, argument: scratch.file("release"))
        #expect(status == 0, "\(output)")
    }

    // MARK: Helpers

    struct TidyRow { var contributors: String; var value: String; var status: String }

    /// A magnitude table's tidy CSV: coordinates joined by "|" → contributors, statistic, status.
    static func tidy(_ scratch: Scratch, _ id: String, output: String = "release") throws -> [String: TidyRow] {
        let table = try CSVTable(contentsOf: scratch.file("\(output)/\(id).csv"))
        let contributors = try #require(table.index(of: "contributors"))
        let status = try #require(table.index(of: "status"))
        var result: [String: TidyRow] = [:]
        for row in table.rows {
            result[row[0..<contributors].joined(separator: "|")] = TidyRow(contributors: row[contributors], value: row[contributors + 1], status: row[status])
        }
        return result
    }
}

/// A seeded generator (SplitMix64), so that the random releases are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Date arithmetic for the fixture (independent of the code under test).
enum QuantityColumnsDate {
    static func add(days: Int, to date: String) -> String {
        var components = DateComponents()
        components.year = Int(date.prefix(4)); components.month = Int(date.dropFirst(5).prefix(2)); components.day = Int(date.suffix(2))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let shifted = calendar.date(byAdding: .day, value: days, to: calendar.date(from: components)!)!
        let parts = calendar.dateComponents([.year, .month, .day], from: shifted)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// An attacker that shares no code with the protector: from the published tidy CSVs of
/// mean tables it takes every published sum (mean × contributors, rounded to a whole
/// number: the fixture's scores are whole) and, knowing which persons fall in which cell
/// (region × sex, the fixture's own rows), tries to write each hidden cell's set of persons
/// as a rational combination of published cells' sets. Where it can, it computes the
/// hidden sum and checks it against the truth.
struct SumsAttacker {
    var hiddenCells = 0
    /// "table:coordinates" of every hidden cell whose true sum the attacker computed.
    var recovered: [String] = []
    /// Pairs of disjoint hidden cells whose combined true sum the attacker computed and whose
    /// contributions together are dominated (the largest two over 90% of the total).
    var dominatedPairs: [String] = []

    /// The persons' types: region × sex (6), in a fixed order.
    static let types: [(String, String)] = ["North", "South", "East"].flatMap { r in ["F", "M"].map { (r, $0) } }

    init(scratch: Scratch, output: String, tables: [String], people: [[String]]) throws {
        func vector(_ coordinates: [String: String]) -> [Rational] {
            Self.types.map { type in
                let matches = (coordinates["region"].map { $0 == "Total" || $0 == type.0 } ?? true)
                    && (coordinates["sex"].map { $0 == "Total" || $0 == type.1 } ?? true)
                return matches ? Rational(1) : Rational(0)
            }
        }
        func trueSum(_ coordinates: [String: String]) -> Int {
            people.filter { person in
                (coordinates["region"].map { $0 == "Total" || $0 == person[2] } ?? true)
                    && (coordinates["sex"].map { $0 == "Total" || $0 == person[3] } ?? true)
            }.reduce(0) { $0 + Int($1[6])! }
        }
        var known: [([Rational], Rational)] = []
        var hidden: [(String, [String: String])] = []
        for id in tables {
            let table = try CSVTable(contentsOf: scratch.file("\(output)/\(id).csv"))
            let n = table.index(of: "contributors")!, mean = table.index(of: "mean")!
            for row in table.rows {
                let coordinates = Dictionary(uniqueKeysWithValues: (0..<n).map { (table.header[$0], row[$0]) })
                if let count = Int(row[n]), let value = Double(row[mean]) {
                    known.append((vector(coordinates), Rational(Int((value * Double(count)).rounded()))))
                } else if row[mean].isEmpty {
                    hidden.append(("\(id):" + (0..<n).map { row[$0] }.joined(separator: "|"), coordinates))
                }
            }
        }
        hiddenCells = hidden.count
        for (name, coordinates) in hidden {
            if let sum = Self.solve(known, target: vector(coordinates)), sum == Rational(trueSum(coordinates)) {
                recovered.append(name)
            }
        }
        func scores(_ coordinates: [String: String]) -> [Int] {
            people.filter { person in
                (coordinates["region"].map { $0 == "Total" || $0 == person[2] } ?? true)
                    && (coordinates["sex"].map { $0 == "Total" || $0 == person[3] } ?? true)
            }.map { Int($0[6])! }
        }
        for (i, first) in hidden.enumerated() {
            for second in hidden[(i + 1)...] {
                let a = vector(first.1), b = vector(second.1)
                guard zip(a, b).allSatisfy({ $0.isZero || $1.isZero }) else { continue }
                let together = (scores(first.1) + scores(second.1)).sorted(by: >)
                let total = together.reduce(0, +)
                guard total > 0, (together.prefix(2).reduce(0, +)) * 100 > 90 * total,
                      let sum = Self.solve(known, target: zip(a, b).map { $0 + $1 }), sum == Rational(total) else { continue }
                dominatedPairs.append(first.0 + " + " + second.0)
            }
        }
    }

    /// The value of `target · x` if every x satisfying the known equations gives the same
    /// value (target in the row space), else nil. Gaussian elimination over the rationals.
    static func solve(_ equations: [([Rational], Rational)], target: [Rational]) -> Rational? {
        var rows = equations.map { $0.0 + [$0.1] }
        var goal = target + [Rational(0)]
        let width = target.count
        var pivotRow = 0
        var pivots: [(row: Int, column: Int)] = []
        for column in 0..<width where pivotRow < rows.count {
            guard let found = (pivotRow..<rows.count).first(where: { !rows[$0][column].isZero }) else { continue }
            rows.swapAt(pivotRow, found)
            let inverse = Rational(1) / rows[pivotRow][column]
            rows[pivotRow] = rows[pivotRow].map { $0 * inverse }
            for other in rows.indices where other != pivotRow && !rows[other][column].isZero {
                let factor = rows[other][column]
                rows[other] = zip(rows[other], rows[pivotRow]).map { $0 - factor * $1 }
            }
            pivots.append((pivotRow, column))
            pivotRow += 1
        }
        for (row, column) in pivots where !goal[column].isZero {
            let factor = goal[column]
            goal = zip(goal, rows[row]).map { $0 - factor * $1 }
        }
        guard goal[0..<width].allSatisfy(\.isZero) else { return nil }
        return Rational(0) - goal[width]
    }
}

/// An exact fraction (small numbers only: the attacker's systems are tiny).
struct Rational: Equatable {
    var numerator: Int
    var denominator: Int

    init(_ value: Int) { numerator = value; denominator = 1 }
    init(_ numerator: Int, _ denominator: Int) {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        let divisor = max(1, gcd(numerator, denominator)) * (denominator < 0 ? -1 : 1)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    var isZero: Bool { numerator == 0 }
    static func + (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator) }
    static func - (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator) }
    static func * (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.numerator, a.denominator * b.denominator) }
    static func / (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.denominator, a.denominator * b.numerator) }
}
