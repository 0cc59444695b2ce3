import Extraction
import Governance
import PathlinkCore
import Provenance
import Tabular

/// What `verify` checks inside a receipt, beyond hashes (issue 14): a receipt whose file
/// hashes still match may have had its counts, column actions or token columns edited by
/// hand.
///
/// - every CSV output with a recorded row count must have that many data records;
/// - an extract's or token file's header must be the receipt's output columns (those not
///   `dropped` or `consumed`), in order;
/// - an extract receipt's counts must agree with each other (records read = written +
///   excluded, the exclusions per condition summing to the excluded records), with its
///   input and output rows, and — when the raw export and manifest can be read — with
///   the records each of the manifest's `rows` conditions excludes from the export;
/// - an extract receipt's column actions must be those its manifest's classes give
///   (`direct` and `free-text` dropped, `quasi` generalised, the others kept);
/// - a token file's receipt must list exactly the token columns its manifest and plan
///   give: each `identifier` in its domain, each match key and confirm key of the plan
///   (domain `person/NAME`) — none renamed, added or removed.
/// A file is read only through `verified`, which gives its path when it lies inside the
/// verified roots and still has its recorded SHA-256. Findings name the receipt, the file
/// or column, and the two numbers or names; never data.
enum ReceiptContents {
    /// The problems found in `receipt`, as (file or column, problem) pairs. `verified`
    /// maps a path the receipt names and its recorded SHA-256 to a readable path, or nil.
    static func problems(in receipt: Receipt, verified: (String, String) -> String?) -> [(String, String)] {
        var problems: [(String, String)] = []
        for output in receipt.outputs where output.path.hasSuffix(".csv") {
            guard let path = verified(output.path, output.sha256) else { continue }
            if let recorded = output.rows, let counted = try? dataRecords(in: path), counted != recorded {
                problems.append((output.path, "the receipt records \(recorded) data rows, but the file has \(counted)"))
            }
            if receipt.stage == "extract" || receipt.stage == "pseudonymise", !receipt.columns.isEmpty,
               let header = try? CSVReader(path: path).header {
                let recorded = receipt.columns.filter { $0.action != "dropped" && $0.action != "consumed" }.map(\.name)
                if header != recorded {
                    problems.append((output.path, "the file's columns are not the output columns its receipt lists"
                                     + difference(file: header, receipt: recorded)))
                }
            }
        }
        let manifest = document("manifest", of: receipt, verified: verified).flatMap { try? Manifest.load(path: $0) }
        switch receipt.stage {
        case "extract":
            problems += extractProblems(receipt, manifest: manifest, verified: verified)
        case "pseudonymise":
            if let manifest, let plan = document("plan", of: receipt, verified: verified).flatMap({ try? LinkagePlan.load(path: $0) }) {
                problems += tokenProblems(receipt, manifest: manifest, plan: plan)
            }
        default:
            break
        }
        return problems
    }

    /// The readable path of the receipt's document of `kind`, when it is as recorded.
    static func document(_ kind: String, of receipt: Receipt, verified: (String, String) -> String?) -> String? {
        receipt.documents.first { $0.kind == kind }.flatMap { verified($0.path, $0.sha256) }
    }

    static func extractProblems(_ receipt: Receipt, manifest: Manifest?, verified: (String, String) -> String?) -> [(String, String)] {
        var problems: [(String, String)] = []
        let read = receipt.counts["records_read"], written = receipt.counts["records_written"], excluded = receipt.counts["records_excluded"]
        if let read, let written, let excluded, read != written + excluded {
            problems.append(("counts", "records read (\(read)) is not records written (\(written)) + excluded (\(excluded))"))
        }
        if let excluded, receipt.excluded.reduce(0, { $0 + $1.count }) != excluded {
            problems.append(("excluded", "the exclusions per condition add up to \(receipt.excluded.reduce(0) { $0 + $1.count }), not the \(excluded) records excluded"))
        }
        if let read, let input = receipt.inputs.first?.rows, input != read {
            problems.append((receipt.inputs.first!.path, "the input's rows (\(input)) are not the records read (\(read))"))
        }
        if let written, let output = receipt.outputs.first?.rows, output != written {
            problems.append((receipt.outputs.first!.path, "the output's rows (\(output)) are not the records written (\(written))"))
        }
        guard let manifest else { return problems }
        // The exclusions per condition against the raw export itself.
        if let input = receipt.inputs.first, let raw = verified(input.path, input.sha256) {
            do {
                let counted = try Extractor(manifest: manifest).countExclusions(input: raw)
                let recorded = receipt.excluded.map { ($0.condition, $0.count) }
                if recorded.map(\.0) != counted.excluded.map(\.condition) {
                    problems.append(("excluded", "the receipt's row conditions (\(recorded.count)) are not the manifest's (\(counted.excluded.count))"
                                     + difference(file: counted.excluded.map(\.condition), receipt: recorded.map(\.0), what: "manifest")))
                } else {
                    for (index, condition) in counted.excluded.enumerated() where recorded[index].1 != condition.count {
                        problems.append(("excluded", "the receipt says \(recorded[index].1) records were excluded by \"\(condition.condition)\", but the export has \(condition.count)"))
                    }
                }
            } catch {
                problems.append((input.path, "the exclusions could not be counted again from the export: \(error)"))
            }
        }
        for column in manifest.columns {
            let expected: String
            switch column.columnClass {
            case .direct, .freeText: expected = "dropped"
            case .quasi: expected = "generalised"
            default: expected = "kept"
            }
            guard let recorded = receipt.columns.first(where: { $0.name == column.name }) else {
                problems.append(("column \(column.name)", "the receipt does not say what happened to this column of the manifest"))
                continue
            }
            if recorded.action != expected || recorded.class != column.columnClass.rawValue {
                problems.append(("column \(column.name)",
                                 "the receipt says \(recorded.class), \(recorded.action), but the manifest declares \(column.columnClass.rawValue), which is \(expected)"))
            }
        }
        return problems
    }

    /// A token file's token columns against those its manifest and plan give.
    static func tokenProblems(_ receipt: Receipt, manifest: Manifest, plan: LinkagePlan) -> [(String, String)] {
        var expected: [(name: String, class: String, domain: String)] = []
        for column in manifest.columns where column.columnClass == .identifier {
            expected.append((column.name, "identifier", column.domain ?? ""))
        }
        expected += plan.matchKeys.map { ($0.name, "matchkey", $0.domain) }
        expected += plan.confirmKeys.map { ($0.name, "confirmkey", $0.domain) }
        let recorded = receipt.columns.filter { $0.action == "tokenised" || ["matchkey", "confirmkey"].contains($0.class) }
        var problems: [(String, String)] = []
        for token in expected {
            guard let column = recorded.first(where: { $0.name == token.name }) else {
                problems.append(("column \(token.name)", "the plan and manifest give this \(token.class) token column (domain \(token.domain)), but the receipt does not list it"))
                continue
            }
            if column.class != token.class || column.action != "tokenised" || (column.domain ?? "") != token.domain {
                problems.append(("column \(token.name)",
                                 "the receipt says \(column.class), \(column.action), domain \(column.domain ?? "none"), but the plan and manifest give \(token.class), tokenised, domain \(token.domain)"))
            }
        }
        for column in recorded where !expected.contains(where: { $0.name == column.name }) {
            problems.append(("column \(column.name)", "the receipt lists this \(column.class) token column, which neither the plan nor the manifest gives"))
        }
        return problems
    }

    /// ": only in the file: …; only in the receipt: …" for two lists of column names.
    static func difference(file: [String], receipt: [String], what: String = "file") -> String {
        let onlyFile = file.filter { !receipt.contains($0) }, onlyReceipt = receipt.filter { !file.contains($0) }
        var parts: [String] = []
        if !onlyFile.isEmpty { parts.append("only in the \(what): \(onlyFile.joined(separator: ", "))") }
        if !onlyReceipt.isEmpty { parts.append("only in the receipt: \(onlyReceipt.joined(separator: ", "))") }
        if parts.isEmpty { parts.append("the same names in another order") }
        return " (" + parts.joined(separator: "; ") + ")"
    }

    /// Data records (header excluded) of a Pathlink CSV output.
    static func dataRecords(in path: String) throws -> Int {
        let reader = try CSVReader(path: path)
        var count = 0
        while try reader.next() { count += 1 }
        return count
    }
}
