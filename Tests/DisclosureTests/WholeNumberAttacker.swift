/// An exact, whole-number attacker on a published release. It shares no code with the
/// protector (``ReleaseProtector``, ``ReleaseSystem``, ``ReleaseAudit``) nor with Reporting's
/// builder: it sees only what a reader sees — every published value, every `[c]` and `[z]`,
/// every margin — and the release's public structure: which *atoms* (combinations of
/// source-column categories, as the spec's recodes, bands and filters make them) each cell
/// sums. Callers build that structure from the spec by their own means.
///
/// Two attacks:
/// - ``range(of:)``: the smallest and largest count a set of atoms can hold over every
///   assignment of whole numbers to the atoms that agrees with everything published
///   (branch and bound with bounds propagation: exact, for small releases only);
/// - ``smallGroups(threshold:)``: every set of atoms equal to a combination of one to three
///   published cells with coefficients in {−1, 0, 1} whose count is then known to lie in
///   `1 ..< threshold` — a sub-population of one or two persons (threshold 3) given away
///   by differencing tables, filters or recodes.
struct WholeNumberAttacker {
    /// One cell as the reader sees it.
    struct Cell {
        var name: String
        /// The atoms the cell sums (distinct indices into the atom list).
        var atoms: Set<Int>
        /// The true counts its printed value allows (a single value without rounding);
        /// nil when the cell is hidden.
        var known: ClosedRange<Int>?
        /// For a hidden cell, whether it holds anyone, when the caller knows the truth: an
        /// oracle stronger than any reader, who cannot tell the zeros hidden against class
        /// disclosure from small counts. nil: at least one when zeros are shown.
        var holdsSomeone: Bool? = nil
    }

    /// A line of a table: cells along one dimension with the others fixed, and their total.
    struct Line {
        var name: String
        var members: [Int]
        var total: Int
    }

    /// A finding: a group of atoms and the counts a reader knows it can hold.
    struct Finding: CustomStringConvertible {
        var how: String
        var atoms: Set<Int>
        var lower: Int
        var upper: Int
        var description: String { "\(how) = \(lower == upper ? "\(lower)" : "\(lower)…\(upper)")" }
    }

    let atomCount: Int
    let cells: [Cell]
    /// Zeros are printed, so a hidden cell holds at least one unit.
    let zerosShown: Bool
    /// An atom no published cell bounds is tried with counts 0…cap.
    let cap: Int
    /// The lines of the release's tables (indices into `cells`), for ``classDisclosures(classSize:)``.
    var lines: [Line] = []

    private struct Constraint { var atoms: [Int]; var lower: Int; var upper: Int }

    private var constraints: [Constraint] {
        cells.compactMap { cell in
            if let known = cell.known { return Constraint(atoms: cell.atoms.sorted(), lower: known.lowerBound, upper: known.upperBound) }
            return zerosShown && cell.holdsSomeone != false ? Constraint(atoms: cell.atoms.sorted(), lower: 1, upper: Int.max) : nil
        }
    }

    /// The feasible range of the count of `target` (nil: nothing published fits, a contradiction).
    func range(of target: Set<Int>) -> (lower: Int, upper: Int)? {
        guard let upper = optimum(of: target, maximising: true) else { return nil }
        return (optimum(of: target, maximising: false)!, upper)
    }

    /// The largest (or smallest) count of `target` over every whole-number assignment that
    /// agrees with everything published: branch and bound on the atoms, each node bounded by
    /// its linear relaxation (a dense two-phase simplex with Bland's rule, below). Complete,
    /// so exact; fast only on small releases. Atoms that lie in exactly the same cells (and
    /// on the same side of the target) are merged first: no published number tells them apart.
    func optimum(of target: Set<Int>, maximising: Bool) -> Int? {
        // Merge atoms by the constraints they are in.
        let constraints = self.constraints
        var signature = Array(repeating: [Int](), count: atomCount)
        for (c, constraint) in constraints.enumerated() { for atom in constraint.atoms { signature[atom].append(c) } }
        var classOf: [[Int]: Int] = [:]
        var inTarget: [Bool] = []
        var capOf: [Int] = []
        for atom in 0..<atomCount {
            let key = signature[atom] + [target.contains(atom) ? -1 : -2]
            if classOf[key] == nil {
                classOf[key] = inTarget.count
                inTarget.append(target.contains(atom))
                capOf.append(0)
            }
            let upper = signature[atom].map { constraints[$0].upper }.min() ?? Int.max
            let k = classOf[key]!
            capOf[k] = upper == Int.max ? max(capOf[k], cap) : upper   // a class of unbounded atoms: cap for the class
        }
        let n = inTarget.count
        var rows: [(members: [Int], lower: Int, upper: Int)] = []
        var seenRows = Set<[Int]>()
        for constraint in constraints {
            let members = Set(constraint.atoms.map { classOf[signature[$0] + [target.contains($0) ? -1 : -2]]! }).sorted()
            guard seenRows.insert(members + [constraint.lower, constraint.upper]).inserted else { continue }
            rows.append((members, constraint.lower, constraint.upper))
        }
        let objective = (0..<n).map { inTarget[$0] ? (maximising ? 1.0 : -1.0) : 0 }
        var best: Int?
        func branch(_ lower: [Int], _ upper: [Int]) {
            guard let (value, x) = LinearProgram.maximise(objective, rows: rows, lower: lower, upper: upper) else { return }
            let bound = Int((value + 1e-6).rounded(.down))
            if let best, bound <= best { return }
            guard let j = x.indices.first(where: { abs(x[$0] - x[$0].rounded()) > 1e-6 }) else {
                best = Int(value.rounded())
                return
            }
            var below = upper, above = lower
            below[j] = Int(x[j].rounded(.down))
            above[j] = Int(x[j].rounded(.up))
            branch(above, upper)
            branch(lower, below)
        }
        branch(Array(repeating: 0, count: n), capOf)
        return best.map { maximising ? $0 : -$0 }
    }

    /// Every hidden cell whose feasible range holds one value or stays under `threshold`.
    func pinnedOrSmallHiddenCells(threshold: Int) -> [Finding] {
        // A hidden zero is protected with its line (``classDisclosures(classSize:)``).
        cells.filter { $0.known == nil && $0.holdsSomeone != false }.compactMap { cell in
            guard let range = range(of: cell.atoms) else {
                return Finding(how: "\(cell.name) (no assignment fits)", atoms: cell.atoms, lower: 0, upper: -1)
            }
            guard range.lower == range.upper || range.upper < threshold else { return nil }
            return Finding(how: cell.name, atoms: cell.atoms, lower: range.lower, upper: range.upper)
        }
    }

    /// Every group of atoms that a combination of one to three published cells with
    /// coefficients in {−1, 0, 1} makes (the combination is a 0/1 vector over the atoms),
    /// whose count is then known to lie within `1 ..< threshold`.
    func smallGroups(threshold: Int) -> [Finding] {
        let published = cells.filter { $0.known != nil }
        let masks = published.map { Mask($0.atoms, count: atomCount) }
        var findings: [Finding] = []
        var seen = Set<Mask>()
        func consider(_ group: Mask, plus: [Int], minus: [Int]) {
            guard !group.isEmpty else { return }
            let lower = plus.reduce(0) { $0 + published[$1].known!.lowerBound } - minus.reduce(0) { $0 + published[$1].known!.upperBound }
            let upper = plus.reduce(0) { $0 + published[$1].known!.upperBound } - minus.reduce(0) { $0 + published[$1].known!.lowerBound }
            guard lower >= 1, upper < threshold, seen.insert(group).inserted else { return }
            let how = plus.map { published[$0].name }.joined(separator: " + ") + minus.map { " − " + published[$0].name }.joined()
            findings.append(Finding(how: how, atoms: group.atoms, lower: lower, upper: upper))
        }
        let n = published.count
        for a in 0..<n {
            let x = masks[a]
            consider(x, plus: [a], minus: [])
            for b in 0..<n where b != a {
                let y = masks[b]
                if y.isSubset(of: x) { consider(x.subtracting(y), plus: [a], minus: [b]) }
                if b > a && x.isDisjoint(with: y) { consider(x.union(y), plus: [a, b], minus: []) }
            }
        }
        // Three cells: x − y − z (y, z disjoint inside x); x + y − z (x∩y ⊆ z ⊆ x∪y).
        for a in 0..<n {
            let x = masks[a]
            for b in 0..<n where b != a {
                let y = masks[b]
                if y.isSubset(of: x) && y != x {
                    for c in (b + 1)..<n where c != a {
                        let z = masks[c]
                        if z.isSubset(of: x) && z.isDisjoint(with: y) {
                            consider(x.subtracting(y).subtracting(z), plus: [a], minus: [b, c])
                        }
                    }
                }
                guard b > a else { continue }
                let both = x.intersection(y), either = x.union(y)
                for c in 0..<n where c != a && c != b {
                    let z = masks[c]
                    if both.isSubset(of: z) && z.isSubset(of: either) {
                        consider(either.subtracting(z).union(both), plus: [a, b], minus: [c])
                    }
                }
            }
        }
        return findings
    }

    /// Class disclosure: every line in which the reader can prove that all the cells but one
    /// hold nobody while the line holds somebody, and whose count may be under `classSize`
    /// (published under it, or hidden with a smallest feasible value under it) — everyone in
    /// that small group is then known to be in the one category left.
    func classDisclosures(classSize: Int) -> [Finding] {
        var findings: [Finding] = []
        for line in lines {
            let members = line.members
            // Cells a reader may not know to be empty: published non-zero, or hidden.
            let open = members.filter { cells[$0].known != 0...0 }
            guard members.count > 1, !open.isEmpty, open.count <= 3 || open.count == members.count else { continue }
            for lone in open {
                // The others must be published zeros or hidden cells proven empty.
                let rest = members.filter { $0 != lone }.reduce(into: Set<Int>()) { $0.formUnion(cells[$1].atoms) }
                let hiddenOthers = open.filter { $0 != lone }
                guard hiddenOthers.allSatisfy({ cells[$0].known == nil }) else { continue }
                guard hiddenOthers.isEmpty || range(of: rest)?.upper == 0 else { continue }
                guard let total = range(of: cells[line.total].atoms), total.lower >= 1, total.lower < classSize else { break }
                findings.append(Finding(how: "\(line.name): everyone in \(cells[lone].name)", atoms: cells[line.total].atoms,
                                        lower: total.lower, upper: total.upper))
                break
            }
        }
        return findings
    }

    /// Both attacks: hidden cells pinned or whose largest value stays under `protection`
    /// (the threshold, or threshold + a policy's margin), and small groups from published cells.
    func findings(threshold: Int, protection: Int? = nil, classSize: Int? = nil) -> [Finding] {
        pinnedOrSmallHiddenCells(threshold: protection ?? threshold) + smallGroups(threshold: threshold)
            + (classSize.map(classDisclosures(classSize:)) ?? [])
    }
}

/// A release as a reader holds it: the atoms (every combination of source-column
/// categories the reader cannot rule out) and each published table's cells.
struct AtomSpace {
    /// Source columns and the categories a reader knows each can take.
    var columns: [(name: String, categories: [String])]
    /// Every combination, one category per source column.
    var atoms: [[String]] = []

    init(columns: [(name: String, categories: [String])]) {
        self.columns = columns
        atoms = [[]]
        for column in columns { atoms = atoms.flatMap { prefix in column.categories.map { prefix + [$0] } } }
    }

    /// Reads one source column of an atom.
    func value(_ column: String, of atom: [String]) -> String {
        atom[columns.firstIndex { $0.name == column }!]
    }

    /// The atoms satisfying a predicate.
    func atoms(where predicate: ([String]) -> Bool) -> Set<Int> {
        Set(atoms.indices.filter { predicate(atoms[$0]) })
    }
}

/// A small dense linear program, for the attacker's bounds: maximise c·x subject to
/// `lower ≤ Σ_{j ∈ members} x_j ≤ upper` per row and `lower_j ≤ x_j ≤ upper_j`, by the
/// two-phase simplex method with Bland's rule (no cycling). Doubles are exact enough for
/// the small whole-number systems of the tests.
enum LinearProgram {
    /// The optimum and a solution, or nil when infeasible.
    static func maximise(_ c: [Double], rows: [(members: [Int], lower: Int, upper: Int)],
                         lower: [Int], upper: [Int]) -> (Double, [Double])? {
        let n = c.count
        // Substitute x = lower + y, y ≥ 0. Constraints as (coefficients, sense, rhs) with rhs ≥ 0.
        enum Sense { case le, ge, eq }
        var constraints: [([Double], Sense, Double)] = []
        func add(_ a: [Double], _ sense: Sense, _ rhs: Double) {
            if rhs < 0 {
                let flipped: Sense = sense == .le ? .ge : (sense == .ge ? .le : .eq)
                constraints.append((a.map { -$0 }, flipped, -rhs))
            } else {
                constraints.append((a, sense, rhs))
            }
        }
        for j in 0..<n where upper[j] < lower[j] { return nil }
        for row in rows {
            var a = Array(repeating: 0.0, count: n)
            var shift = 0
            for j in row.members { a[j] = 1; shift += lower[j] }
            if row.lower == row.upper {
                add(a, .eq, Double(row.lower - shift))
            } else {
                if row.lower - shift > 0 { add(a, .ge, Double(row.lower - shift)) }
                if row.upper != Int.max { add(a, .le, Double(row.upper - shift)) }
            }
        }
        for j in 0..<n where upper[j] != Int.max {
            var a = Array(repeating: 0.0, count: n)
            a[j] = 1
            add(a, .le, Double(upper[j] - lower[j]))
        }
        let m = constraints.count
        let slacks = constraints.filter { $0.1 != .eq }.count
        let artificials = constraints.filter { $0.1 != .le }.count
        let width = n + slacks + artificials + 1
        // One flat row-major tableau; the pivot works on raw buffers (debug builds too).
        var tableau = [Double](repeating: 0, count: m * width)
        var basis = Array(repeating: 0, count: m)
        var isBasic = Array(repeating: false, count: width)
        var s = n, t = n + slacks
        for (i, (a, sense, rhs)) in constraints.enumerated() {
            for j in 0..<n { tableau[i * width + j] = a[j] }
            tableau[i * width + width - 1] = rhs
            switch sense {
            case .le: tableau[i * width + s] = 1; basis[i] = s; s += 1
            case .ge: tableau[i * width + s] = -1; s += 1; tableau[i * width + t] = 1; basis[i] = t; t += 1
            case .eq: tableau[i * width + t] = 1; basis[i] = t; t += 1
            }
            isBasic[basis[i]] = true
        }
        func pivot(_ row: Int, _ column: Int) {
            tableau.withUnsafeMutableBufferPointer { cells in
                let p = cells.baseAddress!
                let pivot = p[row * width + column]
                for k in 0..<width { p[row * width + k] /= pivot }
                for r in 0..<m where r != row {
                    let factor = p[r * width + column]
                    if factor == 0 { continue }
                    for k in 0..<width { p[r * width + k] -= factor * p[row * width + k] }
                }
            }
            isBasic[basis[row]] = false
            basis[row] = column
            isBasic[column] = true
        }
        /// Minimises cost·x over the tableau (Bland's rule); false if unbounded.
        func run(_ cost: [Double], allowed: Int) -> Bool {
            while true {
                var entering = -1
                tableau.withUnsafeBufferPointer { cells in
                    for j in 0..<allowed where !isBasic[j] {
                        var reduced = cost[j]
                        for i in 0..<m { reduced -= cost[basis[i]] * cells[i * width + j] }
                        if reduced < -1e-9 { entering = j; return }
                    }
                }
                if entering < 0 { return true }
                var leaving = -1
                var ratio = Double.infinity
                for i in 0..<m where tableau[i * width + entering] > 1e-9 {
                    let r = tableau[i * width + width - 1] / tableau[i * width + entering]
                    if r < ratio - 1e-12 || (abs(r - ratio) <= 1e-12 && basis[i] < basis[leaving]) {
                        ratio = r
                        leaving = i
                    }
                }
                if leaving < 0 { return false }
                pivot(leaving, entering)
            }
        }
        // Phase 1: drive the artificials to zero.
        var phaseOne = Array(repeating: 0.0, count: width - 1)
        for j in (n + slacks)..<(width - 1) { phaseOne[j] = 1 }
        _ = run(phaseOne, allowed: width - 1)
        var infeasibility = 0.0
        for i in 0..<m where basis[i] >= n + slacks { infeasibility += tableau[i * width + width - 1] }
        if infeasibility > 1e-7 { return nil }
        // Artificials left in the basis at zero: pivot them out where possible.
        for i in 0..<m where basis[i] >= n + slacks {
            if let j = (0..<(n + slacks)).first(where: { !isBasic[$0] && abs(tableau[i * width + $0]) > 1e-9 }) { pivot(i, j) }
        }
        // Phase 2: maximise c (minimise −c) without the artificials.
        var phaseTwo = Array(repeating: 0.0, count: width - 1)
        for j in 0..<n { phaseTwo[j] = -c[j] }
        guard run(phaseTwo, allowed: n + slacks) else { return nil }
        var y = Array(repeating: 0.0, count: n)
        for i in 0..<m where basis[i] < n { y[basis[i]] = tableau[i * width + width - 1] }
        let x = (0..<n).map { y[$0] + Double(lower[$0]) }
        return ((0..<n).reduce(0.0) { $0 + c[$1] * x[$1] }, x)
    }
}

/// A set of atoms as bits (fast set algebra for the attacker's combinations).
struct Mask: Hashable {
    var words: [UInt64]

    init(_ atoms: Set<Int>, count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
        for atom in atoms { words[atom / 64] |= 1 << UInt64(atom % 64) }
    }

    private init(words: [UInt64]) { self.words = words }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    var atoms: Set<Int> {
        var result = Set<Int>()
        for (w, word) in words.enumerated() { for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { result.insert(w * 64 + bit) } }
        return result
    }
    func isSubset(of other: Mask) -> Bool { zip(words, other.words).allSatisfy { $0 & ~$1 == 0 } }
    func isDisjoint(with other: Mask) -> Bool { zip(words, other.words).allSatisfy { $0 & $1 == 0 } }
    func union(_ other: Mask) -> Mask { Mask(words: zip(words, other.words).map { $0 | $1 }) }
    func intersection(_ other: Mask) -> Mask { Mask(words: zip(words, other.words).map { $0 & $1 }) }
    func subtracting(_ other: Mask) -> Mask { Mask(words: zip(words, other.words).map { $0 & ~$1 }) }
}
