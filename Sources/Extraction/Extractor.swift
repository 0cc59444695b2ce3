import Foundation
import Governance
import PathlinkCore
import Provenance
import Cryptography
import Tabular

/// Stage 1: turn a raw export into an extract, as its manifest says (schemas/README.md;
/// governance/column-classes.md "The classes at each stage").
///
/// In order, for every record: the `rows` conditions (records failing one are excluded
/// and counted per condition), then per column: `direct` and `free-text` dropped;
/// `quasi` generalised; `identifier`, `linkage` and `attribute` kept (dates of birth and
/// closed value lists checked); derived columns appended. The header is checked first and
/// fails closed. The extract and its receipt appear atomically; on any error neither does.
///
/// Memory is bounded: the export is streamed record by record.
package struct Extractor {
    package let manifest: Manifest
    package var force = false
    package var showProgress: Bool? = nil

    package init(manifest: Manifest, force: Bool = false) {
        self.manifest = manifest
        self.force = force
    }

    /// Counts from a finished extract (also in its receipt).
    package struct Summary: Sendable {
        package var recordsRead = 0
        package var recordsWritten = 0
        package var excluded: [(condition: String, count: Int)] = []
    }

    /// Extract `input` into `output` (and `output.receipt.json`).
    /// - Throws: `PathlinkError` naming file, row and column; nothing is written then.
    @discardableResult
    package func run(input: String, output: String) throws -> Summary {
        let started = Date()
        let receiptPath = Receipt.path(for: output)
        try Receipt.refuseExisting(for: output, force: force, inputs: [input, manifest.path])
        try ExtractGate.refuseLintErrors(manifest)
        try ExtractGate.profileOpenColumns(manifest, input: input)
        // Both hashes run on a second thread, reading the reader's and writer's buffers
        // where they lie (each waits for the hasher before reusing a buffer).
        let inputHasher = BackgroundSHA256()
        let encoding = TextEncoding(rawValue: manifest.input.encoding) ?? .utf8
        let reader = try CSVReader(path: input, delimiter: manifest.input.delimiter, encoding: encoding,
                                   observer: inputHasher)
        let layout = try HeaderCheck(manifest: manifest, header: reader.header, file: input).layout()

        let writer = try CSVWriter(path: output, force: force)
        let outputHasher = BackgroundSHA256()
        writer.observer = outputHasher
        var summary = Summary()
        var counters = ColumnCounters(count: reader.header.count + manifest.derive.count)
        var excludedByCondition = Array(repeating: 0, count: layout.conditions.count + (layout.age == nil ? 0 : 1))
        let progress = Progress("extract \(manifest.dataset)", unit: "records", enabled: showProgress)
        do {
            try writer.writeRecord(layout.outputHeader)
            var scratch = [UInt8](repeating: 0, count: 16)
            let inputColumns = reader.header.count
            while try reader.next() {
                summary.recordsRead += 1
                progress.update(summary.recordsRead)
                if let failed = try layout.failedCondition(reader) {
                    excludedByCondition[failed] += 1
                    continue
                }
                for step in layout.steps {
                    switch step {
                    case .column(let index):
                        try layout.writeColumn(index, reader: reader, writer: writer, counters: &counters, scratch: &scratch)
                    case .run(let first, let count):
                        try layout.writeRun(first: first, count: count, reader: reader, writer: writer, counters: &counters, scratch: &scratch)
                    }
                }
                for offset in layout.derivationColumns.indices {
                    try layout.writeDerived(offset, reader: reader, writer: writer, counter: inputColumns + offset, counters: &counters)
                }
                try writer.endRecord()
                summary.recordsWritten += 1
            }
            progress.finish()
            if summary.recordsRead == 0 {
                throw PathlinkError(.malformedCSV, file: input, row: 2, problem: "the export has a header but no records",
                                    remedy: "check that the export finished and that this is the right file")
            }
            try writer.close()
        } catch {
            progress.finish()
            writer.discard()
            throw error
        }

        var receipt = Receipt(stage: "extract", started: started)
        receipt.dataset = manifest.dataset
        do {
            receipt.documents = [try Receipt.document(kind: "manifest", name: manifest.dataset, path: manifest.path, relativeTo: receiptPath)]
            let folder = FilePath.split(receiptPath).parent
            receipt.inputs = [Receipt.FileEntry(path: FilePath.relative(input, to: folder), sha256: Hex.encode(inputHasher.finalize()),
                                                rows: summary.recordsRead)]
            receipt.outputs = [Receipt.FileEntry(path: FilePath.relative(output, to: folder), sha256: Hex.encode(outputHasher.finalize()),
                                                 rows: summary.recordsWritten, dataset: manifest.dataset)]
            receipt.columns = layout.receiptColumns(counters: counters)
            for (index, count) in excludedByCondition.enumerated() {
                summary.excluded.append((layout.conditionNames[index], count))
                receipt.excluded.append(Receipt.Exclusion(condition: layout.conditionNames[index], count: count))
            }
            receipt.counts = ["records_read": summary.recordsRead, "records_written": summary.recordsWritten,
                              "records_excluded": summary.recordsRead - summary.recordsWritten]
            receipt.warnings = layout.warnings
            try receipt.write(beside: output, force: force)
        } catch {
            unlink(output)
            throw error
        }
        return summary
    }
}

/// Missing and invalid counts per input column (then per derived column).
struct ColumnCounters {
    var missing: [Int]
    var invalid: [Int]
    init(count: Int) {
        missing = Array(repeating: 0, count: count)
        invalid = Array(repeating: 0, count: count)
    }
}
