/// The contract between Reporting (which builds tables from linked data) and Disclosure
/// (which decides what may be published, and proves it).
///
/// A release is protected as one system of equations. Every published number is a sum of
/// *atoms*: the counts of units (persons by default, or records) in each full
/// combination of every variable that any table of the release uses, including filter
/// variables. Because all tables are built from the same atoms, a cell in one table and
/// the margin of another that count the same units are the same linear form, and the
/// audit sees that — which is what defeats differencing between tables.

/// The counts of units by the full combination of the release's variables.
package struct Microdata: Sendable, Equatable {
    /// The variables, in a fixed order.
    package var variables: [String]
    /// Units in each combination; a key holds one category per variable, in `variables` order.
    /// Combinations with no unit are absent.
    package var counts: [[String]: Int]
    /// Variables computed from the atom variables above — recodes, bands, derived
    /// categories — each a function of the atoms of its source columns. Tables may use
    /// them like atom variables; two recodes of one column are then tied together.
    package var derived: [DerivedVariable]
    /// Every category a reader knows each atom variable can take, in `variables` order;
    /// nil when unknown. When given, the combinations of these are exactly the reader's
    /// view: impossible combinations of derived variables are never unknowns of the audit.
    package var universes: [[String]]?

    package init(variables: [String], counts: [[String]: Int], derived: [DerivedVariable] = [], universes: [[String]]? = nil) {
        self.variables = variables
        self.counts = counts
        self.derived = derived
        self.universes = universes
    }
}

/// A variable computed from atom variables (a recode of a source column, a band, a
/// category derived from several columns).
package struct DerivedVariable: Sendable, Equatable {
    package var name: String
    /// The atom variables it reads.
    package var sources: [String]
    /// Its category for each combination of its sources' categories (in `sources` order);
    /// a combination with no entry cannot occur.
    package var categories: [[String]: String]

    package init(name: String, sources: [String], categories: [[String]: String]) {
        self.name = name
        self.sources = sources
        self.categories = categories
    }
}

/// A count table to publish: one to three dimensions, every margin included.
package struct TableDefinition: Sendable, Equatable {
    package var id: String
    /// Variable names: row variables first, the column variable last.
    package var dimensions: [String]
    /// The categories shown for each dimension, in display order (no `Total`).
    package var categories: [[String]]
    /// Only atoms whose category of each named variable is in the set are counted.
    package var filter: [String: Set<String>]
    /// Interior combinations (one category per dimension) that cannot occur: shown `[z]`.
    package var structuralZeros: Set<[String]>

    package init(id: String, dimensions: [String], categories: [[String]], filter: [String: Set<String>] = [:],
                structuralZeros: Set<[String]> = []) {
        self.id = id
        self.dimensions = dimensions
        self.categories = categories
        self.filter = filter
        self.structuralZeros = structuralZeros
    }
}

/// The literal a margin's dimension holds.
package let totalCategory = "Total"

/// What is published for a cell.
package enum CellStatus: Sendable, Equatable {
    /// The published count (after rounding, if the policy rounds).
    case published(Int)
    /// Hidden (primary or secondary: published files never say which).
    case suppressed
    /// A combination that cannot occur.
    case structuralZero
}

/// One cell of a protected table, margins included.
package struct ProtectedCell: Sendable, Equatable {
    /// One category per dimension; `Total` for a margin.
    package var coordinates: [String]
    package var status: CellStatus
    package init(coordinates: [String], status: CellStatus) {
        self.coordinates = coordinates
        self.status = status
    }
}

package struct ProtectedTable: Sendable, Equatable {
    package var definition: TableDefinition
    /// Every cell including margins, in row-major order of `categories` + `Total` last.
    package var cells: [ProtectedCell]
    package init(definition: TableDefinition, cells: [ProtectedCell]) {
        self.definition = definition
        self.cells = cells
    }
}

/// One suppressed cell in the audit sidecar (never published).
package struct AuditEntry: Sendable, Equatable, Codable {
    /// `zero`: a true zero hidden against class disclosure (its line is audited as a whole:
    /// its other cells must be able to hold someone).
    package enum Kind: String, Sendable, Codable { case primary, secondary, zero }
    package var table: String
    package var coordinates: [String]
    package var kind: Kind
    /// The feasible range of the cell given everything published.
    package var lower: Double
    package var upper: Double
    package init(table: String, coordinates: [String], kind: Kind, lower: Double, upper: Double) {
        self.table = table
        self.coordinates = coordinates
        self.kind = kind
        self.lower = lower
        self.upper = upper
    }
}
