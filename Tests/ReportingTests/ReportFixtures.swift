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

    /// How many copies of each person the last ``linked(_:_:quality:name:copies:)`` wrote.
    var copies = 1

    /// A hand-made linked folder in the format of `pathlink link` (docs/link.md "Outputs").
    /// With `copies` above 1, every person is written that many times (copies after the
    /// rows as given, with their own research ids), so that every count is a multiple of
    /// `copies` — ten makes every count of a counting test publishable under the policy's
    /// floor (threshold 3) and every line at least the default class size.
    func linked(_ header: [String], _ rows: [[String]], quality: String? = nil, name: String = "linked", copies: Int = 1) -> String {
        let folder = file(name)
        self.copies = copies
        var text = header.joined(separator: ",") + "\n"
        for copy in 0..<copies {
            for row in rows {
                let fields = copy == 0 ? row : row.enumerated().map { index, field in
                    ["record_id", "person_id"].contains(header[index]) ? "\(field)-\(copy)" : field
                }
                text += fields.joined(separator: ",") + "\n"
            }
        }
        write(name + "/journeys.csv", text)
        if let quality { write(name + "/quality.json", quality) }
        return folder
    }

    func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
}

/// The policy of tests of counting: the floor (threshold 3). Their linked folders hold
/// ten copies of each person (``Scratch/linked(_:_:quality:name:copies:)``), so nothing is
/// suppressed, and ``countedCells(_:_:output:)`` reads the counts of one copy.
let countingPolicy = "policy: 1\nthreshold: 3\n"

/// Copies of each person in the linked folders of counting tests.
let countingCopies = 10

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

/// The tidy CSV of a table as {coordinates joined by "|": value columns joined by "|"}, where
/// an empty value column (not published) shows the row's status symbol instead.
func tidyCells(_ scratch: Scratch, _ id: String, output: String = "release") -> [String: String] {
    guard let table = try? CSVTable(contentsOf: scratch.file("\(output)/\(id).csv")),
          let status = table.index(of: "status"), let margin = table.index(of: "is_margin") else { return [:] }
    let valueColumns = table.header.indices.filter { ["value", "numerator", "denominator", "rate"].contains(table.header[$0]) }
    let dimensions = table.header.indices.filter { !valueColumns.contains($0) && $0 != status && $0 != margin }
    var result: [String: String] = [:]
    for fields in table.rows {
        result[dimensions.map { fields[$0] }.joined(separator: "|")] =
            valueColumns.map { fields[$0].isEmpty ? fields[status] : fields[$0] }.joined(separator: "|")
    }
    return result
}

/// ``tidyCells(_:_:output:)`` with every count divided by the scratch folder's copies of
/// each person (rates are left as they are); a count that is not a multiple is kept as is,
/// so that a test comparing it fails.
func countedCells(_ scratch: Scratch, _ id: String, output: String = "release") -> [String: String] {
    guard let table = try? CSVTable(contentsOf: scratch.file("\(output)/\(id).csv")),
          let status = table.index(of: "status"), let margin = table.index(of: "is_margin") else { return [:] }
    let countColumns: Set<String> = ["value", "numerator", "denominator"]
    let valueColumns = table.header.indices.filter { countColumns.contains(table.header[$0]) || table.header[$0] == "rate" }
    let dimensions = table.header.indices.filter { !valueColumns.contains($0) && $0 != status && $0 != margin }
    var result: [String: String] = [:]
    for fields in table.rows {
        let values = valueColumns.map { index -> String in
            let field = fields[index]
            if field.isEmpty { return fields[status] }
            guard countColumns.contains(table.header[index]), let count = Int(field), count % scratch.copies == 0 else { return field }
            return String(count / scratch.copies)
        }
        result[dimensions.map { fields[$0] }.joined(separator: "|")] = values.joined(separator: "|")
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
