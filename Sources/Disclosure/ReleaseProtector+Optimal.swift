import Foundation

/// Near-optimal secondary suppression: the whole release as one mixed-integer program.
///
/// The formulation is the classical one of optimal cell suppression (Fischetti and
/// Salazar-González; τ-ARGUS's "optimal" method and sdcTable's cut-based methods solve
/// the same problem): one binary unknown per cell that may be hidden, a cost per cell,
/// and constraints saying that every hidden cell stays protected. Protection is not a
/// linear condition in the binaries, so it is imposed lazily, by cutting planes:
///
/// 1. *Master.* Minimise the cost of the hidden cells subject to the cuts found so far
///    (CBC, branch and cut). Primary cells are fixed hidden, zeros fixed published, and
///    cells with the same form in several tables share one binary. Without rounding,
///    every line (cells along one dimension and their total) starts with its cut: a line
///    with a single hidden cell pins it, so each hidden cell of a line needs another.
/// 2. *Separation.* For the master's pattern, the audit's linear program gives each
///    hidden cell's range. A primary cell whose largest value stays below the threshold,
///    or a secondary cell pinned to its count, yields a cut from the dual of that linear
///    program: the published cells whose constraints bind (non-zero dual value) are the
///    only ones whose hiding can widen the range (the dual bound is unchanged by any
///    other cell), so at least one of them must be hidden too. This is a valid
///    inequality for every pattern that protects the cell, not only for this one.
/// 3. Repeat until the master's pattern needs no cut: it is then the cheapest pattern
///    that the linear audit accepts, and the master's optimum is a lower bound on the
///    cost of any pattern the audit (linear or whole-number) can accept.
///
/// The result then goes through the same steps as the greedy pattern: the whole-number
/// audit may still find a cell too narrow (small programs are audited in whole numbers,
/// which sees more than the linear program), which the greedy loop mends by hiding more;
/// the give-back pass; and the final audit, which decides. The optimiser runs first, with
/// no start: when it converges and the final audit accepts its pattern, the greedy method
/// does not run (it cost some 95% of the demo's solves). The greedy pattern is computed
/// only as the fallback (``ReleaseProtector/optimisedPattern(_:primary:groups:)``), when
/// the optimiser stops at a limit, finds nothing or fails the audit; the cheaper of the
/// two accepted patterns is then released.
///
/// Limits: ``SuppressionSettings/Limits`` — rounds of cuts, nodes per master and linear
/// solves of the separation are counts, so a search that ends within them gives the same
/// release on any machine; the wall-clock budget per release (its own, or half of what is
/// left of the report stage's ``TimeBudget`` if less) is a guard for very large releases. When a limit stops the search, the last master's pattern (cheap, but not yet
/// protecting every cell) is mended by the greedy loop and compared with the greedy
/// pattern like a converged one; the audit sidecar says which was released and why.
extension ReleaseProtector {
    /// The outcome of the optimiser, for the audit sidecar.
    struct OptimalSuppression {
        enum Ending: Equatable {
            /// No cut left: the cheapest pattern the linear audit accepts.
            case converged
            /// A limit (rounds, nodes, seconds) stopped the search first.
            case stopped(String)
            /// No pattern can protect every primary cell (the master has no solution).
            case infeasible
        }
        var states: [State]?
        var ending: Ending
        /// A lower bound on the cost's first measure (hidden units for `.persons`, hidden
        /// cells for `.cells`) over the secondary cells of any pattern the audit accepts
        /// (from the master's bound; nil if no master was solved).
        var lowerBound: Int?
        var rounds: Int
        var cuts: Int
    }

    /// Cells that share a fate (same form in several tables), and whether each group is
    /// fixed hidden (holds a primary cell), fixed published (zero or empty), or free.
    struct SuppressionGroups {
        var groupOfCell: [Int?]
        var members: [[Int]]
        var fixedHidden: [Bool]
        var free: [Int]
        var columnOfGroup: [Int?]

        init(_ system: ReleaseSystem, primary states: [State]) {
            groupOfCell = Array(repeating: nil, count: system.cells.count)
            members = []
            fixedHidden = []
            free = []
            columnOfGroup = []
            for index in system.cells.indices where groupOfCell[index] == nil && states[index] != .structural {
                let group = (system.sameForm[index] ?? [index]).filter { states[$0] != .structural }
                let g = members.count
                for member in group { groupOfCell[member] = g }
                members.append(group)
                let hidden = group.contains { states[$0] == .primary }
                let isFree = !hidden && group.allSatisfy { system.cells[$0].value > 0 }
                fixedHidden.append(hidden)
                columnOfGroup.append(isFree ? free.count : nil)
                if isFree { free.append(g) }
            }
        }
    }

    /// Runs the optimiser (see the extension's note).
    /// - Parameters:
    ///   - primary: the primary states (no secondary cell yet).
    ///   - start: a pattern the final audit accepted, to start the master (CBC's first
    ///     incumbent); nil when there is none (the report stage's default).
    ///   - subpopulations: sums of classes that are not cells but must reach their level
    ///     (small differences of nested cells, zeros of class-disclosing lines): they get
    ///     cuts like primary cells, so that the optimiser, not the greedy mending, decides
    ///     how they are protected.
    func optimalSuppression(_ system: ReleaseSystem, primary: [State], start: [State]?,
                            cost: SuppressionCost, limits: SuppressionSettings.Limits,
                            subpopulations: [ReleaseSystem.Group] = []) throws -> OptimalSuppression {
        let clock = ContinuousClock()
        let began = clock.now
        let groups = SuppressionGroups(system, primary: primary)
        let totalCells = system.cells.count
        let totalPersons = system.cells.reduce(0) { $0 + max($1.value, 0) }
        // Lexicographic weights in whole numbers: persons then cells, or cells then persons.
        func weight(_ g: Int) -> Double {
            let cells = groups.members[g].count
            let persons = groups.members[g].reduce(0) { $0 + system.cells[$1].value }
            switch cost {
            case .persons: return Double(persons) * Double(totalCells + 1) + Double(cells)
            case .cells: return Double(cells) * Double(totalPersons + 1) + Double(persons)
            }
        }
        let weights = groups.free.map(weight)

        var rows: [LinearProgram.Row] = []
        var seen = Set<[Int]>()
        /// Adds `Σ x[others] ≥ x[g]` (or `≥ 1` for a group fixed hidden); false if it can
        /// never hold (nothing left to hide).
        func addCover(of g: Int, by candidates: [Int]) -> Bool {
            let others = Set(candidates).subtracting([g])
            if others.contains(where: { groups.fixedHidden[$0] }) { return true }
            let columns = others.compactMap { groups.columnOfGroup[$0] }.sorted()
            if groups.fixedHidden[g] {
                if columns.isEmpty { return false }
                let key = columns + [-1]
                if seen.insert(key).inserted {
                    rows.append(.init(columns: columns, lower: 1, upper: .infinity))
                }
            } else if let own = groups.columnOfGroup[g] {
                if columns.isEmpty {
                    // Nothing else can protect the group: it must stay published.
                    if seen.insert([-2 - own]).inserted {
                        rows.append(.init(columns: [own], lower: -.infinity, upper: 0))
                    }
                    return true
                }
                let key = columns + [-2 - own]
                if seen.insert(key).inserted {
                    rows.append(.init(columns: columns + [own], coefficients: Array(repeating: 1, count: columns.count) + [-1],
                                      lower: 0, upper: .infinity))
                }
            }
            return true
        }
        if policy.rounding == 0 {
            for line in system.lines {
                let lineGroups = line.compactMap { groups.groupOfCell[$0] }
                // A group met twice in a line (a margin with the form of its only non-empty
                // cell) makes the line's equation say nothing about it.
                var occurrences: [Int: Int] = [:]
                for g in lineGroups { occurrences[g, default: 0] += 1 }
                for g in Set(lineGroups).sorted() where occurrences[g] == 1
                    && (groups.fixedHidden[g] || groups.columnOfGroup[g] != nil) {
                    if !addCover(of: g, by: Array(lineGroups)) {
                        return OptimalSuppression(states: nil, ending: .infeasible, lowerBound: nil, rounds: 0, cuts: 0)
                    }
                }
            }
        }
        let lineCuts = rows.count
        /// Adds `Σ x[candidates] ≥ 1` for a sub-population; false if nothing can be hidden.
        func addRequirement(by candidates: [Int]) -> Bool {
            let groupsOfCandidates = Set(candidates)
            if groupsOfCandidates.contains(where: { groups.fixedHidden[$0] }) { return true }
            let columns = groupsOfCandidates.compactMap { groups.columnOfGroup[$0] }.sorted()
            if columns.isEmpty { return false }
            if seen.insert(columns + [-1]).inserted {
                rows.append(.init(columns: columns, lower: 1, upper: .infinity))
            }
            return true
        }

        let startColumns = start.map { start in groups.free.map { g in Self.isHidden(start[groups.members[g][0]]) ? 1.0 : 0.0 } }
        var lowerBound: Int?
        var rounds = 0
        var solves = 0
        /// The last master's pattern: under-protected when a limit stops the search, but
        /// a start the greedy loop can mend.
        var last: [State]?
        // Its own limit, or its share of the report stage's time budget if smaller.
        let seconds = budget?.optimiserSeconds(limit: limits.seconds) ?? limits.seconds
        while true {
            let elapsed = clock.now - began
            let remaining = seconds - Double(elapsed.components.seconds) - Double(elapsed.components.attoseconds) / 1e18
            let limit = rounds >= limits.rounds ? "rounds" : solves >= limits.solves ? "solves" : remaining <= 0 ? "time" : nil
            if let limit {
                return OptimalSuppression(states: last, ending: .stopped(limit),
                                          lowerBound: lowerBound, rounds: rounds, cuts: rows.count - lineCuts)
            }
            rounds += 1
            let master = try IntegerProgram(
                matrix: SparseColumns(columnCount: groups.free.count, rows: rows),
                columnLower: Array(repeating: 0, count: groups.free.count),
                columnUpper: Array(repeating: 1, count: groups.free.count), objective: weights,
                rowLower: rows.map(\.lower), rowUpper: rows.map(\.upper),
                integer: Array(repeating: true, count: groups.free.count), direction: .minimise, feasibilityPump: false)
            let result = try master.solve(limits: .init(seconds: remaining, nodes: limits.nodesPerMaster), start: startColumns)
            lowerBound = decode(bound: result.bound, cost: cost, totalCells: totalCells, totalPersons: totalPersons)
            switch result.status {
            case .optimal: break
            case .infeasible:
                return OptimalSuppression(states: nil, ending: .infeasible, lowerBound: nil, rounds: rounds, cuts: rows.count - lineCuts)
            case .stopped, .unbounded:
                return OptimalSuppression(states: last, ending: .stopped(remaining <= 0 ? "time" : "nodes"),
                                          lowerBound: lowerBound, rounds: rounds, cuts: rows.count - lineCuts)
            }
            guard let solution = result.solution else { throw ReleaseSystem.internalError("the optimiser lost its solution") }
            // The master's optimum bounds every acceptable pattern's cost from below.
            var states = primary
            for (column, g) in groups.free.enumerated() where solution[column] > 0.5 {
                for member in groups.members[g] { states[member] = .secondary }
            }
            last = states
            let hidden = states.map(Self.isHidden)
            let audit = try ReleaseAudit(system: system, suppressed: hidden, policy: policy, budget: budget)
            var added = 0
            // Primary cells first; secondary cells (two solves each) only once every
            // primary cell passes, which saves most solves of the early rounds.
            let primaryGroups = groups.members.indices.filter { hidden[groups.members[$0][0]] && groups.fixedHidden[$0] }
            let secondaryGroups = groups.members.indices.filter { hidden[groups.members[$0][0]] && !groups.fixedHidden[$0] }
            // Sub-populations with the primary cells: each too narrow gives a cut over the
            // published cells that bind its maximum.
            for group in subpopulations {
                let level = Double(group.level ?? policy.protectionLevel)
                let maximum = try audit.linearBound(ofClasses: group.classes, .maximise, hidden: hidden)
                solves += 1
                guard let upper = maximum.value, upper < level - 1e-6 else { continue }
                let before = rows.count
                if !addRequirement(by: maximum.binding.compactMap { groups.groupOfCell[$0] }) {
                    return OptimalSuppression(states: nil, ending: .infeasible, lowerBound: lowerBound, rounds: rounds,
                                              cuts: rows.count - lineCuts)
                }
                added += rows.count - before
            }
            for pass in [primaryGroups, secondaryGroups] where added == 0 {
                for g in pass {
                    let cell = groups.members[g][0]
                    // Zeros hidden against class disclosure are judged with their lines.
                    if protectionLevel(system, cell) == 0 { continue }
                    let value = Double(system.cells[cell].value)
                    let maximum = try audit.linearBound(ofCell: cell, .maximise, hidden: hidden)
                    solves += 1
                    var binding = maximum.binding
                    // The audit's rule: the largest value reaches the protection level, and
                    // the range holds more than one value.
                    if let upper = maximum.value, upper < Double(protectionLevel(system, cell)) - 1e-6 {
                        // Too small a maximum: the binding cells alone can raise it.
                    } else {
                        guard let upper = maximum.value, upper <= value + 1e-6 else { continue }
                        let minimum = try audit.linearBound(ofCell: cell, .minimise, hidden: hidden)
                        solves += 1
                        guard let lower = minimum.value, lower >= value - 1e-6 else { continue }
                        binding += minimum.binding
                    }
                    let before = rows.count
                    if !addCover(of: g, by: binding.compactMap { groups.groupOfCell[$0] }) {
                        return OptimalSuppression(states: nil, ending: .infeasible, lowerBound: lowerBound, rounds: rounds,
                                                  cuts: rows.count - lineCuts)
                    }
                    added += rows.count - before
                }
            }
            if added == 0 {
                return OptimalSuppression(states: states, ending: .converged, lowerBound: lowerBound, rounds: rounds,
                                          cuts: rows.count - lineCuts)
            }
        }
    }

    /// The first measure (persons, or cells) of a bound on the lexicographic objective:
    /// whole-number costs below `base` cannot lift it, so it is the bound divided by the
    /// base, rounded down.
    private func decode(bound: Double, cost: SuppressionCost, totalCells: Int, totalPersons: Int) -> Int {
        let whole = max(0, (bound - 1e-6).rounded(.up))
        let base = Double(cost == .persons ? totalCells + 1 : totalPersons + 1)
        return Int((whole / base).rounded(.down))
    }
}
