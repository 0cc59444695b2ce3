import Disclosure
import PathlinkCore
import Tabular

/// The counts a release is made of, before disclosure control: the atoms and the tables.
package struct ReleaseInput: Sendable, Equatable {
    /// Units by the full combination of every variable any table uses (dimensions and conditions).
    package var microdata: Microdata
    /// Every table given to the protector: count tables, and for each rate table its
    /// numerator (`<id>#numerator`) and denominator (`<id>#denominator`).
    package var definitions: [TableDefinition]
    /// The categories of every variable, in display order.
    package var categories: [String: [String]]
    /// The number of units (persons or records) in the linked table.
    package var unitCount: Int
    /// For every mean or median table (by id): each cell's contributions (the quantity of
    /// each contributing unit), margins included, keyed by the cell's coordinates.
    package var contributions: [String: [[String]: [Double]]] = [:]
}

/// Builds the atoms and tables of a release from a linked table and a spec.
///
/// Counting persons: a person may have several rows in the linked table (several spine
/// records) with different categories. To keep every published number a sum of atoms,
/// each person is one unit, described by ONE of their rows: the row with the smallest
/// `person-record: earliest-by` columns, in order (empty last), then the row whose values
/// in every other column that is not a research id, in the table's column order, sort
/// first. Research ids are never read: they are redrawn from the linker's secret, and
/// the same raw data must give the same figures. Filters and dimensions all read that
/// row, so a person is never counted in two cells of a table, and every table's grand
/// total is at most the number of persons. See docs/report-spec.md.
package struct ReleaseBuilder {
    package let spec: ReportSpec
    package let specPath: String

    package init(spec: ReportSpec, specPath: String) {
        self.spec = spec
        self.specPath = specPath
    }

    static func numeratorID(_ id: String) -> String { id + "#numerator" }
    static func denominatorID(_ id: String) -> String { id + "#denominator" }

    /// The order of two values in `person-record`: by their UTF-8 bytes, so that the
    /// choice does not depend on the platform's Unicode tables (ISO dates and months sort
    /// in time order).
    static func precedes(_ x: String, _ y: String) -> Bool {
        x.utf8.lexicographicallyPrecedes(y.utf8)
    }

    package func build(from table: CSVTable, tablePath: String) throws -> ReleaseInput {
        let columnIndex = Dictionary(table.header.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let declared = Dictionary(spec.variables.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })

        // The variables the tables use, then everything those recodes read, in an order
        // where each variable comes after what it reads.
        var tableVariables: [String] = []
        func use(_ name: String, in tableSpec: TableSpec) throws {
            guard declared[name] != nil || columnIndex[name] != nil else {
                throw PathlinkError(.invalidDocument, file: specPath, line: tableSpec.line,
                                    problem: "table \(tableSpec.id): \"\(name)\" is neither a variable declared under variables: nor a column of \(FilePath.split(tablePath).name)",
                                    remedy: "declare it under variables:, or correct the name (columns of attached datasets are written <dataset>.<column>)")
            }
            if !tableVariables.contains(name) { tableVariables.append(name) }
        }
        for tableSpec in spec.tables {
            for name in tableSpec.dimensions + tableSpec.responses { try use(name, in: tableSpec) }
            if let quantity = tableSpec.quantity { try use(quantity.presenceColumn, in: tableSpec) }
            for condition in [tableSpec.filter, tableSpec.numerator, tableSpec.denominator] {
                for name in condition.keys.sorted() { try use(name, in: tableSpec) }
            }
        }
        let order = try evaluationOrder(for: tableVariables, declared: declared, columns: columnIndex, tablePath: tablePath)

        // Units: the rows counted.
        let unitRows = try chooseUnitRows(table, columnIndex: columnIndex, tablePath: tablePath)

        // Categories of each unit, variable by variable.
        var values: [String: [String]] = [:]
        for name in order {
            let variable = declared[name].map { spec.variables[$0] }
                ?? VariableDefinition(name: name, rule: .column(source: name, categories: nil))
            values[name] = try evaluate(variable, rows: unitRows, table: table, columns: columnIndex, values: values, tablePath: tablePath)
        }
        var categories: [String: [String]] = [:]
        for name in order {
            let variable = declared[name].map { spec.variables[$0] }
            categories[name] = categoryOrder(of: variable, observed: values[name]!)
        }

        // The atoms: source columns, and every table variable as a function of them.
        let atoms = try makeAtoms(tableVariables: tableVariables, order: order, unitRows: unitRows, table: table,
                                  columns: columnIndex, declared: declared)
        var counts: [[String]: Int] = [:]
        let atomPositions = atoms.columns.map { columnIndex[$0]! }
        for row in unitRows {
            let key = atomPositions.enumerated().map { c, position -> String in
                let raw = table.rows[row][position]
                let value = raw.isEmpty ? spec.missingLabel : raw
                return atoms.representative[c][value] ?? value
            }
            counts[key, default: 0] += 1
        }
        let microdata = Microdata(variables: atoms.columns.map(Self.atomName), counts: counts, derived: atoms.derived,
                                  universes: atoms.universes)

        // The tables.
        var definitions: [TableDefinition] = []
        for tableSpec in spec.tables {
            for (name, listed) in [tableSpec.filter, tableSpec.numerator, tableSpec.denominator].flatMap({ $0.sorted { $0.key < $1.key } }) {
                let isClosed = declared[name].map { index -> Bool in
                    if case .column(_, nil) = spec.variables[index].rule { return false }
                    return true
                } ?? false
                let known = Set(categories[name]!)
                if isClosed, let unknown = listed.first(where: { !known.contains($0) && $0 != spec.missingLabel }) {
                    throw PathlinkError(.invalidDocument, file: specPath, line: tableSpec.line,
                                        problem: "table \(tableSpec.id): \"\(unknown)\" is not a category of \(name)",
                                        remedy: "use one of: \(categories[name]!.joined(separator: ", "))")
                }
            }
            let base = try conjunction(tableSpec.filter, tableSpec.kind == .rate ? tableSpec.denominator : [:], table: tableSpec)
            let dimensionCategories = tableSpec.dimensions.map { name -> [String] in
                let all = categories[name]!
                guard let allowed = base[name] else { return all }
                return all.filter { allowed.contains($0) }
            }
            var zeros = Set<[String]>()
            for cell in tableSpec.structuralZeros {
                for (index, category) in cell.enumerated() where !dimensionCategories[index].contains(category) {
                    throw PathlinkError(.invalidDocument, file: specPath, line: tableSpec.line,
                                        problem: "table \(tableSpec.id): structural zero names \"\(category)\", which is not a category of \(tableSpec.dimensions[index]) in this table",
                                        remedy: "use one of: \(dimensionCategories[index].joined(separator: ", "))")
                }
                let occurs = unitRows.indices.contains { unit in
                    tableSpec.dimensions.enumerated().allSatisfy { values[$0.element]![unit] == cell[$0.offset] }
                        && base.allSatisfy { $0.value.contains(values[$0.key]![unit]) }
                }
                if occurs {
                    throw PathlinkError(.invalidDocument, file: specPath, line: tableSpec.line,
                                        problem: "table \(tableSpec.id): a combination declared a structural zero (\(cell.joined(separator: " × "))) occurs in the data",
                                        remedy: "a structural zero is a combination that cannot occur; remove it from structural-zeros, or check the recodes")
                }
                zeros.insert(cell)
            }
            switch tableSpec.kind {
            case .mean, .median:
                var contributing = base.mapValues(Set.init)
                contributing[tableSpec.quantity!.presenceColumn] = ["Yes"]
                definitions.append(TableDefinition(id: tableSpec.contributorsID, dimensions: tableSpec.dimensions,
                                                   categories: dimensionCategories, filter: contributing, structuralZeros: zeros))
            case .multiResponse:
                for (index, response) in tableSpec.responses.enumerated() {
                    var responseCategories = categories[response]!
                    if let allowed = base[response] { responseCategories = responseCategories.filter { allowed.contains($0) } }
                    guard responseCategories.contains(tableSpec.yes) else {
                        throw PathlinkError(.invalidDocument, file: specPath, line: tableSpec.line,
                                            problem: "table \(tableSpec.id): the response \(response) has no category \"\(tableSpec.yes)\" (the category that means a unit has the response)",
                                            remedy: "set yes: to its yes category, or recode \(response) into Yes/No with a map: under variables:")
                    }
                    definitions.append(TableDefinition(id: tableSpec.responseID(index), dimensions: [response] + tableSpec.dimensions,
                                                       categories: [responseCategories] + dimensionCategories, filter: base.mapValues(Set.init)))
                }
            case .count:
                definitions.append(TableDefinition(id: tableSpec.id, dimensions: tableSpec.dimensions, categories: dimensionCategories,
                                                   filter: base.mapValues(Set.init), structuralZeros: zeros))
            case .rate:
                let above = try conjunction(base, tableSpec.numerator, table: tableSpec)
                definitions.append(TableDefinition(id: Self.numeratorID(tableSpec.id), dimensions: tableSpec.dimensions,
                                                   categories: dimensionCategories, filter: above.mapValues(Set.init), structuralZeros: zeros))
                definitions.append(TableDefinition(id: Self.denominatorID(tableSpec.id), dimensions: tableSpec.dimensions,
                                                   categories: dimensionCategories, filter: base.mapValues(Set.init), structuralZeros: zeros))
            }
        }
        var input = ReleaseInput(microdata: microdata, definitions: definitions, categories: categories, unitCount: unitRows.count)
        input.contributions = try contributions(unitRows: unitRows, values: values, definitions: definitions, table: table, tablePath: tablePath)
        return input
    }

    /// Each mean or median table's contributions per cell, margins included: the quantity of
    /// every unit that passes the table's filter, has a value and falls in a shown category.
    private func contributions(unitRows: [Int], values: [String: [String]], definitions: [TableDefinition],
                               table: CSVTable, tablePath: String) throws -> [String: [[String]: [Double]]] {
        var result: [String: [[String]: [Double]]] = [:]
        var quantities: [TableSpec.Quantity: [Double?]] = [:]
        for tableSpec in spec.tables where tableSpec.kind.isMagnitude {
            let quantity = tableSpec.quantity!
            if quantities[quantity] == nil {
                quantities[quantity] = try QuantityColumns.values(quantity, in: table, tablePath: tablePath, specPath: specPath, line: tableSpec.line)
            }
            let rowValues = quantities[quantity]!
            guard let definition = definitions.first(where: { $0.id == tableSpec.contributorsID }) else { continue }
            var cells: [[String]: [Double]] = [:]
            for (unit, row) in unitRows.enumerated() {
                guard let value = rowValues[row],
                      definition.filter.allSatisfy({ $0.key == tableSpec.quantity!.presenceColumn || $0.value.contains(values[$0.key]![unit]) })
                else { continue }
                let interior = definition.dimensions.map { values[$0]![unit] }
                guard interior.enumerated().allSatisfy({ definition.categories[$0.offset].contains($0.element) }) else { continue }
                // The interior cell and every margin over it (2^d cells).
                for mask in 0..<(1 << interior.count) {
                    let coordinates = interior.enumerated().map { mask & (1 << $0.offset) != 0 ? totalCategory : $0.element }
                    cells[coordinates, default: []].append(value)
                }
            }
            result[tableSpec.id] = cells
        }
        return result
    }

    /// Both conditions at once: for a variable in both, the categories in both.
    private func conjunction(_ first: Condition, _ second: Condition, table: TableSpec) throws -> Condition {
        var result = first
        for (name, values) in second {
            if let existing = result[name] {
                let both = existing.filter { values.contains($0) }
                guard !both.isEmpty else {
                    throw PathlinkError(.invalidDocument, file: specPath, line: table.line,
                                        problem: "table \(table.id): the conditions on \(name) exclude each other, so no unit could be counted",
                                        remedy: "make the filter, denominator and numerator agree on \(name)")
                }
                result[name] = both
            } else {
                result[name] = values
            }
        }
        return result
    }

    /// Variables in an order where each comes after the variables it reads.
    private func evaluationOrder(for names: [String], declared: [String: Int], columns: [String: Int], tablePath: String) throws -> [String] {
        var order: [String] = []
        var visiting = Set<String>()
        func visit(_ name: String, from position: Int?) throws {
            if order.contains(name) { return }
            guard let index = declared[name] else {
                guard columns[name] != nil else {
                    let line = position.map { spec.variables[$0].line } ?? nil
                    throw PathlinkError(.invalidDocument, file: specPath, line: line,
                                        problem: "variable \(position.map { spec.variables[$0].name } ?? name) reads \"\(name)\", which is neither a column of \(FilePath.split(tablePath).name) nor a variable declared before it",
                                        remedy: "correct the name, or declare the variable it reads above it")
                }
                order.append(name)
                return
            }
            if let position, index >= position, name != spec.variables[position].name {
                throw PathlinkError(.invalidDocument, file: specPath, line: spec.variables[position].line,
                                    problem: "variable \(spec.variables[position].name) reads \(name), which is declared after it",
                                    remedy: "declare \(name) above \(spec.variables[position].name)")
            }
            guard visiting.insert(name).inserted else { return }
            let variable = spec.variables[index]
            switch variable.rule {
            case .column(let source, _):
                guard columns[source] != nil else {
                    throw PathlinkError(.invalidDocument, file: specPath, line: variable.line,
                                        problem: "variable \(name) reads the column \"\(source)\", which \(FilePath.split(tablePath).name) does not have",
                                        remedy: "correct from: (columns of attached datasets are written <dataset>.<column>)")
                }
            case .map(let source, _, _):
                if source != name {
                    try visit(source, from: index)
                } else if columns[source] == nil {
                    throw PathlinkError(.invalidDocument, file: specPath, line: variable.line,
                                        problem: "variable \(name) maps the column \"\(source)\", which \(FilePath.split(tablePath).name) does not have",
                                        remedy: "add from: COLUMN naming the column (or variable declared above) it groups")
                }
            case .cases(let cases, _):
                for read in Set(cases.flatMap { $0.0.keys }).sorted() {
                    guard read != name else {
                        throw PathlinkError(.invalidDocument, file: specPath, line: variable.line,
                                            problem: "variable \(name) reads itself in a case", remedy: "a case reads columns or variables declared above it")
                    }
                    try visit(read, from: index)
                }
            }
            order.append(name)
        }
        for name in names { try visit(name, from: nil) }
        return order
    }

    /// The row of each unit: every row (records), or one row per person.
    private func chooseUnitRows(_ table: CSVTable, columnIndex: [String: Int], tablePath: String) throws -> [Int] {
        guard spec.unit == .persons else { return Array(table.rows.indices) }
        let personColumn = columnIndex["person_id"]!
        let orderColumns = try spec.personRecordOrder.map { name -> Int in
            guard let index = columnIndex[name] else {
                throw PathlinkError(.invalidDocument, file: specPath, problem: "person-record: earliest-by names \"\(name)\", which \(FilePath.split(tablePath).name) does not have",
                                    remedy: "name a column of the linked table, e.g. a referral month")
            }
            return index
        }
        // The tie-break reads every column that is not a research id, in the table's
        // order: the same raw data give the same rows whatever the key and the secret.
        let tieColumns = table.header.indices.filter { !ReportSpec.isResearchIDColumn(table.header[$0]) }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let rowA = table.rows[a], rowB = table.rows[b]
            for column in orderColumns {
                let x = rowA[column], y = rowB[column]
                if x != y { return y.isEmpty ? true : (x.isEmpty ? false : Self.precedes(x, y)) }
            }
            for column in tieColumns {
                let x = rowA[column], y = rowB[column]
                if x != y { return Self.precedes(x, y) }
            }
            // Equal in every column but the ids: either row gives the same categories.
            return false
        }
        var chosen: [String: Int] = [:]
        for (index, row) in table.rows.enumerated() {
            let person = row[personColumn]
            guard !person.isEmpty else {
                throw PathlinkError(.invalidDocument, file: tablePath, row: index + 2, column: "person_id",
                                    problem: "the person_id is empty, so this record cannot be counted as a person",
                                    remedy: "give the table exactly as `pathlink link` wrote it, or count: records")
            }
            if let current = chosen[person], !precedes(index, current) { continue }
            chosen[person] = index
        }
        return chosen.values.sorted()
    }

    /// The category of every unit for one variable.
    private func evaluate(_ variable: VariableDefinition, rows: [Int], table: CSVTable, columns: [String: Int],
                          values: [String: [String]], tablePath: String) throws -> [String] {
        let missing = spec.missingLabel
        switch variable.rule {
        case .column(let source, let declaredCategories):
            let column = columns[source]!
            let allowed = declaredCategories.map(Set.init)
            return try rows.map { row in
                let raw = table.rows[row][column]
                let value = raw.isEmpty ? missing : raw
                if let allowed, !allowed.contains(value), value != missing {
                    throw PathlinkError(.invalidValue, file: tablePath, row: row + 2, column: source,
                                        problem: "the value is not one of the categories declared for variable \(variable.name) (spec line \(variable.line.map(String.init) ?? "?"))",
                                        remedy: "add it to categories: in \(FilePath.split(specPath).name), or group it with a map: recode")
                }
                if value == SpecNames.total {
                    throw PathlinkError(.invalidValue, file: tablePath, row: row + 2, column: source,
                                        problem: "the value \"Total\" would be confused with a margin",
                                        remedy: "recode it with a map: in the spec")
                }
                return value
            }
        case .map(let source, let groups, let other):
            var lookup: [String: String] = [:]
            for (group, members) in groups { for member in members { lookup[member] = group } }
            let sourceValues: [String]
            if let earlier = values[source], source != variable.name {
                sourceValues = earlier
            } else {
                let column = columns[source]!
                sourceValues = rows.map { table.rows[$0][column].isEmpty ? missing : table.rows[$0][column] }
            }
            return try sourceValues.enumerated().map { offset, value in
                if let group = lookup[value] { return group }
                if let other { return other }
                throw PathlinkError(.invalidValue, file: tablePath, row: rows[offset] + 2, column: columns[source] != nil ? source : nil,
                                    problem: "variable \(variable.name) (spec line \(variable.line.map(String.init) ?? "?")) has no group for the category \"\(value)\" of \(source)",
                                    remedy: "add it to a group of map:, or add other: GROUP for every unlisted category")
            }
        case .cases(let cases, let otherwise):
            return rows.indices.map { unit in
                for (condition, value) in cases where condition.allSatisfy({ $0.value.contains(values[$0.key]![unit]) }) {
                    return value
                }
                return otherwise
            }
        }
    }

    /// Display order: declared order first; observed-only categories sorted, the missing label last.
    private func categoryOrder(of variable: VariableDefinition?, observed: [String]) -> [String] {
        let seen = Set(observed)
        var declaredOrder: [String] = []
        switch variable?.rule {
        case .column(_, let categories?): declaredOrder = categories
        case .map(_, let groups, let other): declaredOrder = groups.map(\.0) + (other.map { [$0] } ?? [])
        case .cases(let cases, let otherwise): declaredOrder = cases.map(\.1) + [otherwise]
        default: break
        }
        var result: [String] = []
        for category in (variable?.order ?? []) + declaredOrder where !result.contains(category) { result.append(category) }
        let extra = seen.subtracting(result).subtracting([spec.missingLabel]).sorted()
        result += extra
        if seen.contains(spec.missingLabel) && !result.contains(spec.missingLabel) { result.append(spec.missingLabel) }
        return result
    }
}

enum SpecNames {
    static let total = totalCategory
}
