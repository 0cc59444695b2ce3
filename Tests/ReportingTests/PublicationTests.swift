import Foundation
import PathlinkCore
@testable import Reporting
import Tabular
import Testing

/// The release as a publication (issue 17, build item 4): tidy CSVs that tools read as
/// numbers, tables.json with the values, the linkage-quality section under the same
/// disclosure control, provenance by name and hash.
@Suite("Release as a publication")
struct PublicationTests {
    static let spec = "report: 1\nid: d\ntitle: Small\nlinkage-quality: true\n" + outcomeGroups + """
    tables:
      - {id: grid, title: Sex by outcome, rows: [sex], columns: outcome_group}
      - {id: charged, kind: rate, rows: [sex], numerator: {outcome_group: [Charged]}}
    """

    /// A linked table with enough persons that most cells are published at threshold 3.
    static func rows(_ persons: Int) -> [[String]] {
        (1...persons).map { person in
            let sex = person % 3 == 0 ? "M" : "F"
            let region = person % 2 == 0 ? "North" : "South"
            let outcome = ["Charged", "NFA", "Withdrawn", "NFA"][person % 4]
            let link = person % 5 == 0 ? "" : (person % 7 == 0 ? "MK1" : "crime-reference")
            return [String(person), "p\(person)", sex, region, outcome, "2024-0\(person % 9 + 1)", link]
        }
    }

    @Test("every tidy CSV has numbers only in its value columns, the symbol in status, and margins flagged")
    func tidyColumns() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, Self.rows(60) + [["61", "p61", "M", "North", "Withdrawn", "2024-01", "MK2"]])
        try runReport(scratch, spec: Self.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        var sawSymbol = false
        for name in FilePath.contents(of: scratch.file("release")) where name.hasSuffix(".csv") && !name.hasSuffix(".wide.csv") {
            let table = try CSVTable(contentsOf: scratch.file("release/" + name))
            let status = try #require(table.index(of: "status"), "\(name)")
            let margin = try #require(table.index(of: "is_margin"), "\(name)")
            let numbers = table.header.indices.filter { ["value", "numerator", "denominator", "rate"].contains(table.header[$0]) }
            #expect(!numbers.isEmpty, "\(name)")
            let dimensions = table.header.indices.filter { !numbers.contains($0) && $0 != status && $0 != margin }
            for row in table.rows {
                for column in numbers { #expect(row[column].isEmpty || Double(row[column]) != nil, "\(name): \(row)") }
                #expect(["", "[c]", "[z]"].contains(row[status]), "\(name): \(row)")
                let last = table.header[numbers.last!] == "rate" ? numbers.last! : numbers.first!
                #expect(row[last].isEmpty == !row[status].isEmpty, "a status exactly when the value is not published: \(name) \(row)")
                #expect(row[margin] == (dimensions.contains { row[$0] == "Total" } ? "true" : "false"), "\(name): \(row)")
                sawSymbol = sawSymbol || row[status] == "[c]"
            }
        }
        #expect(sawSymbol, "the data has a small cell, so some status must be [c]")
    }

    @Test("tables.json holds every cell's numbers and the base as a number")
    func tablesJSON() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, Self.rows(60))
        try runReport(scratch, spec: Self.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        let tables = json["tables"] as! [[String: Any]]
        let grid = try #require(tables.first { $0["id"] as? String == "grid" })
        #expect(grid["base"] as? Int == 60)
        let cells = try #require(grid["cells"] as? [[String: Any]])
        let tidy = tidyCells(scratch, "grid")
        #expect(cells.count == tidy.count)
        for cell in cells {
            let key = (cell["coordinates"] as! [String]).joined(separator: "|")
            let shown = (cell["value"] as? Int).map(String.init) ?? (cell["status"] as! String)
            #expect(tidy[key] == shown, "\(key)")
        }
        let charged = try #require(tables.first { $0["id"] as? String == "charged" })
        let total = try #require((charged["cells"] as? [[String: Any]])?.first { $0["coordinates"] as? [String] == ["Total"] })
        #expect(total["numerator"] as? Int == 15 && total["denominator"] as? Int == 60)
        #expect(total["rate"] as? Double == 25.0 && total["is_margin"] as? Bool == true)
        #expect(charged["section"] as? String == "tables")
    }

    @Test("pandas.read_csv reads every tidy CSV of a release with numeric value columns, without options",
          .enabled(if: PythonWithPandas.path != nil, "no python3 with pandas (scripts/install-deps installs python3-pandas)"))
    func pandasReads() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, Self.rows(60) + [["61", "p61", "M", "North", "Withdrawn", "2024-01", "MK2"]])
        try runReport(scratch, spec: Self.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let script = """
        import glob, sys, pandas
        bad = []
        files = [f for f in glob.glob(sys.argv[1] + "/*.csv") if not f.endswith(".wide.csv")]
        for f in files:
            frame = pandas.read_csv(f)
            for column in ("value", "numerator", "denominator", "rate"):
                if column in frame.columns and not pandas.api.types.is_numeric_dtype(frame[column]):
                    bad.append(f + ":" + column + ":" + str(frame[column].dtype))
        print(len(files), "files;", "bad:", ",".join(bad) if bad else "none")
        sys.exit(1 if bad or not files else 0)
        """
        let (status, output) = try PythonWithPandas.run(script, argument: scratch.file("release"))
        #expect(status == 0, "\(output)")
        #expect(output.contains("bad: none"), "\(output)")
    }

    @Test("the linkage-quality section: linked and unlinked by rule, link rates by every attribute, true counts or [c]")
    func linkageQualitySection() throws {
        let scratch = Scratch()
        let rows = Self.rows(60) + [["61", "p61", "M", "North", "Withdrawn", "2024-01", "MK2"]]
        let linked = scratch.linked(smallHeader, rows, quality: "{\"persons\": {\"total\": 61}, \"project\": \"x\"}")
        try runReport(scratch, spec: Self.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let byRule = tidyCells(scratch, "linkage-police-crimes-by-rule")
        var truth: [String: Int] = [:]
        for row in rows { truth[row[6].isEmpty ? "Not linked" : row[6], default: 0] += 1 }
        #expect(Set(byRule.keys) == Set(truth.keys).union(["Total"]))
        #expect(byRule["Total"] == "61")
        for (rule, count) in truth {
            #expect(byRule[rule] == String(count) || (byRule[rule] == "[c]" && count > 0), "\(rule)")
        }
        #expect(byRule["MK2"] == "[c]", "a rule that joined one person is suppressed like any small count")
        // The bias check: one rate table per spine variable the release tabulates (sex, and
        // outcome_group, a recode of the spine's outcome); region is not tabulated, so not cut.
        let names = FilePath.contents(of: scratch.file("release"))
        let rateTables = names.filter { $0.hasPrefix("linkage-police-crimes-rate-by-") && !$0.hasSuffix(".wide.csv") }
        #expect(Set(rateTables) == ["linkage-police-crimes-rate-by-sex.csv", "linkage-police-crimes-rate-by-outcome-group.csv"])
        let bySex = tidyCells(scratch, "linkage-police-crimes-rate-by-sex")
        let females = rows.filter { $0[2] == "F" }
        let linkedFemales = females.filter { !$0[6].isEmpty }.count
        #expect(bySex["F"] == "\(linkedFemales)|\(females.count)|" + CellFormat(policy: .init()).fixed(100 * Double(linkedFemales) / Double(females.count), decimals: 1))
        let json = try JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as! [String: Any]
        let sections = (json["tables"] as! [[String: Any]]).map { "\($0["id"]!)=\($0["section"]!)" }
        #expect(sections.contains("linkage-police-crimes-by-rule=linkage-quality"))
        // The audit covers them: they were protected with the release.
        let audit = scratch.read("release.audit.json")
        #expect(audit.contains("linkage-police-crimes-by-rule"))

        let page = scratch.read("release/report.html")
        #expect(page.contains("id=\"linkage-quality\""))
        #expect(page.contains("Linkage quality: persons with a police.crimes record, by the rule that attached it"))
        #expect(!page.contains("persons › total") && !page.contains(">project<"), "no loose figures from quality.json")
    }

    @Test("without linkage-quality: true the release has no linkage tables")
    func linkageQualityOff() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, Self.rows(30))
        try runReport(scratch, spec: Self.spec.replacingOccurrences(of: "linkage-quality: true\n", with: ""), linked: linked)
        #expect(!FilePath.contents(of: scratch.file("release")).contains { $0.hasPrefix("linkage-") })
    }

    @Test("charts scale to their container; the page has a print stylesheet; provenance names documents, not local paths")
    func pageLayoutAndProvenance() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, Self.rows(30))
        scratch.write("linked.receipt.json", """
        {"receipt": 1, "stage": "link", "tool": {"name": "pathlink", "version": "0.1.0", "token_derivation": 1},
         "documents": [{"kind": "plan", "name": "victims-pathway-example", "path": "../../clone/governance/linkage.yaml", "sha256": "\(String(repeating: "cd", count: 32))"}],
         "inputs": [{"path": "../tokens/police.crimes.csv", "sha256": "\(String(repeating: "ab", count: 32))", "rows": 10, "dataset": "police.crimes"}],
         "outputs": [{"path": "linked/journeys.csv", "sha256": "\(String(repeating: "ef", count: 32))", "rows": 3}],
         "columns": [], "excluded": [], "counts": {}, "warnings": [],
         "started": "2026-01-01T00:00:00Z", "finished": "2026-01-01T00:00:01Z"}
        """)
        try runReport(scratch, spec: Self.spec, linked: linked)
        let page = scratch.read("release/report.html")
        #expect(!page.contains("../"), "no relative path from the machine that made it")
        #expect(page.contains("victims-pathway-example") && page.contains("linkage.yaml") && page.contains(String(repeating: "cd", count: 32)))
        #expect(page.contains("police.crimes.csv") && page.contains(String(repeating: "ab", count: 32)))
        let svgTags = page.components(separatedBy: "<svg").dropFirst().map { $0.prefix { $0 != ">" } }
        #expect(!svgTags.isEmpty)
        for tag in svgTags {
            #expect(tag.contains("viewBox="), "\(tag)")
            #expect(!tag.contains(" width=") && !tag.contains(" height="), "no fixed size: \(tag)")
        }
        #expect(page.contains(".chart{display:block;width:100%"))
        #expect(page.contains("@page{size:A4"))
        #expect(page.contains("@media print"))
    }
}

/// A python3 that can import pandas, if the machine has one (`/usr/bin/python3` with Debian's
/// python3-pandas, which scripts/install-deps installs, or the first python3 on PATH).
enum PythonWithPandas {
    static let path: String? = {
        var candidates = ["/usr/bin/python3"]
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(String(folder) + "/python3")
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            if let (status, _) = try? run(candidate, ["-c", "import pandas"]), status == 0 { return candidate }
        }
        return nil
    }()

    static func run(_ script: String, argument: String) throws -> (Int32, String) {
        try run(path!, ["-c", script, argument])
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
