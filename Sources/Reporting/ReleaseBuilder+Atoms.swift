import Disclosure
import PathlinkCore
import Tabular

/// Atoms over source columns (docs/report-spec.md, "Atoms"; issue 15).
///
/// Every variable a table uses — a column, a map recode, a band, a category derived from
/// several columns by `cases` — is a function of the *source columns* it reads. The atoms
/// of the release are the combinations of those columns' categories, each column's
/// categories cut only as finely as some recode, condition or dimension tells them apart.
/// Every table variable is then a derived variable over the atoms, so two recodes of one
/// column (age bands and age groups), equivalent variables and filtered sub-populations
/// are tied together in the audit, and impossible combinations ("75+" and "Under 25")
/// are never unknowns.
extension ReleaseBuilder {
    /// The largest number of source combinations one derived variable may read.
    static let derivationLimit = 250_000

    /// The atom variable of a source column (a name no spec variable can take).
    static func atomName(_ column: String) -> String { "column:" + column }

    struct Atoms {
        /// Source columns, sorted.
        var columns: [String]
        /// Each column's categories: one representative per class a reader can tell apart.
        var universes: [[String]]
        /// Each column's observed value → its representative.
        var representative: [[String: String]]
        var derived: [DerivedVariable]
    }

    /// The columns a variable reads, directly or through the variables it reads.
    func sourceColumns(of name: String, declared: [String: Int]) -> Set<String> {
        guard let index = declared[name] else { return [name] }
        switch spec.variables[index].rule {
        case .column(let source, _): return [source]
        case .map(let source, _, _): return source == name ? [source] : sourceColumns(of: source, declared: declared)
        case .cases(let cases, _):
            return cases.reduce(into: Set<String>()) { result, item in
                for key in item.0.keys { result.formUnion(sourceColumns(of: key, declared: declared)) }
            }
        }
    }

    /// The category of a variable for one combination of source-column values; nil when
    /// that combination would be refused (a value outside a closed list or a map).
    func category(of name: String, given columns: [String: String], declared: [String: Int]) -> String? {
        guard let index = declared[name] else {
            let value = columns[name]!
            return value == SpecNames.total ? nil : value
        }
        switch spec.variables[index].rule {
        case .column(let source, let categories):
            let value = columns[source]!
            if let categories, !categories.contains(value), value != spec.missingLabel { return nil }
            return value == SpecNames.total ? nil : value
        case .map(let source, let groups, let other):
            guard let value = source == name ? columns[source] : category(of: source, given: columns, declared: declared) else { return nil }
            return groups.first { $0.1.contains(value) }?.0 ?? other
        case .cases(let cases, let otherwise):
            for (condition, value) in cases {
                var holds = true
                for (key, allowed) in condition.sorted(by: { $0.key < $1.key }) {
                    guard let category = category(of: key, given: columns, declared: declared) else { return nil }
                    if !allowed.contains(category) { holds = false; break }
                }
                if holds { return value }
            }
            return otherwise
        }
    }

    /// How a category of a variable takes part in the release: its own value where a
    /// table shows it, membership of every condition on it, and its role in every recode
    /// that reads it. Categories with the same role are indistinguishable in every table.
    func role(of value: String, in name: String, used: Set<String>, declared: [String: Int], depth: Int = 0) -> [String] {
        var role: [String] = []
        for table in spec.tables {
            if table.dimensions.contains(name) || table.responses.contains(name) { role.append("=" + value) }
            if table.quantity?.presenceColumn == name { role.append(value == "Yes" ? "1" : "0") }
            for condition in [table.filter, table.numerator, table.denominator] {
                if let allowed = condition[name] { role.append(allowed.contains(value) ? "1" : "0") }
            }
        }
        guard depth < 64 else { return role + ["=" + value] }
        for (index, variable) in spec.variables.enumerated() where used.contains(variable.name) {
            switch variable.rule {
            case .map(let source, let groups, let other) where source == name && variable.name != name:
                if let group = groups.first(where: { $0.1.contains(value) })?.0 ?? other {
                    role.append("map \(index):")
                    role += self.role(of: group, in: variable.name, used: used, declared: declared, depth: depth + 1)
                } else {
                    role.append("map \(index): none")
                }
            case .cases(let cases, _):
                for (condition, _) in cases { if let allowed = condition[name] { role.append(allowed.contains(value) ? "1" : "0") } }
            default: break
            }
        }
        return role
    }

    /// The atoms of a release: its source columns, their categories cut into the classes a
    /// reader can tell apart, and every table variable as a function of them.
    func makeAtoms(tableVariables: [String], order: [String], unitRows: [Int], table: CSVTable,
                   columns columnIndex: [String: Int], declared: [String: Int]) throws -> Atoms {
        let used = Set(order)
        let columns = tableVariables.reduce(into: Set<String>()) { $0.formUnion(sourceColumns(of: $1, declared: declared)) }.sorted()
        let missing = spec.missingLabel
        var universes: [[String]] = []
        var representatives: [[String: String]] = []
        for column in columns {
            let position = columnIndex[column]!
            var values = Set(unitRows.map { table.rows[$0][position].isEmpty ? missing : table.rows[$0][position] })
            values.insert(missing)
            // The readers of the column: identity variables (declared or not) and maps of it.
            var readers: [(name: String, index: Int?)] = []
            if declared[column] == nil && used.contains(column) { readers.append((column, nil)) }
            for (index, variable) in spec.variables.enumerated() where used.contains(variable.name) {
                switch variable.rule {
                case .column(let source, let categories) where source == column:
                    readers.append((variable.name, index))
                    values.formUnion(categories ?? [])
                case .map(let source, let groups, _) where source == column && variable.name == column:
                    readers.append((variable.name, index))
                    for (_, members) in groups { values.formUnion(members) }
                default: break
                }
            }
            // Values named by conditions on the column's identity variables.
            for reader in readers where reader.index.map({ if case .column = spec.variables[$0].rule { return true } else { return false } }) ?? true {
                for table in spec.tables {
                    for condition in [table.filter, table.numerator, table.denominator] { values.formUnion(condition[reader.name] ?? []) }
                }
                for variable in spec.variables where used.contains(variable.name) {
                    if case .cases(let cases, _) = variable.rule { for (condition, _) in cases { values.formUnion(condition[reader.name] ?? []) } }
                    if case .map(let source, let groups, _) = variable.rule, source == reader.name, variable.name != reader.name {
                        for (_, members) in groups { values.formUnion(members) }
                    }
                }
            }
            var classes: [[String]: String] = [:]
            var representative: [String: String] = [:]
            for value in values.sorted() {
                var key: [String] = []
                var possible = true
                for reader in readers {
                    if let index = reader.index {
                        switch spec.variables[index].rule {
                        case .column(_, let categories):
                            if let categories, !categories.contains(value), value != missing { possible = false }
                            key += ["column \(index):"] + role(of: value, in: reader.name, used: used, declared: declared)
                        case .map(_, let groups, let other):
                            guard let group = groups.first(where: { $0.1.contains(value) })?.0 ?? other else { possible = false; break }
                            key += ["map \(index):"] + role(of: group, in: reader.name, used: used, declared: declared)
                        case .cases: break
                        }
                    } else {
                        key += ["column:"] + role(of: value, in: reader.name, used: used, declared: declared)
                    }
                    if value == SpecNames.total { possible = false }
                }
                guard possible else { continue }
                if let first = classes[key] {
                    representative[value] = first
                } else {
                    classes[key] = value
                    representative[value] = value
                }
            }
            universes.append(Set(classes.values).sorted())
            representatives.append(representative)
        }

        var derived: [DerivedVariable] = []
        let columnPosition = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        for name in tableVariables {
            let sources = sourceColumns(of: name, declared: declared).sorted()
            let size = sources.reduce(1) { total, column in total > Self.derivationLimit ? total : total * universes[columnPosition[column]!].count }
            if size > Self.derivationLimit {
                throw PathlinkError(.invalidDocument, file: specPath, line: declared[name].flatMap { spec.variables[$0].line },
                                    problem: "variable \(name) combines \(sources.count) columns with too many categories between them for disclosure control",
                                    remedy: "group the categories of \(sources.joined(separator: ", ")) with map: recodes first, or read fewer columns")
            }
            var combinations: [[String]] = [[]]
            for column in sources { combinations = combinations.flatMap { prefix in universes[columnPosition[column]!].map { prefix + [$0] } } }
            var categories: [[String]: String] = [:]
            for combination in combinations {
                let given = Dictionary(uniqueKeysWithValues: zip(sources, combination))
                if let category = category(of: name, given: given, declared: declared) { categories[combination] = category }
            }
            derived.append(DerivedVariable(name: name, sources: sources.map(Self.atomName), categories: categories))
        }
        return Atoms(columns: columns, universes: universes, representative: representatives, derived: derived)
    }
}
