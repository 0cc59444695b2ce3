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
    /// At most this many simplex solves are spent by the pass (about a millisecond each,
    /// so at most some 10 s of solver time however large the release). A count, not a
    /// clock, so the same inputs give the same release on any machine. Cells not tried
    /// when the budget runs out simply stay hidden, which is always safe.
    static let giveBackSolveBudget = 10_000

    /// Publishes again every secondary cell whose hiding the audit does not need.
    ///
    /// Checking one tentative give-back need not solve every hidden cell again. Publishing
    /// a cell `g` adds a constraint: the feasible set `P` of the audit's program shrinks to
    /// `P' ⊆ P`, so no range can widen. For a hidden cell `h`, let `x⁻` and `x⁺` be optimal
    /// solutions over `P` of min and max of `h`'s sum (kept from `h`'s last solve). If `x⁻`
    /// gives `g` a sum its published value allows, `x⁻ ∈ P'`; being optimal over the larger
    /// `P`, it is optimal over `P'`, so `h`'s minimum is unchanged; likewise for `x⁺` and
    /// the maximum. Then `h`'s range (rounded inward the same way) is unchanged and `h`
    /// still passes; only cells whose kept solutions violate the new constraint are solved
    /// again. This holds in any linked system (it does not assume that only cells near `g`
    /// can change, which is false across tables); kept solutions stay optimal as further
    /// cells are given back, and those of a rejected attempt are discarded with it.
    ///
    /// Cells related to `g` (in its lines, or sharing units with it) are checked first,
    /// since they are the ones that fail, so a rejection is found after a few solves.
    ///
    /// - Returns: the cells given back, in the order they were tried.
    /// - Complexity: one full audit (two solves per hidden cell) to start, then per
    ///   candidate two solves per hidden cell whose kept solutions the candidate
    ///   contradicts, within ``giveBackSolveBudget`` solves in all.
    @discardableResult
    func giveBack(_ system: ReleaseSystem, _ states: inout [State],
                  solveBudget: Int = ReleaseProtector.giveBackSolveBudget) throws -> [Int] {
        let audit = try ReleaseAudit(system: system, suppressed: states.map(Self.isHidden), policy: policy)
        var witnesses = [ReleaseAudit.WitnessedRange?](repeating: nil, count: system.cells.count)
        var solves = 0
        for index in system.cells.indices where Self.isHidden(states[index]) {
            let witnessed = try audit.witnessedRange(ofCell: index)
            solves += 2
            // A pattern that already fails cannot be mended by publishing more.
            guard passes((witnessed.lower, witnessed.upper)) else { return [] }
            witnesses[index] = witnessed
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

            for member in group { audit.setHidden(member, false) }
            let inGroup = Set(group)
            let near = related(system, to: candidate).filter { Self.isHidden(states[$0]) && !inGroup.contains($0) }
            let nearSet = Set(near)
            let rest = system.cells.indices.filter {
                Self.isHidden(states[$0]) && !inGroup.contains($0) && !nearSet.contains($0)
            }
            var updated: [(Int, ReleaseAudit.WitnessedRange)] = []
            var stillSafe = true
            for hidden in near + rest {
                let kept = witnesses[hidden]!
                let unchanged = audit.allowsPublishing(candidate, in: kept.lowerSolution)
                    && kept.upperSolution.map { audit.allowsPublishing(candidate, in: $0) } == true
                if unchanged { continue }
                let witnessed = try audit.witnessedRange(ofCell: hidden)
                solves += 2
                guard passes((witnessed.lower, witnessed.upper)) else {
                    stillSafe = false
                    break
                }
                updated.append((hidden, witnessed))
            }
            if stillSafe {
                for member in group {
                    states[member] = .published
                    witnesses[member] = nil
                }
                for (hidden, witnessed) in updated { witnesses[hidden] = witnessed }
                given.append(contentsOf: group)
            } else {
                for member in group { audit.setHidden(member, true) }
            }
        }
        return given
    }
}
