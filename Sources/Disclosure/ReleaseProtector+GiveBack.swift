/// The give-back pass: publish again the complements the release does not need.
///
/// Complements are chosen one line or one failing cell at a time, so a later choice often
/// makes an earlier one redundant (a line closed early is protected again by the cells
/// hidden for another cell). After the secondary loop, every secondary cell is tried in
/// order of decreasing count (ties by table, then cell order — fixed, so the same inputs
/// give the same release): it is published tentatively, and kept published only if every
/// cell still hidden keeps a range that passes the audit; otherwise it is hidden again.
/// Cells with the same form in several tables are given back together or not at all.
///
/// The final audit of ``ReleaseProtector/protect(_:tables:)`` still runs on the result
/// and decides: the pass can only ever publish what the audit has accepted.
extension ReleaseProtector {
    /// At most this many simplex solves are spent by the pass (1–2 ms each on the demo,
    /// so some 10 s of solver time at most however large the release). A count, not a
    /// clock, so the same inputs give the same release on any machine. Cells not tried
    /// when the budget runs out simply stay hidden, which is always safe.
    static let giveBackSolveBudget = 6_000

    /// Publishes again every secondary cell whose hiding the audit does not need.
    ///
    /// A hidden cell `h` with true count `v` passes the audit exactly when its largest
    /// possible value reaches `max(threshold, v + 1)` (the true data give `h = v`, so the
    /// range then holds two values and reaches the threshold), or, when the largest value
    /// is `v` itself and `v` is at least the threshold, when its smallest is below `v`.
    /// So one maximisation usually settles a cell, and the solution attaining it is kept
    /// as a *witness*: a point of the audit's feasible set `P` at which `h` is large enough.
    ///
    /// Publishing a cell `g` adds a constraint: `P` shrinks to `P' ⊆ P`. This can narrow the
    /// range of any hidden cell connected to `g` through shared units and totals — in a
    /// linked release, not only `g`'s neighbours — so no cell is skipped for being far away.
    /// Instead: if `h`'s witness gives `g` a sum its published value allows, the witness
    /// lies in `P'`, so `h`'s maximum over `P'` is still large enough and `h` still passes
    /// without a solve. Every other hidden cell is solved again in `P'`. Witnesses stay in
    /// the feasible set as further cells are given back (a kept witness satisfies the new
    /// constraint, a new one was found under it); those found during a rejected attempt
    /// are discarded with it.
    ///
    /// Without rounding, a line (of any table) left with a single hidden cell pins that
    /// cell, so such a candidate is rejected at once; otherwise the hidden cells in the
    /// candidate's lines are checked first, since they are the ones that fail.
    ///
    /// - Returns: the cells given back, in the order they were tried.
    /// - Complexity: one or two solves per hidden cell to start, then per candidate one
    ///   (rarely two) per hidden cell whose witness the candidate contradicts, within
    ///   `solveBudget` solves in all.
    @discardableResult
    func giveBack(_ system: ReleaseSystem, _ states: inout [State], groups: [ReleaseSystem.Group] = [],
                  solveBudget: Int = ReleaseProtector.giveBackSolveBudget) throws -> [Int] {
        let audit = try ReleaseAudit(system: system, suppressed: states.map(Self.isHidden), policy: policy, budget: budget)
        var solves = 0
        /// Whether a hidden cell still passes, and a witness for it (nil: solve it next time).
        func check(_ index: Int) throws -> (passes: Bool, witness: [Double]?) {
            let value = Double(system.cells[index].value)
            let level = Double(protectionLevel(system, index))
            // A zero hidden against class disclosure is judged with its line (a group).
            if level == 0 { return (true, nil) }
            let needed = max(level, value + 1)
            let (upper, solution) = try audit.maximum(ofCell: index)
            solves += 1
            if upper >= needed { return (true, solution) }
            guard upper >= level else { return (false, nil) }
            solves += 1
            return (try audit.minimum(ofCell: index) < upper, nil)
        }
        func stillHolds(_ witness: [Double]?, _ index: Int, publishing candidate: Int) -> Bool {
            guard let witness else { return false }
            let needed = max(Double(protectionLevel(system, index)), Double(system.cells[index].value) + 1)
            return audit.allowsPublishing(candidate, in: witness) && audit.sum(ofCell: index, in: witness) >= needed - 1e-6
        }

        var witnesses = [[Double]?](repeating: nil, count: system.cells.count)
        for index in system.cells.indices where Self.isHidden(states[index]) {
            let result = try check(index)
            // A pattern that already fails cannot be mended by publishing more.
            guard result.passes else { return [] }
            witnesses[index] = result.witness
        }

        let candidates = system.cells.indices
            .filter { states[$0] == .secondary }
            .sorted { (-system.cells[$0].value, $0) < (-system.cells[$1].value, $1) }
        var tried = [Bool](repeating: false, count: system.cells.count)
        var given: [Int] = []
        for candidate in candidates where !tried[candidate] {
            let group = system.sameForm[candidate] ?? [candidate]
            for member in group { tried[member] = true }
            guard group.allSatisfy({ states[$0] == .secondary }) else { continue }
            if solves >= solveBudget { break }

            for member in group { states[member] = .published }
            var lineMates: [Int] = []
            var pins = false
            for member in group {
                for line in system.linesOfCell[member] {
                    let hidden = system.lines[line].filter { Self.isHidden(states[$0]) }
                    if hidden.count == 1 && policy.rounding == 0 { pins = true }
                    lineMates += hidden
                }
            }
            if pins {
                for member in group { states[member] = .secondary }
                continue
            }
            for member in group { audit.setHidden(member, false) }
            var order = Array(Set(lineMates)).sorted()
            let near = Set(order)
            order += system.cells.indices.filter { Self.isHidden(states[$0]) && !near.contains($0) }

            var updated: [(Int, [Double]?)] = []
            var stillSafe = true
            for hidden in order where !stillHolds(witnesses[hidden], hidden, publishing: candidate) {
                let result = try check(hidden)
                guard result.passes else {
                    stillSafe = false
                    break
                }
                updated.append((hidden, result.witness))
            }
            // Sub-populations (differences of nested cells) must still reach the threshold.
            if stillSafe {
                for group in groups {
                    solves += 1
                    if try !audit.reaches(classes: group.classes, trueValue: group.value, level: group.level ?? policy.protectionLevel) {
                        stillSafe = false
                        break
                    }
                }
            }
            if stillSafe {
                for member in group { witnesses[member] = nil }
                for (hidden, witness) in updated { witnesses[hidden] = witness }
                given.append(contentsOf: group)
            } else {
                for member in group {
                    states[member] = .secondary
                    audit.setHidden(member, true)
                }
            }
        }
        return given
    }
}
