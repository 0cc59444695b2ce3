import Disclosure
import Foundation
import PathlinkCore
@testable import Reporting
import Tabular
import Testing

/// A scratch folder per test, removed at the end.
final class Scratch {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-tests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { FilePath.join(path, name) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        try! FileManager.default.createDirectory(atPath: FilePath.split(target).parent, withIntermediateDirectories: true)
        try! text.write(toFile: target, atomically: false, encoding: .utf8)
        return target
    }

    /// A hand-made linked folder in the format of `pathlink link` (docs/link.md "Outputs").
    func linked(_ header: [String], _ rows: [[String]], quality: String? = nil, name: String = "linked") -> String {
        let folder = file(name)
        var text = header.joined(separator: ",") + "\n"
        for row in rows { text += row.joined(separator: ",") + "\n" }
        write(name + "/journeys.csv", text)
        if let quality { write(name + "/quality.json", quality) }
        return folder
    }

    func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
}

/// A policy with no suppression at all (threshold 1), for tests of counting.
let countingPolicy = "policy: 1\nthreshold: 1\n"

/// Run a report and return the scratch folder's release paths.
@discardableResult
func runReport(_ scratch: Scratch, spec: String, linked: String, policy: String? = countingPolicy,
               output: String = "release", audit: String? = nil, force: Bool = false) throws -> ReportStage.Summary {
    let specPath = scratch.write("spec.yaml", spec)
    let policyPath = policy.map { scratch.write("policy.yaml", $0) }
    let stage = ReportStage(specPath: specPath, inputPath: linked, outputPath: scratch.file(output), policyPath: policyPath,
                            auditPath: audit.map(scratch.file), force: force)
    return try stage.run()
}

/// The tidy CSV of a table as {coordinates joined by "|": value columns joined by "|"}.
func tidyCells(_ scratch: Scratch, _ id: String, output: String = "release") -> [String: String] {
    guard let table = try? CSVTable(contentsOf: scratch.file("\(output)/\(id).csv")) else { return [:] }
    let valueColumns = table.header.filter { ["value", "numerator", "denominator", "rate"].contains($0) }.count
    var result: [String: String] = [:]
    for fields in table.rows {
        result[fields.dropLast(valueColumns).joined(separator: "|")] = fields.suffix(valueColumns).joined(separator: "|")
    }
    return result
}

/// Expect a PathlinkError with `code`, and return it for more checks.
@discardableResult
func expectRefused(_ code: PathlinkError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) -> PathlinkError? {
    do {
        try body()
        Issue.record("expected a \(code) error, but it succeeded", sourceLocation: sourceLocation)
    } catch let error as PathlinkError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a PathlinkError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Persons with a sex, a region and an outcome; person p1 has two records with different
/// outcomes (record 1: Charged, May; record 7: NFA, February).
let smallHeader = ["record_id", "person_id", "sex", "region", "outcome", "referral_month", "police.crimes.link"]
let smallRows: [[String]] = [
    ["1", "p1", "F", "North", "Charged", "2024-05", "crime-reference"],
    ["7", "p1", "F", "North", "NFA", "2024-02", ""],
    ["2", "p2", "F", "South", "NFA", "2024-01", "MK1"],
    ["3", "p3", "M", "North", "Charged", "2024-03", ""],
    ["4", "p4", "F", "South", "", "2024-04", "MK2"],
    ["5", "p5", "M", "South", "Withdrawn", "2024-06", "crime-reference"],
    ["6", "p6", "F", "North", "NFA", "2024-07", ""],
]

/// The outcome grouped, used by several tests.
let outcomeGroups = """
variables:
  outcome_group:
    from: outcome
    map:
      Charged: [Charged]
      Not charged: [NFA, Withdrawn]
      Open: [""]

"""
