import PathlinkCore

/// Applies a disclosure policy to every table of a release together, and proves the result.
///
/// 1. Primary suppression: every count in `1..<threshold`, totals included (and zeros,
///    when the policy suppresses them). Structural zeros are published as such.
/// 2. Secondary suppression over the whole release: cells with the same form in two
///    tables (a margin of one, a cell of another) share their fate; every line of a table
///    (cells along one dimension and their total) with exactly one hidden cell gets the
///    cheapest complement; then the audit runs, and for every hidden cell whose range is
///    too narrow the cheapest cell related to it (in its lines, in the lines of its
///    copies in other tables, or sharing units with it) is hidden too, until all pass.
///    Cheapest = not a grand total if anything else will do, then the fewest `Total`
///    coordinates (an interior cell before a margin), then the smallest count, then table
///    order and cell order. Zeros and
///    structural zeros are never complements, with one exception: a sub-population that
///    published zeros hold at 0 whatever else is hidden (``pinningZeros(_:_:of:)``).
///    Then the give-back pass (``giveBack(_:_:solveBudget:)``) publishes again, largest
///    first, every complement the audit shows is not needed. When ``suppression`` asks for
///    it (the default), the optimiser (``optimalSuppression(_:primary:start:cost:limits:)``,
///    a mixed-integer program over the whole release) runs first and its pattern, mended
///    and given back the same way, is released when the final audit accepts it; the greedy
///    pattern is then only the fallback (``optimisedPattern(_:primary:groups:)``). The
///    audit sidecar names the method used (``SuppressionReport``).
/// 3. The audit (``ReleaseAudit``) of the final pattern: each hidden cell's feasible range
///    must hold more than one value and reach the threshold, or nothing is released.
///
/// Decisions are made on true counts; rounding, if any, applies to what is printed.
package struct ReleaseProtector {
    package var policy: DisclosurePolicy
    /// How secondary cells are chosen (the optimiser by default, the greedy method as its
    /// fallback).
    package var suppression: SuppressionSettings
    /// The report stage's time budget (``TimeBudget``); nil: no clock at all.
    package var budget: TimeBudget?

    package init(policy: DisclosurePolicy, suppression: SuppressionSettings = SuppressionSettings(), budget: TimeBudget? = nil) {
        self.policy = policy
        self.suppression = suppression
        self.budget = budget
    }

    enum State: Equatable { case published, primary, secondary, structural }

    /// Protects the tables as one system of equations.
    ///
    /// - Complexity: builds the system in time linear in atoms × tables (×2^d), then runs
    ///   the audit once per round of extra complements; each audit solves two small
    ///   warm-started linear programs per hidden cell.
    /// - Throws: `PathlinkError(.invalidDocument)` for an invalid policy or table;
    ///   `PathlinkError(.disclosure)` if the audit fails (nothing may be written then).
    package func protect(_ microdata: Microdata, tables: [TableDefinition]) throws -> ProtectedRelease {
        try policy.validated()
        let system = try ReleaseSystem(microdata: microdata, tables: tables)
        // Class disclosure: the zeros of a line that would give its one category away are
        // hidden as primary cells; should suppression then leave such a line (a hidden
        // cell beside published zeros), its zeros are hidden too and the work redone.
        var primary = primaryStates(system)
        hideClassDisclosingZeros(system, &primary)
        for _ in 0..<Self.classDisclosureRounds {
            let release = try protect(system, primary: primary)
            var more = primary
            hideClassDisclosingZeros(system, &more, published: release.states)
            if more == primary {
                try refuseClassDisclosure(system, release.states)
                return release.release
            }
            primary = more
        }
        let release = try protect(system, primary: primary)
        try refuseClassDisclosure(system, release.states)
        return release.release
    }

    /// How many times the whole protection is redone to hide zeros that secondary
    /// suppression left beside a hidden cell, before the release is refused.
    static let classDisclosureRounds = 3

    private func protect(_ system: ReleaseSystem, primary: [State]) throws -> (release: ProtectedRelease, states: [State]) {
        let groups = system.smallDifferences(below: policy.threshold) + classGroups(system, primary)
        let chosen: Pattern
        if !policy.secondary {
            chosen = Pattern(states: primary, audit: try finalAudit(system, primary, groups: groups), method: .greedy,
                             reason: "secondary suppression is off", lowerBound: nil, greedy: nil)
        } else if suppression.method == .greedy {
            let greedy = try greedyPattern(system, primary: primary, groups: groups)
            chosen = Pattern(states: greedy.states, audit: greedy.audit, method: .greedy,
                             reason: "the optimiser is switched off", lowerBound: nil, greedy: greedy.states)
        } else {
            chosen = try optimisedPattern(system, primary: primary, groups: groups)
        }
        let report = SuppressionReport(system: system, states: chosen.states, primary: primary, method: chosen.method,
                                       reason: chosen.reason, cost: suppression.cost, lowerBound: chosen.lowerBound,
                                       greedy: chosen.greedy)
        return (ProtectedRelease(tables: protectedTables(system, chosen.states), audit: chosen.audit,
                                 warnings: [], suppression: report), chosen.states)
    }

    /// A suppression pattern the final audit accepted, and how it was chosen.
    struct Pattern {
        var states: [State]
        var audit: [AuditEntry]
        var method: SuppressionReport.Method
        var reason: String
        var lowerBound: Int?
        /// The greedy pattern, when it was computed (for the sidecar's comparison).
        var greedy: [State]?
    }

    /// The greedy method: complements, give-back, final audit.
    /// - Throws: `PathlinkError(.disclosure)` if the final audit refuses the pattern.
    func greedyPattern(_ system: ReleaseSystem, primary: [State],
                       groups: [ReleaseSystem.Group]) throws -> (states: [State], audit: [AuditEntry]) {
        var states = primary
        try addComplements(system, &states, groups: groups)
        let beforeGiveBack = states
        try giveBack(system, &states, groups: groups)
        do {
            return (states, try finalAudit(system, states, groups: groups))
        } catch let error as PathlinkError where error.code == .disclosure && states != beforeGiveBack {
            // The give-back pass only keeps what its audit accepted, so this is not
            // expected; should the final audit disagree, fall back to the fuller pattern
            // (which the final audit then judges on its own).
            return (beforeGiveBack, try finalAudit(system, beforeGiveBack, groups: groups))
        }
    }

    /// The optimiser first; its converged pattern, mended and given back, is released when
    /// the final audit accepts it. The greedy method runs only when the optimiser did not
    /// converge to an accepted pattern: then the cheaper accepted pattern is released.
    func optimisedPattern(_ system: ReleaseSystem, primary: [State], groups: [ReleaseSystem.Group]) throws -> Pattern {
        let optimal = try optimalSuppression(system, primary: primary, start: nil,
                                             cost: suppression.cost, limits: suppression.limits, subpopulations: groups)
        var accepted: (states: [State], audit: [AuditEntry])?
        var failedAudit = false
        if var candidate = optimal.states {
            // What the whole-number audit sees beyond the linear one is mended the
            // greedy way; then complements no longer needed are published again.
            // Small sub-populations (differences of nested cells) are protected here too.
            try addComplements(system, &candidate, groups: groups)
            try giveBack(system, &candidate, groups: groups)
            do {
                accepted = (candidate, try finalAudit(system, candidate, groups: groups))
            } catch let error as PathlinkError where error.code == .disclosure {
                failedAudit = true
            }
        }
        if optimal.ending == .converged, let accepted {
            return Pattern(states: accepted.states, audit: accepted.audit, method: .optimal,
                           reason: "the optimiser's pattern, \(optimal.rounds) round(s) of cuts",
                           lowerBound: optimal.lowerBound, greedy: nil)
        }
        // The fallback: the greedy pattern, unless the optimiser's (stopped, then mended)
        // pattern was accepted and is cheaper.
        let greedy: (states: [State], audit: [AuditEntry])
        do {
            greedy = try greedyPattern(system, primary: primary, groups: groups)
        } catch let error as PathlinkError where error.code == .disclosure {
            guard let accepted, case .stopped(let limit) = optimal.ending else { throw error }
            return Pattern(states: accepted.states, audit: accepted.audit, method: .optimalStoppedThenMended,
                           reason: "the optimiser stopped at its \(limit) limit after \(optimal.rounds) round(s) of cuts; its last pattern, mended by the greedy loop, was accepted and the greedy pattern was not",
                           lowerBound: optimal.lowerBound, greedy: nil)
        }
        var reason: String
        switch optimal.ending {
        case .converged:
            reason = failedAudit ? "the optimiser's pattern failed the final audit; the greedy pattern is used"
                                 : "the optimiser's pattern could not be mended; the greedy pattern is used"
        case .stopped(let limit):
            if let accepted, isCheaper(system, accepted.states, than: greedy.states) {
                return Pattern(states: accepted.states, audit: accepted.audit, method: .optimalStoppedThenMended,
                               reason: "the optimiser stopped at its \(limit) limit after \(optimal.rounds) round(s) of cuts; its last pattern, mended by the greedy loop, was cheaper than the greedy one",
                               lowerBound: optimal.lowerBound, greedy: greedy.states)
            }
            reason = optimal.states == nil
                ? "the optimiser stopped at its \(limit) limit before proposing a pattern; the greedy pattern is used"
                : "the optimiser stopped at its \(limit) limit, and its last pattern mended was no cheaper than the greedy one"
        case .infeasible:
            reason = "the optimiser found no pattern that protects every cell"
        }
        return Pattern(states: greedy.states, audit: greedy.audit, method: .greedy, reason: reason,
                       lowerBound: optimal.lowerBound, greedy: greedy.states)
    }

    /// Compares two patterns by the optimiser's cost: hidden units then cells, or cells
    /// then units.
    func isCheaper(_ system: ReleaseSystem, _ candidate: [State], than other: [State]) -> Bool {
        func measure(_ states: [State]) -> (Int, Int) {
            var cells = 0, units = 0
            for (index, state) in states.enumerated() where Self.isHidden(state) {
                cells += 1
                units += system.cells[index].value
            }
            return suppression.cost == .persons ? (units, cells) : (cells, units)
        }
        return measure(candidate) < measure(other)
    }

    // MARK: Primary

    func primaryStates(_ system: ReleaseSystem) -> [State] {
        system.cells.map { cell in
            if cell.isStructural { return .structural }
            if cell.value > 0 && cell.value < policy.threshold { return .primary }
            if cell.value == 0 && policy.zeros == .suppress { return .primary }
            return .published
        }
    }

    // MARK: Secondary

    private func isCandidate(_ system: ReleaseSystem, _ states: [State], _ index: Int) -> Bool {
        states[index] == .published && system.cells[index].value > 0
    }

    /// Interior cells first (a published table keeps its totals and its base whenever an
    /// interior cell can protect the hidden one), then margins with fewer `Total`
    /// coordinates, grand totals last; within a rank the smallest count, then cell order.
    private func cost(_ system: ReleaseSystem, _ index: Int) -> (Int, Int, Int, Int) {
        let cell = system.cells[index]
        return (cell.isGrandTotal ? 1 : 0, cell.totalCount, cell.value, index)
    }

    private func cheapest(_ system: ReleaseSystem, _ states: [State], among candidates: [Int]) -> Int? {
        candidates.filter { isCandidate(system, states, $0) }.min { cost(system, $0) < cost(system, $1) }
    }

    /// Copies a hidden cell's fate to its copies in other tables, and gives every line with
    /// a single hidden cell a complement, until nothing changes. Returns the cells added.
    @discardableResult
    func closeLines(_ system: ReleaseSystem, _ states: inout [State]) -> [Int] {
        var added: [Int] = []
        var changed = true
        while changed {
            changed = false
            for index in system.cells.indices where states[index] == .primary || states[index] == .secondary {
                for copy in system.sameForm[index] ?? [] where states[copy] == .published {
                    states[copy] = .secondary
                    added.append(copy)
                    changed = true
                }
            }
            for line in system.lines {
                let hidden = line.filter { states[$0] == .primary || states[$0] == .secondary }
                guard hidden.count == 1 else { continue }
                if let complement = cheapest(system, states, among: line) {
                    states[complement] = .secondary
                    added.append(complement)
                    changed = true
                }
            }
        }
        return added
    }

    /// The cells whose hiding can widen a hidden cell's range.
    func related(_ system: ReleaseSystem, to index: Int) -> [Int] {
        var result = Set<Int>()
        for member in system.sameForm[index] ?? [index] {
            for line in system.linesOfCell[member] { result.formUnion(system.lines[line]) }
        }
        for c in system.cells[index].classes { result.formUnion(system.cellsOfClass[c]) }
        result.remove(index)
        return result.sorted()
    }

    /// The cheapest related cell; but rather than a grand total (or nothing), the cheapest
    /// other cell in the lines of the hidden cells related to it — hiding one of those can
    /// widen the cell's range too, and keeps the table's base. The audit judges either way.
    func complement(_ system: ReleaseSystem, _ states: [State], for index: Int, related: [Int]) -> Int? {
        let near = cheapest(system, states, among: related)
        if let near, !system.cells[near].isGrandTotal { return near }
        var wider = Set<Int>()
        for other in related where Self.isHidden(states[other]) {
            for member in system.sameForm[other] ?? [other] {
                for line in system.linesOfCell[member] { wider.formUnion(system.lines[line]) }
            }
        }
        wider.remove(index)
        if let far = cheapest(system, states, among: wider.sorted()), !system.cells[far].isGrandTotal { return far }
        return near
    }

    func addComplements(_ system: ReleaseSystem, _ states: inout [State], groups: [ReleaseSystem.Group] = []) throws {
        closeLines(system, &states)
        var pending = system.cells.indices.filter { states[$0] == .primary || states[$0] == .secondary }
        while !pending.isEmpty || !groups.isEmpty {
            let audit = try ReleaseAudit(system: system, suppressed: states.map(Self.isHidden), policy: policy, budget: budget)
            var failing: [Int] = []
            // Verdicts only (no ranges): witnesses from earlier solves settle most cells.
            // Zeros hidden against class disclosure are judged with their lines (groups).
            for index in pending where protectionLevel(system, index) > 0 {
                if try !audit.passes(cell: index, level: protectionLevel(system, index)) { failing.append(index) }
            }
            var failingGroups: [ReleaseSystem.Group] = []
            for group in groups where try !audit.reaches(classes: group.classes, trueValue: group.value, level: group.level ?? policy.protectionLevel) {
                failingGroups.append(group)
            }
            if failing.isEmpty && failingGroups.isEmpty { return }
            var added: [Int] = []
            // A sub-population given away by two published cells: hide one of them, or
            // (when one already is) the cheapest cell related to either.
            for group in failingGroups {
                // Its classes all inside published zeros: no other cell can free it.
                if let zeros = pinningZeros(system, states, of: group.classes) {
                    for zero in zeros { states[zero] = .secondary }
                    added += zeros
                    continue
                }
                let related = [group.inner, group.outer] + related(system, to: group.inner) + related(system, to: group.outer)
                if added.contains(where: { related.contains($0) }) { continue }
                if let complement = cheapest(system, states, among: [group.inner, group.outer])
                    ?? complement(system, states, for: group.inner, related: related) {
                    states[complement] = .secondary
                    added.append(complement)
                }
            }
            for index in failing {
                let related = related(system, to: index)
                if added.contains(where: { related.contains($0) }) { continue }
                if let complement = complement(system, states, for: index, related: related) {
                    // A grand total only as a last resort: first see whether this round's
                    // other complements already protect the cell.
                    if system.cells[complement].isGrandTotal && !added.isEmpty { continue }
                    states[complement] = .secondary
                    added.append(complement)
                }
            }
            if added.isEmpty { return }   // nothing left to hide; the final audit refuses
            added += closeLines(system, &states)
            pending = Array(Set(failing + added + (failingGroups.isEmpty ? [] : system.cells.indices.filter { Self.isHidden(states[$0]) }))).sorted()
        }
    }

    static func isHidden(_ state: State) -> Bool { state == .primary || state == .secondary }

    /// The published zeros that hold a sub-population at 0 whatever else is hidden: when
    /// every class of `classes` lies in a published (not structural) zero, hiding positive
    /// cells cannot let the sum reach 1, so only hiding zeros can. Returns every published
    /// zero holding the class held by the fewest (first such class on ties), or nil when
    /// some class lies in no published zero.
    ///
    /// This happens when the release system models an empty combination by one
    /// representative (``ReleaseSystem``, above ``ReleaseSystem/exhaustiveLimit``): the zero
    /// cells hidden against class disclosure in one table then get a class that another
    /// table (say a link rate by the same variable) publishes as 0. Without it the loop
    /// stops with nothing left to hide and the release is refused although hiding that
    /// zero, and its line's complement, protects it. A zero hidden this way is shown as
    /// the confidentiality symbol like any other secondary cell.
    func pinningZeros(_ system: ReleaseSystem, _ states: [State], of classes: [Int]) -> [Int]? {
        var best: [Int]?
        for c in classes {
            let zeros = system.cellsOfClass[c].filter {
                states[$0] == .published && system.cells[$0].value == 0 && !system.cells[$0].isStructural
            }
            if zeros.isEmpty { return nil }
            if best == nil || zeros.count < best!.count { best = zeros }
        }
        return best
    }

    /// Whether a range holds more than one value and reaches the policy's protection level.
    func passes(_ range: (lower: Double, upper: Double)) -> Bool {
        range.upper > range.lower && range.upper >= Double(policy.protectionLevel)
    }

    func passes(_ range: (lower: Double, upper: Double), _ system: ReleaseSystem, _ index: Int) -> Bool {
        // A zero hidden against class disclosure is judged with its line (``classGroups``).
        if protectionLevel(system, index) == 0 { return true }
        return range.upper > range.lower && range.upper >= Double(protectionLevel(system, index))
    }

    /// The value a hidden cell's largest feasible value must reach: the policy's protection
    /// level; but 1 for a zero hidden against class disclosure (zeros shown), whose
    /// protection is that a reader cannot tell it is 0.
    func protectionLevel(_ system: ReleaseSystem, _ index: Int) -> Int {
        system.cells[index].value == 0 && policy.zeros == .show ? 0 : policy.protectionLevel
    }

    // MARK: Audit and output

    func finalAudit(_ system: ReleaseSystem, _ states: [State], groups: [ReleaseSystem.Group] = []) throws -> [AuditEntry] {
        let audit = try ReleaseAudit(system: system, suppressed: states.map(Self.isHidden), policy: policy, budget: budget)
        var entries: [AuditEntry] = []
        var failures: [String] = []
        for (index, state) in states.enumerated() where Self.isHidden(state) {
            let cell = system.cells[index]
            let range = try audit.range(ofCell: index)
            let table = system.tables[cell.table]
            entries.append(AuditEntry(table: table.id, coordinates: cell.coordinates,
                                      // A zero hidden with zeros shown is a zero, whether hidden in its own
                                      // line or as a complement (``pinningZeros(_:_:of:)``): no "at least 1".
                                      kind: protectionLevel(system, index) == 0 ? .zero : (state == .secondary ? .secondary : .primary),
                                      lower: range.lower, upper: range.upper))
            if !passes(range, system, index) && !failures.contains(table.id) { failures.append(table.id) }
        }
        for group in groups where try !audit.reaches(classes: group.classes, trueValue: group.value, level: group.level ?? policy.protectionLevel) {
            for cell in [group.outer, group.inner] {
                let id = system.tables[system.cells[cell].table].id
                if !failures.contains(id) { failures.append(id) }
            }
        }
        if !failures.isEmpty {
            let remedy = policy.secondary
                ? "merge sparse categories (recodes) or drop a table, then run the report again"
                : "set secondary: true in the policy, or merge sparse categories, then run the report again"
            throw PathlinkError(.disclosure,
                                problem: "the release would let a reader work out a suppressed cell of \(failures.map { "\"\($0)\"" }.joined(separator: ", ")) from the published numbers; nothing was written",
                                remedy: remedy)
        }
        return entries
    }

    func protectedTables(_ system: ReleaseSystem, _ states: [State]) -> [ProtectedTable] {
        system.tables.enumerated().map { table, definition in
            let start = system.tableOffsets[table]
            let end = table + 1 < system.tableOffsets.count ? system.tableOffsets[table + 1] : system.cells.count
            let cells = (start..<end).map { index -> ProtectedCell in
                let cell = system.cells[index]
                let status: CellStatus
                switch states[index] {
                case .structural: status = .structuralZero
                case .primary, .secondary: status = .suppressed
                case .published: status = .published(policy.published(cell.value))
                }
                return ProtectedCell(coordinates: cell.coordinates, status: status)
            }
            return ProtectedTable(definition: definition, cells: cells)
        }
    }

    /// A line that gives away one category of everyone in it: its units all fall in one
    /// category (every other cell not structural is 0) and either the line holds fewer
    /// than the policy's class size or that category's cell is hidden (so the line's size
    /// is not known to be large). Returns the line's cells that are published zeros, the
    /// ones to hide; `nil` for a line that discloses nothing.
    func classDisclosingZeros(_ system: ReleaseSystem, line: [Int], states: [State]) -> [Int]? {
        let total = system.cells[line.last!]
        let members = line.dropLast().filter { !system.cells[$0].isStructural }
        guard total.value > 0, members.count > 1 else { return nil }
        let occupied = members.filter { system.cells[$0].value > 0 }
        guard occupied.count == 1 else { return nil }
        let zeros = members.filter { system.cells[$0].value == 0 && states[$0] == .published }
        guard !zeros.isEmpty else { return nil }   // every zero hidden: the category is not known
        guard total.value < policy.classSize || Self.isHidden(states[occupied[0]]) || Self.isHidden(states[line.last!]) else { return nil }
        return zeros
    }

    /// For every line whose zeros are hidden against class disclosure (zeros shown): the
    /// sum of those zeros must be able to reach 1, or a reader still knows that everyone in
    /// the line is in its one occupied category.
    func classGroups(_ system: ReleaseSystem, _ primary: [State]) -> [ReleaseSystem.Group] {
        guard policy.zeros == .show else { return [] }
        var groups: [ReleaseSystem.Group] = []
        var seen = Set<[Int]>()
        for line in system.lines {
            let members = line.dropLast().filter { !system.cells[$0].isStructural }
            let occupied = members.filter { system.cells[$0].value > 0 }
            guard occupied.count == 1, system.cells[line.last!].value > 0 else { continue }
            let zeros = members.filter { system.cells[$0].value == 0 && primary[$0] == .primary }
            guard !zeros.isEmpty else { continue }
            let classes = Array(Set(zeros.flatMap { system.cells[$0].classes })).sorted()
            guard !classes.isEmpty, seen.insert(classes).inserted else { continue }
            groups.append(ReleaseSystem.Group(classes: classes, value: 0, outer: line.last!, inner: occupied[0], level: 1))
        }
        return groups
    }

    /// Marks as primary the zeros of every class-disclosing line under `published`.
    func hideClassDisclosingZeros(_ system: ReleaseSystem, _ primary: inout [State], published: [State]? = nil) {
        let states = published ?? primary
        for line in system.lines {
            for zero in classDisclosingZeros(system, line: line, states: states) ?? [] where primary[zero] == .published {
                primary[zero] = .primary
            }
        }
    }

    /// Refuses a release in which a line still gives its one category away, naming the
    /// table and the variables only.
    func refuseClassDisclosure(_ system: ReleaseSystem, _ states: [State]) throws {
        for line in system.lines where classDisclosingZeros(system, line: line, states: states) != nil {
            let definition = system.tables[system.cells[line.last!].table]
            let first = system.cells[line[0]], second = system.cells[line[1]]
            let dimension = first.coordinateIndices.indices.first { first.coordinateIndices[$0] != second.coordinateIndices[$0] } ?? 0
            let others = definition.dimensions.enumerated().filter { $0.offset != dimension }.map(\.element)
            throw PathlinkError(.disclosure,
                                problem: "table \"\(definition.id)\": a line of fewer than \(policy.classSize) units\(others.isEmpty ? "" : " (by \(others.joined(separator: " × ")))") has every unit in one category of \"\(definition.dimensions[dimension])\" (class disclosure), and its zeros could not be hidden safely; nothing was written",
                                remedy: "merge sparse categories of \(definition.dimensions.joined(separator: ", ")) with a map: recode, or drop a dimension, then run the report again")
        }
    }
}
