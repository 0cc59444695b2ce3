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

    init(manifest: Manifest, plan: LinkagePlan, key: MasterKey, header: [String], file: String) throws {
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
        func tokeniser(_ domain: String) -> DomainTokeniser {
            if let existing = tokenisers[domain] { return existing }
            let made = DomainTokeniser(key: key, project: plan.project, domain: domain)
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
                if case .pattern(let value)? = declaration.normalise {
                    do {
                        pattern = try ReferencePattern(pattern: value.pattern, template: value.template)
                    } catch var error as PathlinkError {
                        error.file = manifest.path
                        error.column = name
                        throw error
                    }
                }
                guard let domain = declaration.domain else {
                    throw PathlinkError(.invalidDocument, file: manifest.path, column: name, problem: "an identifier column has no domain",
                                        remedy: "add domain: to the column")
                }
                identifiers.append(IdentifierColumn(index: index, declaration: declaration, pattern: pattern, tokeniser: tokeniser(domain)))
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
                let sources: [PersonField] = field.rawValue == ErrorTolerantField.fullNameSorted.rawValue
                    ? [.forename, .surname] : field.source.map { [$0] } ?? []
                for source in sources where !provided.contains(source) && !lacking.contains(source.rawValue) {
                    lacking.append(source.rawValue)
                }
            }
            let isConfirmKey = position >= plan.matchKeys.count
            if !lacking.isEmpty {
                warnings.append("\(definition.name) is blank: \(manifest.dataset) has no linkage column for \(lacking.joined(separator: ", "))")
            }
            keys.append(KeyColumn(definition: definition, key: MatchKey(name: definition.name, fields: definition.fields),
                                  isConfirmKey: isConfirmKey, tokeniser: tokeniser(definition.domain), lacking: lacking))
            outputs.append(.key(keys.count - 1))
            outputHeader.append(definition.name)
        }
    }

    /// Normalise, tokenise and write one record.
    /// Normalised values already computed, per linkage column: names, dates of birth and
    /// postcodes repeat across records (a few thousand forenames cover most people), and
    /// each normaliser is a pure function of the raw value and the column's declaration.
    /// Bounded: a column's memo is emptied when it reaches ``memoLimit`` entries.
    private var memo: [[String: (value: Normalised, first: Normalised)]] = []
    static let memoLimit = 1 << 16

    @inline(__always)
    private func remembered(_ position: Int, _ raw: String, _ compute: () -> (value: Normalised, first: Normalised))
        -> (value: Normalised, first: Normalised) {
        if memo.isEmpty { memo = Array(repeating: [:], count: linkage.count) }
        if let known = memo[position][raw] { return known }
        let result = compute()
        if memo[position].count >= Self.memoLimit { memo[position].removeAll(keepingCapacity: true) }
        memo[position][raw] = result
        return result
    }

    func write(record reader: CSVReader, to writer: CSVWriter) throws {
        var person = PersonRecord()
        for position in linkage.indices {
            guard let field = linkage[position].declaration.field else { continue }
            let raw = reader.string(linkage[position].index)
            var outcome: Normalised
            switch field {
            case .forename:
                let names = remembered(position, raw) { (NameNormalisation.name(raw), NameNormalisation.firstName(raw)) }
                outcome = names.value
                if person.forename.text == nil {
                    person.forename = outcome
                    person.firstForename = names.first
                }
            case .surname:
                outcome = remembered(position, raw) { (NameNormalisation.name(raw), .missing) }.value
                if person.surname.text == nil { person.surname = outcome }
            case .fullName:
                let order: NameNormalisation.Order = linkage[position].declaration.order == .surnameFirst ? .surnameFirst : .forenameFirst
                let split = NameNormalisation.splitFullName(raw, order: order)
                if person.forename.text == nil {
                    person.forename = split.forename
                    person.firstForename = split.firstForename
                }
                if person.surname.text == nil { person.surname = split.surname }
                outcome = split.surname.text != nil ? split.surname : split.forename
            case .dateOfBirth:
                let formats = linkage[position].declaration.formats
                outcome = remembered(position, raw) { (DateOfBirth.normalise(raw, formats: formats), .missing) }.value
                if person.dateOfBirth.text == nil { person.dateOfBirth = outcome }
            case .postcode:
                outcome = remembered(position, raw) { (Postcode.normalise(raw), .missing) }.value
                if person.postcode.text == nil { person.postcode = outcome }
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
                try writer.write(reader.bytes(index))
            case .identifier(let position):
                let outcome = identifiers[position].normalise(reader.string(identifiers[position].index))
                switch outcome {
                case .missing: identifiers[position].missing += 1
                case .invalid: identifiers[position].invalid += 1
                case .value: break
                }
                try writer.write(identifiers[position].tokeniser.token(outcome))
            case .key(let position):
                let value = keys[position].lacking.isEmpty ? keys[position].key.value(for: person) : nil
                if value == nil { keys[position].blank += 1 }
                try writer.write(keys[position].tokeniser.token(value))
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
                                                  generalise: declaration.generalise?.rawValue))
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
