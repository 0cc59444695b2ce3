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
    /// Computed by the journeys job of ``writeAll(threads:)``, beside the other files.
    private var computedJourneys: Journeys?
    private var journeys: Journeys { computedJourneys! }
    let folder: String
    /// Numbers for the receipt.
    private(set) var counts: [String: Int] = [:]
    /// Per dataset: its attribute columns in flat storage (the hot loop of every file).
    private let attributeTables: [AttributeTable]

    /// One dataset's attribute codes and value bytes in raw, immutable storage, so that
    /// writing a row's attributes makes no array access checks, retains or copies.
    final class AttributeTable {
        let columns: Int
        /// The most bytes a row's attributes take, delimiters included.
        let maximumRowBytes: Int
        /// Row-major: the codes of row r are at r * columns ..< (r + 1) * columns. Rows are
        /// written in research-id order (a random permutation), so one cache line per row
        /// instead of one per column and row.
        private let codes: UnsafeMutablePointer<UInt32>
        /// The bytes of every value of every column, already escaped for CSV, and per
        /// (column, code) its start.
        private let bytes: UnsafeMutablePointer<UInt8>
        private let starts: UnsafeMutablePointer<Int>
        /// Per column: the index in `starts` of its code 0.
        private let firstStart: UnsafeMutablePointer<Int>

        init(_ dataset: LinkDataset) {
            let columns = dataset.attributes.count
            self.columns = columns
            let rows = dataset.rows
            let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: max(rows * columns, 1))
            self.codes = codes
            var flat: [UInt8] = [], offsets: [Int] = [], first: [Int] = []
            var maximum = 0
            for (column, attribute) in dataset.attributes.enumerated() {
                attribute.codes.withUnsafeBufferPointer { source in
                    for row in 0..<rows { codes[row * columns + column] = source[row] }
                }
                first.append(offsets.count)
                var longest = 0
                for value in attribute.dictionary.values {
                    offsets.append(flat.count)
                    let escaped = CSVWriter.escaped(Array(value.utf8))
                    longest = max(longest, escaped.count)
                    flat += escaped
                }
                offsets.append(flat.count)
                maximum += 1 + longest
            }
            maximumRowBytes = maximum
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

        /// Copy the codes of `rows` (dataset rows, in any order) to `target`, row after row:
        /// a loop of independent loads, so the cache misses of a random order overlap
        /// instead of stalling the formatting one by one.
        @inline(__always)
        func gather(rows: UnsafePointer<Int32>, count: Int, into target: UnsafeMutablePointer<UInt32>) {
            if columns == 0 { return }
            for index in 0..<count {
                let source = codes + Int(rows[index]) * columns
                let destination = target + index * columns
                for column in 0..<columns { destination[column] = source[column] }
            }
        }

        /// Append `,value` for every attribute of `row`, in column order.
        @inline(__always)
        func write(row: Int, to output: RowBuffer) {
            write(codes: codes + row * columns, to: output)
        }

        /// Append `,value` for every attribute whose codes are at `rowCodes`, in column order.
        @inline(__always)
        func write(codes rowCodes: UnsafePointer<UInt32>, to output: RowBuffer) {
            for column in 0..<columns {
                let slot = firstStart[column] + Int(rowCodes[column])
                let start = starts[slot], end = starts[slot + 1]
                output.byte(output.delimiter)
                output.append(bytes + start, end - start)
            }
        }
    }

    /// Rows formatted by hand into a large block, handed to the CSV writer whole: no
    /// per-field call, check or escaping scan (attribute values are escaped once).
    final class RowBuffer {
        let writer: CSVWriter
        let delimiter: UInt8
        private let recordEnd: [UInt8]
        private let storage: UnsafeMutablePointer<UInt8>
        private let capacity: Int
        private var used = 0
        private var rows = 0

        /// - Parameter maximumRowBytes: the most bytes one row can take.
        init(writer: CSVWriter, maximumRowBytes: Int) {
            self.writer = writer
            delimiter = writer.fieldDelimiter
            recordEnd = writer.recordEnd
            capacity = max(1 << 20, maximumRowBytes + 64)
            storage = .allocate(capacity: capacity)
        }

        deinit { storage.deallocate() }

        /// Make room for a row of at most `maximumRowBytes`.
        @inline(__always)
        func startRow(maximumRowBytes: Int) throws {
            if used + maximumRowBytes + 64 > capacity { try flush() }
        }

        @inline(__always)
        func byte(_ value: UInt8) {
            storage[used] = value
            used += 1
        }

        @inline(__always)
        func append(_ source: UnsafePointer<UInt8>, _ count: Int) {
            (storage + used).update(from: source, count: count)
            used += count
        }

        func append(_ source: [UInt8]) {
            source.withUnsafeBufferPointer { append($0.baseAddress!, $0.count) }
        }

        /// A research id: `prefix` and the zero-padded 1-based `rank`.
        @inline(__always)
        func id(_ prefix: UInt8, rank: Int32, width: Int) {
            used += ResearchIDs.format(prefix, Int(rank) + 1, width: width, into: storage + used)
        }

        /// Start a row with its `record_id` and `person_id` columns.
        @inline(__always)
        func startRow(record: Int32, person: Int32, recordWidth: Int, personWidth: Int, maximumRowBytes: Int) throws {
            try startRow(maximumRowBytes: maximumRowBytes)
            id(UInt8(ascii: "R"), rank: record, width: recordWidth)
            byte(delimiter)
            id(UInt8(ascii: "P"), rank: person, width: personWidth)
        }

        @inline(__always)
        func endRow() {
            for value in recordEnd { byte(value) }
            rows += 1
        }

        func flush() throws {
            try writer.writeFormatted(UnsafeBufferPointer(start: storage, count: used), records: rows)
            used = 0
            rows = 0
        }

        func close() throws {
            try flush()
            try writer.close()
        }
    }

    init(linker: PersonLinker, roots: [Int32], ids: ResearchIDs, folder: String) {
        self.linker = linker
        self.roots = roots
        self.ids = ids
        self.folder = folder
        attributeTables = linker.datasets.map(AttributeTable.init)
    }

    struct File { var name: String; var rows: Int? }

    func writeAll(threads: Int) throws -> [File] {
        // The CSV files and the quality figures are independent: computed on up to
        // PATHLINK_THREADS threads, largest first. Each file's bytes do not depend on the
        // thread count.
        var quality: LinkQuality?
        // Journeys are chosen in the job that writes them, while the other files are written.
        var jobs: [() throws -> File?] = [{
            self.computedJourneys = Journeys(linker: self.linker, roots: self.roots, ids: self.ids)
            return try self.writeJourneys()
        }]
        let bySize = linker.datasets.indices.sorted { (linker.datasets[$0].rows, $1) > (linker.datasets[$1].rows, $0) }
        jobs += bySize.map { index in { try self.writeDataset(index) } }
        jobs.append { quality = self.makeQuality(); return nil }
        jobs.append { try self.writeLinks() }
        var files = try Parallel.run(jobs, threads: threads).compactMap { $0 }
        quality!.attach = attachFigures()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try FilePath.writeAtomically(Array(try encoder.encode(quality!)) + [0x0A], to: FilePath.join(folder, "quality.json"), force: false)
        files.append(File(name: "quality.json", rows: nil))
        try FilePath.writeAtomically(QualitySummary.markdown(quality!), to: FilePath.join(folder, "quality.md"), force: false)
        files.append(File(name: "quality.md", rows: nil))
        counts["records"] = roots.count
        counts["persons"] = ids.personCount
        counts["links"] = linker.links.count
        for dataset in linker.datasets { counts["records.\(dataset.name)"] = dataset.rows }
        return files.sorted { $0.name < $1.name }
    }

    // MARK: Files

    /// Rows are formatted in blocks: first every value a block needs is gathered from the
    /// (randomly ordered) tables in tight loops, then the block is formatted.
    private static let block = 4096

    private func writeDataset(_ index: Int) throws -> File {
        let dataset = linker.datasets[index]
        let name = "\(dataset.name).csv"
        let writer = try CSVWriter(path: FilePath.join(folder, name), force: false)
        try writer.writeRecord(["record_id", "person_id"] + dataset.attributes.map(\.name))
        let table = attributeTables[index]
        let rowBytes = 2 * (ids.recordWidth + ids.personWidth + 24) + table.maximumRowBytes
        let output = RowBuffer(writer: writer, maximumRowBytes: rowBytes)
        let start = linker.base[index], end = start + dataset.rows
        let recordWidth = ids.recordWidth, personWidth = ids.personWidth
        let block = Self.block
        let ranks = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let rows = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let persons = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: block * max(table.columns, 1))
        defer { ranks.deallocate(); rows.deallocate(); persons.deallocate(); codes.deallocate() }
        try ids.recordsInOrder.withUnsafeBufferPointer { order in
            try ids.personRank.withUnsafeBufferPointer { personRank in
                // Ranks are a permutation of all records: one pass in research-id order.
                var rank = 0
                while rank < order.count {
                    var count = 0
                    while rank < order.count && count < block {
                        let record = Int(order[rank])
                        if record >= start && record < end {
                            ranks[count] = Int32(rank)
                            rows[count] = Int32(record - start)
                            count += 1
                        }
                        rank += 1
                    }
                    for position in 0..<count { persons[position] = personRank[start + Int(rows[position])] }
                    table.gather(rows: rows, count: count, into: codes)
                    for position in 0..<count {
                        try output.startRow(record: ranks[position], person: persons[position], recordWidth: recordWidth,
                                            personWidth: personWidth, maximumRowBytes: rowBytes)
                        table.write(codes: codes + position * table.columns, to: output)
                        output.endRow()
                    }
                }
            }
        }
        try output.close()
        return File(name: name, rows: dataset.rows)
    }

    /// The linked tables' columns that come from `open: true` attributes, by table
    /// (`journeys` and each dataset's own file), as the report stage needs them to refuse
    /// tabulating one without a recode into declared categories; nil when there are none, so
    /// that quality.json stays as it was for manifests without open columns.
    func openColumns() -> [String: [String]]? {
        let spine = linker.index(of: linker.plan.output.spine)!
        var open: [String: [String]] = [:]
        var journeys = linker.datasets[spine].attributes.filter(\.isOpen).map(\.name)
        for (index, dataset) in linker.datasets.enumerated() {
            let names = dataset.attributes.filter(\.isOpen).map(\.name)
            guard !names.isEmpty else { continue }
            open[dataset.name] = names
            if index != spine { journeys += names.map { "\(dataset.name).\($0)" } }
        }
        if !journeys.isEmpty { open["journeys"] = journeys }
        return open.isEmpty ? nil : open
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
        let labels = journeys.labels.map { CSVWriter.escaped(Array($0.utf8)) }
        let longestLabel = labels.map(\.count).max() ?? 0
        let idBytes = ids.recordWidth + ids.personWidth + 24
        var rowBytes = 2 * idBytes + attributeTables[spine].maximumRowBytes
        for other in journeys.others { rowBytes += idBytes + attributeTables[other].maximumRowBytes + 2 + longestLabel + linker.datasets[other].attributes.count }
        let output = RowBuffer(writer: writer, maximumRowBytes: rowBytes)
        let spineTable = attributeTables[spine], spineBase = linker.base[spine]
        let otherTables = journeys.others.map { attributeTables[$0] }
        let otherBases = journeys.others.map { linker.base[$0] }
        let recordWidth = ids.recordWidth, personWidth = ids.personWidth
        let block = Self.block, slots = otherTables.count
        // Per block: the spine rows, their ranks and persons and codes; per other dataset
        // the attached rows (-1: none), their ranks and codes.
        let spineRows = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let spineRanks = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let spinePersons = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let spineCodes = UnsafeMutablePointer<UInt32>.allocate(capacity: block * max(spineTable.columns, 1))
        let otherRows = (0..<slots).map { _ in UnsafeMutablePointer<Int32>.allocate(capacity: block) }
        let otherRanks = (0..<slots).map { _ in UnsafeMutablePointer<Int32>.allocate(capacity: block) }
        let otherCodes = otherTables.map { UnsafeMutablePointer<UInt32>.allocate(capacity: block * max($0.columns, 1)) }
        let gatherRows = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        defer {
            spineRows.deallocate(); spineRanks.deallocate(); spinePersons.deallocate(); spineCodes.deallocate(); gatherRows.deallocate()
            for pointer in otherRows + otherRanks { pointer.deallocate() }
            for pointer in otherCodes { pointer.deallocate() }
        }
        let spineRecords = journeys.spineRecords
        let recordRank = ids.recordRank, personRank = ids.personRank
        var first = 0
        while first < spineRecords.count {
            let count = min(block, spineRecords.count - first)
            for position in 0..<count {
                let record = spineRecords[first + position]
                spineRows[position] = Int32(record - spineBase)
                spineRanks[position] = recordRank[record]
                spinePersons[position] = personRank[record]
            }
            spineTable.gather(rows: spineRows, count: count, into: spineCodes)
            for slot in 0..<slots {
                var attached = 0
                for position in 0..<count {
                    let record = Int(journeys.choice(row: Int(spineRows[position]), slot).record)
                    if record >= 0 {
                        otherRows[slot][position] = Int32(record - otherBases[slot])
                        otherRanks[slot][position] = recordRank[record]
                        gatherRows[attached] = Int32(record - otherBases[slot])
                        attached += 1
                    } else {
                        otherRows[slot][position] = -1
                    }
                }
                // Codes of the attached rows only, in block order.
                otherTables[slot].gather(rows: gatherRows, count: attached, into: otherCodes[slot])
            }
            var attachedBefore = [Int](repeating: 0, count: slots)
            for position in 0..<count {
                try output.startRow(record: spineRanks[position], person: spinePersons[position], recordWidth: recordWidth,
                                    personWidth: personWidth, maximumRowBytes: rowBytes)
                spineTable.write(codes: spineCodes + position * spineTable.columns, to: output)
                for slot in 0..<slots {
                    let choice = journeys.choice(row: Int(spineRows[position]), slot)
                    output.byte(output.delimiter)
                    if otherRows[slot][position] >= 0 {
                        output.id(UInt8(ascii: "R"), rank: otherRanks[slot][position], width: recordWidth)
                        otherTables[slot].write(codes: otherCodes[slot] + attachedBefore[slot] * otherTables[slot].columns, to: output)
                        attachedBefore[slot] += 1
                    } else {
                        for _ in 0..<otherTables[slot].columns { output.byte(output.delimiter) }
                    }
                    output.byte(output.delimiter)
                    if choice.label >= 0 { output.append(labels[Int(choice.label)]) }
                }
                output.endRow()
            }
            first += count
        }
        try output.close()
        return File(name: "journeys.csv", rows: spineRecords.count)
    }

    private func writeLinks() throws -> File {
        let writer = try CSVWriter(path: FilePath.join(folder, "links.csv"), force: false)
        // The probabilistic method adds each pair's match weight and probability.
        let scores = linker.probabilistic?.linkScores
        try writer.writeRecord(["from_record_id", "to_record_id", "rule"] + (scores == nil ? [] : ["weight", "match_probability"]))
        let rank = ids.recordRank
        let names = linker.rules
        // Sorted by (from rank, to rank, rule name): one integer key and the rule's place
        // among the sorted names.
        let nameOrder = names.indices.sorted { (names[$0], $0) < (names[$1], $1) }
        var ruleRank = [UInt32](repeating: 0, count: names.count)
        for (position, rule) in nameOrder.enumerated() {
            // Equal names share a rank, so the order is by name only.
            ruleRank[rule] = position > 0 && names[nameOrder[position - 1]] == names[rule] ? ruleRank[nameOrder[position - 1]] : UInt32(position)
        }
        var keys = linker.links.enumerated().map { index, link in
            (pair: UInt64(UInt32(rank[Int(link.from)])) << 32 | UInt64(UInt32(rank[Int(link.to)])), rule: ruleRank[Int(link.rule)], name: link.rule,
             index: index)
        }
        keys.sort { $0.pair != $1.pair ? $0.pair < $1.pair : $0.rule < $1.rule }
        let escapedNames = names.map { CSVWriter.escaped(Array($0.utf8)) }
        let rowBytes = 2 * (ids.recordWidth + 24) + (escapedNames.map(\.count).max() ?? 0) + 64
        let output = RowBuffer(writer: writer, maximumRowBytes: rowBytes)
        let width = ids.recordWidth
        for key in keys {
            try output.startRow(maximumRowBytes: rowBytes)
            output.id(UInt8(ascii: "R"), rank: Int32(key.pair >> 32), width: width)
            output.byte(output.delimiter)
            output.id(UInt8(ascii: "R"), rank: Int32(key.pair & 0xFFFF_FFFF), width: width)
            output.byte(output.delimiter)
            output.append(escapedNames[Int(key.name)])
            if let scores {
                output.byte(output.delimiter)
                if let score = scores[key.index] { output.append(Array(Self.scoreText(score).utf8)) } else { output.byte(output.delimiter) }
            }
            output.endRow()
        }
        try output.close()
        return File(name: "links.csv", rows: keys.count)
    }

    /// `weight,match_probability`: log2 odds to 2 places, probability to 6 (fixed, so
    /// the bytes do not depend on anything but the values).
    static func scoreText(_ score: (weight: Double, probability: Double)) -> String {
        String(format: "%.2f,%.6f", score.weight, score.probability)
    }

    // MARK: quality.json

    private func makeQuality() -> LinkQuality {
        let datasets = linker.datasets
        let total = roots.count
        // Per record: the datasets it is attached to (its person's, plus reference links).
        let setMasks = linker.sets.datasetMask
        var attachedMask = roots.map { setMasks[Int($0)] }
        // Per root: the last dataset (+1) counted, so each dataset counts its persons once.
        var rootSeen = [Int32](repeating: 0, count: total)
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
            var persons = 0
            for row in 0..<dataset.rows {
                let record = linker.base[index] + row
                let root = Int(roots[record])
                if rootSeen[root] != Int32(index + 1) { rootSeen[root] = Int32(index + 1); persons += 1 }
                let mask = attachedMask[record] & ~own
                if mask != 0 { linked += 1 }
                for other in datasets.indices where mask & (1 << UInt64(other)) != 0 { linkedTo[other] += 1 }
            }
            var linkedToNames: [String: Int] = [:]
            for other in datasets.indices where other != index { linkedToNames[datasets[other].name] = linkedTo[other] }
            datasetFigures.append(.init(dataset: dataset.name, records: dataset.rows, persons: persons,
                                        linkedRecords: linked, unlinkedRecords: dataset.rows - linked, linkedTo: linkedToNames))
            // An open column's values are data text: no link-rate table is made by it.
            for attribute in dataset.attributes where !attribute.isOpen && attribute.dictionary.count <= LinkQuality.maximumCategories {
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
        var isRootSeen = [Bool](repeating: false, count: total)
        for record in 0..<total where !isRootSeen[Int(roots[record])] {
            isRootSeen[Int(roots[record])] = true
            let mask = setMasks[Int(roots[record])]
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
        for rule in rules { counts["pairs.\(rule.rule).\(rule.link)"] = rule.recordPairs }
        counts["ambiguous-tokens"] = ambiguous.reduce(0) { $0 + $1.tokens }
        return LinkQuality(project: linker.plan.project, spine: linker.plan.output.spine, datasets: datasetFigures,
                           persons: .init(total: ids.personCount, byDatasets: byDatasets), rules: rules, ambiguous: ambiguous,
                           attach: [], linkRates: rates, warnings: linker.warnings, openColumns: openColumns(),
                           errorEstimates: linker.probabilistic?.estimates, probabilisticModel: linker.probabilistic?.models)
    }

    /// `quality.json`'s `attach` (once the journeys are chosen).
    private func attachFigures() -> [LinkQuality.AttachFigures] {
        journeys.others.map { other -> LinkQuality.AttachFigures in
            let figures = journeys.counts[other] ?? Journeys.AttachCounts()
            return LinkQuality.AttachFigures(dataset: linker.datasets[other].name, attachedBy: figures.byRule, unattached: figures.unattached,
                                             single: figures.single, samePerson: figures.samePerson,
                                             nearestDate: figures.nearestDate, inputOrder: figures.inputOrder)
        }
    }
}
