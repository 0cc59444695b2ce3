import Disclosure

/// A brute-force audit that shares no code with ``ReleaseProtector``: it explores every
/// assignment of whole-number counts to every combination of the variables' categories
/// that agrees with everything a release publishes (with memoised depth-first search),
/// and records each hidden cell's smallest and largest value. Only for tiny releases.
struct IndependentAudit {
    struct Range: Equatable { var lower: Int; var upper: Int }

    let variables: [String]
    /// Every category each variable can take (what a reader may assume).
    let universes: [[String]]
    /// Counts above this are not tried for a combination no published cell bounds.
    let unboundedCap: Int

    /// The keys (table id and coordinates) of the zeros a release hid against class
    /// disclosure: they are judged with their lines, not alone.
    static func zeroKeys(_ release: ProtectedRelease) -> Set<String> {
        Set(release.audit.filter { $0.kind == .zero }.map { "\($0.table)|\($0.coordinates.joined(separator: "|"))" })
    }

    /// The range of every hidden cell, keyed by table id and coordinates; nil if no
    /// assignment at all fits (which would mean the release contradicts itself).
    func ranges(of release: ProtectedRelease, policy: DisclosurePolicy) -> [String: Range]? {
        var combinations: [[String]] = [[]]
        for universe in universes { combinations = combinations.flatMap { prefix in universe.map { prefix + [$0] } } }

        struct Constraint { var members: [Int]; var lower: Int; var upper: Int }
        var constraints: [Constraint] = []
        // Zeros hidden against class disclosure (the sidecar's kind) are not "at least 1".
        let zeros = Self.zeroKeys(release)
        var hidden: [(key: String, members: [Int])] = []
        for table in release.tables {
            let definition = table.definition
            let positions = definition.dimensions.map { variables.firstIndex(of: $0)! }
            for cell in table.cells {
                let members = combinations.indices.filter { i in
                    let combination = combinations[i]
                    for (variable, allowed) in definition.filter {
                        if !allowed.contains(combination[variables.firstIndex(of: variable)!]) { return false }
                    }
                    for (d, position) in positions.enumerated() {
                        let category = combination[position]
                        if cell.coordinates[d] == "Total" {
                            if !definition.categories[d].contains(category) { return false }
                        } else if cell.coordinates[d] != category {
                            return false
                        }
                    }
                    return true
                }
                switch cell.status {
                case .published(let value):
                    if policy.rounding == 0 {
                        constraints.append(Constraint(members: members, lower: value, upper: value))
                    } else {
                        // Every true count that rounds half-up to `value`.
                        let candidates = (0...(value + policy.rounding)).filter {
                            ($0 + policy.rounding / 2) / policy.rounding * policy.rounding == value
                        }
                        constraints.append(Constraint(members: members, lower: candidates.min()!, upper: candidates.max()!))
                    }
                case .structuralZero:
                    constraints.append(Constraint(members: members, lower: 0, upper: 0))
                case .suppressed:
                    let key = "\(definition.id)|\(cell.coordinates.joined(separator: "|"))"
                    hidden.append((key, members))
                    if policy.zeros == .show && !zeros.contains(key) {
                        constraints.append(Constraint(members: members, lower: 1, upper: Int.max))
                    }
                }
            }
        }

        let n = combinations.count
        var caps = Array(repeating: Int.max, count: n)
        for constraint in constraints {
            for m in constraint.members where constraint.upper != Int.max { caps[m] = min(caps[m], constraint.upper) }
            if constraint.members.isEmpty && constraint.lower > 0 { return nil }
        }
        caps = caps.map { $0 == Int.max ? unboundedCap : $0 }

        let lastMember = constraints.map { $0.members.max() ?? -1 }
        var constraintsOf = Array(repeating: [Int](), count: n)
        for (c, constraint) in constraints.enumerated() { for m in constraint.members { constraintsOf[m].append(c) } }

        /// Every value the cell `members` takes over all assignments meeting every constraint:
        /// depth first over the combinations, remembering each (position, running sums)
        /// state already explored — constraints whose members are all assigned are checked
        /// and then dropped from the state.
        func values(of members: Set<Int>) -> Set<Int> {
            var memo: [[Int]: Set<Int>] = [:]
            var sums = Array(repeating: 0, count: constraints.count)
            // What the combinations after the current one could still add to each constraint.
            var room = constraints.map { $0.members.reduce(0) { $0 + caps[$1] } }
            func visit(_ i: Int) -> Set<Int> {
                if i == n { return [0] }
                let key = [i] + sums
                if let known = memo[key] { return known }
                for c in constraintsOf[i] { room[c] -= caps[i] }
                defer { for c in constraintsOf[i] { room[c] += caps[i] } }
                var result = Set<Int>()
                for value in 0...caps[i] {
                    var fits = true
                    var over = false
                    var saved: [(Int, Int)] = []
                    for c in constraintsOf[i] {
                        sums[c] += value
                        if sums[c] > constraints[c].upper { fits = false; over = true }
                        if sums[c] + room[c] < constraints[c].lower { fits = false }
                        if lastMember[c] == i {
                            if sums[c] < constraints[c].lower { fits = false }
                            saved.append((c, sums[c]))
                            sums[c] = 0
                        }
                    }
                    if fits {
                        let rest = visit(i + 1)
                        let own = members.contains(i) ? value : 0
                        for r in rest { result.insert(r + own) }
                    }
                    for (c, sum) in saved { sums[c] = sum }
                    for c in constraintsOf[i] { sums[c] -= value }
                    if over { break }
                }
                memo[key] = result
                return result
            }
            return visit(0)
        }

        var found: [Range] = []
        for cell in hidden {
            let taken = values(of: Set(cell.members))
            guard let lower = taken.min(), let upper = taken.max() else { return nil }
            found.append(Range(lower: lower, upper: upper))
        }

        var result: [String: Range] = [:]
        for (h, cell) in hidden.enumerated() { result[cell.key] = found[h] }
        return result
    }
}
