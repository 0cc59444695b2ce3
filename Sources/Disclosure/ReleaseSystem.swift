import PathlinkCore

/// Every cell of every table of a release as a linear form over shared unknowns.
///
/// The unknowns a reader faces are the counts of units in each full combination of the
/// release's variables. Combinations that fall into exactly the same cells of every
/// table can never be told apart by any published number, so they are merged into one
/// *class*: the unknowns of the audit are classes, and each cell is the sum of its classes.
///
/// Which combinations: every present atom, plus combinations that hold no unit (a reader
/// does not know they are empty). When the product of the variables' distinguishable
/// categories is at most ``exhaustiveLimit`` every combination is included, which is
/// exactly the reader's view; otherwise one real (possible) combination is added for
/// each interior cell of each table. Leaving some empty combinations out can only narrow
/// the ranges the audit computes, never widen them, so the audit stays sound.
struct ReleaseSystem {
    struct Cell {
        var table: Int
        /// Position in the table's row-major order (categories, then `Total`).
        var local: Int
        var coordinateIndices: [Int]
        var coordinates: [String]
        /// How many coordinates are `Total`.
        var totalCount: Int
        var isGrandTotal: Bool
        /// The true count.
        var value: Int
        /// Sorted class indices whose sum is this cell.
        var classes: [Int]
        var isStructural: Bool
    }

    /// The largest number of combinations enumerated to model empty combinations exactly.
    static let exhaustiveLimit = 4096

    let tables: [TableDefinition]
    private(set) var cells: [Cell] = []
    private(set) var tableOffsets: [Int] = []
    private(set) var classCount = 0
    /// The true count of units in each class (``SumProtection`` treats empty classes as known).
    private(set) var classCounts: [Int] = []
    /// Lines: the cells along one dimension with the others fixed, then that line's total last.
    private(set) var lines: [[Int]] = []
    private(set) var linesOfCell: [[Int]] = []
    /// Cells sharing each class.
    private(set) var cellsOfClass: [[Int]] = []
    /// Cells with the very same non-empty form, grouped (groups of two or more only).
    private(set) var sameForm: [Int: [Int]] = [:]

    /// - Complexity: O(c·t·2^d) to place c combinations into t tables of at most d
    ///   dimensions, plus O(k) for k cells; combinations are at most the atoms plus the
    ///   interior cells (or ``exhaustiveLimit``).
    init(microdata: Microdata, tables: [TableDefinition]) throws {
        self.tables = tables
        try Self.validate(microdata: microdata, tables: tables)
        let variableIndex = Dictionary(uniqueKeysWithValues: (microdata.variables + microdata.derived.map(\.name)).enumerated().map { ($1, $0) })
        let shapes = tables.map { TableShape(definition: $0, variableIndex: variableIndex) }
        let derivation = Derivation(microdata: microdata)

        var offset = 0
        for shape in shapes {
            tableOffsets.append(offset)
            offset += shape.cellCount
        }

        // Combinations in a fixed order: present atoms sorted, then the empty ones.
        let atoms = microdata.counts.filter { $0.value > 0 }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var combinations: [([String], Int)] = []
        for atom in atoms {
            guard let extended = derivation.extend(atom.key) else {
                throw Self.internalError("a unit's combination has no category of a derived variable")
            }
            combinations.append((extended, atom.value))
        }
        let empty = microdata.universes != nil
            ? Self.possibleCombinations(microdata: microdata, derivation: derivation, shapes: shapes, atoms: combinations.map(\.0))
            : Self.emptyCombinations(microdata: microdata, shapes: shapes, atoms: atoms.map(\.key))
        for combination in empty {
            combinations.append((combination, 0))
        }

        var classOfSignature: [[Int]: Int] = [:]
        var classValues: [Int] = []
        var classSignatures: [[Int]] = []
        for (combination, count) in combinations {
            let signature = shapes.map { $0.interiorCell(of: combination) ?? -1 }
            if signature.allSatisfy({ $0 < 0 }) { continue }
            if let index = classOfSignature[signature] {
                classValues[index] += count
            } else {
                classOfSignature[signature] = classValues.count
                classValues.append(count)
                classSignatures.append(signature)
            }
        }
        classCount = classValues.count
        classCounts = classValues

        var cellClasses = Array(repeating: [Int](), count: offset)
        for (classIndex, signature) in classSignatures.enumerated() {
            for (table, interior) in signature.enumerated() where interior >= 0 {
                for local in shapes[table].cellsContaining(interior: interior) {
                    cellClasses[tableOffsets[table] + local].append(classIndex)
                }
            }
        }

        for (table, shape) in shapes.enumerated() {
            for local in 0..<shape.cellCount {
                let indices = shape.coordinateIndices(of: local)
                let coordinates = shape.coordinates(of: indices)
                let totals = zip(indices, shape.sizes).filter { $0 == $1 - 1 }.count
                let global = tableOffsets[table] + local
                let classes = cellClasses[global].sorted()
                let value = classes.reduce(0) { $0 + classValues[$1] }
                let structural = shape.isStructural(indices)
                if structural && value != 0 {
                    throw PathlinkError(.invalidDocument,
                                        problem: "table \"\(shape.definition.id)\" declares a structural zero that holds units",
                                        remedy: "declare as structural zeros only combinations of \(shape.definition.dimensions.joined(separator: " × ")) that cannot occur")
                }
                cells.append(Cell(table: table, local: local, coordinateIndices: indices, coordinates: coordinates,
                                  totalCount: totals, isGrandTotal: totals == indices.count, value: value,
                                  classes: classes, isStructural: structural))
            }
        }

        cellsOfClass = Array(repeating: [], count: classCount)
        for (index, cell) in cells.enumerated() {
            for c in cell.classes { cellsOfClass[c].append(index) }
        }
        var byForm: [[Int]: [Int]] = [:]
        for (index, cell) in cells.enumerated() where !cell.classes.isEmpty {
            byForm[cell.classes, default: []].append(index)
        }
        for group in byForm.values where group.count > 1 {
            for index in group { sameForm[index] = group }
        }

        linesOfCell = Array(repeating: [], count: cells.count)
        for (table, shape) in shapes.enumerated() {
            for line in shape.lines() {
                let global = line.map { tableOffsets[table] + $0 }
                for index in global { linesOfCell[index].append(lines.count) }
                lines.append(global)
            }
        }
    }

    func cellIndex(table: Int, local: Int) -> Int { tableOffsets[table] + local }

    /// A sub-population that is the difference of two cells of the release (a cell and a
    /// cell of a filtered table inside it, two recodes…), with its true count.
    struct Group {
        var classes: [Int]
        var value: Int
        /// The larger cell and the cell inside it.
        var outer: Int
        var inner: Int
        /// The value its largest feasible count must reach; nil: the policy's protection
        /// level. 1 for the other cells of a class-disclosing line (a reader must not be
        /// able to tell that they hold nobody).
        var level: Int? = nil
    }

    /// Every difference of two nested cells whose true count is in `1 ..< threshold` and
    /// that is not itself a cell: a reader who learns it learns about fewer than
    /// `threshold` persons, so the audit must keep its range reaching the threshold.
    /// - Complexity: for each cell, the cells whose first class it holds.
    func smallDifferences(below threshold: Int) -> [Group] {
        var forms = Set<[Int]>()
        for cell in cells where !cell.classes.isEmpty { forms.insert(cell.classes) }
        var seen = Set<[Int]>()
        var groups: [Group] = []
        for (i, outer) in cells.enumerated() where outer.classes.count > 1 {
            let members = Set(outer.classes)
            for c in outer.classes {
                for j in cellsOfClass[c] where j != i {
                    let inner = cells[j]
                    guard inner.classes.first == c, inner.classes.count < outer.classes.count,
                          outer.value - inner.value > 0, outer.value - inner.value < threshold,
                          inner.classes.allSatisfy(members.contains) else { continue }
                    let innerSet = Set(inner.classes)
                    let difference = outer.classes.filter { !innerSet.contains($0) }
                    guard !forms.contains(difference), seen.insert(difference).inserted else { continue }
                    groups.append(Group(classes: difference, value: outer.value - inner.value, outer: i, inner: j))
                }
            }
        }
        // Three cells: x − y − z (y, z disjoint inside x) and x + y − z (x ∩ y ⊆ z ⊆ x ∪ y),
        // within a fixed budget of comparisons (a count, so the result stays deterministic).
        var budget = Self.groupSearchBudget
        let sets = cells.map { Set($0.classes) }
        func add(_ members: Set<Int>, _ value: Int, _ outer: Int, _ inner: Int) {
            let difference = members.sorted()
            guard !difference.isEmpty, !forms.contains(difference), seen.insert(difference).inserted else { return }
            groups.append(Group(classes: difference, value: value, outer: outer, inner: inner))
        }
        for (x, cell) in cells.enumerated() where cell.classes.count > 1 && budget > 0 {
            var inside: [Int] = []
            for c in cell.classes {
                for j in cellsOfClass[c] where j != x && cells[j].classes.first == c && cells[j].value > 0
                    && cells[j].value < cell.value && sets[j].isSubset(of: sets[x]) { inside.append(j) }
            }
            for (a, y) in inside.enumerated() {
                for z in inside[(a + 1)...] {
                    budget -= 1
                    let value = cell.value - cells[y].value - cells[z].value
                    guard value > 0, value < threshold, sets[y].isDisjoint(with: sets[z]) else { continue }
                    add(sets[x].subtracting(sets[y]).subtracting(sets[z]), value, x, y)
                }
            }
        }
        for (z, cell) in cells.enumerated() where !cell.classes.isEmpty && budget > 0 {
            var near = Set<Int>()
            for c in cell.classes { near.formUnion(cellsOfClass[c]) }
            near.remove(z)
            let around = near.sorted()
            for (a, x) in around.enumerated() {
                for y in around[(a + 1)...] {
                    budget -= 1
                    let value = cells[x].value + cells[y].value - cell.value
                    guard value > 0, value < threshold else { continue }
                    let both = sets[x].intersection(sets[y]), either = sets[x].union(sets[y])
                    guard both.isSubset(of: sets[z]), sets[z].isSubset(of: either) else { continue }
                    add(either.subtracting(sets[z]).union(both), value, x, z)
                }
            }
        }
        return groups
    }

    /// Comparisons spent looking for sub-populations made of three cells.
    static let groupSearchBudget = 4_000_000

    // MARK: Validation

    static func validate(microdata: Microdata, tables: [TableDefinition]) throws {
        if !microdata.derived.isEmpty && microdata.universes?.count != microdata.variables.count {
            throw internalError("derived variables need the universe of every atom variable")
        }
        if Set(microdata.variables + microdata.derived.map(\.name)).count != microdata.variables.count + microdata.derived.count {
            throw internalError("the microdata names a variable twice")
        }
        for (key, count) in microdata.counts {
            if key.count != microdata.variables.count { throw internalError("a microdata combination has the wrong number of categories") }
            if count < 0 { throw internalError("a microdata count is negative") }
        }
        var ids = Set<String>()
        for table in tables {
            func refuse(_ problem: String, _ remedy: String) -> PathlinkError {
                PathlinkError(.invalidDocument, problem: "table \"\(table.id)\": \(problem)", remedy: remedy)
            }
            if !ids.insert(table.id).inserted {
                throw refuse("two tables have this id", "give every table of the report its own id")
            }
            if !(1...3).contains(table.dimensions.count) {
                throw refuse("a table has one to three dimensions", "split the table or drop a dimension")
            }
            if table.categories.count != table.dimensions.count {
                throw refuse("the categories do not match the dimensions", "give one list of categories per dimension")
            }
            if Set(table.dimensions).count != table.dimensions.count {
                throw refuse("a variable is used twice as a dimension", "use each variable once per table")
            }
            let known = Set(microdata.variables + microdata.derived.map(\.name))
            for (dimension, categories) in zip(table.dimensions, table.categories) {
                if !known.contains(dimension) {
                    throw refuse("the dimension \"\(dimension)\" is not a variable of the linked data", "check the variable name")
                }
                if categories.isEmpty || Set(categories).count != categories.count || categories.contains(totalCategory) {
                    throw refuse("the categories of \"\(dimension)\" must be non-empty, distinct and not \"\(totalCategory)\"",
                                 "list each category once; margins are added automatically")
                }
            }
            for variable in table.filter.keys where !known.contains(variable) {
                throw refuse("the filter variable \"\(variable)\" is not a variable of the linked data", "check the variable name")
            }
            for zero in table.structuralZeros {
                let fits = zero.count == table.dimensions.count
                    && zip(zero, table.categories).allSatisfy { $1.contains($0) }
                if !fits {
                    throw refuse("a structural zero does not name one shown category per dimension",
                                 "list structural zeros as interior combinations of the table's categories")
                }
            }
        }
    }

    static func internalError(_ problem: String) -> PathlinkError {
        PathlinkError(.internal, problem: "disclosure control: \(problem)", remedy: "this is a bug in Pathlink; please report it")
    }

    // MARK: Empty combinations

    /// Combinations with no unit that a reader cannot rule out, when the atom variables'
    /// universes are known: every combination of their categories, each with the derived
    /// variables it implies (so "75+" never meets "Under 25"). When there are more than
    /// ``exhaustiveLimit``, one possible combination per interior cell of each table stands
    /// in for them (fewer unknowns can only narrow the audit's ranges: sound).
    static func possibleCombinations(microdata: Microdata, derivation: Derivation, shapes: [TableShape],
                                     atoms: [[String]]) -> [[String]] {
        let universes = microdata.universes ?? []
        let product = universes.reduce(1) { total, next in total > exhaustiveLimit ? total : total * max(next.count, 1) }
        if product <= exhaustiveLimit {
            var result: [[String]] = [[]]
            for options in universes { result = result.flatMap { prefix in options.map { prefix + [$0] } } }
            return result.compactMap(derivation.extend)
        }
        // Per table: walk the combinations of the atom variables it reads (the rest taken
        // from a unit's combination) and keep the first that falls in each interior cell.
        var result: [[String]] = []
        let base = atoms.first.map { Array($0.prefix(microdata.variables.count)) } ?? universes.map { $0.first ?? "" }
        for shape in shapes {
            let read = derivation.atomVariables(readBy: shape.definition.dimensions + shape.definition.filter.keys.sorted())
            var seen = Set<Int>()
            var partial: [[String]] = [base]
            var walked = 1
            for v in read {
                walked *= max(universes[v].count, 1)
                if walked > 65_536 { break }
                partial = partial.flatMap { prefix in universes[v].map { var next = prefix; next[v] = $0; return next } }
            }
            for combination in partial {
                guard let extended = derivation.extend(combination), let cell = shape.interiorCell(of: extended),
                      !shape.isStructural(shape.coordinateIndices(of: cell)), seen.insert(cell).inserted else { continue }
                result.append(extended)
            }
        }
        return result
    }

    /// Combinations with no unit that a reader cannot rule out (see the type's note).
    static func emptyCombinations(microdata: Microdata, shapes: [TableShape], atoms: [[String]]) -> [[String]] {
        let variables = microdata.variables
        // Each variable's categories, grouped by the part they play in every table.
        var representatives: [[String]] = []
        for (v, variable) in variables.enumerated() {
            var universe = Set(atoms.map { $0[v] })
            for shape in shapes {
                if let d = shape.definition.dimensions.firstIndex(of: variable) {
                    universe.formUnion(shape.definition.categories[d])
                }
                if let allowed = shape.definition.filter[variable] { universe.formUnion(allowed) }
            }
            var seen = Set<[Int]>()
            var chosen: [String] = []
            for category in universe.sorted() {
                let role = shapes.map { $0.role(of: category, variable: variable) }
                if seen.insert(role).inserted { chosen.append(category) }
            }
            representatives.append(chosen.isEmpty ? [""] : chosen)
        }
        let product = representatives.reduce(1) { total, next in
            total > exhaustiveLimit ? total : total * next.count
        }
        if product <= exhaustiveLimit {
            var result: [[String]] = [[]]
            for options in representatives {
                result = result.flatMap { prefix in options.map { prefix + [$0] } }
            }
            return result
        }
        // One possible combination inside each interior cell of each table.
        var result: [[String]] = []
        let fallback = representatives.map { $0[0] }
        for shape in shapes {
            let base = atoms.first { shape.passesFilter($0) } ?? atoms.first ?? fallback
            for local in 0..<shape.cellCount {
                let indices = shape.coordinateIndices(of: local)
                guard zip(indices, shape.sizes).allSatisfy({ $0 < $1 - 1 }), !shape.isStructural(indices) else { continue }
                var combination = base
                for (d, variable) in shape.dimensionVariables.enumerated() {
                    combination[variable] = shape.definition.categories[d][indices[d]]
                }
                for (variable, allowed) in shape.filterVariables where !allowed.contains(combination[variable]) {
                    if let first = allowed.sorted().first { combination[variable] = first }
                }
                result.append(combination)
            }
        }
        return result
    }
}

/// Computes the derived variables of a combination of atom variables.
struct Derivation {
    let microdata: Microdata
    /// For each derived variable, the positions of its sources among the atom variables.
    let positions: [[Int]]

    init(microdata: Microdata) {
        self.microdata = microdata
        let index = Dictionary(uniqueKeysWithValues: microdata.variables.enumerated().map { ($1, $0) })
        positions = microdata.derived.map { $0.sources.compactMap { index[$0] } }
    }

    /// The combination followed by every derived variable's category; nil if it cannot occur.
    func extend(_ combination: [String]) -> [String]? {
        var result = combination
        for (d, variable) in microdata.derived.enumerated() {
            guard let category = variable.categories[positions[d].map { combination[$0] }] else { return nil }
            result.append(category)
        }
        return result
    }

    /// Positions of the atom variables that the named variables read (themselves, for atom variables).
    func atomVariables(readBy names: [String]) -> [Int] {
        var result = Set<Int>()
        for name in names {
            if let v = microdata.variables.firstIndex(of: name) { result.insert(v) }
            if let d = microdata.derived.firstIndex(where: { $0.name == name }) { result.formUnion(positions[d]) }
        }
        return result.sorted()
    }
}

/// One table's geometry: where a combination falls, which cells sum which.
struct TableShape {
    let definition: TableDefinition
    /// Microdata positions of the dimensions.
    let dimensionVariables: [Int]
    let filterVariables: [(Int, Set<String>)]
    /// Categories per dimension plus one for `Total`.
    let sizes: [Int]
    let categoryIndex: [[String: Int]]
    let structural: Set<[Int]>
    var cellCount: Int { sizes.reduce(1, *) }

    init(definition: TableDefinition, variableIndex: [String: Int]) {
        self.definition = definition
        dimensionVariables = definition.dimensions.map { variableIndex[$0]! }
        filterVariables = definition.filter.keys.sorted().map { (variableIndex[$0]!, definition.filter[$0]!) }
        sizes = definition.categories.map { $0.count + 1 }
        categoryIndex = definition.categories.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        structural = Set(definition.structuralZeros.map { zero in
            zero.enumerated().map { d, category in definition.categories[d].firstIndex(of: category)! }
        })
    }

    func passesFilter(_ combination: [String]) -> Bool {
        filterVariables.allSatisfy { $0.1.contains(combination[$0.0]) }
    }

    /// The interior cell a combination is counted in, or nil if the table does not count it.
    func interiorCell(of combination: [String]) -> Int? {
        guard passesFilter(combination) else { return nil }
        var local = 0
        for (d, variable) in dimensionVariables.enumerated() {
            guard let index = categoryIndex[d][combination[variable]] else { return nil }
            local = local * sizes[d] + index
        }
        return local
    }

    /// The interior cell and every margin that sums it (2^d cells).
    func cellsContaining(interior: Int) -> [Int] {
        let indices = coordinateIndices(of: interior)
        var result: [Int] = []
        for mask in 0..<(1 << indices.count) {
            var local = 0
            for d in indices.indices {
                let index = mask & (1 << d) != 0 ? sizes[d] - 1 : indices[d]
                local = local * sizes[d] + index
            }
            result.append(local)
        }
        return result
    }

    func coordinateIndices(of local: Int) -> [Int] {
        var rest = local
        var indices = Array(repeating: 0, count: sizes.count)
        for d in sizes.indices.reversed() {
            indices[d] = rest % sizes[d]
            rest /= sizes[d]
        }
        return indices
    }

    func local(of indices: [Int]) -> Int {
        zip(indices, sizes).reduce(0) { $0 * $1.1 + $1.0 }
    }

    func coordinates(of indices: [Int]) -> [String] {
        indices.enumerated().map { d, index in
            index == sizes[d] - 1 ? totalCategory : definition.categories[d][index]
        }
    }

    /// A structural zero, or a margin every one of whose interior cells is one.
    func isStructural(_ indices: [Int]) -> Bool {
        if structural.isEmpty { return false }
        var ranges: [[Int]] = []
        for (d, index) in indices.enumerated() {
            ranges.append(index == sizes[d] - 1 ? Array(0..<(sizes[d] - 1)) : [index])
        }
        var members: [[Int]] = [[]]
        for options in ranges { members = members.flatMap { prefix in options.map { prefix + [$0] } } }
        return members.allSatisfy { structural.contains($0) }
    }

    /// How a category of a variable takes part in each use of this table (for grouping).
    func role(of category: String, variable: String) -> Int {
        if let d = definition.dimensions.firstIndex(of: variable) {
            return categoryIndex[d][category] ?? -1
        }
        if let allowed = definition.filter[variable] {
            return allowed.contains(category) ? 1 : 0
        }
        return 0
    }

    /// Every line: the cells along one dimension with the other coordinates fixed
    /// (margins included), then the line's total.
    func lines() -> [[Int]] {
        var result: [[Int]] = []
        for d in sizes.indices {
            for local in 0..<cellCount {
                var indices = coordinateIndices(of: local)
                guard indices[d] == 0 else { continue }
                var line: [Int] = []
                for index in 0..<sizes[d] {
                    indices[d] = index
                    line.append(self.local(of: indices))
                }
                result.append(line)
            }
        }
        return result
    }
}
