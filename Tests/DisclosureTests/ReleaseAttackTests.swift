import Foundation
import PathlinkCore
import Testing

/// Attacks on releases written by the real `pathlink report` binary, checked by the
/// independent whole-number attacker (issue 15).
@Suite("Attacks on real releases")
struct ReleaseAttackTests {
    /// Expects no finding by the attacker; prints what it found otherwise.
    func expectNoLeak(_ cells: [WholeNumberAttacker.Cell], atoms: Int, threshold: Int = 3,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let attacker = WholeNumberAttacker(atomCount: atoms, cells: cells, zerosShown: true, cap: threshold + 2)
        let findings = attacker.findings(threshold: threshold)
        #expect(findings.isEmpty, "the release gives away: \(findings.map(\.description).joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }

    /// The smallest form of the demo's recode leak: a table by age *group* (a recode of the
    /// age band) publishes "Under 25" = 7, and a rate by age band publishes that nobody is
    /// under 18 — so the hidden 18–24 denominator is 7, and 25–34 is 25 − 15 − 7 = 3. Treating
    /// the recode as an unrelated variable, the audit thought both could take many values.
    @Test("a recode of a published column cannot give back the cells it hides (demo leak)")
    func recodeLeak() throws {
        let scratch = ScratchFolder()
        let groups: [(String, String, String, Int)] = [
            ("18-24", "Female", "MK1", 1), ("18-24", "Male", "", 4), ("18-24", "Other", "MK1", 2),
            ("25-34", "Female", "MK1", 1), ("25-34", "Male", "", 2),
            ("35-44", "Female", "", 1), ("35-44", "Female", "MK1", 1), ("35-44", "Male", "", 4),
            ("35-44", "Other", "", 3), ("35-44", "Other", "MK1", 6),
        ]
        let persons = groups.flatMap { band, gender, link, count in Array(repeating: [band, gender, link], count: count) }
        let linked = scratch.linked(["age_band", "gender", "police.crimes.link"], persons)
        scratch.write("spec.yaml", """
            report: 1
            id: recode-leak
            title: Recode leak
            variables:
              age_band: {from: age_band, categories: [Under 18, 18-24, 25-34, 35-44]}
              gender: {from: gender, categories: [Female, Male, Other]}
              reported:
                cases:
                  - {when: {police.crimes.link: [""]}, value: "No"}
                else: "Yes"
              age_group:
                from: age_band
                map:
                  Under 25: [Under 18, 18-24]
                  25 and over: [25-34, 35-44]
            tables:
              - {id: police-link-rate-by-age, title: Police link rate by age band, kind: rate, rows: [age_band], numerator: {reported: ["Yes"]}}
              - {id: incident-by-age-gender, title: Age group by gender, rows: [age_group], columns: gender}

            """)
        let run = try runPathlink(["report", "--spec", "spec.yaml", "--input", linked, "--output", "release"], in: scratch.path)
        #expect(run.status == 0, "\(run.error)")
        guard run.status == 0 else { return }

        let space = AtomSpace(columns: [("age_band", ["Under 18", "18-24", "25-34", "35-44"]),
                                        ("gender", ["Female", "Male", "Other"]),
                                        ("police.crimes.link", ["", "MK1"])])
        let ageBand = { (atom: [String]) in space.value("age_band", of: atom) }
        let ageGroup = { (atom: [String]) in ["Under 18", "18-24"].contains(ageBand(atom)) ? "Under 25" : "25 and over" }
        let gender = { (atom: [String]) in space.value("gender", of: atom) }
        let reported = { (atom: [String]) in space.value("police.crimes.link", of: atom).isEmpty ? "No" : "Yes" }
        let cells = try readRelease(scratch.file("release"), space: space, tables: [
            TableReading(id: "police-link-rate-by-age",
                         scope: ["numerator": { reported($0) == "Yes" }, "denominator": { _ in true }],
                         dimensions: ["age_band": ageBand]),
            TableReading(id: "incident-by-age-gender", scope: ["value": { _ in true }],
                         dimensions: ["age_group": ageGroup, "gender": gender]),
        ])
        #expect(cells.contains { $0.known == nil }, "something is hidden")
        expectNoLeak(cells, atoms: space.atoms.count)
    }

    /// The differencing by filter: gender over everyone, and gender over every age
    /// band but 75+, where one person is 75+. Both tables pass primary suppression; the
    /// difference of their totals and of their Female cells gives that person's gender.
    @Test("a filter that carves one person out of a published population is protected or refused")
    func filterDifferencing() throws {
        let scratch = ScratchFolder()
        var persons: [[String]] = [["75+", "Female"]]
        for (band, female, male) in [("25-34", 60, 9), ("35-44", 55, 10), ("45-54", 45, 9)] {
            persons += Array(repeating: [band, "Female"], count: female) + Array(repeating: [band, "Male"], count: male)
        }
        let linked = scratch.linked(["age_band", "gender"], persons)
        scratch.write("spec.yaml", """
            report: 1
            id: filter-differencing
            title: Filter differencing
            variables:
              age_band: {from: age_band, categories: [25-34, 35-44, 45-54, 75+]}
              gender: {from: gender, categories: [Female, Male]}
            tables:
              - {id: gender, title: Gender, rows: [gender]}
              - {id: gender-under-75, title: Gender under 75, rows: [gender], filter: {age_band: [25-34, 35-44, 45-54]}}

            """)
        let run = try runPathlink(["report", "--spec", "spec.yaml", "--input", linked, "--output", "release"], in: scratch.path)
        // Two tables of two cells each: far below the near-individual guard's 20 cells, so
        // whatever stops the attack is the sub-population protection itself.
        #expect(!run.error.contains("individual-level"), "the guard stopped it: \(run.error)")
        if run.status != 0 {
            #expect(run.error.contains("gender"), "the refusal names the tables: \(run.error)")
            #expect(!FileManager.default.fileExists(atPath: scratch.file("release")), "nothing written")
            return
        }
        let space = AtomSpace(columns: [("age_band", ["25-34", "35-44", "45-54", "75+"]), ("gender", ["Female", "Male"])])
        let gender = { (atom: [String]) in space.value("gender", of: atom) }
        let cells = try readRelease(scratch.file("release"), space: space, tables: [
            TableReading(id: "gender", scope: ["value": { _ in true }], dimensions: ["gender": gender]),
            TableReading(id: "gender-under-75", scope: ["value": { space.value("age_band", of: $0) != "75+" }],
                         dimensions: ["gender": gender]),
        ])
        #expect(cells.contains { $0.known == nil }, "the one person carved out is protected by hiding cells")
        expectNoLeak(cells, atoms: space.atoms.count)
    }
}
