import Disclosure

/// A brute-force audit that shares no code with ``ReleaseProtector``: it enumerates every
/// assignment of whole-number counts to every combination of the variables' categories
/// that agrees with everything a release publishes, and records each hidden cell's
/// smallest and largest value. Only for tiny releases.
struct IndependentAudit {
    struct Range: Equatable { var lower: Int; var upper: Int }

    let variables: [String]
    /// Every category each variable can take (what a reader may assume).
    let universes: [[String]]
    /// Counts above this are not tried for a combination no published cell bounds.
    let unboundedCap: Int

    /// The range of every hidden cell, keyed by table id and coordinates; nil if no
    /// assignment at all fits (which would mean the release contradicts itself).
    func ranges(of release: ProtectedRelease, policy: DisclosurePolicy) -> [String: Range]? {
        var combinations: [[String]] = [[]]
        for universe in universes { combinations = combinations.flatMap { prefix in universe.map { prefix + [$0] } } }

        struct Constraint { var members: [Int]; var lower: Int; var upper: Int }
        var constraints: [Constraint] = []
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
                    hidden.append(("\(definition.id)|\(cell.coordinates.joined(separator: "|"))", members))
                    if policy.zeros == .show {
                        constraints.append(Constraint(members: members, lower: 1, upper: Int.max))
                    }
                }
            }
        }

        let n = combinations.count
        var caps = Array(repeating: Int.max, count: n)
        var constraintsOf = Array(repeating: [Int](), count: n)
        var lastMember = Array(repeating: -1, count: constraints.count)
        for (c, constraint) in constraints.enumerated() {
            for m in constraint.members {
                constraintsOf[m].append(c)
                if constraint.upper != Int.max { caps[m] = min(caps[m], constraint.upper) }
            }
            lastMember[c] = constraint.members.max() ?? -1
            if constraint.members.isEmpty && constraint.lower > 0 { return nil }
        }
        caps = caps.map { $0 == Int.max ? unboundedCap : $0 }

        var sums = Array(repeating: 0, count: constraints.count)
        var assignment = Array(repeating: 0, count: n)
        var found: [Range?] = Array(repeating: nil, count: hidden.count)

        func visit(_ i: Int) {
            if i == n {
                for (h, cell) in hidden.enumerated() {
                    let value = cell.members.reduce(0) { $0 + assignment[$1] }
                    if let range = found[h] {
                        found[h] = Range(lower: min(range.lower, value), upper: max(range.upper, value))
                    } else {
                        found[h] = Range(lower: value, upper: value)
                    }
                }
                return
            }
            guard caps[i] >= 0 else { return }
            for value in 0...caps[i] {
                assignment[i] = value
                var fits = true
                for c in constraintsOf[i] {
                    sums[c] += value
                    if sums[c] > constraints[c].upper || (lastMember[c] == i && sums[c] < constraints[c].lower) {
                        fits = false
                    }
                }
                if fits { visit(i + 1) }
                for c in constraintsOf[i] { sums[c] -= value }
                if !fits && constraintsOf[i].contains(where: { sums[$0] + value > constraints[$0].upper }) { break }
            }
            assignment[i] = 0
        }
        visit(0)

        var result: [String: Range] = [:]
        for (h, cell) in hidden.enumerated() {
            guard let range = found[h] else { return nil }
            result[cell.key] = range
        }
        return result
    }
}
