import CCoinOR
import PathlinkCore
import Synchronization

/// A mixed-integer program solved once by COIN-OR CBC (branch and cut).
///
/// One value owns one CBC model: loaded in `init`, solved by ``solve(limits:start:)`` at
/// most once (CBC's models are not meant to be changed after a solve), freed in `deinit`.
/// CBC prints nothing, runs on one thread with fixed random seeds, so a solve that ends
/// within its node limit gives the same answer on every run; a time limit, when it
/// stops a solve, is the one thing that can make two runs differ (callers document it).
final class IntegerProgram {
    /// When CBC is to stop: seconds of wall clock and nodes of the search tree.
    struct Limits {
        var seconds: Double
        var nodes: Int?
        init(seconds: Double, nodes: Int? = nil) {
            self.seconds = seconds
            self.nodes = nodes
        }
    }

    struct Result {
        enum Status: Equatable {
            /// The optimum was found and proved.
            case optimal
            /// A limit stopped the search; `objective` is the best solution found, if any.
            case stopped
            case infeasible
            case unbounded
        }
        var status: Status
        /// The objective of the best solution found (nil when none was).
        var objective: Double?
        var solution: [Double]?
        /// CBC's bound on the optimum (a lower bound when minimising).
        var bound: Double
    }

    /// CBC's stand-alone solver keeps some process-wide state; solves are serialised.
    private static let solveLock = Mutex<Void>(())

    private let model: UnsafeMutableRawPointer
    private let columnCount: Int
    private let objective: [Double]
    private let rowLower: [Double]
    private let rowUpper: [Double]
    private var isSolved = false

    /// - Parameter feasibilityPump: whether CBC runs its feasibility pump heuristic at the
    ///   root. The suppression master turns it off: on its covering programs the pump cost
    ///   about 40% of CBC's time on the demo and found nothing the search did not.
    init(matrix: SparseColumns, columnLower: [Double], columnUpper: [Double], objective: [Double],
         rowLower: [Double], rowUpper: [Double], integer: [Bool], direction: LinearProgram.Direction,
         feasibilityPump: Bool = true) throws {
        let columns = columnLower.count
        guard let model = Cbc_newModel() else { throw LinearProgram.failure("CBC could not create a model") }
        Cbc_loadProblem(model, Int32(columns), Int32(rowLower.count), matrix.starts, matrix.rows, matrix.values,
                        columnLower.map(LinearProgram.coin), columnUpper.map(LinearProgram.coin), objective,
                        rowLower.map(LinearProgram.coin), rowUpper.map(LinearProgram.coin))
        guard Cbc_getNumCols(model) == Int32(columns), Cbc_getNumRows(model) == Int32(rowLower.count) else {
            Cbc_deleteModel(model)
            throw LinearProgram.failure("CBC did not load the program")
        }
        for (j, isInteger) in integer.enumerated() where isInteger { Cbc_setInteger(model, Int32(j)) }
        Cbc_setObjSense(model, direction.sense)
        Cbc_setLogLevel(model, 0)
        Cbc_setParameter(model, "log", "0")
        Cbc_setParameter(model, "slog", "0")
        Cbc_setParameter(model, "threads", "0")
        Cbc_setParameter(model, "randomCbcSeed", "1")
        Cbc_setParameter(model, "randomSeed", "1")
        if !feasibilityPump { Cbc_setParameter(model, "feasibilityPump", "off") }
        self.model = model
        self.columnCount = columns
        self.objective = objective
        self.rowLower = rowLower
        self.rowUpper = rowUpper
    }

    deinit {
        Cbc_deleteModel(model)
    }

    /// Solves the program.
    /// - Parameter start: a solution to start from (CBC checks it and ignores it if infeasible).
    /// - Throws: `PathlinkError(.internal)` if called twice, or if CBC abandons the search.
    func solve(limits: Limits, start: [Double]? = nil) throws -> Result {
        guard !isSolved else { throw LinearProgram.failure("a CBC model was solved twice") }
        isSolved = true
        if columnCount == 0 {
            // Nothing to decide (CBC would not start): feasible exactly when every row admits 0.
            let feasible = zip(rowLower, rowUpper).allSatisfy { $0 <= 1e-9 && $1 >= -1e-9 }
            return Result(status: feasible ? .optimal : .infeasible, objective: feasible ? 0 : nil,
                          solution: feasible ? [] : nil, bound: 0)
        }
        Cbc_setMaximumSeconds(model, max(limits.seconds, 0.01))
        if let nodes = limits.nodes { Cbc_setMaximumNodes(model, Int32(clamping: nodes)) }
        if let start {
            let indices = (0..<Int32(columnCount)).map { $0 }
            Cbc_setMIPStartI(model, Int32(columnCount), indices, start)
        }
        let code = Self.solveLock.withLock { _ in Cbc_solve(model) }
        if Cbc_isAbandoned(model) != 0 || Cbc_status(model) == 2 {
            throw LinearProgram.failure("CBC abandoned the search (numerical difficulties; return code \(code))")
        }
        let bound = Cbc_getBestPossibleObjValue(model)
        var solution: [Double]?
        if let pointer = Cbc_bestSolution(model) {
            solution = Array(UnsafeBufferPointer(start: pointer, count: columnCount))
        }
        let value = solution.map { point in zip(objective, point).reduce(0.0) { $0 + $1.0 * $1.1 } }
        if Cbc_isProvenOptimal(model) != 0, let value {
            return Result(status: .optimal, objective: value, solution: solution, bound: bound)
        }
        if Cbc_isProvenInfeasible(model) != 0 {
            return Result(status: .infeasible, objective: nil, solution: nil, bound: bound)
        }
        if Cbc_isContinuousUnbounded(model) != 0 {
            return Result(status: .unbounded, objective: nil, solution: nil, bound: bound)
        }
        if Cbc_status(model) == 1 || Cbc_status(model) == 0 {
            return Result(status: .stopped, objective: value, solution: solution, bound: bound)
        }
        throw LinearProgram.failure("CBC ended with status \(Cbc_status(model)) (return code \(code))")
    }
}
