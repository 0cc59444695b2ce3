import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Testing

/// The release's `results.json` against the one ACRO writes (governance/disclosure-control.md,
/// "ACRO and SACRO"): same keys and structure, for a table of the same shape made from the
/// same linked rows.
///
/// ACRO comes from PyPI, in `.venv-acro` (`scripts/install-deps` installs it; or set
/// PATHLINK_ACRO_PYTHON to a Python that can `import acro`). Without it the comparison is
/// skipped, unless PATHLINK_REQUIRE_ACRO=1 (set by `scripts/test`, so CI runs it).
@Suite("results.json has the keys and structure of ACRO's")
struct ACROResultsTests {
    static let repository: String = {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        return folder.path
    }()
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["PATHLINK_ACRO_PYTHON"], repository + "/.venv-acro/bin/python"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let isRequired = ProcessInfo.processInfo.environment["PATHLINK_REQUIRE_ACRO"] == "1"
    static let isEnabled = python != nil || isRequired

    /// Persons by age group and police link, with one sparse age group (counts under 10).
    static let header = ["record_id", "person_id", "age_group", "police_link"]
    static func rows() -> [[String]] {
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
        return (1...300).map { person in
            let draw = next(100)
            let age = draw < 45 ? "Under 25" : draw < 95 ? "25-44" : "45 and over"
            let linked = next(10) < 6 ? "Linked" : "Not linked"
            return [String(person), "p\(person)", age, linked]
        }
    }
    static let spec = """
    report: 1
    id: acro-shape
    title: Police link by age group
    variables:
      age_group: {from: age_group, label: Age group}
      police_link: {from: police_link, label: Police record}
    tables:
      - {id: link-by-age, title: Police record by age group, rows: [age_group], columns: police_link, notes: Synthetic.}
    """
    static let trePolicy = repository + "/governance/disclosure-policy-tre.yaml"

    /// A value's structure: every object key path with the kind of value there. Keys that
    /// are data (result ids, the outcome's categories) become `*`; list elements `[]`.
    static func structure(_ value: Any, path: String = "", into paths: inout Set<String>) {
        switch value {
        case let object as [String: Any]:
            paths.insert(path + ":object")
            let isData = path.hasSuffix(".outcome") || path.hasSuffix(".outcome.*") || path == ".results"
            for (key, child) in object { structure(child, path: path + "." + (isData ? "*" : key), into: &paths) }
        case let array as [Any]:
            paths.insert(path + ":array")
            for child in array { structure(child, path: path + "[]", into: &paths) }
        case is String: paths.insert(path + ":string")
        case is NSNull: paths.insert(path + ":null")
        default: paths.insert(path + ":number")   // numbers and booleans
        }
    }

    /// The structure of one table entry (under `.results.*`) and of the top level around it.
    static func structure(ofTableEntryIn results: [String: Any]) -> Set<String> {
        var top = results
        let entries = results["results"] as? [String: Any] ?? [:]
        let table = entries.values.first { ($0 as? [String: Any])?["type"] as? String == "table" }
        top["results"] = table.map { ["entry": $0] } ?? [:]
        var paths = Set<String>()
        structure(top, into: &paths)
        // Position lists ([[row, column], ...]) and comments are data: either may be empty in one file.
        return paths.filter { path in
            for list in [".cells.", ".comments"] {
                if let range = path.range(of: list), path[range.upperBound...].contains("[]") { return false }
            }
            return true
        }
    }

    func pathlinkResults(_ scratch: Scratch) throws -> [String: Any] {
        let linked = scratch.linked(Self.header, Self.rows())
        let policy = try String(contentsOfFile: Self.trePolicy, encoding: .utf8)
        try runReport(scratch, spec: Self.spec, linked: linked, policy: policy)
        return try #require(JSONSerialization.jsonObject(with: Data(scratch.read("release/results.json").utf8)) as? [String: Any])
    }

    @Test("results.json is in the release, names its wide CSV, and leaks no primary/secondary distinction")
    func writtenInRelease() throws {
        let scratch = Scratch()
        let results = try pathlinkResults(scratch)
        let tables = try #require(JSONSerialization.jsonObject(with: Data(scratch.read("release/tables.json").utf8)) as? [String: Any])
        #expect((tables["policy"] as? [String: Any])?["threshold"] as? Int == 10, "the TRE preset's threshold")
        #expect(FilePath.contents(of: scratch.file("release")).contains("results.json"))
        #expect(scratch.read("release.receipt.json").contains("results.json"), "listed in the release receipt")
        let entry = try #require((results["results"] as? [String: Any])?["link-by-age"] as? [String: Any])
        let files = try #require(entry["files"] as? [[String: Any]])
        #expect(files.map { $0["name"] as? String } == ["link-by-age.wide.csv"])
        #expect(scratch.exists("release/link-by-age.wide.csv"))

        // Every [c] of the wide CSV, and only those, is "suppressed; " in the outcome.
        let wide = scratch.read("release/link-by-age.wide.csv").components(separatedBy: "\r\n").filter { !$0.isEmpty }
            .map { $0.components(separatedBy: ",") }
        let outcome = try #require(entry["outcome"] as? [String: [String: String]])
        let heads = wide[0].dropFirst()
        var suppressed = 0
        for row in wide.dropFirst() {
            for (head, value) in zip(heads, row.dropFirst()) {
                let text = outcome[head]?[row[0]]
                #expect(text != nil, "outcome has \(head)/\(row[0])")
                #expect((value == "[c]") == (text == ACROResults.suppressedOutcome), "\(head)/\(row[0]): \(value) vs \(text ?? "nil")")
                if value == "[c]" { suppressed += 1 }
            }
        }
        #expect(suppressed >= 2, "the sparse age group makes suppression (primary and secondary)")
        #expect(entry["status"] as? String == "review", "suppression applied: review, as ACRO says")
        let sdc = try #require(files.first?["sdc"] as? [String: Any])
        let threshold = try #require((sdc["cells"] as? [String: [[Int]]])?["MinimumThresholdCheck"])
        #expect(threshold.isEmpty, "no published cell is under the threshold; the file never lists which cells were")
        // Nothing beyond the release: no audit words, no per-cell kinds.
        let text = scratch.read("release/results.json")
        for word in ["primary\"", "secondary\"", "lower", "upper", "feasible"] { #expect(!text.contains(word), "\(word)") }
    }

    @Test("the same inputs give a byte-identical results.json")
    func deterministic() throws {
        let one = Scratch(), two = Scratch()
        _ = try pathlinkResults(one)
        _ = try pathlinkResults(two)
        #expect(one.read("release/results.json") == two.read("release/results.json"))
    }

    @Test("a two-row-variable table labels rows as ACRO does, with Python tuples")
    func rowLabels() {
        #expect(ACROResults.rowLabel(["25-44"]) == "25-44")
        #expect(ACROResults.rowLabel(["25-44", "Female"]) == "('25-44', 'Female')")
        #expect(ACROResults.rowLabel(["O'Neill", "x"]) == "(\"O'Neill\", 'x')")
    }

    @Test("same keys and structure as the results.json acro writes for the same table", .enabled(if: isEnabled))
    func sameStructureAsACRO() throws {
        let python = try #require(Self.python, "acro is not installed: run scripts/install-deps (it fills .venv-acro)")
        let scratch = Scratch()
        let pathlink = try pathlinkResults(scratch)

        let script = """
        import sys, pandas as pd, acro
        df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
        session = acro.ACRO(suppress=True)
        session.crosstab(df.age_group, df.police_link, margins=True)
        session.finalise(sys.argv[2], "json")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, scratch.file("linked/journeys.csv"), scratch.file("acro")]
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "acro failed: \(log)")
        let acro = try #require(JSONSerialization.jsonObject(with: Data(scratch.read("acro/results.json").utf8)) as? [String: Any])

        let expected = Self.structure(ofTableEntryIn: acro), actual = Self.structure(ofTableEntryIn: pathlink)
        #expect(expected.count > 40, "acro wrote a table entry: \(expected.sorted())")
        #expect(actual.subtracting(expected).sorted() == [], "keys Pathlink writes that acro does not")
        #expect(expected.subtracting(actual).sorted() == [], "keys acro writes that Pathlink does not")

        // The same table: the same columns and rows (ACRO's margin is "All", Pathlink's "Total").
        let acroEntry = try #require((acro["results"] as? [String: Any])?.values.compactMap { $0 as? [String: Any] }
            .first { $0["type"] as? String == "table" })
        let acroOutcome = try #require(acroEntry["outcome"] as? [String: [String: String]])
        let ours = try #require(((pathlink["results"] as? [String: Any])?["link-by-age"] as? [String: Any])?["outcome"] as? [String: [String: String]])
        func total(_ label: String) -> String { label == "All" ? totalCategory : label }
        #expect(Set(acroOutcome.keys.map(total)) == Set(ours.keys))
        for (column, rows) in acroOutcome {
            #expect(Set(rows.keys.map(total)) == Set(ours[total(column)]?.keys ?? [:].keys), "\(column)")
            // Every cell ACRO finds under the threshold is hidden in Pathlink's release.
            for (row, text) in rows where text.contains("MinimumThresholdCheck") {
                #expect(ours[total(column)]?[total(row)] == ACROResults.suppressedOutcome, "\(column)/\(row)")
            }
        }
        #expect(acroOutcome.values.contains { $0.values.contains { $0.contains("MinimumThresholdCheck") } },
                "the sparse group is under ACRO's threshold too, so the comparison means something")
    }
}
