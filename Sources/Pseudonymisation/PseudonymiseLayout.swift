import Cryptography
import Governance
import PathlinkCore
import Provenance
import Tabular

/// The per-record work of pseudonymise, fixed once from the manifest, the plan and the
/// extract's header; counts missing and invalid values per column as it goes.
final class PseudonymiseLayout {
    /// How one identifier column is normalised and tokenised.
    struct IdentifierColumn {
        let index: Int
        let declaration: ColumnDeclaration
        let pattern: ReferencePattern?
        let tokeniser: DomainTokeniser
        var missing = 0
        var invalid = 0

        func normalise(_ value: String) -> Normalised {
            pattern?.normalise(value) ?? TextNormalisation.text(value)
        }
    }

    /// A linkage column and the person field it feeds.
    struct LinkageColumn {
        let index: Int
        let declaration: ColumnDeclaration
        var missing = 0
        var invalid = 0
    }

    /// A match key or confirm key column.
    struct KeyColumn {
        let definition: KeyDefinition
        let key: MatchKey
        let isConfirmKey: Bool
        let tokeniser: DomainTokeniser
        /// The person fields the dataset lacks (then the column is blank).
        let lacking: [String]
        var blank = 0
    }

    enum OutputColumn {
        case passThrough(Int)
        case identifier(Int)      // index into identifiers
        case key(Int)             // index into keys
    }

    let manifest: Manifest
    let file: String
    private(set) var identifiers: [IdentifierColumn] = []
    private(set) var linkage: [LinkageColumn] = []
    private(set) var keys: [KeyColumn] = []
    private(set) var outputs: [OutputColumn] = []
    private(set) var outputHeader: [String] = []
    private(set) var warnings: [String] = []
    private let header: [String]

    /// A layout for another thread: the same columns and keys, tokenisers that are copies
    /// of `source`'s primed contexts (one per domain, as in `source`), its own memo and
    /// counts (added back with ``absorbCounts(from:)``).
    /// - Throws: `.internal` when an OpenSSL call fails.
    private init(copying source: PseudonymiseLayout) throws {
        manifest = source.manifest
        file = source.file
        header = source.header
        var copies: [ObjectIdentifier: DomainTokeniser] = [:]
        func copy(_ tokeniser: DomainTokeniser) throws -> DomainTokeniser {
            if let made = copies[ObjectIdentifier(tokeniser)] { return made }
            let made = try tokeniser.makeCopy()
            copies[ObjectIdentifier(tokeniser)] = made
            return made
        }
        identifiers = try source.identifiers.map {
            IdentifierColumn(index: $0.index, declaration: $0.declaration, pattern: $0.pattern, tokeniser: try copy($0.tokeniser))
        }
        linkage = source.linkage.map { LinkageColumn(index: $0.index, declaration: $0.declaration) }
        keys = try source.keys.map {
            KeyColumn(definition: $0.definition, key: $0.key, isConfirmKey: $0.isConfirmKey, tokeniser: try copy($0.tokeniser),
                      lacking: $0.lacking)
        }
        outputs = source.outputs
        outputHeader = source.outputHeader
        warnings = source.warnings
    }

    /// A layout for another thread (see ``init(copying:)``).
    /// - Throws: `.internal` when an OpenSSL call fails.
    func makeWorker() throws -> PseudonymiseLayout { try PseudonymiseLayout(copying: self) }

    /// Add a worker's counts of missing, invalid and blank values to this layout's.
    func absorbCounts(from worker: PseudonymiseLayout) {
        for position in identifiers.indices {
            identifiers[position].missing += worker.identifiers[position].missing
            identifiers[position].invalid += worker.identifiers[position].invalid
        }
        for position in linkage.indices {
            linkage[position].missing += worker.linkage[position].missing
            linkage[position].invalid += worker.linkage[position].invalid
        }
        for position in keys.indices { keys[position].blank += worker.keys[position].blank }
    }

    init(manifest: Manifest, plan: LinkagePlan, key: MasterKey, header: [String], file: String,
         failurePoint: FailurePoint? = nil) throws {
        self.manifest = manifest
        self.file = file
        self.header = header
        let expected = manifest.extractColumns
        guard header == expected else {
            let missing = expected.filter { !header.contains($0) }
            let extra = header.filter { !expected.contains($0) }
            var detail: [String] = []
            if !missing.isEmpty { detail.append("missing: \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { detail.append("not in the manifest: \(extra.joined(separator: ", "))") }
            if detail.isEmpty { detail.append("the columns are in another order") }
            throw PathlinkError(.header, file: file, row: 1,
                                problem: "the header is not the extract of \(manifest.dataset) that \(manifest.path) describes (\(detail.joined(separator: "; ")))",
                                remedy: "pseudonymise the file written by `pathlink extract` with this manifest")
        }
        var tokenisers: [String: DomainTokeniser] = [:]
        func tokeniser(_ domain: String) throws -> DomainTokeniser {
            if let existing = tokenisers[domain] { return existing }
            let made = try DomainTokeniser(key: key, project: plan.project, domain: domain, failurePoint: failurePoint)
            tokenisers[domain] = made
            return made
        }
        var provided = Set<PersonField>()
        for (index, name) in header.enumerated() {
            guard let declaration = manifest.column(named: name) else {
                outputs.append(.passThrough(index))     // a derived column
                outputHeader.append(name)
                continue
            }
            switch declaration.columnClass {
            case .identifier:
                var pattern: ReferencePattern? = nil
                if case .pattern(let value)? = declaration.normalise { pattern = value }   // checked when the manifest loaded
                guard let domain = declaration.domain else {
                    throw PathlinkError(.invalidDocument, file: manifest.path, column: name, problem: "an identifier column has no domain",
                                        remedy: "add domain: to the column")
                }
                identifiers.append(IdentifierColumn(index: index, declaration: declaration, pattern: pattern, tokeniser: try tokeniser(domain)))
                outputs.append(.identifier(identifiers.count - 1))
                outputHeader.append(name)
            case .linkage:
                linkage.append(LinkageColumn(index: index, declaration: declaration))
                if let field = declaration.field {
                    if field == .fullName { provided.formUnion([.forename, .surname]) } else { provided.insert(field) }
                }
            default:
                outputs.append(.passThrough(index))
                outputHeader.append(name)
            }
        }
        for (position, definition) in plan.allKeys.enumerated() {
            guard !outputHeader.contains(definition.name) else {
                throw PathlinkError(.invalidDocument, file: manifest.path, column: definition.name,
                                    problem: "the extract has a column named like the plan's key \(definition.name)",
                                    remedy: "rename the column in the manifest, or the key in \(plan.path)")
            }
            var lacking: [String] = []
            for field in definition.fields {
                for source in field.sources where !provided.contains(source) && !lacking.contains(source.rawValue) {
                    lacking.append(source.rawValue)
                }
            }
            let isConfirmKey = position >= plan.matchKeys.count
            if !lacking.isEmpty {
                warnings.append("\(definition.name) is blank: \(manifest.dataset) has no linkage column for \(lacking.joined(separator: ", "))")
            }
            keys.append(KeyColumn(definition: definition, key: MatchKey(name: definition.name, fields: definition.fields),
                                  isConfirmKey: isConfirmKey, tokeniser: try tokeniser(definition.domain), lacking: lacking))
            outputs.append(.key(keys.count - 1))
            outputHeader.append(definition.name)
        }
    }

    /// Normalise, tokenise and write one record.
    /// Normalised values already computed, per linkage column: names, dates of birth and
    /// postcodes repeat across records (a few thousand forenames cover most people), and
    /// each normaliser is a pure function of the raw value and the column's declaration.
    /// Each entry holds the outcome and a second value derived from it once: the first
    /// given name of a forename, the unordered form of a date of birth, the district of a
    /// postcode. Bounded: a column's memo is emptied when it reaches ``memoLimit`` entries.
    /// Keyed by the raw value's bytes (``ExactText``), not by Swift's String equality.
    private var memo: [[ExactText: (value: Normalised, derived: Normalised)]] = []
    static let memoLimit = 1 << 16

    /// The parts of a match key the record loop builds from bytes; any other field goes
    /// through ``PersonRecord/value(of:)``.
    enum KeyPart {
        case forename, surname, dateOfBirth, dateOfBirthUnordered, postcode, postcodeDistrict
        case other(KeyField)

        init(_ field: KeyField) {
            switch field {
            case .forename: self = .forename
            case .surname: self = .surname
            case .dateOfBirth: self = .dateOfBirth
            case .dateOfBirthUnordered: self = .dateOfBirthUnordered
            case .postcode: self = .postcode
            case .postcodeDistrict: self = .postcodeDistrict
            case .forenameInitial, .sex, .dateOfBirthYearMonth, .dateOfBirthMonthDay, .dateOfBirthYearDay,
                 .forenameNickname, .surnameSoundex, .fullNameSorted:
                self = .other(field)
            }
        }
    }

    /// Per-record state, resolved once so the loop reads no declaration (a struct copy)
    /// and compares no field names.
    private lazy var linkageFields: [(index: Int, field: PersonField?, formats: [DateFormat], order: NameNormalisation.Order)] =
        linkage.map { column in
            (column.index, column.declaration.field, column.declaration.formats,
             column.declaration.order == .surnameFirst ? .surnameFirst : .forenameFirst)
        }
    /// Per key, its parts; nil when the dataset lacks a field the key needs (always blank).
    private lazy var keyParts: [[KeyPart]?] = keys.map { $0.lacking.isEmpty ? $0.key.fields.map(KeyPart.init) : nil }
    /// The value being tokenised (a match key's fields joined by U+001F, or a normalised
    /// identifier): `valueCount` bytes at `value`, which grows as needed.
    private var value = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    private var valueCapacity = 256
    private var valueCount = 0
    /// Per identifier column (in ``identifiers`` order): its input index, whether it has a
    /// pattern normaliser, its tokeniser — read without copying the column's declaration.
    private lazy var identifierFields: [(index: Int, hasPattern: Bool, tokeniser: DomainTokeniser)] =
        identifiers.map { ($0.index, $0.pattern != nil, $0.tokeniser) }
    /// 32 hex digits of the token being written.
    private let hex = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)

    deinit {
        hex.deallocate()
        value.deallocate()
    }

    /// Make room for `extra` more bytes of ``value``.
    @inline(__always)
    private func reserveValue(_ extra: Int) {
        guard valueCount + extra > valueCapacity else { return }
        let capacity = max(valueCapacity * 2, valueCount + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: value, count: valueCount)
        value.deallocate()
        value = grown
        valueCapacity = capacity
    }

    @inline(__always)
    private func remembered(_ position: Int, _ raw: String, _ compute: () -> (value: Normalised, derived: Normalised))
        -> (value: Normalised, derived: Normalised) {
        let key = ExactText(raw)
        if let known = memo[position][key] { return known }
        let result = compute()
        if memo[position].count >= Self.memoLimit { memo[position].removeAll(keepingCapacity: true) }
        memo[position][key] = result
        return result
    }

    /// Append `text`'s UTF-8 to ``value`` (after U+001F when `separated`): false, and
    /// nothing appended, when it is nil or empty.
    @inline(__always)
    private func appendPart(_ text: String?, separated: Bool) -> Bool {
        guard var text, !text.isEmpty else { return false }
        text.withUTF8 { bytes in
            reserveValue(bytes.count + 1)
            if separated { value[valueCount] = 0x1F; valueCount += 1 }
            (value + valueCount).update(from: bytes.baseAddress!, count: bytes.count)
            valueCount += bytes.count
        }
        return true
    }

    /// Write the token of ``value`` (non-empty) in `tokeniser`'s domain.
    /// - Throws: `.internal` (naming the input file) when OpenSSL fails; no token is written.
    @inline(__always)
    private func writeToken<Sink: CSVFieldSink>(_ tokeniser: DomainTokeniser, to writer: Sink) throws {
        do {
            try tokeniser.writeToken(of: UnsafeRawBufferPointer(start: value, count: valueCount), into: hex)
        } catch let error as PathlinkError {
            throw error.inFile(file)
        }
        try writer.writeVerbatim(UnsafeBufferPointer(start: hex, count: 32))
    }

    /// - Parameters:
    ///   - reader: the record (the reader itself, or a record of a ``CSVRecordBlock``).
    ///   - writer: the output file, or a worker's ``CSVFieldBuffer``.
    func write<Record: CSVRecordFields, Sink: CSVFieldSink>(record reader: Record, to writer: Sink) throws {
        if memo.isEmpty { memo = Array(repeating: [:], count: linkage.count) }
        var person = PersonRecord()
        var dateOfBirthUnordered: String? = nil
        var postcodeDistrict: String? = nil
        for position in linkageFields.indices {
            let column = linkageFields[position]
            guard let field = column.field else { continue }
            let raw = reader.string(column.index)
            var outcome: Normalised
            switch field {
            case .forename:
                let names = remembered(position, raw) { (NameNormalisation.name(raw), NameNormalisation.firstName(raw)) }
                outcome = names.value
                if person.forename.text == nil {
                    person.forename = outcome
                    person.firstForename = names.derived
                }
            case .surname:
                outcome = remembered(position, raw) { (NameNormalisation.name(raw), .missing) }.value
                if person.surname.text == nil { person.surname = outcome }
            case .fullName:
                let split = NameNormalisation.splitFullName(raw, order: column.order)
                if person.forename.text == nil {
                    person.forename = split.forename
                    person.firstForename = split.firstForename
                }
                if person.surname.text == nil { person.surname = split.surname }
                outcome = split.surname.text != nil ? split.surname : split.forename
            case .dateOfBirth:
                let formats = column.formats
                let date = remembered(position, raw) {
                    let value = DateOfBirth.normalise(raw, formats: formats)
                    return (value, value.text.map { .value(DateOfBirth.unordered($0)) } ?? .missing)
                }
                outcome = date.value
                if person.dateOfBirth.text == nil {
                    person.dateOfBirth = outcome
                    dateOfBirthUnordered = date.derived.text
                }
            case .postcode:
                let postcode = remembered(position, raw) {
                    let value = Postcode.normalise(raw)
                    return (value, value.text.map { .value(Postcode.district($0)) } ?? .missing)
                }
                outcome = postcode.value
                if person.postcode.text == nil {
                    person.postcode = outcome
                    postcodeDistrict = postcode.derived.text
                }
            case .sex:
                outcome = TextNormalisation.sex(raw)
                if person.sex.text == nil { person.sex = outcome }
            }
            switch outcome {
            case .missing: linkage[position].missing += 1
            case .invalid: linkage[position].invalid += 1
            case .value: break
            }
        }
        for output in outputs {
            switch output {
            case .passThrough(let index):
                // Reader and writer both use commas: an unquoted field needs no quoting.
                if reader.isQuoted(index) {
                    try writer.write(reader.bytes(index))
                } else {
                    try writer.writeVerbatim(reader.bytes(index))
                }
            case .identifier(let position):
                let column = identifierFields[position]
                valueCount = 0
                let isValue: Bool
                let raw = reader.bytes(column.index)
                reserveValue(raw.count)
                if !column.hasPattern, let count = TextNormalisation.asciiText(raw, into: value) {
                    valueCount = count
                    isValue = count > 0
                    if !isValue { identifiers[position].missing += 1 }
                } else {
                    let outcome = identifiers[position].normalise(reader.string(column.index))
                    switch outcome {
                    case .missing: identifiers[position].missing += 1
                    case .invalid: identifiers[position].invalid += 1
                    case .value: break
                    }
                    isValue = appendPart(outcome.text, separated: false)
                }
                if isValue {
                    try writeToken(column.tokeniser, to: writer)
                } else {
                    try writer.write(UnsafeBufferPointer(start: nil, count: 0))
                }
            case .key(let position):
                // The fields joined by U+001F (MatchKey.value(for:)), built as bytes.
                valueCount = 0
                let parts = keyParts[position] ?? []
                var isComplete = keyParts[position] != nil
                for (offset, part) in parts.enumerated() {
                    let separated = offset > 0
                    switch part {
                    case .forename: isComplete = appendPart(person.forename.text, separated: separated)
                    case .surname: isComplete = appendPart(person.surname.text, separated: separated)
                    case .dateOfBirth: isComplete = appendPart(person.dateOfBirth.text, separated: separated)
                    case .dateOfBirthUnordered: isComplete = appendPart(dateOfBirthUnordered, separated: separated)
                    case .postcode: isComplete = appendPart(person.postcode.text, separated: separated)
                    case .postcodeDistrict: isComplete = appendPart(postcodeDistrict, separated: separated)
                    case .other(let field): isComplete = appendPart(person.value(of: field), separated: separated)
                    }
                    if !isComplete { break }
                }
                if isComplete && valueCount == 0 {
                    try writer.write(UnsafeBufferPointer(start: nil, count: 0))   // a key of no fields: no token
                } else if isComplete {
                    try writeToken(keys[position].tokeniser, to: writer)
                } else {
                    keys[position].blank += 1
                    try writer.write(UnsafeBufferPointer(start: nil, count: 0))
                }
            }
        }
        try writer.endRecord()
    }

    /// Every output column with its class (and domain for tokens), then the dropped
    /// linkage columns, with their counts.
    func receiptColumns() -> [Receipt.Column] {
        var columns: [Receipt.Column] = []
        for output in outputs {
            switch output {
            case .passThrough(let index):
                let name = header[index]
                if let declaration = manifest.column(named: name) {
                    columns.append(Receipt.Column(name: name, class: declaration.columnClass.rawValue, action: "kept",
                                                  generalise: declaration.generalise?.rawValue,
                                                  open: declaration.isOpen ? true : nil))
                } else {
                    columns.append(Receipt.Column(name: name, class: "derived", action: "kept"))
                }
            case .identifier(let position):
                let column = identifiers[position]
                columns.append(Receipt.Column(name: header[column.index], class: "identifier", action: "tokenised",
                                              domain: column.tokeniser.domain, identifies: column.declaration.identifies?.rawValue,
                                              missing: column.missing, invalid: column.invalid))
            case .key(let position):
                let column = keys[position]
                columns.append(Receipt.Column(name: column.definition.name, class: column.isConfirmKey ? "confirmkey" : "matchkey",
                                              action: "tokenised", domain: column.definition.domain, missing: column.blank))
            }
        }
        for column in linkage {
            columns.append(Receipt.Column(name: header[column.index], class: "linkage", action: "consumed",
                                          field: column.declaration.field?.rawValue, missing: column.missing, invalid: column.invalid))
        }
        return columns
    }
}

/// A memo key equal only to the same UTF-8 bytes. Swift's String equality treats
/// canonically equivalent spellings as one (Á as U+00C1, or A followed by U+0301), but
/// the normalisers work on bytes and may give the two different results — the postcode
/// normaliser keeps the A of the second and drops the first — so a String-keyed memo
/// would hand a later record the earlier record's outcome.
struct ExactText: Hashable {
    var text: String
    init(_ text: String) { self.text = text }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
