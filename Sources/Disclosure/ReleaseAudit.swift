import CGLPK
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
    private static let lock = Mutex()
    /// Solves so far in this process (simplex, branch and bound), for benchmarks.
    nonisolated(unsafe) static var solveCounts = (simplex: 0, integer: 0)

    private let system: ReleaseSystem
    private let problem: OpaquePointer
    private var objective: [Int32] = []
    private var trueValue = 0.0
    /// Milliseconds allowed to branch and bound for one bound of one cell.
    static let integerTimeLimit: Int32 = 2_000
    /// Programs with more unknowns than this use the linear bound (see the type's note).
    static let integerLimit = 300

    init(system: ReleaseSystem, suppressed: [Bool], policy: DisclosurePolicy) throws {
        self.system = system
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

        var rows: [(classes: [Int], type: Int32, lower: Double, upper: Double)] = []
        for (index, cell) in system.cells.enumerated() {
            if cell.isStructural {
                rows.append((cell.classes, GLP_FX, 0, 0))
            } else if suppressed[index] {
                if policy.zeros == .show { rows.append((cell.classes, GLP_LO, 1, 0)) }
            } else {
                let range = policy.trueRange(ofPublished: policy.published(cell.value))
                if range.lowerBound == range.upperBound {
                    rows.append((cell.classes, GLP_FX, Double(range.lowerBound), Double(range.lowerBound)))
                } else {
                    rows.append((cell.classes, GLP_DB, Double(range.lowerBound), Double(range.upperBound)))
                }
            }
        }
        // A free row with no entry keeps the program well formed when nothing is published.
        if rows.isEmpty { rows.append(([], GLP_FR, 0, 0)) }
        glp_add_rows(problem, Int32(rows.count))
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (i, row) in rows.enumerated() {
            glp_set_row_bnds(problem, Int32(i + 1), row.type, row.lower, row.upper)
            for c in row.classes {
                ia.append(Int32(i + 1))
                ja.append(Int32(c + 1))
                ar.append(1)
            }
        }
        glp_load_matrix(problem, Int32(ia.count - 1), ia, ja, ar)
        glp_adv_basis(problem, 0)
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
        for j in objective { glp_set_obj_coef(problem, j, 0) }
        objective = cell.classes.map { Int32($0 + 1) }
        trueValue = Double(cell.value)
        for j in objective { glp_set_obj_coef(problem, j, 1) }

        // Counts are non-negative, so the minimum always exists.
        let lower = try solve(direction: GLP_MIN) ?? 0
        let upper = try solve(direction: GLP_MAX) ?? .infinity
        let value = Double(cell.value)
        if value < lower - 1e-6 || value > upper + 1e-6 {
            throw ReleaseSystem.internalError("the audit's range excludes the true count")
        }
        return (lower, upper)
    }

    /// The optimum in whole numbers, or nil when unbounded.
    private func solve(direction: Int32) throws -> Double? {
        glp_set_obj_dir(problem, direction)
        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.msg_lev = GLP_MSG_OFF
        parameters.presolve = GLP_OFF
        Self.solveCounts.simplex += 1
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
        Self.solveCounts.integer += 1
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
