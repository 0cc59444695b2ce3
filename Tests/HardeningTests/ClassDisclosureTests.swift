import Foundation
import Testing
import PathlinkCore

/// Class disclosure through the real binary (issue 15, "Class disclosure"): court outcome
/// by referral month × age band on a few hundred persons. A line of the table (a row or
/// column at any margin) whose persons all fall in one category tells that category of
/// every person in it; on small lines (fewer than the policy's class size, 10 by
/// default), or beside a hidden cell, it must be protected or the release refused.
@Suite("Class disclosure through the binary")
struct ClassDisclosureTests {
    static let months = (1...12).map { String(format: "2019-%02d", $0) }
    static let ageBands = ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
    static let outcomes = ["No CPS record", "Guilty plea", "Convicted after trial", "Acquitted"]

    /// A linked folder (docs/link.md "Outputs") of `persons` persons, one support case each,
    /// drawn from a fixed generator: most have no CPS record, so small lines are often all
    /// in one category.
    /// Age bands are drawn with `bandWeights` (one weight per band, in `ageBands` order).
    static func linkedFolder(in folder: TestFolder, persons: Int, seed: UInt64,
                             bandWeights: [Int] = [1, 2, 3, 2, 1, 1, 1, 1]) -> String {
        let bands = bandWeights.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var text = "record_id,person_id,referral_month,age_band,cps.cases.outcome\n"
        for person in 1...persons {
            let month = months[next(months.count)]
            // Adults 18-44 are most of the referrals, as in the BOLD report.
            let band = ageBands[bands[next(bands.count)]]
            let draw = next(20)
            let outcome = draw < 13 ? outcomes[0] : draw < 16 ? outcomes[1] : draw < 18 ? outcomes[2] : outcomes[3]
            text += "\(person),p\(person),\(month),\(band),\(outcome)\n"
        }
        _ = try? FileManager.default.createDirectory(atPath: folder.file("linked"), withIntermediateDirectories: true)
        folder.write("linked/journeys.csv", text)
        return folder.file("linked")
    }

    static let spec = """
        report: 1
        id: class
        variables:
          referral_month: {from: referral_month, label: Referral month, categories: [\(months.joined(separator: ", "))]}
          age_band: {from: age_band, label: Age band, categories: [\(ageBands.joined(separator: ", "))]}
          court_outcome: {from: cps.cases.outcome, label: Court outcome, categories: [\(outcomes.joined(separator: ", "))]}
        tables:
          - id: outcome-by-month-age
            title: Court outcome by referral month and age band
            rows: [referral_month, age_band]
            columns: court_outcome

        """

    /// Every line of a published tidy table (dimensions, then `value`: a count, `[c]` or
    /// `[z]`) that gives away one category of everyone in it: all its cells but one are
    /// published zeros (structural zeros aside), and the line's total is published under
    /// `classSize`, or it or the last cell is hidden. Reads only the published file, as a
    /// reader would.
    static func classDisclosures(tidy path: String, dimensions: Int, classSize: Int) throws -> [String] {
        let table = try CSVTableReader.rows(path)
        var lines: [String: (total: [String]?, members: [[String]])] = [:]
        for row in table.dropFirst() {
            let coordinates = Array(row.prefix(dimensions))
            for dimension in 0..<dimensions {
                var key = coordinates
                key[dimension] = "*"
                let id = "\(dimension)|" + key.joined(separator: "|")
                var line = lines[id] ?? (nil, [])
                if coordinates[dimension] == "Total" { line.total = row } else { line.members.append(row) }
                lines[id] = line
            }
        }
        var findings: [String] = []
        for (id, line) in lines.sorted(by: { $0.key < $1.key }) {
            guard let total = line.total else { continue }
            let value = total[dimensions]
            let members = line.members.filter { $0[dimensions] != "[z]" }
            guard members.count > 1, value != "0" else { continue }
            let zeros = members.filter { $0[dimensions] == "0" }
            guard zeros.count == members.count - 1 else { continue }
            let lone = members.first { $0[dimensions] != "0" }!
            if value == "[c]" || lone[dimensions] == "[c]" || (Int(value).map { $0 < classSize } ?? true) { findings.append(id) }
        }
        return findings
    }

    /// 2,000 persons, most aged 18–54 and very few 75+ or under 18: the table's median
    /// non-empty cell is 4, so the near-individual guard (median under the threshold) lets
    /// it through, while 16 (month × age band) lines, all of the rare bands, hold fewer than
    /// 10 persons all with one outcome. What protects them must be the class rule.
    @Test("court outcome by referral month × age band on 2,000 persons: the class rule, not the guard, protects the small lines")
    func classRuleProtects() throws {
        let folder = TestFolder()
        let linked = Self.linkedFolder(in: folder, persons: 2_000, seed: 2019, bandWeights: [1, 30, 30, 30, 20, 10, 3, 1])
        let spec = folder.write("spec.yaml", Self.spec)
        let policy = folder.write("policy.yaml", "policy: 1\nthreshold: 3\n")
        let result = try pathlink(["report", "--spec", spec, "--input", linked, "--output", "release", "--policy", policy],
                                  in: folder.path)
        #expect(!result.standardError.contains("individual-level"), "the guard stopped it: \(result.standardError)")
        if result.status == 0 {
            let findings = try Self.classDisclosures(tidy: folder.file("release/outcome-by-month-age.csv"), dimensions: 3, classSize: 10)
            #expect(findings.isEmpty, "\(findings.count) lines give away the court outcome of everyone in them, e.g. \(findings.prefix(5))")
            // The class rule acted: zeros hidden against class disclosure are in the sidecar.
            let audit = try String(contentsOfFile: folder.file("release.audit.json"), encoding: .utf8)
            #expect(audit.contains("\"zero\""), "no zero was hidden against class disclosure")
        } else {
            #expect(result.standardError.contains("outcome-by-month-age"), "\(result.standardError)")
            #expect(result.standardError.contains("class disclosure"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("release")))
        }
    }

    @Test("court outcome by referral month × age band on 300 persons: no small line gives everyone's outcome away")
    func courtOutcomeByMonthAndAge() throws {
        let folder = TestFolder()
        let linked = Self.linkedFolder(in: folder, persons: 300, seed: 2019)
        let spec = folder.write("spec.yaml", Self.spec)
        let policy = folder.write("policy.yaml", "policy: 1\nthreshold: 3\n")
        let result = try pathlink(["report", "--spec", spec, "--input", linked, "--output", "release", "--policy", policy],
                                  in: folder.path)
        if result.status == 0 {
            let findings = try Self.classDisclosures(tidy: folder.file("release/outcome-by-month-age.csv"), dimensions: 3, classSize: 10)
            #expect(findings.isEmpty, "\(findings.count) lines give away the court outcome of everyone in them, e.g. \(findings.prefix(5))")
        } else {
            // Refused (as class disclosure, or before any work as near individual-level by
            // main's median-cell guard): the message names the table, and nothing is written.
            #expect(result.standardError.contains("outcome-by-month-age"), "\(result.standardError)")
            #expect(result.standardError.contains("class disclosure") || result.standardError.contains("individual-level"),
                    "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("release")))
        }
    }

    @Test("the checker finds the class disclosure it is meant to find")
    func checkerFindsIt() throws {
        let folder = TestFolder()
        let path = folder.write("t.csv", """
            a,b,value
            x,p,0
            x,q,4
            x,Total,4
            y,p,6
            y,q,5
            y,Total,11
            z,p,0
            z,q,[c]
            z,Total,[c]
            Total,p,6
            Total,q,[c]
            Total,Total,[c]

            """)
        // Line x (4 persons, all q) discloses; line p along a (0 + 6 + 0) too: 6 < 10; line
        // z (a hidden count, all q) whatever its size.
        #expect(try Self.classDisclosures(tidy: path, dimensions: 2, classSize: 10) == ["0|*|p", "1|x|*", "1|z|*"])
        #expect(try Self.classDisclosures(tidy: path, dimensions: 2, classSize: 4) == ["1|z|*"])
    }
}

/// The rows of a small CSV file without quoted fields (the tidy tables of a release).
enum CSVTableReader {
    static func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
