import Disclosure
import Foundation
import Testing

/// The optimiser (a mixed-integer program over the whole release) against an exhaustive
/// search that shares no code with it: every suppression pattern, cheapest first, judged
/// by ``IndependentAudit`` under the same protection rule (each hidden cell's range holds
/// more than one value and reaches the threshold).
@Suite("Optimal secondary suppression")
struct OptimalSuppressionTests {
    let policy = DisclosurePolicy(threshold: 3, zeros: .show)

    /// A small release: its microdata, tables and what a reader may assume.
    struct Case {
        var name: String
        var data: Microdata
        var tables: [TableDefinition]
        var audit: IndependentAudit
    }

    /// The cheapest pattern (fewest hidden units, then cells) that the independent audit
    /// accepts, found by trying every set of extra cells in order of cost.
    /// Returns (units, cells) hidden as secondary cells, or nil if none protects.
    static func exhaustiveOptimum(_ release: ProtectedRelease, policy: DisclosurePolicy,
                                  audit: IndependentAudit, data: Microdata) -> (units: Int, cells: Int)? {
        // True counts of every cell, from the microdata (the protected release hides some).
        func trueCount(_ table: ProtectedTable, _ cell: ProtectedCell) -> Int {
            let definition = table.definition
            return data.counts.reduce(0) { total, entry in
                for (variable, allowed) in definition.filter
                where !allowed.contains(entry.key[data.variables.firstIndex(of: variable)!]) { return total }
                for (d, dimension) in definition.dimensions.enumerated() {
                    let category = entry.key[data.variables.firstIndex(of: dimension)!]
                    if cell.coordinates[d] == "Total" {
                        if !definition.categories[d].contains(category) { return total }
                    } else if cell.coordinates[d] != category {
                        return total
                    }
                }
                return total + entry.value
            }
        }
        var base = release
        var candidates: [(table: Int, cell: Int, value: Int)] = []
        // Zeros hidden against class disclosure stay hidden, like primary cells.
        let zeros = IndependentAudit.zeroKeys(release)
        for (t, table) in release.tables.enumerated() {
            for (c, cell) in table.cells.enumerated() {
                let value = trueCount(table, cell)
                let primary = value > 0 && value < policy.threshold
                    || zeros.contains("\(table.definition.id)|\(cell.coordinates.joined(separator: "|"))")
                if primary {
                    base.tables[t].cells[c].status = .suppressed
                } else if cell.status != .structuralZero {
                    base.tables[t].cells[c].status = .published(value)
                    if value > 0 { candidates.append((t, c, value)) }
                }
            }
        }
        let k = candidates.count
        precondition(k <= 18, "too many candidates for an exhaustive search")
        let subsets = (0..<(1 << k)).map { mask -> (units: Int, cells: Int, mask: Int) in
            var units = 0, cells = 0
            for i in 0..<k where mask & (1 << i) != 0 { units += candidates[i].value; cells += 1 }
            return (units, cells, mask)
        }.sorted { ($0.units, $0.cells, $0.mask) < ($1.units, $1.cells, $1.mask) }
        // Lines: the cells of a table that differ only in one coordinate (its total
        // included). A line with exactly one hidden cell gives that cell away, so such
        // patterns are skipped before the (slow) audit; the rule is the audit's own.
        var lines: [[(table: Int, cell: Int)]] = []
        for (t, table) in release.tables.enumerated() {
            for d in table.definition.dimensions.indices {
                var byRest: [[String]: [(table: Int, cell: Int)]] = [:]
                for (c, cell) in table.cells.enumerated() {
                    var rest = cell.coordinates
                    rest[d] = "*"
                    byRest[rest, default: []].append((t, c))
                }
                lines += byRest.values
            }
        }
        // Class lines: one occupied cell, and zeros hidden against class disclosure; some
        // hidden zero of each must be able to hold someone (the protection rule).
        func key(_ cell: (table: Int, cell: Int)) -> String {
            let table = release.tables[cell.table]
            return "\(table.definition.id)|\(table.cells[cell.cell].coordinates.joined(separator: "|"))"
        }
        let classLines: [[String]] = lines.compactMap { line in
            let members = line.filter { !release.tables[$0.table].cells[$0.cell].coordinates.contains("Total")
                || release.tables[$0.table].cells[$0.cell].coordinates.filter { $0 == "Total" }.count
                    < line.map { release.tables[$0.table].cells[$0.cell].coordinates.filter { $0 == "Total" }.count }.max()! }
            let occupied = members.filter { trueCount(release.tables[$0.table], release.tables[$0.table].cells[$0.cell]) > 0 }
            let hiddenZeros = members.map(key).filter(zeros.contains)
            return occupied.count == 1 && !hiddenZeros.isEmpty ? hiddenZeros : nil
        }
        for subset in subsets {
            var trial = base
            for i in 0..<k where subset.mask & (1 << i) != 0 {
                trial.tables[candidates[i].table].cells[candidates[i].cell].status = .suppressed
            }
            if lines.contains(where: { line in line.filter { trial.tables[$0.table].cells[$0.cell].status == .suppressed }.count == 1 }) {
                continue
            }
            guard let ranges = audit.ranges(of: trial, policy: policy) else { continue }
            if ranges.filter({ !zeros.contains($0.key) }).values.allSatisfy({ $0.upper > $0.lower && $0.upper >= policy.threshold }),
               classLines.allSatisfy({ line in line.contains { (ranges[$0]?.upper ?? 0) >= 1 } }) {
                return (subset.units, subset.cells)
            }
        }
        return nil
    }

    /// Secondary units and cells of a protected release, from its audit and true counts.
    static func secondary(_ release: ProtectedRelease) -> (units: Int, cells: Int) {
        (release.suppression.overall.secondaryUnits, release.suppression.overall.secondaryCells)
    }

    static func grid(_ rows: [[Int]]) -> Case {
        let rowNames = rows.indices.map { "r\($0 + 1)" }
        let columnNames = rows[0].indices.map { "c\($0 + 1)" }
        let data = makeGrid("row", rowNames, "column", columnNames, rows)
        let table = TableDefinition(id: "grid", dimensions: ["row", "column"], categories: [rowNames, columnNames])
        return Case(name: "grid \(rows)", data: data, tables: [table],
                    audit: IndependentAudit(variables: ["row", "column"], universes: [rowNames, columnNames], unboundedCap: 12))
    }

    /// Fixed cases covering one- and two-way tables of the same variables, filters, and
    /// a table whose greedy pattern hides a large cell.
    static var fixedCases: [Case] {
        var cases = [
            grid([[1, 4, 6], [5, 2, 7], [8, 9, 3]]),
            grid([[0, 1, 4], [4, 4, 9], [1, 2, 5]]),
            grid([[2, 12, 3], [10, 11, 9], [4, 1, 13]]),
            grid([[1, 1, 9], [9, 2, 3], [8, 8, 8]]),
        ]
        var pair = grid([[1, 4], [5, 6], [7, 3]])
        pair.name = "one-way and two-way of the same variables, and a filtered table"
        pair.tables += [
            TableDefinition(id: "rows", dimensions: ["row"], categories: [["r1", "r2", "r3"]]),
            TableDefinition(id: "filtered", dimensions: ["column"], categories: [["c1", "c2"]], filter: ["row": ["r1", "r3"]]),
        ]
        cases.append(pair)
        return cases
    }

    /// Random 3×3 grids with small counts (seeded).
    static var randomCases: [Case] {
        var generator = SeededGenerator(seed: 15)
        return (0..<16).map { _ in
            grid((0..<3).map { _ in (0..<3).map { _ in [0, 1, 1, 2, 3, 4, 5, 6, 8, 10].randomElement(using: &generator)! } })
        }
    }

    @Test("within 1.05× of the exhaustive optimum, never worse than greedy, and the independent audit holds",
          arguments: fixedCases + randomCases)
    func nearOptimal(_ example: Case) throws {
        let optimal = try ReleaseProtector(policy: policy).protect(example.data, tables: example.tables)
        let greedy = try ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
            .protect(example.data, tables: example.tables)
        expectAuditHolds(optimal, threshold: policy.threshold)
        let ranges = try #require(example.audit.ranges(of: optimal, policy: policy), "\(example.name)")
        for (cell, range) in ranges where !IndependentAudit.zeroKeys(optimal).contains(cell) {
            #expect(range.upper > range.lower && range.upper >= policy.threshold, "\(example.name): \(cell)")
        }
        let best = try #require(Self.exhaustiveOptimum(optimal, policy: policy, audit: example.audit, data: example.data))
        let found = Self.secondary(optimal)
        #expect(Double(found.units) <= 1.05 * Double(best.units), "\(example.name): \(found) vs optimum \(best)")
        #expect(found.units >= best.units, "\(example.name): below the exhaustive optimum — the audit would be unsound")
        #expect(found <= Self.secondary(greedy), "\(example.name): worse than greedy")
        if let bound = optimal.suppression.lowerBound {
            #expect(bound <= best.units, "\(example.name): the solver's lower bound exceeds the optimum")
        }
    }

    @Test("the sidecar's report names the method and counts what is hidden")
    func report() throws {
        let example = Self.grid([[2, 12, 3], [10, 11, 9], [4, 1, 13]])
        let release = try ReleaseProtector(policy: policy).protect(example.data, tables: example.tables)
        let report = release.suppression
        #expect(report.overall.cells == release.audit.count)
        #expect(report.overall.primaryCells == release.audit.filter { $0.kind == .primary }.count)
        #expect(report.overall.primaryUnits == 2 + 1)
        #expect(report.overall.allCells == 16)
        #expect(report.tables.map(\.id) == ["grid"])
        #expect(report.method == .optimal || report.method == .greedy)
        #expect(report.lowerBound != nil)
        let greedy = try ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
            .protect(example.data, tables: example.tables)
        #expect(greedy.suppression.method == .greedy)
        #expect(greedy.suppression.lowerBound == nil)
    }

    @Test("when a limit stops the optimiser, the greedy pattern is released and the report says why")
    func fallback() throws {
        let example = Self.fixedCases[4]
        let stopped = SuppressionSettings(limits: SuppressionSettings.Limits(rounds: 0))
        let release = try ReleaseProtector(policy: policy, suppression: stopped).protect(example.data, tables: example.tables)
        let greedy = try ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
            .protect(example.data, tables: example.tables)
        #expect(release.suppression.method == .greedy)
        #expect(release.suppression.reason.contains("rounds limit"))
        #expect(release.tables == greedy.tables)
        let optimised = try ReleaseProtector(policy: policy).protect(example.data, tables: example.tables)
        #expect(optimised.suppression.method == .optimal)
        #expect(optimised.suppression.overall.secondaryUnits < release.suppression.overall.secondaryUnits)
    }

    @Test("the optimiser gives the same release every time")
    func deterministic() throws {
        let example = Self.fixedCases[4]
        let protector = ReleaseProtector(policy: policy)
        #expect(try protector.protect(example.data, tables: example.tables) == protector.protect(example.data, tables: example.tables))
    }
}

extension OptimalSuppressionTests.Case: CustomTestStringConvertible {
    var testDescription: String { name }
}
