#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Governance
import PathlinkCore
import Provenance
import Tabular

/// `pathlink rekey`: the linker's re-keyed token files, for running the plan as SQL
/// (``LinkSQL``) where only the linking unit's data may be (docs/scaling.md).
///
/// Each input is read and checked exactly as `link` reads it (``LinkDataset``: receipt,
/// hash, column classes) and every token column is re-keyed with the same secret-derived
/// key `link` uses (``Rekeyer``), so an SQL engine never sees an owner's token. The file
/// `DIR/<dataset>.tokens.csv` holds `rekey_row` (the record's 0-based row in the input: the
/// research-id hash is keyed by it), then the token columns, then the attributes, each in
/// input order; its receipt is beside it.
package enum RekeyedTokens {
    /// The column holding each record's row number in the pseudonymised input.
    package static let rowColumn = "rekey_row"

    /// The file name `rekey` writes for `dataset` in its output folder.
    package static func fileName(_ dataset: String) -> String { "\(dataset).tokens.csv" }

    /// Re-key every input into `folder` (created if missing).
    /// - Throws: `PathlinkError` naming the file (and row, column); never a token.
    /// - Returns: the rows written per dataset, sorted by dataset.
    @discardableResult
    package static func write(planPath: String, inputs: [(dataset: String, path: String)], folder: String, secret: LinkerSecret,
                              force: Bool) throws -> [(dataset: String, rows: Int)] {
        let started = Date()
        let plan = try LinkagePlan.load(path: planPath)
        let inputs = try Linker.checkedInputs(inputs, plan: plan)
        if !FilePath.isDirectory(folder) {
            guard mkdir(folder, 0o700) == 0 || FilePath.isDirectory(folder) else {
                throw PathlinkError.io(path: folder, operation: "create")
            }
        }
        for input in inputs {
            let path = FilePath.join(folder, fileName(input.dataset))
            try Receipt.refuseExisting(for: path, force: force)
        }
        let rekeyer = Rekeyer(key: try secret.derivedKey("rekey"))
        var written: [(dataset: String, rows: Int)] = []
        for input in inputs {
            let dataset = try LinkDataset(name: input.dataset, path: input.path, rekeyer: try rekeyer.makeCopy())
            if dataset.tokenColumns.contains(where: { $0.name == rowColumn }) || dataset.attribute(named: rowColumn) != nil {
                throw PathlinkError(.invalidDocument, file: input.path, column: rowColumn,
                                    problem: "the input has a column named \(rowColumn), the name rekey gives the row number",
                                    remedy: "rename that column in the dataset's manifest and re-run extract and pseudonymise")
            }
            let path = FilePath.join(folder, fileName(input.dataset))
            let writer = try CSVWriter(path: path, force: force, lineEnding: .lf)
            try writer.writeRecord([rowColumn] + dataset.tokenColumns.map(\.name) + dataset.attributes.map(\.name))
            var hex = [UInt8](repeating: 0, count: 32)
            for row in 0..<dataset.rows {
                try writer.write(String(row))
                for column in dataset.tokenColumns {
                    let token = column.values[row]
                    if token.isMissing {
                        try writer.write("")
                    } else {
                        token.hex(into: &hex)
                        try hex.withUnsafeBufferPointer { try writer.write($0) }
                    }
                }
                for attribute in dataset.attributes { try writer.write(attribute.dictionary.value(attribute.codes[row])) }
                try writer.endRecord()
            }
            try writer.close()

            let receiptPath = Receipt.path(for: path)
            var receipt = Receipt(stage: "rekey", started: started)
            receipt.dataset = input.dataset
            receipt.documents = [try Receipt.document(kind: "plan", name: plan.project, path: planPath, relativeTo: receiptPath)]
            let receiptFolder = FilePath.split(receiptPath).parent
            receipt.inputs = [Receipt.FileEntry(path: FilePath.relative(input.path, to: receiptFolder), sha256: dataset.sha256,
                                                rows: dataset.rows, dataset: input.dataset)]
            receipt.outputs = [try Receipt.entry(for: path, relativeTo: receiptPath, rows: dataset.rows, dataset: input.dataset)]
            receipt.columns = [Receipt.Column(name: rowColumn, class: "row", action: "row number in the input")]
                + dataset.receipt.columns.filter { $0.action != "dropped" && $0.action != "consumed" }
            try receipt.write(beside: path, force: force)
            written.append((input.dataset, dataset.rows))
        }
        return written
    }
}

extension Token {
    /// The 32 lowercase hex digits of the token, into `bytes` (32 bytes).
    func hex(into bytes: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for (index, word) in [high, low].enumerated() {
            for nibble in 0..<16 {
                bytes[index * 16 + nibble] = digits[Int((word >> UInt64(60 - 4 * nibble)) & 0xF)]
            }
        }
    }
}
