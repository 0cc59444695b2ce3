import Governance

/// quality.json's `error_estimates`: the linkage's false-match and missed-match rates,
/// estimated without ground truth (issue 16 item 4; docs/link.md "Estimated linkage error").
///
/// Both rates are over cross-source record pairs, as the ground-truth figures are: a false
/// match is a pair of records of two datasets put in one person that are two persons; a
/// missed match is a pair of one person's records of two datasets left in two persons.
///
/// For the cascade:
/// - **False matches** are counted where the tokens contradict a link: a linked
///   cross-source pair whose records both carry at least one of the plan's refute keys (the
///   date of birth and its parts) and differ in every one they both carry. The rate is over
///   the linked pairs that could be checked so; it cannot see a false match between two
///   persons born the same day (namesakes, twins), which the uniqueness test and the
///   ambiguity counts guard instead.
/// - **Missed matches** are the cross-source record pairs in two persons that agree on
///   the date of birth, less those expected to agree by chance, which are measured on the
///   same records through the pairs agreeing on the year and month of birth (see
///   ``cascade(linker:roots:)``), scaled up by the share of linked pairs whose dates agree.
///   The interval is the count's sampling spread; it widens with the number of records left
///   unlinked, because chance agreements grow with their square.
///
/// `links` gives the same per pair of datasets, `rules` the false-match estimate per rule.
/// The probabilistic method fills the same shape from its model.
struct ErrorEstimates: Encodable, Sendable {
    var method: String
    /// The level of the intervals.
    var confidence = 0.95
    var falseMatch: Rate
    var missedMatch: Rate
    var links: [PairEstimate]
    var rules: [RuleEstimate]

    struct Rate: Encodable, Sendable {
        /// Estimated share of the pairs in `basis_pairs` (false: of linked pairs; missed: of
        /// true pairs, i.e. linked pairs not false plus the estimated missed ones).
        var rate: Double
        var lower: Double
        var upper: Double
        /// Estimated number of false (missed) cross-source record pairs.
        var pairs: Int
        /// The pairs the rate is a share of.
        var basisPairs: Int
    }

    struct PairEstimate: Encodable, Sendable {
        /// `a + b`, the two datasets sorted by name.
        var datasets: String
        var linkedPairs: Int
        var falseMatch: Rate
        var missedMatch: Rate
    }

    struct RuleEstimate: Encodable, Sendable {
        var rule: String
        var link: String
        var kind: String
        /// Record pairs the rule joined that both carry a refute key.
        var checkedPairs: Int
        /// Of those, pairs whose refute keys all differ.
        var contradictedPairs: Int
        var falseMatch: Rate
    }
}

extension ErrorEstimates {
    /// Figures rounded to 6 places, so that the JSON is short and byte-stable.
    static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// Wilson score interval for `successes` of `trials` at 95%.
    static func wilson(_ successes: Int, _ trials: Int) -> (Double, Double) {
        guard trials > 0 else { return (0, 1) }
        let z = 1.959964, n = Double(trials), p = Double(successes) / n
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
        return (max(0, centre - half), min(1, centre + half))
    }

    static func falseRate(contradicted: Int, checked: Int, linked: Int) -> Rate {
        let rate = checked > 0 ? Double(contradicted) / Double(checked) : 0
        let (lower, upper) = wilson(contradicted, checked)
        return Rate(rate: rounded(rate), lower: rounded(lower), upper: rounded(upper),
                    pairs: Int((rate * Double(linked)).rounded()), basisPairs: linked)
    }

    static func missedRate(missed: (low: Int, point: Int, high: Int), trueLinked: Int) -> Rate {
        func share(_ count: Int) -> Double { count + trueLinked > 0 ? Double(count) / Double(count + trueLinked) : 0 }
        return Rate(rate: rounded(share(missed.point)), lower: rounded(share(missed.low)), upper: rounded(share(missed.high)),
                    pairs: missed.point, basisPairs: trueLinked + missed.point)
    }

    /// The estimates for a finished cascade (`roots`: every record's final cluster root).
    static func cascade(linker: PersonLinker, roots: [Int32]) -> ErrorEstimates {
        let datasets = linker.datasets
        let count = datasets.count
        let plan = linker.plan
        func pairIndex(_ x: Int, _ y: Int) -> Int { min(x, y) * count + max(x, y) }

        // Refute keys (plan order, once), and per dataset pair the columns both carry.
        var checkKeys: [String] = []
        for link in plan.links { for key in link.refute where !checkKeys.contains(key) { checkKeys.append(key) } }
        var checkColumns = [[([Token], [Token])]](repeating: [], count: count * count)
        for x in 0..<count {
            for y in 0..<count where x < y {
                checkColumns[pairIndex(x, y)] = checkKeys.compactMap { key in
                    guard let left = datasets[x].keyColumn(key), let right = datasets[y].keyColumn(key) else { return nil }
                    return (left.values, right.values)
                }
            }
        }
        /// nil: not checkable; true: contradicted.
        func contradicts(_ recordA: Int, _ recordB: Int) -> Bool? {
            var x = linker.datasetOfRecord[recordA], y = linker.datasetOfRecord[recordB]
            var rowX = recordA - linker.base[x], rowY = recordB - linker.base[y]
            if x > y { swap(&x, &y); swap(&rowX, &rowY) }
            var compared = false
            for (left, right) in checkColumns[pairIndex(x, y)] {
                let a = left[rowX], b = right[rowY]
                guard !a.isMissing && !b.isMissing else { continue }
                if a == b { return false }
                compared = true
            }
            return compared ? true : nil
        }

        // Records ordered by cluster (a counting sort on the root).
        let total = roots.count
        var offsets = [Int32](repeating: 0, count: total + 1)
        for root in roots { offsets[Int(root) + 1] += 1 }
        for index in 0..<total { offsets[index + 1] += offsets[index] }
        var byCluster = [Int32](repeating: 0, count: total)
        var fill = offsets
        for record in 0..<total {
            let root = Int(roots[record])
            byCluster[Int(fill[root])] = Int32(record)
            fill[root] += 1
        }
        var linkedPairs = [Int](repeating: 0, count: count * count)
        var checked = [Int](repeating: 0, count: count * count)
        var contradicted = [Int](repeating: 0, count: count * count)
        for root in 0..<total where offsets[root + 1] - offsets[root] > 1 {
            let records = byCluster[Int(offsets[root])..<Int(offsets[root + 1])]
            for (position, recordA) in zip(records.indices, records) {
                for recordB in records[(position + 1)...] {
                    let x = linker.datasetOfRecord[Int(recordA)], y = linker.datasetOfRecord[Int(recordB)]
                    guard x != y else { continue }
                    linkedPairs[pairIndex(x, y)] += 1
                    if let isContradicted = contradicts(Int(recordA), Int(recordB)) {
                        checked[pairIndex(x, y)] += 1
                        if isContradicted { contradicted[pairIndex(x, y)] += 1 }
                    }
                }
            }
        }

        // Missed: cross-source record pairs in two persons that agree on the date of birth
        // (day and month unordered), less those expected by chance. Chance is measured on
        // the same records: pairs agreeing on the year and month of birth are mostly
        // strangers, and of strangers born in one month about 1 in 30.44 share the day
        // (1.361 times that with day and month unordered: a day of 12 or less may be swapped
        // with the month). So with A_d pairs agreeing on the date and A_m on the year-month,
        // the missed pairs with a date on both sides are T = (A_d − k·A_m) / (1 − k),
        // k = 1.361 / 30.44; T is then divided by the share of linked pairs whose dates
        // are both present and agree (true pairs with a missing or mistyped date).
        func dateKey(_ field: KeyField) -> String? { plan.allKeys.first { $0.fields == [field] }?.name }
        var missedPoint = [Double](repeating: 0, count: count * count)
        var missedSpread = [Double](repeating: 0, count: count * count)
        if let dayKey = dateKey(.dateOfBirthUnordered), let monthKey = dateKey(.dateOfBirthYearMonth) {
            let k = 1.361 / 30.44
            let days = pairsInTwoPersons(linker: linker, roots: roots, key: dayKey)
            let months = pairsInTwoPersons(linker: linker, roots: roots, key: monthKey)
            // Per dataset pair: linked pairs whose dates are both present and agree.
            var agreeing = [Int](repeating: 0, count: count * count)
            let dayColumns = datasets.map { $0.keyColumn(dayKey)?.values }
            for root in 0..<total where offsets[root + 1] - offsets[root] > 1 {
                let records = byCluster[Int(offsets[root])..<Int(offsets[root + 1])]
                for (position, recordA) in zip(records.indices, records) {
                    for recordB in records[(position + 1)...] {
                        let x = linker.datasetOfRecord[Int(recordA)], y = linker.datasetOfRecord[Int(recordB)]
                        guard x != y, let left = dayColumns[x], let right = dayColumns[y] else { continue }
                        let a = left[Int(recordA) - linker.base[x]], b = right[Int(recordB) - linker.base[y]]
                        guard !a.isMissing && !b.isMissing else { continue }
                        if a == b { agreeing[pairIndex(x, y)] += 1 }
                    }
                }
            }
            for index in 0..<(count * count) where days[index] > 0 {
                let found = max(0, (Double(days[index]) - k * Double(months[index])) / (1 - k))
                // The pairs' count is Poisson-like: its spread, for the interval.
                let spread = (Double(days[index]) + k * k * Double(months[index])).squareRoot() / (1 - k)
                let share = linkedPairs[index] > 0 ? Double(agreeing[index]) / Double(max(1, linkedPairs[index])) : 1
                let scale = share > 0.5 ? 1 / share : 1
                missedPoint[index] = found * scale
                missedSpread[index] = spread * scale
            }
        }

        var pairEstimates: [PairEstimate] = []
        var sum = (linked: 0, checked: 0, contradicted: 0, low: 0, point: 0, high: 0)
        for x in 0..<count {
            for y in (x + 1)..<count {
                let index = pairIndex(x, y)
                guard linkedPairs[index] > 0 || missedPoint[index] > 0 else { continue }
                let falseMatch = falseRate(contradicted: contradicted[index], checked: checked[index], linked: linkedPairs[index])
                let trueLinked = linkedPairs[index] - falseMatch.pairs
                let point = Int(missedPoint[index].rounded())
                let low = max(0, Int((missedPoint[index] - 1.96 * missedSpread[index]).rounded()))
                let high = Int((missedPoint[index] + 1.96 * missedSpread[index]).rounded())
                let missedMatch = missedRate(missed: (low, point, high), trueLinked: trueLinked)
                pairEstimates.append(PairEstimate(datasets: "\(datasets[x].name) + \(datasets[y].name)", linkedPairs: linkedPairs[index],
                                                  falseMatch: falseMatch, missedMatch: missedMatch))
                sum.linked += linkedPairs[index]
                sum.checked += checked[index]
                sum.contradicted += contradicted[index]
                sum.low += low
                sum.point += point
                sum.high += high
            }
        }
        pairEstimates.sort { $0.datasets < $1.datasets }
        let falseMatch = falseRate(contradicted: sum.contradicted, checked: sum.checked, linked: sum.linked)
        let missedMatch = missedRate(missed: (sum.low, sum.point, sum.high), trueLinked: sum.linked - falseMatch.pairs)

        // Per rule: the record pairs it joined (links.csv for match keys, the confirmed
        // pairs for reference rules), checked the same way.
        var ruleChecked = [Int](repeating: 0, count: linker.rules.count)
        var ruleContradicted = [Int](repeating: 0, count: linker.rules.count)
        var rulePairs = [Int](repeating: 0, count: linker.rules.count)
        func tally(_ rule: Int, _ a: Int, _ b: Int) {
            rulePairs[rule] += 1
            if let isContradicted = contradicts(a, b) {
                ruleChecked[rule] += 1
                if isContradicted { ruleContradicted[rule] += 1 }
            }
        }
        for link in linker.links where linker.ruleKinds[Int(link.rule)] == "matchkey" { tally(Int(link.rule), Int(link.from), Int(link.to)) }
        for event in linker.events where linker.ruleKinds[Int(event.rule)] != "matchkey" { tally(Int(event.rule), Int(event.a), Int(event.b)) }
        let rules = linker.rules.indices.filter { linker.ruleKinds[$0] != "reference" }.map { rule in
            RuleEstimate(rule: linker.rules[rule], link: linker.ruleLinks[rule], kind: linker.ruleKinds[rule],
                         checkedPairs: ruleChecked[rule], contradictedPairs: ruleContradicted[rule],
                         falseMatch: falseRate(contradicted: ruleContradicted[rule], checked: ruleChecked[rule], linked: rulePairs[rule]))
        }
        return ErrorEstimates(method: "cascade", falseMatch: falseMatch, missedMatch: missedMatch, links: pairEstimates, rules: rules)
    }

    /// Per dataset pair (``pairIndex``): record pairs of two datasets that carry the same
    /// token of `key` and are in two persons.
    static func pairsInTwoPersons(linker: PersonLinker, roots: [Int32], key: String) -> [Int] {
        let count = linker.datasets.count
        var all = [Int](repeating: 0, count: count * count)
        var index = TokenIndex(expected: roots.count / 4, records: roots.count)
        for (number, dataset) in linker.datasets.enumerated() {
            guard let column = dataset.keyColumn(key) else { continue }
            for (row, token) in column.values.enumerated() where !token.isMissing { index.add(token, record: linker.base[number] + row) }
        }
        var members: [(root: Int32, dataset: Int)] = []
        var counts = [Int](repeating: 0, count: count), personal = [Int](repeating: 0, count: count)
        func add(_ counts: [Int], sign: Int) {
            for x in 0..<count where counts[x] > 0 {
                for y in (x + 1)..<count where counts[y] > 0 { all[x * count + y] += sign * counts[x] * counts[y] }
            }
        }
        for slot in 0..<index.count {
            members.removeAll(keepingCapacity: true)
            var record = index.head[slot]
            while record >= 0 {
                members.append((roots[Int(record)], linker.datasetOfRecord[Int(record)]))
                record = index.next[Int(record)]
            }
            guard members.count > 1 else { continue }
            for d in 0..<count { counts[d] = 0 }
            for member in members { counts[member.dataset] += 1 }
            add(counts, sign: 1)
            // Less the pairs inside one person.
            members.sort { $0.root < $1.root }
            var start = 0
            while start < members.count {
                var end = start + 1
                while end < members.count && members[end].root == members[start].root { end += 1 }
                if end - start > 1 {
                    for d in 0..<count { personal[d] = 0 }
                    for member in members[start..<end] { personal[member.dataset] += 1 }
                    add(personal, sign: -1)
                }
                start = end
            }
        }
        return all
    }
}
