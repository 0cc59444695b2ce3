/// A schema manifest: what an owner's export contains, and what may leave the owner.
///
/// The format is PRODUCT.md's "Schema manifest" and is documented for reviewers in
/// `schemas/README.md`; ``Manifest/load(path:)`` validates all of it.
public struct Manifest: Sendable {
    public var version: Int
    /// `<owner>.<table>`, e.g. `police.crimes`.
    public var dataset: String
    public var title: String
    public var owner: String
    public var input: InputOptions
    public var rows: RowFilter?
    public var columns: [ColumnDeclaration]
    public var derive: [Derivation]
    /// The file it was read from.
    public var path: String

    /// The declaration of the column called `name`, if any.
    public func column(named name: String) -> ColumnDeclaration? {
        columns.first { $0.name == name }
    }

    /// The names of the columns an extract holds, in order: kept and generalised
    /// declared columns, then derived ones.
    public var extractColumns: [String] {
        columns.filter { $0.columnClass.leavesExtract }.map(\.name) + derive.map(\.name)
    }
}

public struct InputOptions: Sendable, Equatable {
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var encoding: String = "utf-8"
    public var undeclaredColumns: UndeclaredColumns = .reject

    public enum UndeclaredColumns: String, Sendable {
        /// An export column the manifest does not declare is an error (the default).
        case reject
        /// Undeclared columns are dropped unread (counted in the receipt).
        case drop
    }
}

/// Which records may leave the owner.
public struct RowFilter: Sendable {
    /// Column → allowed values (exact match after trimming).
    public var conditions: [(column: String, values: [String])]
    public var ageAtLeast: AgeCondition?
}

/// Keep a record only when the person was at least `years` old at the date in `at`.
public struct AgeCondition: Sendable {
    public var years: Int
    public var from: String
    public var at: String
}

/// The classes of PRODUCT.md: what a column becomes.
public enum ColumnClass: String, Sendable, CaseIterable {
    /// Tokenised (keyed HMAC) in its domain at pseudonymise.
    case identifier
    /// Person data used only for match keys; dropped after pseudonymise.
    case linkage
    /// Direct identifiers (names of staff, addresses, phone numbers): dropped at extract.
    case direct
    /// Free text: dropped at extract.
    case freeText = "free-text"
    /// Quasi-identifiers: generalised at extract.
    case quasi
    /// Kept as is (optionally checked against a closed value list).
    case attribute

    /// Whether the column appears in the extract.
    public var leavesExtract: Bool { self != .direct && self != .freeText }
}

/// The person fields a `linkage` column can hold.
public enum PersonField: String, Sendable, CaseIterable {
    case forename, surname
    case fullName = "full-name"
    case dateOfBirth = "date-of-birth"
    case postcode, sex
}

/// How a quasi column is generalised.
public enum Generalisation: String, Sendable, CaseIterable {
    /// A date → `YYYY-MM`.
    case month
    /// A date → `YYYY-Qn`.
    case quarter
    /// A date → `YYYY`.
    case year
    /// An age in years, or a date of birth with `at:`, → the MoJ age bands.
    case ageBand = "age-band"
    /// A UK postcode → its district (outward code), e.g. `CM13`.
    case postcodeDistrict = "postcode-district"
}

public struct ColumnDeclaration: Sendable {
    public var name: String
    public var columnClass: ColumnClass
    public var description: String?
    public var reviewed: Bool
    /// The YAML line, for review sheets and lints.
    public var line: Int?

    // identifier
    public var domain: String?
    public var identifies: Identifies?
    public var normalise: IdentifierNormaliser?

    // linkage
    public var field: PersonField?
    public var order: NameOrder?

    // dates (linkage date-of-birth, quasi type: date)
    public var formats: [DateFormat]

    // quasi
    public var type: QuasiType?
    public var generalise: Generalisation?
    /// For `age-band` of a date of birth: the reference date column.
    public var at: String?

    // attribute (and quasi text)
    public var values: [String]?

    public enum Identifies: String, Sendable { case record, person }
    public enum NameOrder: String, Sendable {
        case surnameFirst = "surname-first"
        case forenameFirst = "forename-first"
    }
    public enum QuasiType: String, Sendable { case date, integer, postcode, text }
}

/// How an identifier is normalised before it is tokenised.
public enum IdentifierNormaliser: Sendable {
    /// Trim, NFC, collapse white space, upper-case (the default).
    case text
    /// A regular expression and template (reference numbers).
    case pattern(ValuePattern)
}

/// A column computed at extract.
public struct Derivation: Sendable {
    public var name: String
    public var rule: Rule
    public var from: String
    public var at: String?
    public var line: Int?

    public enum Rule: String, Sendable, CaseIterable {
        /// Age band at the date in `at`, from the date of birth in `from`.
        case ageBand = "age-band"
    }
}
