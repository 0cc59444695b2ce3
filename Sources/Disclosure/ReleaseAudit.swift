import PathlinkCore

/// The feasible range of hidden cells given everything a release publishes, by linear
/// (and, where needed, integer) programming with COIN-OR (CLP and CBC, through
/// ``LinearProgram`` and ``IntegerProgram``).
///
/// The program: one non-negative integer unknown per class of combinations (see
/// ``ReleaseSystem``); for every published cell of every table, its sum equals the
/// published count — or, when the policy rounds, lies in the interval of true counts that
/// round to it; structural zeros are fixed at 0; when zeros are shown, every hidden
/// cell that is not a zero hidden against class disclosure is at least 1. For each hidden cell the sum of its unknowns is minimised and
/// maximised with the simplex method; when the optimal vertex is not integral the bound is
/// tightened to the integer optimum with branch and bound (CBC), since counts are
/// whole numbers and a reader may reason with that — for programs of at most
/// ``integerLimit`` unknowns (branch and bound gets ``integerTimeLimit`` seconds per
/// bound; out of time, the best whole-number solution found, or the true counts, bound
/// the range from inside, which keeps it sound). Larger programs use the linear bound
/// rounded inward (`ceil` of the minimum, `floor` of the maximum): the standard LP audit
/// of τ-ARGUS and sdcTable, exact whenever the constraint matrix is totally unimodular
/// (one or two dimensions) and otherwise possibly wider than what a whole-number reader
/// can reach. The range is `[lower, upper]`; `upper` is `.infinity` when nothing bounds
/// the cell. Every bound is an optimum, so it does not depend on the solver's path.
///
/// - Complexity: one program of (published + hidden) rows and one column per class, then
///   two warm-started simplex solves per hidden cell; the basis of one solve starts the next.
final class ReleaseAudit {
    private let system: ReleaseSystem
    private let policy: DisclosurePolicy
    private let program: LinearProgram
    private var trueValue = 0.0
    /// Seconds allowed to branch and bound for one bound of one cell.
    static let integerTimeLimit = 2.0
    /// Programs with more unknowns than this use the linear bound (see the type's note).
    static let integerLimit = 300
    /// The program's row of each cell, or nil for a cell with no unknowns.
    /// Every cell with unknowns has a row, free or bounded by what its state allows, so
    /// that ``setHidden(_:_:)`` can publish or hide it without rebuilding the program.
    private var rowOfCell: [Int?] = []
    private var cellOfRow: [Int] = []
    /// Checked before every solve: past it, the audit stops with the budget's refusal.
    private let budget: TimeBudget?
    /// Points of the program's feasible set found by earlier solves (whole-number points
    /// when the audit is in whole numbers), newest last; cleared when the program changes.
    private var witnesses: [[Double]] = []
    /// How many witnesses are kept (each check costs one pass over a cell's classes).
    static let witnessLimit = 32

    init(system: ReleaseSystem, suppressed: [Bool], policy: DisclosurePolicy, budget: TimeBudget? = nil) throws {
        self.system = system
        self.policy = policy
        self.budget = budget
        var rows: [LinearProgram.Row] = []
        var rowOfCell = [Int?](repeating: nil, count: system.cells.count)
        var cellOfRow: [Int] = []
        for (index, cell) in system.cells.enumerated() where !cell.classes.isEmpty || cell.isStructural {
            let bounds = Self.bounds(system: system, policy: policy, cell: index, hidden: suppressed[index])
            rowOfCell[index] = rows.count
            cellOfRow.append(index)
            rows.append(LinearProgram.Row(columns: cell.classes, lower: bounds.lower, upper: bounds.upper))
        }
        // One fixed column keeps the program well formed when there are no classes.
        let columns = max(system.classCount, 1)
        program = try LinearProgram(columnCount: columns, columnUpper: system.classCount == 0 ? 0 : .infinity, rows: rows)
        self.rowOfCell = rowOfCell
        self.cellOfRow = cellOfRow
    }

    /// What a reader knows of a cell's sum: zero if structural; at least 1 if hidden, not
    /// zero, and zeros are shown (nothing if they are not); the true counts behind the
    /// printed value if published.
    private static func bounds(system: ReleaseSystem, policy: DisclosurePolicy, cell index: Int,
                               hidden: Bool) -> (lower: Double, upper: Double) {
        let cell = system.cells[index]
        if cell.isStructural { return (0, 0) }
        // A zero hidden against class disclosure is not "at least 1": the bound is kept for
        // hidden cells that are not zero, a reader at least as well informed as any real
        // one (who cannot tell the hidden zeros apart), so the audit stays sound.
        if hidden { return (policy.zeros == .show && cell.value > 0 ? 1 : -.infinity, .infinity) }
        let range = policy.trueRange(ofPublished: policy.published(cell.value))
        return (Double(range.lowerBound), Double(range.upperBound))
    }

    /// Hides or publishes a (non-structural) cell in place; the next solves start from the
    /// current basis.
    func setHidden(_ index: Int, _ hidden: Bool) {
        guard let row = rowOfCell[index], !system.cells[index].isStructural else { return }
        witnesses.removeAll()
        let bounds = Self.bounds(system: system, policy: policy, cell: index, hidden: hidden)
        program.setRowBounds(row, lower: bounds.lower, upper: bounds.upper)
    }

    /// Whether a solution of the program gives a cell a sum that its published value allows.
    func allowsPublishing(_ index: Int, in solution: [Double]) -> Bool {
        let cell = system.cells[index]
        let sum = sum(ofCell: index, in: solution)
        let range = policy.trueRange(ofPublished: policy.published(cell.value))
        return sum >= Double(range.lowerBound) - 1e-6 && sum <= Double(range.upperBound) + 1e-6
    }

    /// The feasible range of a cell (whole numbers; `upper` may be `.infinity`).
    /// - Throws: `PathlinkError(.internal)` if the solver fails or the true value falls
    ///   outside the range (which would mean the program is wrong).
    func range(ofCell index: Int) throws -> (lower: Double, upper: Double) {
        let cell = system.cells[index]
        if cell.classes.isEmpty { return (0, 0) }
        setObjective(index)
        // Counts are non-negative, so the minimum always exists.
        let lower = try solve(.minimise) ?? 0
        let upper = try solve(.maximise) ?? .infinity
        let value = Double(cell.value)
        if value < lower - 1e-6 || value > upper + 1e-6 {
            throw ReleaseSystem.internalError("the audit's range excludes the true count")
        }
        return (lower, upper)
    }

    /// Whether a hidden cell passes the audit's rule — its range holds more than one value
    /// and reaches `level` — solving as little as possible. Exactly the verdict on
    /// ``range(ofCell:)``, without the range: a cell with true count `v` passes when its
    /// largest value reaches `max(level, v + 1)` (the true data give `v`, so the range then
    /// holds two values), which a *witness* — a feasible point found by an earlier solve at
    /// which the cell's sum already gets there — proves without a solve; otherwise one
    /// maximisation, and a minimisation only when the maximum is `v` itself.
    ///
    /// A witness proves the whole-number maximum only when it is a whole-number point, so
    /// an audit in whole numbers keeps only those; an audit by the linear bound (rounded
    /// inward) accepts any point, since its maximum is at least the point's sum.
    func passes(cell index: Int, level: Int) throws -> Bool {
        let cell = system.cells[index]
        if cell.classes.isEmpty { return false }
        let needed = Double(max(level, cell.value + 1))
        if isWitnessed(cell.classes, reaching: needed) { return true }
        setObjective(index)
        guard let upper = try solve(.maximise) else { return true }
        if upper >= needed { return true }
        if upper < Double(level) { return false }
        return try solve(.minimise) ?? 0 < upper
    }

    /// Whether a sum of classes that is not a cell (a sub-population) can reach `level`:
    /// exactly `maximum(ofClasses:trueValue:) >= level`, settled by a witness when one
    /// reaches it.
    func reaches(classes: [Int], trueValue: Int, level: Int) throws -> Bool {
        if classes.isEmpty { return level <= 0 }
        if isWitnessed(classes, reaching: Double(level)) { return true }
        return try maximum(ofClasses: classes, trueValue: trueValue) >= Double(level)
    }

    private func isWitnessed(_ classes: [Int], reaching needed: Double) -> Bool {
        witnesses.contains { point in classes.reduce(0.0) { $0 + point[$1] } >= needed - 1e-6 }
    }

    private func remember(_ point: [Double]) {
        guard system.classCount > Self.integerLimit || isIntegral(point) else { return }
        if witnesses.count >= Self.witnessLimit { witnesses.removeFirst() }
        witnesses.append(point)
    }

    /// The largest value of a sum of classes that is not a cell (a sub-population: the
    /// difference of two nested cells); `.infinity` when unbounded.
    func maximum(ofClasses classes: [Int], trueValue: Int) throws -> Double {
        if classes.isEmpty { return 0 }
        program.setObjective(sumOf: classes)
        self.trueValue = Double(trueValue)
        return try solve(.maximise) ?? .infinity
    }

    /// The largest value of a cell (whole numbers; `.infinity` when unbounded) and a
    /// solution of the relaxation that attains it (nil when unbounded).
    func maximum(ofCell index: Int) throws -> (upper: Double, solution: [Double]?) {
        if system.cells[index].classes.isEmpty { return (0, nil) }
        setObjective(index)
        guard let upper = try solve(.maximise) else { return (.infinity, nil) }
        return (upper, program.solution)
    }

    /// The smallest value of a cell (whole numbers).
    func minimum(ofCell index: Int) throws -> Double {
        if system.cells[index].classes.isEmpty { return 0 }
        setObjective(index)
        return try solve(.minimise) ?? 0
    }

    /// The linear (not whole-number) optimum of a cell, and the published cells whose
    /// constraints hold it there: those with a non-zero dual value. Publishing more cells,
    /// or hiding only cells outside that set, cannot move the linear optimum past the
    /// value returned (LP duality) — the basis of the cuts in ``SuppressionModel``.
    /// Returns nil for the value when unbounded.
    func linearBound(ofCell index: Int, _ direction: LinearProgram.Direction,
                     hidden: [Bool]) throws -> (value: Double?, binding: [Int]) {
        if system.cells[index].classes.isEmpty { return (0, []) }
        setObjective(index)
        return try linearBound(direction, hidden: hidden)
    }

    /// ``linearBound(ofCell:_:hidden:)`` for a sum of classes that is not a cell (a
    /// sub-population, ``ReleaseSystem/Group``).
    func linearBound(ofClasses classes: [Int], _ direction: LinearProgram.Direction,
                     hidden: [Bool]) throws -> (value: Double?, binding: [Int]) {
        if classes.isEmpty { return (0, []) }
        program.setObjective(sumOf: classes)
        return try linearBound(direction, hidden: hidden)
    }

    private func linearBound(_ direction: LinearProgram.Direction, hidden: [Bool]) throws -> (value: Double?, binding: [Int]) {
        try budget?.check()
        switch try program.solve(direction) {
        case .unbounded: return (nil, [])
        case .infeasible: throw ReleaseSystem.internalError("the audit's program has no feasible solution")
        case .optimal(let value):
            let duals = program.rowDuals
            var binding: [Int] = []
            for (row, dual) in duals.enumerated() where abs(dual) > 1e-9 {
                let cell = cellOfRow[row]
                if !hidden[cell] && !system.cells[cell].isStructural { binding.append(cell) }
            }
            return (value, binding)
        }
    }

    private func setObjective(_ index: Int) {
        program.setObjective(sumOf: system.cells[index].classes)
        trueValue = Double(system.cells[index].value)
    }

    /// A cell's sum in a solution.
    func sum(ofCell index: Int, in solution: [Double]) -> Double {
        system.cells[index].classes.reduce(0.0) { $0 + solution[$1] }
    }

    /// The optimum in whole numbers, or nil when unbounded.
    private func solve(_ direction: LinearProgram.Direction) throws -> Double? {
        try budget?.check()
        let relaxed: Double
        switch try program.solve(direction) {
        case .optimal(let value):
            relaxed = value
            remember(program.solution)
        case .unbounded: return nil
        case .infeasible: throw ReleaseSystem.internalError("the audit's program has no feasible solution")
        }
        if isIntegral(program.solution) { return relaxed.rounded() }

        guard system.classCount <= Self.integerLimit else {
            // Too large for branch and bound in time: the linear bound, rounded inward.
            return direction == .minimise ? (relaxed - 1e-6).rounded(.up) : (relaxed + 1e-6).rounded(.down)
        }
        let integer = try program.integerOptimum(direction, timeLimit: Self.integerTimeLimit)
        switch integer.status {
        case .optimal:
            if let value = integer.objective { return value.rounded() }
        case .infeasible, .unbounded:
            // The true counts are a whole-number solution and the relaxation is bounded.
            throw ReleaseSystem.internalError("branch and bound contradicts the linear program")
        case .stopped:
            break
        }
        // Out of time: the best whole-number solution found, and the true counts (always a
        // solution), give a range inside the true one — sound, at the price of extra suppression.
        let incumbent = integer.objective?.rounded() ?? trueValue
        return direction == .minimise ? min(incumbent, trueValue) : max(incumbent, trueValue)
    }

    /// Whether a simplex vertex is integral in every unknown.
    private func isIntegral(_ point: [Double]) -> Bool {
        point.allSatisfy { abs($0 - $0.rounded()) < 1e-7 }
    }
}
