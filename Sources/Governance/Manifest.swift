/// A schema manifest: what an owner's export contains, and what may leave the owner.
///
/// The format is specified in `schemas/README.md` (formally `schemas/manifest.schema.json`); ``Manifest/load(path:)`` validates all of it.
package struct Manifest: Sendable {
    package var version: Int
    /// `<owner>.<table>`, e.g. `police.crimes`.
    package var dataset: String
    package var title: String
    package var owner: String
    package var input: InputOptions
    package var rows: RowFilter?
    package var columns: [ColumnDeclaration]
    package var derive: [Derivation]
    /// The file it was read from.
    package var path: String

    /// The declaration of the column called `name`, if any.
    package func column(named name: String) -> ColumnDeclaration? {
        columns.first { $0.name == name }
    }

    /// The names of the columns an extract holds, in order: kept and generalised
    /// declared columns, then derived ones.
    package var extractColumns: [String] {
        columns.filter { $0.columnClass.leavesExtract }.map(\.name) + derive.map(\.name)
    }
}

package struct InputOptions: Sendable, Equatable {
    package var delimiter: UInt8 = UInt8(ascii: ",")
    package var encoding: String = "utf-8"
    package var undeclaredColumns: UndeclaredColumns = .reject
    /// `input.missing`: the export's own "not known" texts (`N/K`, `NOT STATED`), missing in
    /// every column that leaves the extract, like the built-in placeholders. Trimmed and
    /// upper-cased (``Placeholder/declared(_:)``).
    package var missing: [String] = []

    package enum UndeclaredColumns: String, Sendable {
        /// An export column the manifest does not declare is an error (the default).
        case reject
        /// Undeclared columns are dropped unread (counted in the receipt).
        case drop
    }
}

/// Which records may leave the owner.
package struct RowFilter: Sendable {
    /// Column → allowed values (exact match after trimming).
    package var conditions: [(column: String, values: [String])]
    package var ageAtLeast: AgeCondition?
}

/// Keep a record only when the person was at least `years` old at the date in `at`.
package struct AgeCondition: Sendable {
    package var years: Int
    package var from: String
    package var at: String
}

/// The column classes (schemas/README.md; governance/column-classes.md): what a column becomes.
package enum ColumnClass: String, Sendable, CaseIterable {
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
    package var leavesExtract: Bool { self != .direct && self != .freeText }
}

/// The person fields a `linkage` column can hold.
package enum PersonField: String, Sendable, CaseIterable {
    case forename, surname
    case fullName = "full-name"
    case dateOfBirth = "date-of-birth"
    case postcode, sex
}

/// How a quasi column is generalised.
package enum Generalisation: String, Sendable, CaseIterable {
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

package struct ColumnDeclaration: Sendable {
    package var name: String
    package var columnClass: ColumnClass
    package var description: String?
    package var reviewed: Bool
    /// The YAML line, for review sheets and lints.
    package var line: Int?

    // identifier
    package var domain: String?
    package var identifies: Identifies?
    package var normalise: IdentifierNormaliser?

    // linkage
    package var field: PersonField?
    package var order: NameOrder?

    // dates (linkage date-of-birth, quasi type: date)
    package var formats: [DateFormat]

    // quasi
    package var type: QuasiType?
    package var generalise: Generalisation?
    /// For `age-band` of a date of birth: the reference date column.
    package var at: String?

    // attribute (and quasi text)
    /// `open: true`: an attribute with no closed value list, reviewed as such. Every value
    /// of it is profiled at extract like `check --data` (PRODUCT.md).
    package var isOpen = false
    package var values: [String]?

    /// Declared placeholders: the manifest's `input.missing` and the column's own
    /// `missing`, trimmed and upper-cased, in that order. A value equal to one (after the
    /// same trimming and upper-casing) is missing at extract, like `UNKNOWN`: written empty
    /// and counted in the receipt. Empty for a column that does not leave the extract.
    package var missing: [String] = []

    package enum Identifies: String, Sendable { case record, person }
    package enum NameOrder: String, Sendable {
        case surnameFirst = "surname-first"
        case forenameFirst = "forename-first"
    }
    package enum QuasiType: String, Sendable { case date, integer, postcode, text }
}

/// How an identifier is normalised before it is tokenised.
package enum IdentifierNormaliser: Sendable {
    /// Trim, NFC, collapse white space, upper-case (the default).
    case text
    /// A regular expression and template (reference numbers).
    case pattern(ReferencePattern)
}

/// A column computed at extract.
package struct Derivation: Sendable {
    package var name: String
    package var rule: Rule
    package var from: String
    package var at: String?
    package var line: Int?

    package enum Rule: String, Sendable, CaseIterable {
        /// Age band at the date in `at`, from the date of birth in `from`.
        case ageBand = "age-band"
    }
}
