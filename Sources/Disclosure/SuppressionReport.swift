/// What a hidden cell costs in the optimiser's objective.
package enum SuppressionCost: String, Sendable, Equatable, Codable {
    /// Fewest units (persons, or records) hidden, then fewest cells: prefers small cells.
    case persons
    /// Fewest cells hidden, then fewest units.
    case cells
}

/// How ``ReleaseProtector`` chooses secondary cells.
package struct SuppressionSettings: Sendable, Equatable {
    package enum Method: String, Sendable, Equatable {
        /// The greedy method, then the optimiser; the cheaper accepted pattern wins.
        case optimal
        /// The greedy method only.
        case greedy
    }

    /// The optimiser's limits per release. Rounds and nodes are counts, so a search that
    /// ends within them gives the same release on any machine; `seconds` of wall clock is
    /// a guard for very large releases (when it stops the search, the greedy pattern is
    /// released and the audit sidecar says so).
    package struct Limits: Sendable, Equatable {
        /// Rounds of cuts (one master program each).
        package var rounds: Int
        /// Branch-and-bound nodes per master program.
        package var nodesPerMaster: Int
        /// Linear programs solved to find cuts, over all rounds.
        package var solves: Int
        package var seconds: Double

        package init(rounds: Int = 200, nodesPerMaster: Int = 20_000, solves: Int = 3_000, seconds: Double = 60) {
            self.rounds = rounds
            self.nodesPerMaster = nodesPerMaster
            self.solves = solves
            self.seconds = seconds
        }
    }

    package var method: Method
    package var cost: SuppressionCost
    package var limits: Limits

    package init(method: Method = .optimal, cost: SuppressionCost = .persons, limits: Limits = Limits()) {
        self.method = method
        self.cost = cost
        self.limits = limits
    }
}

/// How much a release hides, and how its secondary cells were chosen: the information
/// loss of the audit sidecar (never published: it tells primary from secondary).
///
/// Units are persons, or records when the report counts records; a table's units are
/// the sum of its hidden cells' counts, margins included (a unit hidden in a cell and in
/// its hidden total counts twice), which is the measure the optimiser minimises.
package struct SuppressionReport: Sendable, Equatable {
    package enum Method: String, Sendable, Equatable {
        /// The optimiser converged: the cheapest pattern the linear audit accepts (mended
        /// where the whole-number audit saw more).
        case optimal
        /// A limit stopped the optimiser; its last pattern, mended by the greedy loop,
        /// was cheaper than the greedy one.
        case optimalStoppedThenMended = "optimal-stopped-mended"
        case greedy
    }

    package struct Loss: Sendable, Equatable {
        package var cells = 0
        package var primaryCells = 0
        package var secondaryCells = 0
        package var units = 0
        package var primaryUnits = 0
        package var secondaryUnits = 0
        /// Every cell of the table, margins included (structural zeros too).
        package var allCells = 0
        package init() {}
    }

    package var method: Method
    /// Why this method's pattern was released.
    package var reason: String
    package var cost: SuppressionCost
    /// Per table, in the release's order.
    package var tables: [(id: String, loss: Loss)]
    package var overall: Loss
    /// The greedy pattern's secondary cells and units, for comparison; nil when the greedy
    /// method did not run (the optimiser converged to an accepted pattern).
    package var greedySecondaryCells: Int?
    package var greedySecondaryUnits: Int?
    /// A lower bound on the secondary units (`.persons`) or cells (`.cells`) of any
    /// pattern the audit can accept, from the optimiser; nil when it did not run.
    package var lowerBound: Int?

    package static func == (lhs: SuppressionReport, rhs: SuppressionReport) -> Bool {
        lhs.method == rhs.method && lhs.reason == rhs.reason && lhs.cost == rhs.cost
            && lhs.tables.map(\.id) == rhs.tables.map(\.id) && lhs.tables.map(\.loss) == rhs.tables.map(\.loss)
            && lhs.overall == rhs.overall && lhs.greedySecondaryCells == rhs.greedySecondaryCells
            && lhs.greedySecondaryUnits == rhs.greedySecondaryUnits && lhs.lowerBound == rhs.lowerBound
    }

    /// The released pattern's secondary cost in the unit of `lowerBound`.
    package var secondaryCost: Int { cost == .persons ? overall.secondaryUnits : overall.secondaryCells }

    /// The relative gap between the released pattern and the lower bound (0 when
    /// optimal; nil without a bound, or when the bound is 0 and so is the cost).
    package var gapToLowerBound: Double? {
        guard let lowerBound else { return nil }
        if secondaryCost == lowerBound { return 0 }
        guard lowerBound > 0 else { return nil }
        return Double(secondaryCost - lowerBound) / Double(lowerBound)
    }

    package static let none = SuppressionReport(method: .greedy, reason: "", cost: .persons, tables: [], overall: Loss(),
                                                greedySecondaryCells: 0, greedySecondaryUnits: 0, lowerBound: nil)

    package init(method: Method, reason: String, cost: SuppressionCost, tables: [(id: String, loss: Loss)], overall: Loss,
                 greedySecondaryCells: Int?, greedySecondaryUnits: Int?, lowerBound: Int?) {
        self.method = method
        self.reason = reason
        self.cost = cost
        self.tables = tables
        self.overall = overall
        self.greedySecondaryCells = greedySecondaryCells
        self.greedySecondaryUnits = greedySecondaryUnits
        self.lowerBound = lowerBound
    }

    init(system: ReleaseSystem, states: [ReleaseProtector.State], primary: [ReleaseProtector.State], method: Method,
         reason: String, cost: SuppressionCost, lowerBound: Int?, greedy: [ReleaseProtector.State]?) {
        var tables = system.tables.map { (id: $0.id, loss: Loss()) }
        var overall = Loss()
        for (index, cell) in system.cells.enumerated() {
            tables[cell.table].loss.allCells += 1
            overall.allCells += 1
            guard ReleaseProtector.isHidden(states[index]) else { continue }
            let isPrimary = states[index] == .primary
            tables[cell.table].loss.add(cell.value, primary: isPrimary)
            overall.add(cell.value, primary: isPrimary)
        }
        var greedyCells: Int?, greedyUnits: Int?
        if let greedy {
            greedyCells = 0
            greedyUnits = 0
            for (index, state) in greedy.enumerated() where state == .secondary {
                greedyCells? += 1
                greedyUnits? += system.cells[index].value
            }
        }
        self.init(method: method, reason: reason, cost: cost, tables: tables, overall: overall,
                  greedySecondaryCells: greedyCells, greedySecondaryUnits: greedyUnits, lowerBound: lowerBound)
    }
}

extension SuppressionReport.Loss {
    mutating func add(_ value: Int, primary: Bool) {
        cells += 1
        units += value
        if primary {
            primaryCells += 1
            primaryUnits += value
        } else {
            secondaryCells += 1
            secondaryUnits += value
        }
    }
}
