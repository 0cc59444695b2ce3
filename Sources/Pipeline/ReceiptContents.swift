import Governance
import PathlinkCore
import Provenance
import Tabular

/// What `verify` checks inside a receipt, beyond hashes (issue 14): a receipt whose file
/// hashes still match may have had its counts or column actions edited by hand.
///
/// - every CSV output with a recorded row count must have that many data records;
/// - an extract receipt's counts must agree with each other (records read = written +
///   excluded, the exclusions per condition summing to the excluded records) and with its
///   input and output rows;
/// - an extract receipt's column actions must be those its manifest's classes give
///   (`direct` and `free-text` dropped, `quasi` generalised, the others kept).
/// Findings name the receipt, the file or column, and the two numbers or actions; never data.
enum ReceiptContents {
    /// The problems found in `receipt` (whose files are resolved by `resolve`), as
    /// (file or column, problem) pairs.
    static func problems(in receipt: Receipt, resolve: (String) -> String) -> [(String, String)] {
        var problems: [(String, String)] = []
        for output in receipt.outputs {
            guard let recorded = output.rows, output.path.hasSuffix(".csv") else { continue }
            let path = resolve(output.path)
            guard FilePath.isRegularFile(path), let counted = try? dataRecords(in: path) else { continue }
            if counted != recorded {
                problems.append((output.path, "the receipt records \(recorded) data rows, but the file has \(counted)"))
            }
        }
        guard receipt.stage == "extract" else { return problems }
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
        if let document = receipt.documents.first(where: { $0.kind == "manifest" }),
           let manifest = try? Manifest.load(path: resolve(document.path)) {
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
        }
        return problems
    }

    /// Data records (header excluded) of a Pathlink CSV output.
    static func dataRecords(in path: String) throws -> Int {
        let reader = try CSVReader(path: path)
        var count = 0
        while try reader.next() { count += 1 }
        return count
    }
}
