import CCoinOR
import PathlinkCore

/// A linear program over bounded unknowns, solved with COIN-OR CLP (the primal simplex,
/// warm-started: each solve starts from the basis the last one ended with).
///
/// One value of this type owns one CLP model: created in `init`, freed in `deinit`, never
/// shared between threads. Rows and the objective are changed in place between solves;
/// the constraint matrix is fixed. CLP prints nothing (log level 0), uses one thread and
/// no randomness, so the same program gives the same vertex on every run.
///
/// Failures of the solver are errors (`PathlinkError(.internal)`), never answers.
final class LinearProgram {
    enum Direction {
        case minimise, maximise
        /// CLP's optimisation direction: 1 minimises, -1 maximises.
        var sense: Double { self == .minimise ? 1 : -1 }
    }

    enum Outcome: Equatable {
        /// The optimal objective value.
        case optimal(Double)
        /// The objective grows without bound in the direction asked.
        case unbounded
        /// No point satisfies the constraints.
        case infeasible
    }

    /// One constraint `lower ≤ Σ coefficient·x[column] ≤ upper`; an infinite bound is absent.
    struct Row {
        var columns: [Int]
        var coefficients: [Double]
        var lower: Double
        var upper: Double

        init(columns: [Int], coefficients: [Double]? = nil, lower: Double, upper: Double) {
            self.columns = columns
            self.coefficients = coefficients ?? Array(repeating: 1, count: columns.count)
            self.lower = lower
            self.upper = upper
        }
    }

    let columnCount: Int
    let rowCount: Int
    private let model: UnsafeMutableRawPointer
    /// The constraint matrix by columns (CLP's and CBC's loading format), kept to hand the
    /// same program to CBC for whole-number bounds.
    let matrix: SparseColumns
    let columnLower: [Double]
    let columnUpper: [Double]
    private(set) var rowLower: [Double]
    private(set) var rowUpper: [Double]
    private(set) var objective: [Double]

    /// - Throws: `PathlinkError(.internal)` if CLP cannot be started or does not hold the
    ///   program it was given.
    init(columnCount: Int, columnLower: Double = 0, columnUpper: Double = .infinity, rows: [Row]) throws {
        let matrix = SparseColumns(columnCount: columnCount, rows: rows)
        let lower = Array(repeating: Self.coin(columnLower), count: columnCount)
        let upper = Array(repeating: Self.coin(columnUpper), count: columnCount)
        let rowLower = rows.map { Self.coin($0.lower) }
        let rowUpper = rows.map { Self.coin($0.upper) }
        let objective = Array(repeating: 0.0, count: columnCount)
        guard let model = Clp_newModel() else { throw Self.failure("CLP could not create a model") }
        Clp_setLogLevel(model, 0)
        Clp_loadProblem(model, Int32(columnCount), Int32(rows.count), matrix.starts, matrix.rows, matrix.values,
                        lower, upper, objective, rowLower, rowUpper)
        guard Clp_numberRows(model) == Int32(rows.count), Clp_numberColumns(model) == Int32(columnCount) else {
            Clp_deleteModel(model)
            throw Self.failure("CLP did not load the program")
        }
        self.model = model
        self.columnCount = columnCount
        self.rowCount = rows.count
        self.matrix = matrix
        self.columnLower = lower
        self.columnUpper = upper
        self.rowLower = rowLower
        self.rowUpper = rowUpper
        self.objective = objective
    }

    deinit {
        Clp_deleteModel(model)
    }

    /// Changes the bounds of one row; the next solve starts from the current basis.
    func setRowBounds(_ row: Int, lower: Double, upper: Double) {
        rowLower[row] = Self.coin(lower)
        rowUpper[row] = Self.coin(upper)
        Clp_chgRowLower(model, rowLower)
        Clp_chgRowUpper(model, rowUpper)
    }

    /// Sets the objective to the sum of the given columns (all other coefficients zero).
    func setObjective(sumOf columns: [Int]) {
        for j in objective.indices where objective[j] != 0 { objective[j] = 0 }
        for j in columns { objective[j] += 1 }
        Clp_chgObjCoefficients(model, objective)
    }

    /// Optimises the objective with the primal simplex.
    ///
    /// - Throws: `PathlinkError(.internal)` if CLP stops without proving an outcome (an
    ///   iteration limit or numerical trouble), after one retry from a fresh start.
    func solve(_ direction: Direction) throws -> Outcome {
        Clp_setOptimizationDirection(model, direction.sense)
        _ = Clp_primal(model, 0)
        if Clp_status(model) > 2 || Clp_isAbandoned(model) != 0 {
            // A fresh start (presolve, crash) before giving up.
            _ = Clp_initialSolve(model)
        }
        if Clp_isAbandoned(model) != 0 { throw Self.failure("CLP abandoned the program (numerical difficulties)") }
        switch Clp_status(model) {
        case 0: return .optimal(objectiveValue(of: solution))
        case 1: return .infeasible
        case 2: return .unbounded
        case let code: throw Self.failure("CLP stopped without an answer (status \(code))")
        }
    }

    /// The primal solution of the last solve, one value per column.
    var solution: [Double] {
        guard let pointer = Clp_getColSolution(model) else { return Array(repeating: 0, count: columnCount) }
        return Array(UnsafeBufferPointer(start: pointer, count: columnCount))
    }

    /// The dual value (shadow price) of every row at the last optimum.
    var rowDuals: [Double] {
        guard let pointer = Clp_getRowPrice(model) else { return Array(repeating: 0, count: rowCount) }
        return Array(UnsafeBufferPointer(start: pointer, count: rowCount))
    }

    func objectiveValue(of point: [Double]) -> Double {
        var total = 0.0
        for j in objective.indices where objective[j] != 0 { total += objective[j] * point[j] }
        return total
    }

    /// The same program in whole numbers (every column integral), solved by CBC.
    func integerOptimum(_ direction: Direction, timeLimit: Double) throws -> IntegerProgram.Result {
        let program = try IntegerProgram(matrix: matrix, columnLower: columnLower, columnUpper: columnUpper,
                                         objective: objective, rowLower: rowLower, rowUpper: rowUpper,
                                         integer: Array(repeating: true, count: columnCount), direction: direction)
        return try program.solve(limits: .init(seconds: timeLimit))
    }

    /// COIN-OR's infinity (`COIN_DBL_MAX`) for an infinite bound.
    static func coin(_ bound: Double) -> Double {
        bound.isInfinite ? (bound > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : bound
    }

    static func failure(_ problem: String) -> PathlinkError {
        PathlinkError(.internal, problem: "disclosure control: the linear-programming solver failed: \(problem)",
                      remedy: "this is a bug in Pathlink (or a broken COIN-OR installation); please report it")
    }
}

/// A constraint matrix in compressed sparse columns, as CLP and CBC load it.
struct SparseColumns {
    var starts: [Int32]
    var rows: [Int32]
    var values: [Double]

    init(columnCount: Int, rows constraints: [LinearProgram.Row]) {
        var perColumn = Array(repeating: [(Int32, Double)](), count: columnCount)
        for (i, row) in constraints.enumerated() {
            for (column, coefficient) in zip(row.columns, row.coefficients) {
                perColumn[column].append((Int32(i), coefficient))
            }
        }
        starts = [0]
        rows = []
        values = []
        for entries in perColumn {
            for (row, value) in entries {
                rows.append(row)
                values.append(value)
            }
            starts.append(Int32(rows.count))
        }
    }
}
