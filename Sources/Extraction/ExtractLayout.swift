import Governance
import PathlinkCore
import Provenance
import Tabular

/// The per-record work of extract, fixed once from the manifest and the header.
struct ExtractLayout {
    let manifest: Manifest
    let header: [String]
    let file: String
    /// Action per input column.
    let actions: [ColumnAction]
    /// Input column indexes written, in output order.
    let order: [Int]
    let outputHeader: [String]
    let derivations: [ResolvedDerivation]
    /// Row conditions: the column, and its set in `valueSets`.
    let conditions: [(index: Int, set: Int)]
    /// The closed value lists of attributes, then the row conditions' lists.
    let valueSets: ValueSets
    let age: (years: Int, from: Int, fromFormats: [DateFormat], at: Int, atFormats: [DateFormat])?
    let conditionNames: [String]
    let undeclared: [String]
    var warnings: [String] = []

    struct ResolvedDerivation {
        let declaration: Derivation
        let from: Int
        let fromFormats: [DateFormat]
        let at: Int
        let atFormats: [DateFormat]
    }

    init(manifest: Manifest, header: [String], file: String, undeclared: [String]) throws {
        self.manifest = manifest
        self.header = header
        self.file = file
        self.undeclared = undeclared
        dateCache = DateCache(columns: header.count)
        copiesUnquotedFields = manifest.input.delimiter == UInt8(ascii: ",")
        declaredFormats = header.map { manifest.column(named: $0)?.formats ?? [] }
        compiledFormats = CompiledDateFormat.Table(declaredFormats)
        let indexOf = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($0.element, $0.offset) })
        func formats(_ name: String) -> [DateFormat] { manifest.column(named: name)?.formats ?? [] }

        var actions: [ColumnAction] = []
        var lists: [[String]] = []
        for name in header {
            guard let column = manifest.column(named: name) else { actions.append(.drop); continue }
            switch column.columnClass {
            case .direct, .freeText: actions.append(.drop)
            case .identifier: actions.append(.keep)
            case .linkage: actions.append(column.field == .dateOfBirth ? .keepDate(column.formats) : .keep)
            case .attribute:
                if let values = column.values {
                    actions.append(.keepListed(lists.count))
                    lists.append(values)
                } else {
                    actions.append(.keep)
                }
            case .quasi:
                switch column.generalise! {
                case .month, .quarter, .year: actions.append(.generaliseDate(column.formats, column.generalise!))
                case .postcodeDistrict: actions.append(.generalisePostcode)
                case .ageBand:
                    if column.type == .integer {
                        actions.append(.generaliseAge)
                    } else {
                        actions.append(.generaliseBirthDate(column.formats, at: indexOf[column.at!]!, atFormats: formats(column.at!)))
                    }
                }
            }
        }
        self.actions = actions
        let baseKinds: [ActionKind] = actions.map { action in
            switch action {
            case .drop: return .drop
            case .keep: return .keep
            case .keepDate: return .keepDate
            case .generaliseDate(_, let generalisation): return .generaliseDate(generalisation)
            case .keepListed(let set): return .keepListed(set)
            default: return .other
            }
        }
        // Columns with declared placeholders take a path of their own (checked first, then
        // their action); every other column's path is unchanged.
        let declared: [DeclaredPlaceholders?] = header.map { name in
            guard let column = manifest.column(named: name), column.columnClass.leavesExtract, !column.missing.isEmpty else { return nil }
            return DeclaredPlaceholders(column.missing)
        }
        declaredMissing = declared
        self.baseKinds = baseKinds
        kinds = zip(baseKinds, declared).map { $1 == nil ? $0 : .declaredMissing }
        // Output order: the manifest's order of the columns that leave.
        order = manifest.columns.filter { $0.columnClass.leavesExtract }.map { indexOf[$0.name]! }
        outputHeader = order.map { header[$0] } + manifest.derive.map(\.name)
        steps = ExtractLayout.steps(order: order, kinds: kinds, copiesUnquotedFields: copiesUnquotedFields)
        derivations = manifest.derive.map {
            ResolvedDerivation(declaration: $0, from: indexOf[$0.from]!, fromFormats: formats($0.from),
                               at: indexOf[$0.at!]!, atFormats: formats($0.at!))
        }
        derivationColumns = derivations.map { ($0.from, $0.at) }
        var names: [String] = []
        var conditions: [(Int, Int)] = []
        for condition in manifest.rows?.conditions ?? [] {
            conditions.append((indexOf[condition.column]!, lists.count))
            lists.append(condition.values)
            names.append("\(condition.column) in [\(condition.values.joined(separator: ", "))]")
        }
        self.conditions = conditions
        valueSets = ValueSets(lists)
        if let rule = manifest.rows?.ageAtLeast {
            age = (rule.years, indexOf[rule.from]!, formats(rule.from), indexOf[rule.at]!, formats(rule.at))
            ageColumns = (rule.years, indexOf[rule.from]!, indexOf[rule.at]!)
            names.append("aged at least \(rule.years) at \(rule.at) (from \(rule.from); unknown age excluded)")
        } else {
            age = nil
            ageColumns = nil
        }
        conditionNames = names
        if !undeclared.isEmpty {
            warnings.append("\(undeclared.count) undeclared column(s) dropped unread (undeclared-columns: drop)")
        }
    }

    // MARK: Rows

    /// The index of the first row condition the current record fails, or nil.
    @inline(__always)
    func failedCondition(_ reader: CSVReader) throws -> Int? {
        for offset in conditions.indices {
            let condition = conditions[offset]
            if !valueSets.contains(condition.set, Bytes.trimmed(reader.bytes(condition.index))) { return offset }
        }
        if let age = ageColumns {
            guard let birth = try date(reader, age.from, isBirth: true),
                  let at = try date(reader, age.at, isBirth: false),
                  birth.age(at: at) >= age.years
            else { return conditions.count }
        }
        return nil
    }

    /// Read a date column of the current record: nil when missing or an impossible date.
    /// - Throws: `.invalidValue` when a non-empty value fits no declared format.
    @inline(__always)
    func date(_ reader: CSVReader, _ index: Int, _ formats: [DateFormat], isBirth: Bool) throws -> CalendarDate? {
        try date(reader, index, isBirth: isBirth)
    }

    /// ``date(_:_:_:isBirth:)`` with the column's declared formats.
    @inline(__always)
    func date(_ reader: CSVReader, _ index: Int, isBirth: Bool) throws -> CalendarDate? {
        switch try readDate(reader, index, isBirth: isBirth) {
        case .date(let date): return date
        default: return nil
        }
    }

    enum DateValue { case date(CalendarDate), missing, impossible }

    /// Whether a kept field that was not quoted in the export can be copied as it is: it
    /// then holds no comma, quote or line break (the export's delimiter is the extract's).
    let copiesUnquotedFields: Bool

    /// Write a kept field (or a trimmed part of one): copied as it is when it needs no quoting, else through the
    /// writer's quoting (the bytes written are the same either way).
    @inline(__always)
    func writeKept(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, reader: CSVReader, writer: CSVWriter) throws {
        if copiesUnquotedFields && !reader.isQuoted(index) {
            try writer.writeVerbatim(bytes)
        } else {
            try writer.write(bytes)
        }
    }

    /// Per input column, its declared date formats, and the same compiled for the record loop.
    let declaredFormats: [[DateFormat]]
    let compiledFormats: CompiledDateFormat.Table
    /// ``actions`` without payloads (no reference counting in the record loop), for the
    /// common actions; `.other` defers to ``actions``.
    let kinds: [ActionKind]
    /// ``kinds`` as the column's action alone, for a `.declaredMissing` column once its
    /// value is known not to be a declared placeholder.
    let baseKinds: [ActionKind]
    /// Per input column, its declared placeholders (``ColumnDeclaration/missing``), or nil.
    let declaredMissing: [DeclaredPlaceholders?]
    enum ActionKind { case drop, keep, keepDate, generaliseDate(Generalisation), keepListed(Int), declaredMissing, other }

    /// Whether the value of column `index` is one of its declared placeholders (trimmed
    /// and upper-cased as they are). Only columns that declare some are ever asked.
    @inline(never)
    func isDeclaredMissing(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        declaredMissing[index]?.contains(bytes) ?? false
    }
    /// The columns that leave, in output order, as steps: one column, or a run of columns
    /// adjacent in both the export and the extract and kept as they are, which is copied
    /// as one span when none of its fields is quoted.
    let steps: [Step]
    enum Step { case column(Int), run(first: Int, count: Int) }

    static func steps(order: [Int], kinds: [ActionKind], copiesUnquotedFields: Bool) -> [Step] {
        func copiable(_ index: Int) -> Bool {
            switch kinds[index] {
            case .keep, .keepDate: return copiesUnquotedFields
            default: return false
            }
        }
        var steps: [Step] = []
        var position = 0
        while position < order.count {
            let first = order[position]
            var count = 1
            if copiable(first) {
                while position + count < order.count && order[position + count] == first + count && copiable(first + count) { count += 1 }
            }
            steps.append(count > 1 ? .run(first: first, count: count) : .column(first))
            position += count
        }
        return steps
    }

    /// Write a run of kept columns: counted as ``writeColumn(_:reader:writer:counters:scratch:)``
    /// counts them, and copied as one span unless a field was quoted in the export.
    @inline(__always)
    func writeRun(first: Int, count: Int, reader: CSVReader, writer: CSVWriter, counters: inout ColumnCounters,
                  scratch: inout [UInt8]) throws {
        let last = first + count - 1
        if (first...last).contains(where: { reader.isQuoted($0) }) {
            for column in first...last {
                try writeColumn(column, reader: reader, writer: writer, counters: &counters, scratch: &scratch)
            }
            return
        }
        for index in first...last {
            if case .keepDate = kinds[index] {
                try countBirthDate(index, reader: reader, counters: &counters)
            } else {
                countMissing(reader.bytes(index), index, counters: &counters)
            }
        }
        try writer.writeVerbatimFields(reader.span(from: first, through: last), count: count)
    }

    /// Count a kept value that is empty or a placeholder.
    @inline(__always)
    func countMissing(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, counters: inout ColumnCounters) {
        if Bytes.isMissing(bytes) { counters.missing[index] += 1 }
    }

    /// Check a kept date of birth against its declared formats, counting it when missing or
    /// impossible.
    @inline(__always)
    func countBirthDate(_ index: Int, reader: CSVReader, counters: inout ColumnCounters) throws {
        switch try readDate(reader, index, isBirth: true) {
        case .missing: counters.missing[index] += 1
        case .impossible: counters.invalid[index] += 1
        case .date: break
        }
    }

    /// Per derivation: its input columns (from, at).
    let derivationColumns: [(from: Int, at: Int)]
    /// The age rule's years and columns.
    let ageColumns: (years: Int, from: Int, at: Int)?

    /// The age-band labels as bytes, for the record loop (no `String` per record).
    let bandText = LabelBytes(AgeBand.labels)

    /// Short texts in one flat allocation, handed out as byte buffers.
    final class LabelBytes {
        private let storage: UnsafeMutablePointer<UInt8>
        private let starts: UnsafeMutablePointer<Int>
        private let count: Int

        init(_ labels: [String]) {
            count = labels.count
            let bytes = labels.flatMap { Array($0.utf8) }
            storage = .allocate(capacity: max(bytes.count, 1))
            storage.initialize(from: bytes, count: bytes.count)
            starts = .allocate(capacity: count + 1)
            var position = 0
            for (index, label) in labels.enumerated() {
                starts[index] = position
                position += label.utf8.count
            }
            starts[count] = position
        }

        deinit {
            storage.deallocate()
            starts.deallocate()
        }

        /// Label number `index`'s bytes.
        @inline(__always)
        func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            precondition(index >= 0 && index < count)
            return UnsafeBufferPointer(start: storage + starts[index], count: starts[index + 1] - starts[index])
        }
    }

    /// Dates already read in the current record: a date column feeds the age filter, its
    /// own generalisation and the derived age band, and is parsed once per record.
    let dateCache: DateCache

    final class DateCache {
        /// Per (column, isBirth): the row the value was read for, and the value.
        private let rows: UnsafeMutablePointer<Int>
        private let values: UnsafeMutablePointer<DateValue>
        private let slots: Int

        init(columns: Int) {
            slots = columns * 2
            rows = .allocate(capacity: slots)
            rows.initialize(repeating: -1, count: slots)
            values = .allocate(capacity: slots)
            values.initialize(repeating: .missing, count: slots)
        }

        deinit {
            rows.deallocate()
            values.deinitialize(count: slots)
            values.deallocate()
        }

        @inline(__always)
        func value(row: Int, slot: Int) -> DateValue? { rows[slot] == row ? values[slot] : nil }

        @inline(__always)
        func store(_ value: DateValue, row: Int, slot: Int) {
            rows[slot] = row
            values[slot] = value
        }
    }

    @inline(__always)
    func readDate(_ reader: CSVReader, _ index: Int, _ formats: [DateFormat], isBirth: Bool) throws -> DateValue {
        try readDate(reader, index, isBirth: isBirth)
    }

    /// Read date column `index` (with its declared formats; every caller passes those).
    @inline(__always)
    func readDate(_ reader: CSVReader, _ index: Int, isBirth: Bool) throws -> DateValue {
        let slot = index &* 2 &+ (isBirth ? 1 : 0)
        if let cached = dateCache.value(row: reader.row, slot: slot) { return cached }
        let value = try parseDate(reader, index, isBirth: isBirth)
        dateCache.store(value, row: reader.row, slot: slot)
        return value
    }

    @inline(__always)
    private func parseDate(_ reader: CSVReader, _ index: Int, isBirth: Bool) throws -> DateValue {
        let raw = reader.bytes(index)
        if Bytes.isMissing(raw) { return .missing }
        let value = Bytes.trimmed(raw)
        var sawImpossible = false
        // The compiled copies of the column's declared formats read exactly as they do.
        let compiled = compiledFormats.formats(of: index)
        for position in 0..<compiled.count {
            switch compiled[position].parse(value, fallback: declaredFormats, column: index, position: position) {
            case .date(let date):
                if isBirth && date == CalendarDate(year: 1900, month: 1, day: 1) { return .missing }
                return .date(date)
            case .impossible: sawImpossible = true
            case .mismatch: continue
            }
        }
        // Only a value that is no date is compared with the declared placeholders.
        if declaredMissing[index] != nil && isDeclaredMissing(index, raw) { return .missing }
        if sawImpossible { return .impossible }
        throw unreadableDate(column: index, row: reader.row)
    }

    // The errors of the record loop are built out of line: the loop's own functions then
    // need no stack space or type metadata for them on every call.

    @inline(never)
    func unreadableDate(column index: Int, row: Int) -> PathlinkError {
        let formats = declaredFormats[index]
        return PathlinkError(.invalidValue, file: file, row: row, column: header[index],
                             problem: "the value fits none of the declared date formats (\(formats.map(\.text).joined(separator: ", ")))",
                             remedy: "correct the value in the export, or add its format to the column's format list in \(manifest.path); a text that means \"not known\" (such as N/K) can be declared there with missing: (schemas/README.md, \"Missing values\")")
    }

    @inline(never)
    func unlistedValue(column index: Int, row: Int) -> PathlinkError {
        let count = manifest.column(named: header[index])?.values?.count ?? 0
        return PathlinkError(.invalidValue, file: file, row: row, column: header[index],
                             problem: "the value is not one of the \(count) values the manifest declares for this column",
                             remedy: "correct the value in the export, or — if it is a legitimate new category — add it to values: in \(manifest.path) and have the manifest approved again")
    }

    @inline(never)
    func notAnAge(column index: Int, row: Int) -> PathlinkError {
        PathlinkError(.invalidValue, file: file, row: row, column: header[index],
                      problem: "the value is not an age in whole years (0–130)",
                      remedy: "correct the value in the export, or declare the column differently in \(manifest.path)")
    }

    // MARK: Columns

    @inline(__always)
    func writeColumn(_ index: Int, reader: CSVReader, writer: CSVWriter, counters: inout ColumnCounters, scratch: inout [UInt8]) throws {
        try writeColumn(index, kind: kinds[index], reader: reader, writer: writer, counters: &counters, scratch: &scratch)
    }

    /// A column with declared placeholders: a placeholder is written empty and counted
    /// missing; any other value takes the column's own action.
    @inline(never)
    func writeDeclaringMissing(_ index: Int, reader: CSVReader, writer: CSVWriter, counters: inout ColumnCounters,
                               scratch: inout [UInt8]) throws {
        if isDeclaredMissing(index, reader.bytes(index)) {
            counters.missing[index] += 1
            try writer.writeVerbatim(UnsafeBufferPointer(start: nil, count: 0))
            return
        }
        try writeColumn(index, kind: baseKinds[index], reader: reader, writer: writer, counters: &counters, scratch: &scratch)
    }

    @inline(__always)
    func writeColumn(_ index: Int, kind: ActionKind, reader: CSVReader, writer: CSVWriter, counters: inout ColumnCounters,
                     scratch: inout [UInt8]) throws {
        switch kind {
        case .drop:
            return
        case .keep:
            let bytes = reader.bytes(index)
            countMissing(bytes, index, counters: &counters)
            try writeKept(bytes, index, reader: reader, writer: writer)
            return
        case .keepDate:
            try countBirthDate(index, reader: reader, counters: &counters)
            try writeKept(reader.bytes(index), index, reader: reader, writer: writer)
            return
        case .generaliseDate(let generalisation):
            switch try readDate(reader, index, isBirth: false) {
            case .missing:
                counters.missing[index] += 1
                try writer.writeVerbatim(UnsafeBufferPointer(start: nil, count: 0))
            case .impossible:
                counters.invalid[index] += 1
                try writer.writeVerbatim(UnsafeBufferPointer(start: nil, count: 0))
            case .date(let date):
                // Digits, "-" and "Q": nothing to quote.
                try scratch.withUnsafeMutableBufferPointer { buffer in
                    let count = DateText.write(date, generalisation, into: buffer.baseAddress!)
                    try writer.writeVerbatim(UnsafeBufferPointer(start: buffer.baseAddress!, count: count))
                }
            }
            return
        case .keepListed(let set):
            let value = Bytes.trimmed(reader.bytes(index))
            if value.count == 0 {
                counters.missing[index] += 1
            } else if !valueSets.contains(set, value) {
                throw unlistedValue(column: index, row: reader.row)
            }
            try writeKept(value, index, reader: reader, writer: writer)
            return
        case .declaredMissing:
            try writeDeclaringMissing(index, reader: reader, writer: writer, counters: &counters, scratch: &scratch)
            return
        case .other:
            break
        }
        let bytes = reader.bytes(index)
        switch actions[index] {
        case .drop, .keep, .keepDate, .generaliseDate, .keepListed:
            return   // written above, through `kinds`
        case .generaliseAge:
            if Bytes.isMissing(bytes) {
                counters.missing[index] += 1
                try writer.write("")
                return
            }
            let value = Bytes.trimmed(bytes)
            var age = 0
            var isNumber = value.count > 0 && value.count <= 3
            for byte in value where isNumber {
                if byte < 0x30 || byte > 0x39 { isNumber = false } else { age = age * 10 + Int(byte - 0x30) }
            }
            guard isNumber, age <= 130, let band = AgeBand.index(forAge: age) else {
                throw notAnAge(column: index, row: reader.row)
            }
            try writer.writeVerbatim(bandText.bytes(band))
        case .generaliseBirthDate(let formats, let atIndex, let atFormats):
            let birth = try readDate(reader, index, formats, isBirth: true)
            let at = try date(reader, atIndex, atFormats, isBirth: false)
            switch birth {
            case .missing: counters.missing[index] += 1
            case .impossible: counters.invalid[index] += 1
            case .date: break
            }
            if case .date(let birthDate) = birth, let at, let band = AgeBand.index(forAge: birthDate.age(at: at)) {
                try writer.writeVerbatim(bandText.bytes(band))
            } else {
                try writer.write("")
            }
        case .generalisePostcode:
            if Bytes.isMissing(bytes) {
                counters.missing[index] += 1
                try writer.write("")
                return
            }
            if let district = Postcode.district(of: bytes) {
                try writer.write(district)
            } else {
                counters.invalid[index] += 1
                try writer.write("")
            }
        }
    }

    @inline(__always)
    func writeDerived(_ derivation: ResolvedDerivation, reader: CSVReader, writer: CSVWriter, counter: Int,
                      counters: inout ColumnCounters, scratch: inout [UInt8]) throws {
        try writeDerived(from: derivation.from, at: derivation.at, reader: reader, writer: writer, counter: counter, counters: &counters)
    }

    /// Write derivation number `offset` (an age band: the only derivation rule).
    @inline(__always)
    func writeDerived(_ offset: Int, reader: CSVReader, writer: CSVWriter, counter: Int, counters: inout ColumnCounters) throws {
        let columns = derivationColumns[offset]
        try writeDerived(from: columns.from, at: columns.at, reader: reader, writer: writer, counter: counter, counters: &counters)
    }

    @inline(__always)
    private func writeDerived(from: Int, at atIndex: Int, reader: CSVReader, writer: CSVWriter, counter: Int,
                              counters: inout ColumnCounters) throws {
        let birth = try date(reader, from, isBirth: true)
        let at = try date(reader, atIndex, isBirth: false)
        if let birth, let at, let band = AgeBand.index(forAge: birth.age(at: at)) {
            try writer.writeVerbatim(bandText.bytes(band))
        } else {
            counters.missing[counter] += 1
            try writer.writeVerbatim(UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    // MARK: Receipt

    func receiptColumns(counters: ColumnCounters) -> [Receipt.Column] {
        var columns: [Receipt.Column] = []
        let indexOf = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($0.element, $0.offset) })
        for column in manifest.columns {
            let index = indexOf[column.name]!
            let action: String
            switch column.columnClass {
            case .direct, .freeText: action = "dropped"
            case .quasi: action = "generalised"
            default: action = "kept"
            }
            let counted = action != "dropped"
            columns.append(Receipt.Column(
                name: column.name, class: column.columnClass.rawValue, action: action, domain: column.domain,
                identifies: column.identifies?.rawValue, field: column.field?.rawValue, generalise: column.generalise?.rawValue,
                missing: counted ? counters.missing[index] : nil, invalid: counted ? counters.invalid[index] : nil,
                open: column.isOpen ? true : nil))
        }
        for (offset, derivation) in manifest.derive.enumerated() {
            columns.append(Receipt.Column(name: derivation.name, class: "derived", action: "derived",
                                          generalise: derivation.rule.rawValue, missing: counters.missing[header.count + offset], invalid: 0))
        }
        for name in undeclared {
            columns.append(Receipt.Column(name: name, class: "undeclared", action: "dropped"))
        }
        return columns
    }
}

/// Generalised date text, written into a scratch buffer.
enum DateText {
    static func write(_ date: CalendarDate, _ generalisation: Generalisation, into buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBufferPointer { write(date, generalisation, into: $0.baseAddress!) }
    }

    /// `YYYY-MM`, `YYYY-Qn` or `YYYY` at `output` (room for 7 bytes); the length written.
    @inline(__always)
    static func write(_ date: CalendarDate, _ generalisation: Generalisation, into output: UnsafeMutablePointer<UInt8>) -> Int {
        @inline(__always) func digits(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            var position = offset + width - 1
            while position >= offset {
                output[position] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                value /= 10
                position -= 1
            }
        }
        digits(date.year, 4, at: 0)
        switch generalisation {
        case .month:
            output[4] = UInt8(ascii: "-")
            digits(date.month, 2, at: 5)
            return 7
        case .quarter:
            output[4] = UInt8(ascii: "-")
            output[5] = UInt8(ascii: "Q")
            output[6] = UInt8(truncatingIfNeeded: 0x30 + (date.month - 1) / 3 + 1)
            return 7
        default:
            return 4
        }
    }
}

/// UK postcodes, as the `postcode` normaliser reads them (governance/token-specification.md 3.5).
package enum Postcode {
    /// Upper-case A–Z0–9 only, or nil unless it is a UK postcode shape
    /// (`^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$`) and not a ZZ99 pseudo-postcode.
    package static func normalised(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var value: [UInt8] = []
        value.reserveCapacity(8)
        for byte in bytes {
            switch byte {
            case 0x30...0x39, 0x41...0x5A: value.append(byte)
            case 0x61...0x7A: value.append(byte - 0x20)
            default: if byte >= 0x80 { return nil }
            }
            if value.count > 7 { return nil }
        }
        guard isShape(value) else { return nil }
        if value.count >= 4 && value[0] == 0x5A && value[1] == 0x5A && value[2] == 0x39 && value[3] == 0x39 { return nil }
        return value
    }

    static func isShape(_ value: [UInt8]) -> Bool {
        func letter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        guard value.count >= 5 && value.count <= 7 else { return false }
        let n = value.count
        guard digit(value[n - 3]), letter(value[n - 2]), letter(value[n - 1]) else { return false }
        let outward = Array(value[0..<(n - 3)])  // [A-Z]{1,2}[0-9][A-Z0-9]?
        guard letter(outward[0]) else { return false }
        var index = 1
        if index < outward.count && letter(outward[index]) { index += 1 }
        guard index < outward.count && digit(outward[index]) else { return false }
        index += 1
        if index < outward.count && (letter(outward[index]) || digit(outward[index])) { index += 1 }
        return index == outward.count
    }

    /// The district (all but the last three characters), or nil when not a postcode.
    package static func district(of bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let value = normalised(bytes) else { return nil }
        return String(decoding: value[0..<(value.count - 3)], as: UTF8.self)
    }
}
