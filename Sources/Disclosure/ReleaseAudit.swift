import CGLPK
import Foundation
import PathlinkCore

/// The feasible range of hidden cells given everything a release publishes, by linear
/// (and, where needed, integer) programming with GLPK.
///
/// The program: one non-negative integer unknown per class of combinations (see
/// ``ReleaseSystem``); for every published cell of every table, its sum equals the
/// published count — or, when the policy rounds, lies in the interval of true counts that
/// round to it; structural zeros are fixed at 0; when zeros are always shown, every hidden
/// cell is at least 1. For each hidden cell the sum of its unknowns is minimised and
/// maximised with the simplex method; when the optimal vertex is not integral the bound is
/// tightened to the integer optimum with branch and bound (`glp_intopt`), since counts are
/// whole numbers and a reader may reason with that — for programs of at most
/// ``integerLimit`` unknowns (branch and bound gets ``integerTimeLimit`` per bound; out of
/// time, the best whole-number solution found, or the true counts, bound the range from
/// inside, which keeps it sound). Larger programs use the linear bound rounded inward
/// (`ceil` of the minimum, `floor` of the maximum): the standard LP audit of τ-ARGUS and
/// sdcTable, exact whenever the constraint matrix is totally unimodular (one or two
/// dimensions) and otherwise possibly wider than what a whole-number reader can reach.
/// The range is `[lower, upper]`;
/// `upper` is `.infinity` when nothing bounds the cell.
///
/// - Complexity: one program of (published + hidden) rows and one column per class, then
///   two warm-started simplex solves per hidden cell; the basis of one solve starts the next.
final class ReleaseAudit {
    /// GLPK keeps per-thread environment state; solves are serialised to stay safe if a
    /// build of GLPK lacks thread-local storage.
    private static let lock = NSLock()

    private let system: ReleaseSystem
    private let policy: DisclosurePolicy
    private let problem: OpaquePointer
    private var objective: [Int32] = []
    private var trueValue = 0.0
    /// Milliseconds allowed to branch and bound for one bound of one cell.
    static let integerTimeLimit: Int32 = 2_000
    /// Programs with more unknowns than this use the linear bound (see the type's note).
    static let integerLimit = 300
    /// The program's row of each cell (1-based), or 0 for a cell with no unknowns.
    /// Every cell with unknowns has a row, free or bounded by what its state allows, so
    /// that ``setHidden(_:_:)`` can publish or hide it without rebuilding the program.
    private var rowOfCell: [Int32] = []

    init(system: ReleaseSystem, suppressed: [Bool], policy: DisclosurePolicy) throws {
        self.system = system
        self.policy = policy
        Self.lock.lock()
        defer { Self.lock.unlock() }
        glp_term_out(GLP_OFF)
        problem = glp_create_prob()
        glp_set_obj_dir(problem, GLP_MIN)
        let columns = max(system.classCount, 1)
        glp_add_cols(problem, Int32(columns))
        for j in 1...columns {
            glp_set_col_bnds(problem, Int32(j), GLP_LO, 0, 0)
            glp_set_col_kind(problem, Int32(j), GLP_IV)
        }
        if system.classCount == 0 { glp_set_col_bnds(problem, 1, GLP_FX, 0, 0) }

        var rows: [(classes: [Int], bounds: RowBounds)] = []
        rowOfCell = Array(repeating: 0, count: system.cells.count)
        for (index, cell) in system.cells.enumerated() where !cell.classes.isEmpty || cell.isStructural {
            rows.append((cell.classes, bounds(ofCell: index, hidden: suppressed[index])))
            rowOfCell[index] = Int32(rows.count)
        }
        // A free row with no entry keeps the program well formed when nothing is published.
        if rows.isEmpty { rows.append(([], RowBounds(type: GLP_FR, lower: 0, upper: 0))) }
        glp_add_rows(problem, Int32(rows.count))
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (i, row) in rows.enumerated() {
            glp_set_row_bnds(problem, Int32(i + 1), row.bounds.type, row.bounds.lower, row.bounds.upper)
            for c in row.classes {
                ia.append(Int32(i + 1))
                ja.append(Int32(c + 1))
                ar.append(1)
            }
        }
        glp_load_matrix(problem, Int32(ia.count - 1), ia, ja, ar)
        glp_adv_basis(problem, 0)
    }

    struct RowBounds {
        var type: Int32
        var lower: Double
        var upper: Double
    }

    /// What a reader knows of a cell's sum: zero if structural; at least 1 if hidden and
    /// zeros are always shown (nothing if they are not); the true counts behind the
    /// printed value if published.
    private func bounds(ofCell index: Int, hidden: Bool) -> RowBounds {
        let cell = system.cells[index]
        if cell.isStructural { return RowBounds(type: GLP_FX, lower: 0, upper: 0) }
        if hidden {
            return policy.zeros == .show ? RowBounds(type: GLP_LO, lower: 1, upper: 0) : RowBounds(type: GLP_FR, lower: 0, upper: 0)
        }
        let range = policy.trueRange(ofPublished: policy.published(cell.value))
        if range.lowerBound == range.upperBound {
            return RowBounds(type: GLP_FX, lower: Double(range.lowerBound), upper: Double(range.lowerBound))
        }
        return RowBounds(type: GLP_DB, lower: Double(range.lowerBound), upper: Double(range.upperBound))
    }

    /// Hides or publishes a (non-structural) cell in place; the next solves start from the
    /// current basis.
    func setHidden(_ index: Int, _ hidden: Bool) {
        let row = rowOfCell[index]
        guard row > 0, !system.cells[index].isStructural else { return }
        let bounds = bounds(ofCell: index, hidden: hidden)
        Self.lock.withLock { glp_set_row_bnds(problem, row, bounds.type, bounds.lower, bounds.upper) }
    }

    /// Whether a solution of the program gives a cell a sum that its published value allows.
    func allowsPublishing(_ index: Int, in solution: [Double]) -> Bool {
        let cell = system.cells[index]
        let sum = sum(ofCell: index, in: solution)
        let range = policy.trueRange(ofPublished: policy.published(cell.value))
        return sum >= Double(range.lowerBound) - 1e-6 && sum <= Double(range.upperBound) + 1e-6
    }

    deinit {
        Self.lock.withLock { glp_delete_prob(problem) }
    }

    /// The feasible range of a cell (whole numbers; `upper` may be `.infinity`).
    /// - Throws: `PathlinkError(.internal)` if the solver fails or the true value falls
    ///   outside the range (which would mean the program is wrong).
    func range(ofCell index: Int) throws -> (lower: Double, upper: Double) {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        glp_term_out(GLP_OFF)
        let cell = system.cells[index]
        if cell.classes.isEmpty { return (0, 0) }
        setObjective(index)

        // Counts are non-negative, so the minimum always exists.
        let lower = try solve(direction: GLP_MIN) ?? 0
        let upper = try solve(direction: GLP_MAX) ?? .infinity
        let value = Double(cell.value)
        if value < lower - 1e-6 || value > upper + 1e-6 {
            throw ReleaseSystem.internalError("the audit's range excludes the true count")
        }
        return (lower, upper)
    }

    /// The largest value of a sum of classes that is not a cell (a sub-population: the
    /// difference of two nested cells); `.infinity` when unbounded.
    func maximum(ofClasses classes: [Int], trueValue: Int) throws -> Double {
        try Self.lock.withLock {
            glp_term_out(GLP_OFF)
            if classes.isEmpty { return 0 }
            for j in objective { glp_set_obj_coef(problem, j, 0) }
            objective = classes.map { Int32($0 + 1) }
            self.trueValue = Double(trueValue)
            for j in objective { glp_set_obj_coef(problem, j, 1) }
            return try solve(direction: GLP_MAX) ?? .infinity
        }
    }

    /// The largest value of a cell (whole numbers; `.infinity` when unbounded) and a
    /// solution of the relaxation that attains it (nil when unbounded).
    func maximum(ofCell index: Int) throws -> (upper: Double, solution: [Double]?) {
        try Self.lock.withLock {
            glp_term_out(GLP_OFF)
            if system.cells[index].classes.isEmpty { return (0, nil) }
            setObjective(index)
            guard let upper = try solve(direction: GLP_MAX) else { return (.infinity, nil) }
            return (upper, solution())
        }
    }

    /// The smallest value of a cell (whole numbers).
    func minimum(ofCell index: Int) throws -> Double {
        try Self.lock.withLock {
            glp_term_out(GLP_OFF)
            if system.cells[index].classes.isEmpty { return 0 }
            setObjective(index)
            return try solve(direction: GLP_MIN) ?? 0
        }
    }

    private func setObjective(_ index: Int) {
        for j in objective { glp_set_obj_coef(problem, j, 0) }
        objective = system.cells[index].classes.map { Int32($0 + 1) }
        trueValue = Double(system.cells[index].value)
        for j in objective { glp_set_obj_coef(problem, j, 1) }
    }

    /// A cell's sum in a solution.
    func sum(ofCell index: Int, in solution: [Double]) -> Double {
        system.cells[index].classes.reduce(0.0) { $0 + solution[$1] }
    }

    /// The current primal solution, one value per class.
    private func solution() -> [Double] {
        (0..<system.classCount).map { glp_get_col_prim(problem, Int32($0 + 1)) }
    }

    /// The optimum in whole numbers, or nil when unbounded.
    private func solve(direction: Int32) throws -> Double? {
        glp_set_obj_dir(problem, direction)
        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.msg_lev = GLP_MSG_OFF
        parameters.presolve = GLP_OFF
        var code = glp_simplex(problem, &parameters)
        if code != 0 {
            glp_adv_basis(problem, 0)
            code = glp_simplex(problem, &parameters)
        }
        guard code == 0 else { throw ReleaseSystem.internalError("the LP solver failed (code \(code))") }
        switch glp_get_status(problem) {
        case GLP_OPT: break
        case GLP_UNBND: return nil
        default: throw ReleaseSystem.internalError("the audit's program has no feasible solution")
        }
        if isIntegral() { return glp_get_obj_val(problem).rounded() }

        let relaxed = glp_get_obj_val(problem)
        guard system.classCount <= Self.integerLimit else {
            // Too large for branch and bound in time: the linear bound, rounded inward.
            return direction == GLP_MIN ? (relaxed - 1e-6).rounded(.up) : (relaxed + 1e-6).rounded(.down)
        }
        var integer = glp_iocp()
        glp_init_iocp(&integer)
        integer.msg_lev = GLP_MSG_OFF
        integer.presolve = GLP_OFF
        integer.tm_lim = Self.integerTimeLimit
        let integerCode = glp_intopt(problem, &integer)
        let status = glp_mip_status(problem)
        if integerCode == 0 && status == GLP_OPT { return glp_mip_obj_val(problem).rounded() }
        // Out of time: the best whole-number solution found, and the true counts (always a
        // solution), give a range inside the true one — sound, at the price of extra suppression.
        let incumbent = status == GLP_FEAS ? glp_mip_obj_val(problem).rounded() : trueValue
        return direction == GLP_MIN ? min(incumbent, trueValue) : max(incumbent, trueValue)
    }

    /// Whether the current simplex vertex is integral in every unknown.
    private func isIntegral() -> Bool {
        let columns = glp_get_num_cols(problem)
        var j: Int32 = 1
        while j <= columns {
            let x = glp_get_col_prim(problem, j)
            if abs(x - x.rounded()) >= 1e-7 { return false }
            j += 1
        }
        return true
    }
}
