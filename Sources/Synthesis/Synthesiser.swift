#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PathlinkCore
import Provenance
import Tabular

/// `pathlink synth`: writes the three synthetic raw exports and their ground truth.
///
/// The same number of persons and seed give byte-identical files (receipts' timestamps
/// aside). Records are generated person by person and written in blocks, each block
/// shuffled, so memory stays bounded whatever the size, and no file's order follows
/// another's. See docs/synthetic-data.md for what is generated and why.
package enum Synthesiser {
    /// The largest population `synth` makes (client numbers are scrambled within 10⁷).
    package static let maximumPersons = 5_000_000

    package struct Options: Sendable {
        package var persons: Int
        package var seed: UInt64
        /// The output folder; created when missing (its parent must exist).
        package var output: String
        package var force: Bool
        package var rates: MessRates
        /// How often the population's hard cases happen (``SynthesisProfile``).
        package var population: PopulationRates
        /// Persons per shuffled block.
        package var blockSize: Int
        /// Show progress on stderr when it is a terminal (nil = decide by the terminal).
        package var showsProgress: Bool?

        package init(persons: Int, seed: UInt64, output: String, force: Bool = false,
                    rates: MessRates = .default, population: PopulationRates = .typical, blockSize: Int = 4096, showsProgress: Bool? = nil) {
            self.population = population
            self.persons = persons
            self.seed = seed
            self.output = output
            self.force = force
            self.rates = rates
            self.blockSize = blockSize
            self.showsProgress = showsProgress
        }
    }

    /// What was written: each file's path and data rows, in `SyntheticExport.all` order.
    package struct Summary: Sendable, Equatable {
        package var files: [(path: String, rows: Int)]
        package var persons: Int
        /// The rates the population realised.
        package var statistics = PopulationStatistics()

        package static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.persons == rhs.persons && lhs.files.map(\.path) == rhs.files.map(\.path) && lhs.files.map(\.rows) == rhs.files.map(\.rows)
        }

        /// The path of `export`'s file.
        package func path(of export: SyntheticExport) -> String {
            files[SyntheticExport.all.firstIndex(of: export)!].path
        }
    }

    /// Generate and write everything.
    /// - Throws: `.usage` for a bad size; `.outputExists` when any file or receipt exists
    ///   and `force` is false (checked before anything is written); `.io`.
    @discardableResult
    package static func run(_ options: Options) throws -> Summary {
        let started = Date()
        guard options.persons >= 1 && options.persons <= maximumPersons else {
            throw PathlinkError(.usage, problem: "--persons must be between 1 and \(maximumPersons)",
                                remedy: "give a number of persons such as --persons 5000")
        }
        guard options.blockSize >= 1 else {
            throw PathlinkError(.usage, problem: "the block size must be at least 1", remedy: "use the default block size")
        }
        try prepareFolder(options.output)
        let paths = SyntheticExport.all.map { FilePath.join(options.output, $0.fileName) }
        if !options.force {
            for path in paths + paths.map(Receipt.path(for:)) where FilePath.exists(path) {
                throw PathlinkError(.outputExists, file: path, problem: "the output already exists",
                                    remedy: "choose another output folder, or add --force to replace the synthetic files")
            }
        }
        let writers = try zip(SyntheticExport.all, paths).map { export, path in
            try CSVWriter(path: path, force: options.force, lineEnding: export.lineEnding, byteOrderMark: export.byteOrderMark)
        }
        for (export, writer) in zip(SyntheticExport.all, writers) { try writer.writeRecord(export.header) }

        var generator = PopulationGenerator(seed: options.seed, rates: options.rates, population: options.population)
        // Blocks are shuffled and written on a second thread while the next one is
        // generated. The shuffler's random stream is used only there, block after block in
        // order, so the bytes are the same as when both happen on one thread.
        var writer = BlockWriter(support: writers[0], police: writers[1], cps: writers[2], truth: writers[3],
                                 shuffler: SplitMix64(seed: options.seed ^ 0x5EED_5EED_5EED_5EED))
        let progress = Progress("synth", total: options.persons, unit: "persons", enabled: options.showsProgress)
        var blockStart = 0
        try Parallel.pipeline(threads: min(2, Parallel.threads), produce: { submit in
            while generator.personCount < options.persons {
                generator.makeGroup(maximumPersons: options.persons - generator.personCount)
                if generator.personCount - blockStart >= options.blockSize || generator.personCount == options.persons {
                    try submit(Block(support: generator.support, police: generator.police, cps: generator.cps))
                    generator.support.removeAll(keepingCapacity: true)
                    generator.police.removeAll(keepingCapacity: true)
                    generator.cps.removeAll(keepingCapacity: true)
                    blockStart = generator.personCount
                    progress.update(generator.personCount)
                }
            }
        }, consume: { block in
            try writer.write(block)
        })
        progress.finish()
        for writer in writers { try writer.close() }

        var files: [(path: String, rows: Int)] = []
        for (export, writer) in zip(SyntheticExport.all, writers) {
            let rows = writer.recordCount - 1
            files.append((writer.path, rows))
            var receipt = Receipt(stage: "synth", started: started)
            receipt.dataset = export.dataset
            let receiptPath = Receipt.path(for: writer.path)
            receipt.outputs = [try Receipt.entry(for: writer.path, relativeTo: receiptPath, rows: rows)]
            receipt.counts["persons"] = options.persons
            if let seed = Int(exactly: options.seed) { receipt.counts["seed"] = seed }
            receipt.warnings = [export.dataset == nil
                ? "ground truth for linkage evaluation: synthetic test data; it says who every record belongs to, so it must never go to a linker or a researcher"
                : "synthetic test data: fictitious names, dates of birth, addresses and free text, generated by pathlink synth; not a real export"]
            try receipt.write(beside: writer.path, force: options.force)
        }
        return Summary(files: files, persons: options.persons, statistics: generator.statistics)
    }

    /// Create the output folder when missing; refuse a file in its place.
    private static func prepareFolder(_ folder: String) throws {
        if FilePath.isDirectory(folder) { return }
        if FilePath.exists(folder) {
            throw PathlinkError(.io, file: folder, problem: "this is a file, not a folder",
                                remedy: "give --output a folder (it is created when missing)")
        }
        guard mkdir(folder, 0o755) == 0 else {
            throw PathlinkError.io(path: folder, operation: "create the folder", remedy: "check that its parent folder exists and that you may write to it")
        }
    }
}

/// One block of generated records, in generation order.
private struct Block {
    var support: [SyntheticRecord]
    var police: [SyntheticRecord]
    var cps: [SyntheticRecord]
}

/// Shuffles a block of generated records and writes them with their ground truth.
private struct BlockWriter {
    let support: CSVWriter
    let police: CSVWriter
    let cps: CSVWriter
    let truth: CSVWriter
    var shuffler: SplitMix64
    private var caseNumber = 0

    init(support: CSVWriter, police: CSVWriter, cps: CSVWriter, truth: CSVWriter, shuffler: SplitMix64) {
        self.support = support
        self.police = police
        self.cps = cps
        self.truth = truth
        self.shuffler = shuffler
    }

    mutating func write(_ block: Block) throws {
        var block = block
        shuffler.shuffle(&block.support)
        shuffler.shuffle(&block.police)
        shuffler.shuffle(&block.cps)
        for var record in block.support {
            caseNumber += 1
            record.recordKey = "SWE" + pad(caseNumber, 7)
            record.fields[0] = record.recordKey
            try emit(record, to: support, dataset: "support-service.cases")
        }
        for record in block.police { try emit(record, to: police, dataset: "police.crimes") }
        for record in block.cps { try emit(record, to: cps, dataset: "cps.cases") }
    }

    private func emit(_ record: SyntheticRecord, to writer: CSVWriter, dataset: String) throws {
        try writer.writeRecord(record.fields)
        // The row as a spreadsheet numbers it: the header is row 1.
        try truth.writeRecord([dataset, String(writer.recordCount), record.recordKey, record.personID, record.crimeID,
                               record.role, record.excluded, record.scenarios])
    }
}
