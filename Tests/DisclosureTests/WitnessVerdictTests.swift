@testable import Disclosure
import Testing

/// The audit's verdict without ranges (``ReleaseAudit/passes(cell:level:)``, settled by
/// witnesses from earlier solves where it can) must be exactly the verdict on the solved
/// range, for every hidden cell and every order of asking — the secondary loop and the
/// give-back pass decide on it.
@Suite("Audit verdicts from witnesses")
struct WitnessVerdictTests {
    /// Seeded 3 × 4 grids with small counts, primary cells and their lines' complements
    /// hidden, so that some cells pass and some do not.
    static var cases: [(Microdata, TableDefinition)] {
        var generator = SeededGenerator(seed: 7)
        let rows = ["r1", "r2", "r3"], columns = ["c1", "c2", "c3", "c4"]
        let table = TableDefinition(id: "grid", dimensions: ["row", "column"], categories: [rows, columns])
        return (0..<12).map { _ in
            let values = rows.map { _ in columns.map { _ in [0, 1, 2, 3, 4, 6, 9].randomElement(using: &generator)! } }
            return (makeGrid("row", rows, "column", columns, values), table)
        }
    }

    @Test("passes(cell:) equals the rule on range(ofCell:) for every hidden cell, asked forwards and backwards",
          arguments: [0, 2])
    func verdictsMatchRanges(margin: Int) throws {
        for (data, table) in Self.cases {
            let policy = DisclosurePolicy(protectionMargin: margin)
            let protector = ReleaseProtector(policy: policy)
            let system = try ReleaseSystem(microdata: data, tables: [table])
            var states = protector.primaryStates(system)
            protector.closeLines(system, &states)
            let hidden = states.map(ReleaseProtector.isHidden)
            let cells = system.cells.indices.filter { hidden[$0] }
            let exact = try ReleaseAudit(system: system, suppressed: hidden, policy: policy)
            var expected: [Int: Bool] = [:]
            for cell in cells { expected[cell] = protector.passes(try exact.range(ofCell: cell)) }
            for order in [cells, cells.reversed()] {
                let audit = try ReleaseAudit(system: system, suppressed: hidden, policy: policy)
                for cell in order {
                    #expect(try audit.passes(cell: cell, level: policy.protectionLevel) == expected[cell],
                            "cell \(system.cells[cell].coordinates) of a grid, margin \(margin)")
                }
            }
        }
    }
}
