import Disclosure
import PathlinkCore

/// A report spec (`report: 1`): which linked table to read, the variables (recodes) and the
/// tables of one release. The format is documented in docs/report-spec.md.
package struct ReportSpec: Sendable, Equatable {
    package var id: String
    package var title: String
    /// The linked table to read: `<source>.csv` in the linked folder (default `journeys`).
    package var source: String
    /// The unit every table of the release counts.
    package var unit: CountUnit
    /// For `persons`: the columns whose smallest values pick a person's record, in order
    /// (empty values last); ties then go to the row whose other non-identifying values sort
    /// first (see ``ReleaseBuilder``). Empty: only that last rule.
    package var personRecordOrder: [String]
    /// The category an empty value gets.
    package var missingLabel: String
    /// Settings of the spec's own `policy:` block (only these fields were given).
    package var policy: DisclosurePolicy.Settings?
    package var variables: [VariableDefinition]
    package var tables: [TableSpec]
    /// Free text shown in the report's methodology section.
    package var notes: String?
    /// `linkage-quality: true`: add the linkage-quality section's tables (LinkageQualityTables).
    package var linkageQuality = false

    package init(id: String, title: String, source: String = "journeys", unit: CountUnit = .persons,
                personRecordOrder: [String] = [], missingLabel: String = "Not recorded", policy: DisclosurePolicy.Settings? = nil,
                variables: [VariableDefinition] = [], tables: [TableSpec], notes: String? = nil) {
        self.id = id
        self.title = title
        self.source = source
        self.unit = unit
        self.personRecordOrder = personRecordOrder
        self.missingLabel = missingLabel
        self.policy = policy
        self.variables = variables
        self.tables = tables
        self.notes = notes
    }
}

/// What a release counts.
package enum CountUnit: String, Sendable, Equatable {
    /// Distinct persons (`person_id`), each counted once by one of their records.
    case persons
    /// Rows of the linked table.
    case records
}

/// A condition on variables: a unit passes when, for every variable, its category is listed.
package typealias Condition = [String: [String]]

/// A variable of the release: a column of the linked table, or a recode of earlier variables.
package struct VariableDefinition: Sendable, Equatable {
    package enum Rule: Sendable, Equatable {
        /// The column's own values; `categories`, when given, is the closed list in display order.
        case column(source: String, categories: [String]?)
        /// Groups of the source's categories, in display order; unlisted ones go to `other`
        /// (or are an error when `other` is nil).
        case map(source: String, groups: [(String, [String])], other: String?)
        /// The value of the first case whose condition holds, else `otherwise`.
        case cases([(Condition, String)], otherwise: String)

        package static func == (lhs: Rule, rhs: Rule) -> Bool {
            switch (lhs, rhs) {
            case let (.column(a, b), .column(c, d)): return a == c && b == d
            case let (.map(a, b, c), .map(d, e, f)):
                return a == d && c == f && b.map(\.0) == e.map(\.0) && b.map(\.1) == e.map(\.1)
            case let (.cases(a, b), .cases(c, d)):
                return b == d && a.map(\.0) == c.map(\.0) && a.map(\.1) == c.map(\.1)
            default: return false
            }
        }
    }

    package var name: String
    /// A reader's name for the variable (column headings, charts).
    package var label: String?
    package var rule: Rule
    /// Display order of the categories, when it differs from the rule's order.
    package var order: [String]?
    /// The YAML line that declared it (for errors found while reading the data).
    package var line: Int?

    package init(name: String, label: String? = nil, rule: Rule, line: Int? = nil) {
        self.name = name
        self.label = label
        self.rule = rule
        self.line = line
    }
}

/// One published table.
package struct TableSpec: Sendable, Equatable {
    package enum Kind: String, Sendable, Equatable {
        case count, rate, mean, median
        /// Several yes/no variables (a person can have several risks): per response, the
        /// persons with it, as a rate of persons (docs/report-spec.md, "Multi-response").
        case multiResponse = "multi-response"

        /// A numerator, a denominator and a rate per cell.
        package var showsRate: Bool { self == .rate || self == .multiResponse }
        /// A statistic of a numeric quantity with its contributor count per cell.
        package var isMagnitude: Bool { self == .mean || self == .median }
    }

    /// The numeric quantity a mean or median summarises.
    package enum Quantity: Sendable, Equatable, Hashable {
        /// A numeric column of the linked table (a score); empty = no value.
        case column(String)
        /// Whole days from the first date column to the second (`YYYY-MM-DD`); empty when
        /// either is empty.
        case daysBetween(String, String)
        /// Whole calendar months from the first date or month column to the second
        /// (`YYYY-MM` or `YYYY-MM-DD`).
        case monthsBetween(String, String)

        /// The columns it reads.
        package var columns: [String] {
            switch self {
            case .column(let name): return [name]
            case .daysBetween(let from, let to), .monthsBetween(let from, let to): return [from, to]
            }
        }

        /// The reader's description, e.g. "days from referral_date to assessment_date".
        package var description: String {
            switch self {
            case .column(let name): return name
            case .daysBetween(let from, let to): return "days from \(from) to \(to)"
            case .monthsBetween(let from, let to): return "months from \(from) to \(to)"
            }
        }

        /// The yes/no column added to the linked table (before counting) that says whether a
        /// row has a value: the contributor-count tables filter on it, so the contributor
        /// counts are sums of the release's atoms like every count.
        package var presenceColumn: String {
            switch self {
            case .column(let name): return "has-value:" + name
            case .daysBetween(let from, let to): return "has-days:\(from):\(to)"
            case .monthsBetween(let from, let to): return "has-months:\(from):\(to)"
            }
        }
    }

    package var id: String
    package var title: String
    package var kind: Kind
    /// One or two row variables.
    package var rows: [String]
    /// The column variable, if any.
    package var column: String?
    package var filter: Condition
    /// For a rate: the units counted above the line (within the denominator).
    package var numerator: Condition
    /// For a rate: the units counted below the line (within the filter); empty = all.
    package var denominator: Condition
    /// Interior combinations that cannot occur, one category per dimension.
    package var structuralZeros: [[String]]
    /// Decimal places of a rate.
    package var decimals: Int
    package var notes: String?
    package var line: Int?
    /// For a mean or median: the quantity summarised (`of:`).
    package var quantity: Quantity?
    /// For a multi-response table: the yes/no variables, one per response, in display order.
    package var responses: [String] = []
    /// For a multi-response table: the category of a response variable that means "has it".
    package var yes = "Yes"

    package init(id: String, title: String, kind: Kind = .count, rows: [String], column: String? = nil,
                filter: Condition = [:], numerator: Condition = [:], denominator: Condition = [:],
                structuralZeros: [[String]] = [], decimals: Int = 1, notes: String? = nil, line: Int? = nil) {
        self.id = id
        self.title = title
        self.kind = kind
        self.rows = rows
        self.column = column
        self.filter = filter
        self.numerator = numerator
        self.denominator = denominator
        self.structuralZeros = structuralZeros
        self.decimals = decimals
        self.notes = notes
        self.line = line
    }

    /// Row variables, then the column variable.
    package var dimensions: [String] { rows + (column.map { [$0] } ?? []) }

    /// The id of the count table of a mean's or median's contributors (given to the protector).
    package var contributorsID: String { id + "#contributors" }
    /// The id of the count table of a multi-response table's response (given to the protector).
    package func responseID(_ index: Int) -> String { id + "#response-\(index + 1)" }
}

extension ReportSpec {
    /// Whether a column of the linked table holds research ids (`record_id`, `person_id`,
    /// `<dataset>.record_id`): ids are redrawn from the linker's secret on every run, so
    /// nothing a release publishes may depend on them.
    package static func isResearchIDColumn(_ name: String) -> Bool {
        name == "record_id" || name == "person_id" || name.hasSuffix(".record_id")
    }
}
