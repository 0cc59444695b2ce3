import Foundation
import PathlinkCore
import Tabular

/// Writes the linked folder's files (docs/link.md "Outputs"): one CSV per input,
/// journeys.csv, links.csv, quality.json and quality.md. Rows are in research-id order;
/// no token is written.
final class LinkedFolderWriter {
    let linker: PersonLinker
    let roots: [Int32]
    let ids: ResearchIDs
    let journeys: Journeys
    let folder: String
    /// Numbers for the receipt.
    private(set) var counts: [String: Int] = [:]
    /// Per dataset: its attribute columns in flat storage (the hot loop of every file).
    private let attributeTables: [AttributeTable]

    /// One dataset's attribute codes and value bytes in raw, immutable storage, so that
    /// writing a row's attributes makes no array access checks, retains or copies.
    final class AttributeTable: @unchecked Sendable {
        let columns: Int
        /// Row-major: the codes of row r are at r * columns ..< (r + 1) * columns. Rows are
        /// written in research-id order (a random permutation), so one cache line per row
        /// instead of one per column and row.
        private let codes: UnsafeMutablePointer<UInt32>
        /// The bytes of every value of every column, and per (column, code) its start.
        private let bytes: UnsafeMutablePointer<UInt8>
        private let starts: UnsafeMutablePointer<Int>
        /// Per column: the index in `starts` of its code 0.
        private let firstStart: UnsafeMutablePointer<Int>

        init(_ dataset: LinkDataset) {
            let columns = dataset.attributes.count
            self.columns = columns
            let rows = dataset.rows
            codes = .allocate(capacity: max(rows * columns, 1))
            var flat: [UInt8] = [], offsets: [Int] = [], first: [Int] = []
            for (column, attribute) in dataset.attributes.enumerated() {
                for row in 0..<rows { codes[row * columns + column] = attribute.codes[row] }
                first.append(offsets.count)
                for value in attribute.dictionary.values {
                    offsets.append(flat.count)
                    flat += Array(value.utf8)
                }
                offsets.append(flat.count)
            }
            bytes = .allocate(capacity: max(flat.count, 1))
            bytes.initialize(from: flat, count: flat.count)
            starts = .allocate(capacity: max(offsets.count, 1))
            starts.initialize(from: offsets, count: offsets.count)
            firstStart = .allocate(capacity: max(first.count, 1))
            firstStart.initialize(from: first, count: first.count)
        }

        deinit {
            codes.deallocate()
            bytes.deallocate()
            starts.deallocate()
            firstStart.deallocate()
        }

        /// Write the attributes of `row`, in column order.
        @inline(__always)
        func write(row: Int, to writer: CSVWriter) throws {
            let rowCodes = codes + row * columns
            for column in 0..<columns {
                let slot = firstStart[column] + Int(rowCodes[column])
                let start = starts[slot], end = starts[slot + 1]
                try writer.write(UnsafeBufferPointer(start: bytes + start, count: end - start))
            }
        }
    }

    init(linker: PersonLinker, roots: [Int32], ids: ResearchIDs, journeys: Journeys, folder: String) {
        self.linker = linker
        self.roots = roots
        self.ids = ids
        self.journeys = journeys
        self.folder = folder
        attributeTables = linker.datasets.map(AttributeTable.init)
    }

    struct File { var name: String; var rows: Int? }

    func writeAll(threads: Int) throws -> [File] {
        // The CSV files are independent: written on up to PATHLINK_THREADS threads. Each
        // file's bytes do not depend on the thread count.
        var jobs: [() throws -> File] = linker.datasets.indices.map { index in { try self.writeDataset(index) } }
        jobs.append { try self.writeJourneys() }
        jobs.append { try self.writeLinks() }
        var files = try Parallel.run(jobs, threads: threads)
        counts["links"] = linker.links.count
        let quality = makeQuality()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try FilePath.writeAtomically(Array(try encoder.encode(quality)) + [0x0A], to: FilePath.join(folder, "quality.json"), force: false)
        files.append(File(name: "quality.json", rows: nil))
        try FilePath.writeAtomically(QualitySummary.markdown(quality), to: FilePath.join(folder, "quality.md"), force: false)
        files.append(File(name: "quality.md", rows: nil))
        counts["records"] = roots.count
        counts["persons"] = ids.personCount
        counts["links"] = linker.links.count
        for dataset in linker.datasets { counts["records.\(dataset.name)"] = dataset.rows }
        return files.sorted { $0.name < $1.name }
    }

    // MARK: CSV helpers

    @inline(__always)
    private func writeID(_ prefix: UInt8, _ rank: Int32, width: Int, to writer: CSVWriter) throws {
        // A buffer on the stack: files are written on several threads at once.
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &buffer) { raw in
            let pointer = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let length = ResearchIDs.format(prefix, Int(rank) + 1, width: width, into: pointer)
            try writer.write(UnsafeBufferPointer(start: pointer, count: length))
        }
    }

    @inline(__always)
    private func writeRecordID(_ record: Int, to writer: CSVWriter) throws {
        try writeID(UInt8(ascii: "R"), ids.recordRank[record], width: ids.recordWidth, to: writer)
    }

    @inline(__always)
    private func writePersonID(_ record: Int, to writer: CSVWriter) throws {
        try writeID(UInt8(ascii: "P"), ids.personRank[record], width: ids.personWidth, to: writer)
    }

    private func writeAttributes(dataset index: Int, row: Int, to writer: CSVWriter) throws {
        try attributeTables[index].write(row: row, to: writer)
    }

    /// The dataset's records in research-id order. Ranks are a permutation of all records,
    /// so one pass over the inverse permutation replaces a sort.
    private func sortedRecords(of index: Int) -> [Int] {
        let start = linker.base[index], end = start + linker.datasets[index].rows
        var result: [Int] = []
        result.reserveCapacity(end - start)
        for record in ids.recordsInOrder where record >= start && record < end { result.append(Int(record)) }
        return result
    }

    // MARK: Files

    private func writeDataset(_ index: Int) throws -> File {
        let dataset = linker.datasets[index]
        let name = "\(dataset.name).csv"
        let writer = try CSVWriter(path: FilePath.join(folder, name), force: false)
        try writer.writeRecord(["record_id", "person_id"] + dataset.attributes.map(\.name))
        for record in sortedRecords(of: index) {
            try writeRecordID(record, to: writer)
            try writePersonID(record, to: writer)
            try writeAttributes(dataset: index, row: record - linker.base[index], to: writer)
            try writer.endRecord()
        }
        try writer.close()
        return File(name: name, rows: dataset.rows)
    }

    private func writeJourneys() throws -> File {
        let spine = linker.index(of: linker.plan.output.spine)!
        let writer = try CSVWriter(path: FilePath.join(folder, "journeys.csv"), force: false)
        var header = ["record_id", "person_id"] + linker.datasets[spine].attributes.map(\.name)
        for other in journeys.others {
            let name = linker.datasets[other].name
            header.append("\(name).record_id")
            header += linker.datasets[other].attributes.map { "\(name).\($0.name)" }
            header.append("\(name).link")
        }
        try writer.writeRecord(header)
        for (position, record) in journeys.spineRecords.enumerated() {
            try writeRecordID(record, to: writer)
            try writePersonID(record, to: writer)
            try writeAttributes(dataset: spine, row: record - linker.base[spine], to: writer)
            for (slot, other) in journeys.others.enumerated() {
                let choice = journeys.choices[position][slot]
                if choice.record >= 0 {
                    try writeRecordID(choice.record, to: writer)
                    try writeAttributes(dataset: other, row: choice.record - linker.base[other], to: writer)
                } else {
                    for _ in 0...linker.datasets[other].attributes.count { try writer.write("") }
                }
                try writer.write(choice.rule)
            }
            try writer.endRecord()
        }
        try writer.close()
        return File(name: "journeys.csv", rows: journeys.spineRecords.count)
    }

    private func writeLinks() throws -> File {
        let writer = try CSVWriter(path: FilePath.join(folder, "links.csv"), force: false)
        try writer.writeRecord(["from_record_id", "to_record_id", "rule"])
        let rank = ids.recordRank
        let names = linker.rules
        let order = linker.links.sorted { left, right in
            if rank[Int(left.from)] != rank[Int(right.from)] { return rank[Int(left.from)] < rank[Int(right.from)] }
            if rank[Int(left.to)] != rank[Int(right.to)] { return rank[Int(left.to)] < rank[Int(right.to)] }
            return names[Int(left.rule)] < names[Int(right.rule)]
        }
        for link in order {
            try writeRecordID(Int(link.from), to: writer)
            try writeRecordID(Int(link.to), to: writer)
            try writer.write(names[Int(link.rule)])
            try writer.endRecord()
        }
        try writer.close()
        return File(name: "links.csv", rows: order.count)
    }

    // MARK: quality.json

    private func makeQuality() -> LinkQuality {
        let datasets = linker.datasets
        let total = roots.count
        // Per record: the datasets it is attached to (its person's, plus reference links).
        var attachedMask = (0..<total).map { linker.sets.datasetMask[Int(roots[$0])] }
        for link in linker.referenceLinks {
            attachedMask[Int(link.from)] |= 1 << UInt64(linker.datasetOfRecord[Int(link.to)])
            attachedMask[Int(link.to)] |= 1 << UInt64(linker.datasetOfRecord[Int(link.from)])
        }
        var datasetFigures: [LinkQuality.DatasetFigures] = []
        var rates: [LinkQuality.RateTable] = []
        for (index, dataset) in datasets.enumerated() {
            let own = UInt64(1) << UInt64(index)
            var linked = 0
            var linkedTo = [Int](repeating: 0, count: datasets.count)
            var personRoots = Set<Int32>()
            for row in 0..<dataset.rows {
                let record = linker.base[index] + row
                personRoots.insert(roots[record])
                let mask = attachedMask[record] & ~own
                if mask != 0 { linked += 1 }
                for other in datasets.indices where mask & (1 << UInt64(other)) != 0 { linkedTo[other] += 1 }
            }
            var linkedToNames: [String: Int] = [:]
            for other in datasets.indices where other != index { linkedToNames[datasets[other].name] = linkedTo[other] }
            datasetFigures.append(.init(dataset: dataset.name, records: dataset.rows, persons: personRoots.count,
                                        linkedRecords: linked, unlinkedRecords: dataset.rows - linked, linkedTo: linkedToNames))
            for attribute in dataset.attributes where attribute.dictionary.count <= LinkQuality.maximumCategories {
                var records = [Int](repeating: 0, count: attribute.dictionary.count)
                var linkedBy = [[Int]](repeating: [Int](repeating: 0, count: datasets.count), count: attribute.dictionary.count)
                for (row, code) in attribute.codes.enumerated() {
                    records[Int(code)] += 1
                    let mask = attachedMask[linker.base[index] + row]
                    for other in datasets.indices where other != index && mask & (1 << UInt64(other)) != 0 { linkedBy[Int(code)][other] += 1 }
                }
                var categories: [LinkQuality.Category] = []
                for code in 0..<attribute.dictionary.count {
                    let value = attribute.dictionary.value(UInt32(code))
                    var linkedNames: [String: Int] = [:], rateNames: [String: Double] = [:]
                    for other in datasets.indices where other != index {
                        linkedNames[datasets[other].name] = linkedBy[code][other]
                        rateNames[datasets[other].name] = (Double(linkedBy[code][other]) / Double(records[code]) * 10_000).rounded() / 10_000
                    }
                    categories.append(.init(value: value.isEmpty ? "(missing)" : value, records: records[code], linked: linkedNames, rate: rateNames))
                }
                categories.sort { $0.value < $1.value }
                rates.append(.init(dataset: dataset.name, attribute: attribute.name, categories: categories))
            }
        }
        var byDatasets: [String: Int] = [:]
        var seenRoots = Set<Int32>()
        for record in 0..<total where seenRoots.insert(roots[record]).inserted {
            let mask = linker.sets.datasetMask[Int(roots[record])]
            let names = datasets.indices.filter { mask & (1 << UInt64($0)) != 0 }.map { datasets[$0].name }
            byDatasets[names.joined(separator: " + "), default: 0] += 1
        }
        let rules = linker.rules.indices.map { index in
            LinkQuality.RuleFigures(rule: linker.rules[index], kind: linker.ruleKinds[index], link: linker.ruleLinks[index],
                                    recordPairs: linker.rulePairs[index], personsJoined: linker.ruleMerges[index],
                                    refutedPairs: linker.ruleRefuted[index])
        }
        let ambiguous = linker.ambiguities.map { ambiguity in
            LinkQuality.AmbiguityFigures(rule: ambiguity.rule, link: ambiguity.link, tokens: ambiguity.tokens, conflicts: ambiguity.conflicts,
                                         recordIds: Array(Set(ambiguity.records)).sorted { ids.recordRank[$0] < ids.recordRank[$1] }.map(ids.recordID))
        }
        let attach = journeys.others.map { other -> LinkQuality.AttachFigures in
            let figures = journeys.counts[other] ?? Journeys.AttachCounts()
            return LinkQuality.AttachFigures(dataset: datasets[other].name, attachedBy: figures.byRule, unattached: figures.unattached,
                                             single: figures.single, samePerson: figures.samePerson,
                                             nearestDate: figures.nearestDate, inputOrder: figures.inputOrder)
        }
        for rule in rules { counts["pairs.\(rule.rule).\(rule.link)"] = rule.recordPairs }
        counts["ambiguous-tokens"] = ambiguous.reduce(0) { $0 + $1.tokens }
        return LinkQuality(project: linker.plan.project, spine: linker.plan.output.spine, datasets: datasetFigures,
                           persons: .init(total: ids.personCount, byDatasets: byDatasets), rules: rules, ambiguous: ambiguous,
                           attach: attach, linkRates: rates, warnings: linker.warnings)
    }
}
