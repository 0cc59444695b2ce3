import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Testing

/// The report stage's guards that act before, or instead of, a release: a table near
/// individual level by its median cell, and the stage's time budget.
@Suite("Report stage guards: median cell and time budget")
struct StageGuardTests {
    /// 60 persons: 25 codes of 2 persons and one of 10, so a table by code has 26 non-empty
    /// cells (more than the rule's minimum of 20) and a median cell of 2 — under the
    /// threshold of 3 — while the code is not near-unique (26 categories, under half of 60).
    static let rows: [[String]] = (0..<60).map { person in
        let code = person < 50 ? "k\(person / 2)" : "big"
        return ["\(person + 1)", "p\(person + 1)", code, person % 4 == 0 ? "Yes" : "No"]
    }
    static let header = ["record_id", "person_id", "code", "flag"]

    @Test("a table whose median non-empty cell is under the threshold is refused before any protection work")
    func medianCellRefused() {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        var protected = false
        let specPath = scratch.write("spec.yaml", "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-code, title: C, rows: [code]}\n")
        var stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: scratch.file("release"))
        stage.protect = { policy, microdata, tables in
            protected = true
            return try ReleaseProtector(policy: policy).protect(microdata, tables: tables)
        }
        let error = expectRefused(.disclosure) { try stage.run() }
        #expect(error?.problem.contains("median non-empty cell holds 2 persons, under the threshold 3") == true, "\(String(describing: error))")
        #expect(error?.line == 5)
        #expect(error?.remedy?.contains("code") == true)
        #expect(!protected, "refused before the disclosure engine ran")
        #expect(!scratch.exists("release"))
        #expect(!scratch.exists("release.audit.json"))
    }

    @Test("a small table (20 non-empty cells or fewer) is left to suppression and the audit")
    func smallTableNotSubject() throws {
        let scratch = Scratch()
        let rows = Self.rows.filter { $0[2] == "big" || $0[2] < "k2" }   // codes k0, k1, k10…k19 and big
        let linked = scratch.linked(Self.header, rows)
        try runReport(scratch, spec: "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-code, title: C, rows: [code]}\n",
                      linked: linked, policy: nil)
        #expect(tidyCells(scratch, "by-code")["big"] == "10")
    }

    /// A spec recoding code into Large (big) and Small, with one table line.
    static func sizeSpec(table: String) -> String {
        "report: 1\nid: r\ntitle: R\nvariables:\n  size: {from: code, map: {Large: [big]}, other: Small}\ntables:\n  \(table)\n"
    }

    @Test("the same persons grouped by a recode pass the median rule and are released")
    func medianCellGrouped() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        let spec = Self.sizeSpec(table: "- {id: by-size, title: S, rows: [size]}")
        try runReport(scratch, spec: spec, linked: linked, policy: nil)
        #expect(tidyCells(scratch, "by-size")["Large"] == "10")
        #expect(tidyCells(scratch, "by-size")["Small"] == "50")
    }

    @Test("a rate table is judged by its denominator: a small numerator is no reason to refuse")
    func rateJudgedByDenominator() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        let spec = Self.sizeSpec(table: "- {id: flag-rate, title: F, kind: rate, rows: [size], numerator: {flag: [\"Yes\"]}}")
        try runReport(scratch, spec: spec, linked: linked, policy: nil)
        #expect(scratch.exists("release/flag-rate.csv"))
    }

    @Test("past the stage's time budget nothing is written, and the error names the budget and the option")
    func timeBudgetRefuses() {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        let specPath = scratch.write("spec.yaml", "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-flag, title: F, rows: [flag]}\n")
        let stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: scratch.file("release"), timeBudget: 1e-9)
        let error = expectRefused(.disclosure) { try stage.run() }
        #expect(error?.problem.contains("time budget of 1e-09 seconds") == true, "\(String(describing: error))")
        #expect(error?.remedy?.contains("--time-budget") == true)
        #expect(FilePath.contents(of: scratch.path) == ["linked", "spec.yaml"], "no folder, audit, receipt or temporary left")
    }

    @Test("a release or audit folder that does not exist is refused before any disclosure work")
    func missingOutputFolder() throws {
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        let specPath = scratch.write("spec.yaml", "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-flag, title: F, rows: [flag]}\n")
        for (output, audit) in [(scratch.file("missing/release"), nil), (scratch.file("release"), scratch.file("missing/audit.json"))] {
            var protected = false
            var stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: output, auditPath: audit)
            stage.protect = { policy, microdata, tables in
                protected = true
                return try ReleaseProtector(policy: policy).protect(microdata, tables: tables)
            }
            let error = expectRefused(.io) { try stage.run() }
            #expect(error?.problem.contains(scratch.file("missing") + " does not exist") == true, "\(String(describing: error))")
            #expect(!protected, "the disclosure work ran before the output folder was checked")
            #expect(FilePath.contents(of: scratch.path) == ["linked", "spec.yaml"], "nothing written")
        }
    }

    @Test("within the default budget the stage releases as before")
    func defaultBudget() throws {
        #expect(ReportStage.defaultTimeBudget == TimeBudget.defaultSeconds)
        let scratch = Scratch()
        let linked = scratch.linked(Self.header, Self.rows)
        try runReport(scratch, spec: "report: 1\nid: r\ntitle: R\ntables:\n  - {id: by-flag, title: F, rows: [flag]}\n",
                      linked: linked, policy: nil)
        #expect(tidyCells(scratch, "by-flag")["Yes"] == "15")
    }
}
