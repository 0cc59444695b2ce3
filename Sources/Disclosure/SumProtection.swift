import PathlinkCore

/// Secondary protection of the sums behind published means (governance/disclosure-control.md,
/// "Means and medians").
///
/// A published mean and its published contributor count give the cell's sum (mean × n).
/// Sums add up like counts: a margin's sum minus the sums of the published cells of its
/// line is the sum of the hidden cells; across tables, any linear combination of published
/// sums is known. So a hidden mean is safe only if its cell's sum is **not** a linear
/// combination of the known sums. The cells are the same linear forms over the same
/// classes of atoms as the count system (``ReleaseSystem`` built from the contributor-count
/// tables of the means of one quantity); a cell's sum is known when its mean is published,
/// or when its contributor count is published as zero. Unlike the count audit, which must not
/// assume a reader knows which combinations are empty, this check assumes the reader knows
/// every empty one (their sums are zero): that can only find more sums recoverable.
///
/// While some hidden cell's form lies in the span of the known forms, more published means
/// are hidden: in the order interior cell before margin (headline means stay), fewest
/// contributors, table and cell, the shortest run of the cheapest that takes the cell out
/// of the span; then each of the run, dearest first, is published again if the cell stays
/// out without it (a give-back, as for counts). The span is computed
/// exactly, by Gaussian elimination modulo two primes: a form in the rational span is in
/// both modular spans, so a recoverable cell is never missed, and a modular coincidence
/// can only hide more.
package enum SumProtection {
    /// One table of means: its contributor-count definition (as given to the protector) and,
    /// per cell in the protected table's order, whether its sum is known and whether its mean
    /// is published (a candidate for hiding), with its contributor count (the cost).
    package struct Table: Sendable, Equatable {
        package var definition: TableDefinition
        package var isKnown: [Bool]
        package var isPublishedMean: [Bool]
        package var contributors: [Int]
        /// Per cell, its contributions (for the dominance of a pair of hidden cells); may be empty.
        package var contributions: [[Double]]

        package init(definition: TableDefinition, isKnown: [Bool], isPublishedMean: [Bool], contributors: [Int],
                     contributions: [[Double]] = []) {
            self.definition = definition
            self.isKnown = isKnown
            self.isPublishedMean = isPublishedMean
            self.contributors = contributors
            self.contributions = contributions
        }
    }

    /// The tables with further means hidden (their `isKnown` and `isPublishedMean` false),
    /// so that no hidden cell's sum is a linear combination of the known sums.
    /// - Throws: `PathlinkError(.invalidDocument)` for tables the microdata cannot count.
    /// - Complexity: a span of k known forms over m classes costs O(k·r·m) (r its rank); one
    ///   incremental span and one per given-back candidate for every recoverable cell found.
    /// With a `policy` and contributions, a **pair** of disjoint hidden cells whose combined sum
    /// is a combination of the known sums is treated like a recoverable cell when the pair's
    /// contributions together are dominated (the dominance rule applied to the group a reader
    /// can sum): one dominant contribution must not be worked out from a pair either.
    package static func protect(_ microdata: Microdata, tables: [Table], policy: DisclosurePolicy? = nil) throws -> [Table] {
        guard !tables.isEmpty else { return tables }
        let system = try ReleaseSystem(microdata: microdata, tables: tables.map(\.definition))
        var result = tables
        let width = system.classCount
        // Only classes that hold units: a reader may well know which combinations are empty
        // (published counts can pin them to zero, and an empty class's sum is zero), so the
        // span is taken over the non-empty classes — more forms are then recoverable, never fewer.
        let forms = system.cells.map { cell in cell.classes.filter { system.classCounts[$0] > 0 } }
        func form(_ cell: Int) -> [Int] { forms[cell] }
        func position(_ cell: Int) -> (Int, Int) { (system.cells[cell].table, system.cells[cell].local) }
        func isKnown(_ cell: Int) -> Bool { let (t, l) = position(cell); return result[t].isKnown[l] }

        while true {
            let known = system.cells.indices.filter { isKnown($0) && !form($0).isEmpty }
            let spans = SpanPair(width: width, forms: known.map(form))
            let hidden = system.cells.indices.filter { !isKnown($0) && !form($0).isEmpty }
            var target: (form: [Int], table: Int)?
            if let cell = hidden.first(where: { spans.contains(form($0)) }) {
                target = (form(cell), system.cells[cell].table)
            } else if let policy {
                search: for (offset, a) in hidden.enumerated() {
                    let (ta, la) = position(a)
                    guard la < result[ta].contributions.count else { continue }
                    let classes = Set(form(a))
                    for b in hidden[(offset + 1)...] where classes.isDisjoint(with: form(b)) {
                        let (tb, lb) = position(b)
                        guard lb < result[tb].contributions.count else { continue }
                        let together = result[ta].contributions[la] + result[tb].contributions[lb]
                        guard MagnitudeRule.isDominated(together, n: policy.dominanceN, k: policy.dominanceK) else { continue }
                        let pair = form(a) + form(b)
                        if spans.contains(pair) {
                            target = (pair, ta)
                            break search
                        }
                    }
                }
            }
            guard let target else { return result }
            // Cheapest first: an interior cell before a margin (headline means stay), then the
            // fewest contributors, then table and cell order.
            let candidates = known.filter { cell in
                let (t, l) = position(cell)
                return result[t].isPublishedMean[l]
            }.sorted { a, b in
                let (ta, la) = position(a), (tb, lb) = position(b)
                return (system.cells[a].totalCount, result[ta].contributors[la], ta, la)
                    < (system.cells[b].totalCount, result[tb].contributors[lb], tb, lb)
            }
            let fixed = known.filter { cell in let (t, l) = position(cell); return !result[t].isPublishedMean[l] }
            // The shortest run of cheapest candidates whose removal takes the cell out of the
            // span: add the fixed forms, then the candidates from the dearest, until it enters.
            var span = SpanPair(width: width, forms: fixed.map(form))
            guard !span.contains(target.form) else {
                throw PathlinkError(.disclosure, problem: "the sum behind a hidden mean of table \"\(system.tables[target.table].id)\" can be worked out from published zero counts alone",
                                    remedy: "nothing was written; drop the mean table or merge its categories")
            }
            var run = candidates.count
            for (offset, candidate) in candidates.enumerated().reversed() {
                span.insert(form(candidate))
                if span.contains(target.form) { run = offset + 1; break }
            }
            // Give back: every candidate of the run but the last, dearest first, is published
            // again if the cell stays out of the span with it.
            var removed = Array(candidates.prefix(run))
            for candidate in removed.dropLast().reversed() {
                let trial = removed.filter { $0 != candidate }
                let kept = known.filter { !trial.contains($0) }
                if !SpanPair(width: width, forms: kept.map(form)).contains(target.form) { removed = trial }
            }
            for chosen in removed {
                let (t, l) = position(chosen)
                result[t].isKnown[l] = false
                result[t].isPublishedMean[l] = false
            }
        }
    }
}

/// The span of 0/1 forms over the classes, modulo two primes (see ``SumProtection``).
struct SpanPair {
    var spans: [ModularSpan]

    init(width: Int, forms: [[Int]]) {
        spans = [ModularSpan(prime: 2_147_483_647, width: width), ModularSpan(prime: 2_147_483_629, width: width)]
        for form in forms {
            for index in spans.indices { spans[index].insert(form) }
        }
    }

    mutating func insert(_ form: [Int]) {
        for index in spans.indices { spans[index].insert(form) }
    }

    /// Whether the form is in the span modulo either prime (a form in the rational span is in both).
    func contains(_ form: [Int]) -> Bool { spans.contains { $0.contains(form) } }
}

/// An echelon basis modulo a prime, built row by row.
struct ModularSpan {
    let prime: Int64
    let width: Int
    /// Each row is zero at the pivots of the rows before it, and one at its own pivot.
    private(set) var rows: [(pivot: Int, values: [Int64])] = []

    init(prime: Int64, width: Int) {
        self.prime = prime
        self.width = width
    }

    private func dense(_ form: [Int]) -> [Int64] {
        var values = [Int64](repeating: 0, count: width)
        for index in form { values[index] = (values[index] + 1) % prime }
        return values
    }

    private func reduced(_ form: [Int]) -> [Int64] {
        var values = dense(form)
        for row in rows where values[row.pivot] != 0 {
            let factor = values[row.pivot]
            for index in 0..<width where row.values[index] != 0 {
                values[index] = ((values[index] - factor * row.values[index]) % prime + prime) % prime
            }
        }
        return values
    }

    mutating func insert(_ form: [Int]) {
        var values = reduced(form)
        guard let pivot = values.firstIndex(where: { $0 != 0 }) else { return }
        let inverse = power(values[pivot], prime - 2)
        for index in 0..<width where values[index] != 0 { values[index] = values[index] * inverse % prime }
        rows.append((pivot, values))
    }

    func contains(_ form: [Int]) -> Bool { reduced(form).allSatisfy { $0 == 0 } }

    private func power(_ base: Int64, _ exponent: Int64) -> Int64 {
        var result: Int64 = 1, base = base % prime, exponent = exponent
        while exponent > 0 {
            if exponent & 1 == 1 { result = result * base % prime }
            base = base * base % prime
            exponent >>= 1
        }
        return result
    }
}
