#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Cryptography
import Governance
import PathlinkCore
import Provenance
import Tabular

/// Stage 2 (data owner, key): turn an extract into a pseudonymised file.
///
/// Every `identifier` column keeps its name and holds tokens of its domain; every match
/// key and confirm key of the plan adds a token column named after it (blank, with a
/// warning in the receipt, when the dataset lacks a field the key needs); `linkage`
/// columns are dropped; attribute, generalised quasi and derived columns pass through.
/// The derivation is `governance/token-specification.md`; the stage is
/// `docs/pseudonymise.md`.
///
/// The extract is streamed (memory is bounded by one record); the output and its receipt
/// appear atomically, and on any error neither does.
package struct Pseudonymiser {
    package let manifest: Manifest
    package let plan: LinkagePlan
    package let key: MasterKey
    package var force: Bool
    /// Show progress on stderr (nil: when stderr is a terminal).
    package var showProgress: Bool?
    /// For tests only: where the tokenisers' OpenSSL calls are made to fail (nil: nowhere).
    package var failurePoint: FailurePoint?
    /// Threads that tokenise (default `PATHLINK_THREADS`, else every core); with more than
    /// one, records are read in blocks and each thread tokenises a share of every block.
    package var threads = Parallel.threads
    /// Records each thread tokenises per block (memory is bounded by a block, never the file).
    package var recordsPerThread = 8192

    package init(manifest: Manifest, plan: LinkagePlan, key: MasterKey, force: Bool = false, showProgress: Bool? = nil,
                 failurePoint: FailurePoint? = nil) {
        self.manifest = manifest
        self.plan = plan
        self.key = key
        self.force = force
        self.showProgress = showProgress
        self.failurePoint = failurePoint
    }


    /// The token domains pseudonymising `manifest` under `plan` needs: its identifier
    /// columns' domains and the plan's match and confirm keys' (for
    /// ``MasterKey/primeAndWipe(project:domains:)`` before any data is read).
    package static func domains(manifest: Manifest, plan: LinkagePlan) -> [String] {
        var domains: [String] = []
        for domain in manifest.columns.compactMap(\.domain) + plan.allKeys.map(\.domain) where !domains.contains(domain) {
            domains.append(domain)
        }
        return domains
    }

    /// What a run did (also in its receipt).
    package struct Summary: Sendable, Equatable {
        package var records = 0
        /// Output column names, in order.
        package var columns: [String] = []
        package var warnings: [String] = []
    }

    /// Pseudonymise `input` (an extract of ``manifest`` with its receipt) into `output`
    /// and `output.receipt.json`.
    /// - Throws: `.provenance` when the extract's receipt is missing or names another
    ///   manifest or dataset; `.header` when its header is not the manifest's extract
    ///   columns; `.outputExists`, `.io`, `.malformedCSV`; `.internal` when an OpenSSL call
    ///   fails (then no output and no receipt are written).
    @discardableResult
    package func run(input: String, output: String) throws -> Summary {
        let started = Date()
        let receiptPath = Receipt.path(for: output)
        try Receipt.refuseExisting(for: output, force: force, inputs: [input, manifest.path, plan.path])
        if !force && FilePath.exists(output) {
            throw PathlinkError(.outputExists, file: output, problem: "the output already exists",
                                remedy: "choose another output path, or add --force to replace it")
        }
        try Receipt.refuseExisting(for: output, force: force)
        let manifestHash = try SHA256.hex(ofFile: manifest.path)
        let inputHash = try SHA256.hex(ofFile: input)
        try checkExtractReceipt(input: input, inputHash: inputHash, manifestHash: manifestHash)

        let reader = try CSVReader(path: input)
        let layout = try PseudonymiseLayout(manifest: manifest, plan: plan, key: key, header: reader.header, file: input,
                                            failurePoint: failurePoint)
        let writer = try CSVWriter(path: output, force: force)
        // The output is hashed as it is written, on a second thread (not re-read afterwards).
        let outputHasher = BackgroundSHA256()
        writer.observer = outputHasher
        var summary = Summary(columns: layout.outputHeader, warnings: layout.warnings)
        do {
            try writer.writeRecord(layout.outputHeader)
            let progress = Progress("pseudonymise \(manifest.dataset)", unit: "records", enabled: showProgress)
            // The key-custody test stops the stage here, mid-file (TestHook; -1: never).
            let pauseAfter = TestHook.pauseAfterPrimingRecord
            if threads <= 1 {
                while try reader.next() {
                    try layout.write(record: reader, to: writer)
                    summary.records += 1
                    progress.update(summary.records)
                    if summary.records == pauseAfter { TestHook.pauseAfterPriming(stage: "pseudonymise") }
                }
            } else {
                summary.records = try pseudonymiseInBlocks(reader: reader, layout: layout, writer: writer, progress: progress,
                                                           pauseAfter: pauseAfter)
            }
            progress.finish()
            try writer.close()
        } catch {
            writer.discard()
            throw error
        }

        var receipt = Receipt(stage: "pseudonymise", started: started)
        receipt.dataset = manifest.dataset
        do {
            let folder = FilePath.split(receiptPath).parent
            receipt.documents = [
                Receipt.Document(kind: "manifest", name: manifest.dataset, path: FilePath.relative(manifest.path, to: folder), sha256: manifestHash),
                try Receipt.document(kind: "plan", name: plan.project, path: plan.path, relativeTo: receiptPath),
            ]
            receipt.keyFingerprint = key.fingerprint
            receipt.inputs = [Receipt.FileEntry(path: FilePath.relative(input, to: folder), sha256: inputHash,
                                                rows: summary.records, dataset: manifest.dataset)]
            receipt.outputs = [Receipt.FileEntry(path: FilePath.relative(output, to: folder), sha256: Hex.encode(outputHasher.finalize()),
                                                 rows: summary.records, dataset: manifest.dataset)]
            receipt.columns = layout.receiptColumns()
            receipt.counts = ["records": summary.records]
            receipt.warnings = layout.warnings
            try receipt.write(beside: output, force: force)
        } catch {
            // No output without its receipt.
            unlink(output)
            throw error
        }
        return summary
    }

    /// Pseudonymise every record on ``threads`` threads: read a block of records, let each
    /// thread tokenise a contiguous share of it into its own buffer (with its own copies of
    /// the primed HMAC contexts), then write the buffers in record order. The file is the
    /// one a single thread writes, byte for byte; the counts go back into `layout`.
    /// - Returns: the number of records.
    /// - Throws: the first error by record order (after every thread stopped).
    private func pseudonymiseInBlocks(reader: CSVReader, layout: PseudonymiseLayout, writer: CSVWriter,
                                      progress: PathlinkCore.Progress, pauseAfter: Int = -1) throws -> Int {
        let threads = self.threads
        let workers = try (0..<threads).map { _ in try layout.makeWorker() }
        let buffers = (0..<threads).map { _ in CSVFieldBuffer(like: writer) }
        let block = CSVRecordBlock(columns: reader.header.count)
        let blockRecords = threads * max(1, recordsPerThread)
        var records = 0
        var isAtEnd = false
        while !isAtEnd {
            block.removeAll()
            while block.count < blockRecords {
                guard try reader.next() else { isAtEnd = true; break }
                block.append(reader)
            }
            let count = block.count
            if count == 0 { break }
            let failures: [Error?] = Parallel.map(threads, threads: threads) { worker in
                let buffer = buffers[worker], layout = workers[worker]
                buffer.removeAll()
                do {
                    for index in (count * worker / threads)..<(count * (worker + 1) / threads) {
                        try layout.write(record: block.record(index), to: buffer)
                    }
                    return nil
                } catch {
                    return error
                }
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
            for buffer in buffers {
                try buffer.withFormattedBytes { try writer.writeFormatted($0, records: buffer.records) }
            }
            let before = records
            records += count
            progress.update(records)
            if pauseAfter >= 0 && before < pauseAfter && records >= pauseAfter { TestHook.pauseAfterPriming(stage: "pseudonymise") }
        }
        for worker in workers { layout.absorbCounts(from: worker) }
        return records
    }

    /// The extract must come with the receipt `extract` wrote, naming this manifest
    /// (by SHA-256) and dataset, and listing this very file.
    func checkExtractReceipt(input: String, inputHash: String, manifestHash: String) throws {
        let extractReceipt = try Receipt.read(for: input)
        guard extractReceipt.stage == "extract" else {
            throw PathlinkError(.provenance, file: input,
                                problem: "the input's receipt is from the \(extractReceipt.stage) stage, not extract",
                                remedy: "pseudonymise the file written by `pathlink extract`")
        }
        guard extractReceipt.dataset == manifest.dataset else {
            throw PathlinkError(.provenance, file: input,
                                problem: "the extract holds dataset \(extractReceipt.dataset ?? "(none)"), but the manifest \(manifest.path) is for \(manifest.dataset)",
                                remedy: "give the manifest the extract was made with")
        }
        guard let document = extractReceipt.documents.first(where: { $0.kind == "manifest" }), document.sha256 == manifestHash else {
            throw PathlinkError(.provenance, file: input,
                                problem: "the extract was made with a different version of the manifest than \(manifest.path) (SHA-256 differs)",
                                remedy: "give the exact manifest the extract was made with, or run `pathlink extract` again with this manifest")
        }
        guard extractReceipt.outputs.contains(where: { $0.sha256 == inputHash }) else {
            throw PathlinkError(.provenance, file: input,
                                problem: "the extract does not match its receipt (it was changed after `pathlink extract` wrote it)",
                                remedy: "run `pathlink extract` again; extracts must not be edited")
        }
    }
}
