@testable import Disclosure
import PathlinkCore
import Testing

/// The give-back pass publishes again complements that later choices made redundant.
@Suite("Give-back pass")
struct GiveBackTests {
    let policy = DisclosurePolicy(threshold: 3, zeros: .show)
    let grid = TableDefinition(id: "grid", dimensions: ["a", "b"], categories: [["a1", "a2", "a3"], ["b1", "b2"]])

    /// a1: 0 1 | 1
    /// a2: 4 4 | 8
    /// a3: 1 2 | 3
    ///     5 7 | 12
    var data: Microdata { makeGrid("a", ["a1", "a2", "a3"], "b", ["b1", "b2"], [[0, 1], [4, 4], [1, 2]]) }

    func cell(_ system: ReleaseSystem, _ coordinates: [String]) -> Int {
        system.cells.indices.first { system.cells[$0].coordinates == coordinates }!
    }

    @Test("a complement the line heuristic chose, made redundant by the audit's later ones, is published again")
    func redundantLineComplement() throws {
        // The greedy method alone: the optimiser would not choose a2·b1 in the first place.
        let protector = ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
        let system = try ReleaseSystem(microdata: data, tables: [grid])
        let a2b1 = cell(system, ["a2", "b1"])

        // The line heuristic closes column b1 (only a3·b1 = 1 hidden there) with a2·b1 = 4,
        // the cheapest positive interior cell of the column.
        var lineStates = protector.primaryStates(system)
        let closed = protector.closeLines(system, &lineStates)
        #expect(closed.contains(a2b1))

        // The audit then pins a1·b2 ≤ 2 and adds the margins b1, b2 and a2; after that,
        // a2·b1 protects nothing: with it published, a1·b2 + a2·b2 + a3·b1 + a3·b2 = 8,
        // each at least 1, so each lies in 1…5.
        var states = protector.primaryStates(system)
        try protector.addComplements(system, &states)
        #expect(states[a2b1] == .secondary)
        let given = try protector.giveBack(system, &states)
        #expect(given == [a2b1])

        let release = try protector.protect(data, tables: [grid])
        #expect(release.status("grid", "a2", "b1") == .published(4))
        // a1's one person is in b2 and that count is hidden: its zero is hidden too (class
        // disclosure), which the line-by-line passes above do not do.
        #expect(release.status("grid", "a1", "b1") == .suppressed)
        #expect(release.entry("grid", "a1", "b1")?.kind == .zero)
        #expect(release.status("grid", "Total", "Total") == .published(12))
        let expected: [[String]: (Double, Double)] = [
            ["a1", "b2"]: (1, 5), ["a1", "Total"]: (1, 5),
            ["a2", "b2"]: (1, 5), ["a2", "Total"]: (5, 9),
            ["a3", "b1"]: (1, 5), ["a3", "b2"]: (1, 5), ["a3", "Total"]: (2, 6),
            ["Total", "b1"]: (5, 9), ["Total", "b2"]: (3, 7),
        ]
        #expect(release.hidden("grid") == Set(expected.keys).union([["a1", "b1"]]))
        for (coordinates, range) in expected {
            let entry = try #require(release.audit.first { $0.coordinates == coordinates })
            #expect(entry.lower == range.0 && entry.upper == range.1, "\(coordinates)")
        }
        expectAuditHolds(release, threshold: 3)
    }

    @Test("the pass is deterministic: the same cells are given back in the same order")
    func deterministic() throws {
        let protector = ReleaseProtector(policy: policy)
        var runs: [[Int]] = []
        var patterns: [[ReleaseProtector.State]] = []
        for _ in 0..<3 {
            let system = try ReleaseSystem(microdata: data, tables: [grid])
            var states = protector.primaryStates(system)
            try protector.addComplements(system, &states)
            runs.append(try protector.giveBack(system, &states))
            patterns.append(states)
        }
        #expect(runs.allSatisfy { $0 == runs[0] })
        #expect(patterns.allSatisfy { $0 == patterns[0] })
        #expect(try protector.protect(data, tables: [grid]) == protector.protect(data, tables: [grid]))
    }

    @Test("with no solve budget left nothing is given back")
    func budget() throws {
        let protector = ReleaseProtector(policy: policy)
        let system = try ReleaseSystem(microdata: data, tables: [grid])
        var states = protector.primaryStates(system)
        try protector.addComplements(system, &states)
        let before = states
        #expect(try protector.giveBack(system, &states, solveBudget: 0).isEmpty)
        #expect(states == before)
    }
}
