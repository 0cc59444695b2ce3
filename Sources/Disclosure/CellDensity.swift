/// How close a table is to listing individuals: the median count of its non-empty
/// interior cells (margins left out). A table whose median cell is under the threshold
/// would hide most of what it holds, and its protection work grows with every small cell,
/// so the report stage refuses it before any protection work (issue 15, item 7).
package enum CellDensity {
    /// How many of the table's interior cells hold at least one unit, and the median of
    /// their counts (the mean of the two middle counts when their number is even); nil
    /// when every cell is empty.
    /// - Complexity: O(a·d) for a combinations of the microdata and d dimensions, plus a sort
    ///   of the non-empty cells.
    package static func nonEmptyCells(_ microdata: Microdata, table: TableDefinition) -> (count: Int, median: Double)? {
        let names = microdata.variables + microdata.derived.map(\.name)
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        guard table.dimensions.allSatisfy({ index[$0] != nil }), table.filter.keys.allSatisfy({ index[$0] != nil }) else {
            return nil
        }
        let shape = TableShape(definition: table, variableIndex: index)
        let derivation = Derivation(microdata: microdata)
        var counts: [Int: Int] = [:]
        for (combination, count) in microdata.counts where count > 0 {
            guard let extended = derivation.extend(combination), let cell = shape.interiorCell(of: extended) else { continue }
            counts[cell, default: 0] += count
        }
        let sorted = counts.values.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
        return (sorted.count, median)
    }
}
