import Foundation
import Governance

/// What the probabilistic method leaves for the writer: a score per record pair of
/// links.csv, the error estimates and the fitted models (quality.json).
struct ProbabilisticOutcome {
    /// Per entry of ``PersonLinker/links``: log2 match weight and match probability (nil
    /// for a pair of datasets no model compares).
    var linkScores: [(weight: Double, probability: Double)?]
    var estimates: LinkQuality.ErrorEstimates
    var models: [LinkQuality.ModelFigures]
}

/// Compares the records of two datasets (or of one dataset with itself) under the model
/// of a plan link: the agreement pattern, the stratum (a shared reference token or not)
/// and the match weight.
struct PairComparer {
    let comparisons: ProbabilisticComparisons
    /// Per group, per key: the two token columns (nil when a side lacks the key).
    let keyColumns: [[(left: [Token]?, right: [Token]?)]]
    /// Per group: the smaller groups inside it and the overlapping earlier groups, as bit
    /// masks (``ProbabilisticComparisons/contexts``).
    let subgroupMasks: [UInt32]
    let overlapMasks: [UInt32]
    /// Reference-domain column pairs of the link.
    let referenceColumns: [(left: [Token], right: [Token])]
    /// Fitted per link (strata: 0 no shared reference, 1 a shared reference token).
    var model: FellegiSunterModel
    /// Per group (groups without subgroups only), per key: token counts over both datasets.
    let frequencies: [[KeyFrequency?]]

    /// Token counts of one key over the records of a link's two datasets (term frequencies).
    struct KeyFrequency {
        var table: TokenIndex
        var counts: [Int32]
        /// Σ count² / N: the chance-agreement rate times N, so that scale / count(v) is the
        /// term-frequency factor u / tf(v).
        var scale: Double

        init(_ columns: [[Token]]) {
            let total = columns.reduce(0) { $0 + $1.count }
            table = TokenIndex(expected: total, records: 0)
            counts = []
            var present = 0
            for column in columns {
                for token in column where !token.isMissing {
                    let (slot, isNew) = table.insert(token)
                    if isNew { counts.append(1) } else { counts[slot] += 1 }
                    present += 1
                }
            }
            let squares = counts.reduce(0.0) { $0 + Double($1) * Double($1) }
            scale = present > 0 ? squares / Double(present) : 1
        }

        /// log2 of the term-frequency factor for an agreed token, bounded to ±6 bits.
        func bits(_ token: Token) -> Double {
            guard let slot = table.slot(of: token) else { return 0 }
            return min(max(log2(scale / Double(counts[slot])), -PersonLinker.frequencyBitsBound), PersonLinker.frequencyBitsBound)
        }
    }

    func pattern(_ x: Int, _ y: Int) -> AgreementPattern {
        var pattern = AgreementPattern()
        var full: UInt32 = 0
        for (group, columns) in keyColumns.enumerated() {
            var level = -1
            var compared = false
            for (position, pair) in columns.enumerated() {
                guard let left = pair.left, let right = pair.right else { continue }
                let a = left[x], b = right[y]
                if a.isMissing || b.isMissing { continue }
                compared = true
                if a == b { level = position; break }
            }
            if level < 0 {
                guard compared else { continue }
                level = comparisons.groups[group].disagree
            }
            if level == 0 { full |= 1 << UInt32(group) }
            let context: UInt8 = full & subgroupMasks[group] != subgroupMasks[group] ? 2 : full & overlapMasks[group] != overlapMasks[group] ? 1 : 0
            pattern[group] = context << 6 | UInt8(level)
        }
        return pattern
    }

    func stratum(_ x: Int, _ y: Int) -> Int {
        for (left, right) in referenceColumns {
            let a = left[x]
            if !a.isMissing && a == right[y] { return 1 }
        }
        return 0
    }

    /// Term-frequency bits of a pattern's agreed base groups.
    func frequencyBits(_ pattern: AgreementPattern, _ x: Int) -> Double {
        var bits = 0.0
        for (group, keys) in frequencies.enumerated() {
            let code = pattern[group]
            guard code != AgreementPattern.missing else { continue }
            let level = Int(code & 0x3F)
            guard level < keys.count, let frequency = keys[level], let left = keyColumns[group][level].left else { continue }
            bits += frequency.bits(left[x])
        }
        return bits
    }

    /// The match weight (log2 odds, prior included) of records x (left) and y (right).
    func weight(_ x: Int, _ y: Int) -> Double {
        let pattern = pattern(x, y)
        return model.weight(pattern, stratum: stratum(x, y)) + frequencyBits(pattern, x)
    }
}

extension PersonLinker {
    /// A candidate pair is accepted when its match probability is at least this.
    static let acceptanceProbability = 0.5
    /// A merge is refused when any record pair it would join is less likely than this.
    static let conflictProbability = 0.001
    /// ... and when the record pairs it joins are on average less likely than this.
    static let supportProbability = 0.2
    /// ... and, when both persons already span the pair's two datasets, unless the pair's
    /// weight is at least this (log2 odds; twins at one address score 15–20).
    static let completeMergeWeight = 25.0
    /// A token shared by more record pairs than this (a common date of birth in a large
    /// population) does not make candidates; it still counts when pairs are compared.
    static let blockPairLimit = 400
    /// Merges that would need more record comparisons than this are refused.
    static let mergeComparisonLimit = 4096
    static let frequencyBitsBound = 6.0

    static func probability(_ weight: Double) -> Double { 1 / (1 + exp2(-weight)) }

    /// docs/link.md "The probabilistic method": candidates by blocking on the plan's keys
    /// and references, an EM-fitted Fellegi–Sunter model per link and stratum, then
    /// clustering best pair first, a merge allowed only when every record pair it joins
    /// is plausible and the pairs are a match on average.
    func runProbabilistic() {
        let comparisons = ProbabilisticComparisons(plan: plan)
        if !comparisons.ignoredKeys.isEmpty {
            warnings.append("probabilistic method: keys \(comparisons.ignoredKeys.joined(separator: ", ")) were not compared (more than \(ProbabilisticComparisons.maximumGroups) field sets)")
        }
        let compared = plan.links.enumerated().filter { $0.element.by.contains("person") || !$0.element.confirm.isEmpty }
        var comparers: [Int: PairComparer] = [:]     // by plan link number
        var candidatesOf: [Int: [(x: Int32, y: Int32, weight: Double)]] = [:]
        var modelFigures: [LinkQuality.ModelFigures] = []
        for (number, link) in compared {
            guard let a = index(of: link.from), let b = index(of: link.to) else { continue }
            var comparer = makeComparer(comparisons, left: a, right: b, link: link)
            let pairs = candidatePairs(comparer, left: a, right: b, link: link)
            // Pattern counts per stratum, then EM on each.
            var patternIndex: [AgreementPattern: Int32] = [:]
            var patterns: [AgreementPattern] = []
            var indexOfPair = [Int32](repeating: 0, count: pairs.count)
            var strata = [UInt8](repeating: 0, count: pairs.count)
            var counts: [[Double]] = [[], []]
            for (position, pair) in pairs.enumerated() {
                let x = Int(pair >> 32), y = Int(pair & 0xFFFF_FFFF)
                let pattern = comparer.pattern(x, y)
                let stratum = comparer.stratum(x, y)
                let index: Int32
                if let known = patternIndex[pattern] {
                    index = known
                } else {
                    index = Int32(patterns.count)
                    patternIndex[pattern] = index
                    patterns.append(pattern)
                    counts[0].append(0)
                    counts[1].append(0)
                }
                indexOfPair[position] = index
                strata[position] = UInt8(stratum)
                counts[stratum][Int(index)] += 1
            }
            let linkName = "\(link.from) -> \(link.to)"
            let byStratum = (0..<2).map { stratum in
                patterns.indices.filter { counts[stratum][$0] > 0 }
                    .map { (pattern: patterns[$0], count: counts[stratum][$0]) }
                    .sorted { $0.pattern < $1.pattern }
            }
            let shared = counts[1].reduce(0, +)
            comparer.model = FellegiSunterModel(comparisons: comparisons, randomU: randomU(comparer, rows: (datasets[a].rows, datasets[b].rows)),
                                                stratumPairs: [Double(datasets[a].rows) * Double(datasets[b].rows) - shared, shared])
            comparer.model.fit(byStratum)
            for stratum in 0..<2 {
                modelFigures.append(Self.figures(comparer.model, stratum: stratum, link: linkName))
            }
            let evidence: [[Double]] = (0..<2).map { stratum in patterns.map { comparer.model.weight($0, stratum: stratum) } }
            var scored: [(x: Int32, y: Int32, weight: Double)] = []
            scored.reserveCapacity(pairs.count)
            for (position, pair) in pairs.enumerated() {
                let x = Int(pair >> 32), y = Int(pair & 0xFFFF_FFFF)
                let pattern = patterns[Int(indexOfPair[position])]
                let weight = evidence[Int(strata[position])][Int(indexOfPair[position])] + comparer.frequencyBits(pattern, x)
                scored.append((Int32(base[a] + x), Int32(base[b] + y), weight))
            }
            comparers[number] = comparer
            candidatesOf[number] = scored
        }
        cluster(comparers: comparers, candidates: candidatesOf, compared: compared.map(\.offset), modelFigures: modelFigures)
    }

    private func makeComparer(_ comparisons: ProbabilisticComparisons, left a: Int, right b: Int, link: LinkDefinition) -> PairComparer {
        let from = datasets[a], to = datasets[b]
        let keyColumns = comparisons.groups.map { group in
            group.keys.map { key in (left: from.keyColumn(key)?.values, right: to.keyColumn(key)?.values) }
        }
        let masks = comparisons.groups.map { group in group.subgroups.reduce(UInt32(0)) { $0 | 1 << UInt32($1) } }
        let overlaps = comparisons.groups.map { group in group.overlapping.reduce(UInt32(0)) { $0 | 1 << UInt32($1) } }
        var references: [(left: [Token], right: [Token])] = []
        for domain in link.by where domain != "person" {
            for left in from.identifierColumns(domain: domain) {
                for right in to.identifierColumns(domain: domain) { references.append((left.values, right.values)) }
            }
        }
        let frequencies = comparisons.groups.map { group -> [PairComparer.KeyFrequency?] in
            guard group.subgroups.isEmpty else { return group.keys.map { _ in nil } }
            return group.keys.map { key in
                guard let left = from.keyColumn(key)?.values, let right = to.keyColumn(key)?.values else { return nil }
                return PairComparer.KeyFrequency(a == b ? [left] : [left, right])
            }
        }
        let placeholder = FellegiSunterModel(comparisons: comparisons, randomU: comparisons.groups.map { group in
            (0..<ProbabilisticComparisons.contexts).map { _ in [Double](repeating: 1 / Double(group.levels), count: group.levels) }
        }, stratumPairs: [1, 1])
        return PairComparer(comparisons: comparisons, keyColumns: keyColumns, subgroupMasks: masks, overlapMasks: overlaps, referenceColumns: references,
                            model: placeholder, frequencies: frequencies)
    }

    /// Record pairs for the chance rates: every pair when there are at most this many.
    static let randomPairs = 1_000_000

    /// u by chance: the levels' shares among random record pairs of the two datasets
    /// (every pair when few; else a fixed pseudo-random sample, the same every run).
    private func randomU(_ comparer: PairComparer, rows: (Int, Int)) -> [[[Double]]] {
        let groups = comparer.comparisons.groups
        var counts = groups.map { group in [[Double]](repeating: [Double](repeating: 0, count: group.levels), count: ProbabilisticComparisons.contexts) }
        func count(_ x: Int, _ y: Int) {
            let pattern = comparer.pattern(x, y)
            for group in groups.indices {
                let code = pattern[group]
                if code == AgreementPattern.missing { continue }
                counts[group][Int(code >> 6)][Int(code & 0x3F)] += 1
            }
        }
        guard rows.0 > 0, rows.1 > 0 else { return counts.map { $0.map { $0.map { _ in 0.5 } } } }
        if rows.0 * rows.1 <= Self.randomPairs {
            for x in 0..<rows.0 { for y in 0..<rows.1 { count(x, y) } }
        } else {
            var state: UInt64 = 0x5041_5448_4C49_4E4B   // fixed: the sample is part of the method
            func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            for _ in 0..<Self.randomPairs { count(Int(next() % UInt64(rows.0)), Int(next() % UInt64(rows.1))) }
        }
        // Half a pair per level: a level never seen by chance is rare, not impossible.
        return counts.map { contexts in
            contexts.map { levels in
                let total = levels.reduce(0, +) + 0.5 * Double(levels.count)
                return levels.map { ($0 + 0.5) / total }
            }
        }
    }

    /// Record pairs (left row << 32 | right row), sorted, that share a token of a plan key
    /// (at most ``blockPairLimit`` pairs a token) or of a reference domain of the link.
    private func candidatePairs(_ comparer: PairComparer, left a: Int, right b: Int, link: LinkDefinition) -> [UInt64] {
        var pairs: [UInt64] = []
        var blocks: [(left: [Token], right: [Token], limit: Int)] = []
        for group in comparer.keyColumns {
            for pair in group { if let left = pair.left, let right = pair.right { blocks.append((left, right, Self.blockPairLimit)) } }
        }
        for pair in comparer.referenceColumns { blocks.append((pair.left, pair.right, Int.max)) }
        for block in blocks {
            var table = TokenIndex(expected: block.right.count, records: block.right.count)
            var rightCount: [Int32] = []
            for (row, token) in block.right.enumerated() where !token.isMissing {
                let slot = table.add(token, record: row)
                if slot == rightCount.count { rightCount.append(1) } else { rightCount[slot] += 1 }
            }
            var leftCount = [Int32](repeating: 0, count: rightCount.count)
            var leftSlot = [Int32](repeating: -1, count: block.left.count)
            for (row, token) in block.left.enumerated() where !token.isMissing {
                guard let slot = table.slot(of: token) else { continue }
                leftCount[slot] += 1
                leftSlot[row] = Int32(slot)
            }
            for row in block.left.indices where leftSlot[row] >= 0 {
                let slot = Int(leftSlot[row])
                guard Int(leftCount[slot]) * Int(rightCount[slot]) <= block.limit else { continue }
                var other = table.head[slot]
                while other >= 0 {
                    pairs.append(UInt64(row) << 32 | UInt64(other))
                    other = table.next[Int(other)]
                }
            }
        }
        pairs.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(pairs.count)
        for pair in pairs where unique.last != pair { unique.append(pair) }
        return unique
    }

    // MARK: Clustering

    private func cluster(comparers: [Int: PairComparer], candidates: [Int: [(x: Int32, y: Int32, weight: Double)]], compared: [Int],
                         modelFigures: [LinkQuality.ModelFigures]) {
        let count = sets.count
        let datasetCount = datasets.count
        // Circular member lists of the clusters made so far (within datasets, person ids).
        var nextMember = [Int32](repeating: 0, count: count)
        for record in 0..<count { nextMember[record] = Int32(record) }
        for record in 0..<count {
            let root = sets.find(record)
            if root != record { nextMember.swapAt(record, root) }
        }
        func members(_ record: Int) -> [Int] {
            var result = [record]
            var other = Int(nextMember[record])
            while other != record {
                result.append(other)
                other = Int(nextMember[other])
            }
            return result
        }
        // A comparer for every ordered pair of datasets that a plan link compares, and for a
        // dataset with itself (under the first link that has it, in the stratum without a
        // shared reference).
        var comparerOf: [[(comparer: PairComparer, swapped: Bool)?]] = Array(repeating: Array(repeating: nil, count: datasetCount), count: datasetCount)
        for number in compared {
            guard let comparer = comparers[number], let a = index(of: plan.links[number].from), let b = index(of: plan.links[number].to) else { continue }
            if comparerOf[a][b] == nil { comparerOf[a][b] = (comparer, false) }
            if comparerOf[b][a] == nil { comparerOf[b][a] = (comparer, true) }
            for (dataset, isLeft) in [(a, true), (b, false)] where comparerOf[dataset][dataset] == nil {
                let columns = comparer.keyColumns.map { group in group.map { pair in isLeft ? (left: pair.left, right: pair.left) : (left: pair.right, right: pair.right) } }
                // Two records of one dataset under one reference are mostly two people (a
                // relative, a co-victim): they are weighed without the reference's prior.
                let references: [(left: [Token], right: [Token])] = []
                comparerOf[dataset][dataset] = (PairComparer(comparisons: comparer.comparisons, keyColumns: columns, subgroupMasks: comparer.subgroupMasks, overlapMasks: comparer.overlapMasks,
                                                             referenceColumns: references, model: comparer.model, frequencies: comparer.frequencies), false)
            }
        }
        func weight(_ x: Int, _ y: Int) -> Double? {
            let dx = datasetOfRecord[x], dy = datasetOfRecord[y]
            guard let (comparer, swapped) = comparerOf[dx][dy] else { return nil }
            return swapped ? comparer.weight(y - base[dy], x - base[dx]) : comparer.weight(x - base[dx], y - base[dy])
        }

        // Every accepted candidate, best first (ties: record numbers), across the links.
        var accepted: [(x: Int32, y: Int32, weight: Double, link: Int)] = []
        for number in compared {
            for candidate in candidates[number] ?? [] where Self.probability(candidate.weight) >= Self.acceptanceProbability {
                accepted.append((candidate.x, candidate.y, candidate.weight, number))
            }
        }
        accepted.sort { ($0.weight, $1.x, $1.y) > ($1.weight, $0.x, $0.y) }

        var expectedFalse = [Double](repeating: 0, count: plan.links.count), falseVariance = expectedFalse
        var expectedFalseAll = 0.0, falseVarianceAll = 0.0
        var refusedMerges = [Int](repeating: 0, count: plan.links.count)
        var acceptedPairs = [Int](repeating: 0, count: plan.links.count)
        var ruleOf: [Int: Int32] = [:]
        for number in compared {
            ruleOf[number] = rule("probabilistic", kind: "probabilistic", link: "\(plan.links[number].from) -> \(plan.links[number].to)")
        }
        for candidate in accepted {
            let x = Int(candidate.x), y = Int(candidate.y)
            let rootX = sets.find(x), rootY = sets.find(y)
            let ruleNumber = ruleOf[candidate.link]!
            if rootX == rootY {
                links.append(Link(from: candidate.x, to: candidate.y, rule: ruleNumber))
                rulePairs[Int(ruleNumber)] += 1
                acceptedPairs[candidate.link] += 1
                continue
            }
            let left = members(x), right = members(y)
            var allowed = left.count * right.count <= Self.mergeComparisonLimit
            // Two persons that each already hold records of both datasets of the pair (twins
            // at one address, each linked to her own records): joining them says one of the
            // two is a duplicate, which takes stronger evidence.
            let pairMask = UInt64(1) << UInt64(datasetOfRecord[x]) | UInt64(1) << UInt64(datasetOfRecord[y])
            if sets.mask(ofRoot: rootX) & pairMask == pairMask && sets.mask(ofRoot: rootY) & pairMask == pairMask
                && candidate.weight < Self.completeMergeWeight {
                allowed = false
            }
            var total = 0.0, comparedPairs = 0
            if allowed {
                check: for p in left {
                    for q in right {
                        guard let w = weight(p, q) else { continue }
                        let probability = Self.probability(w)
                        if probability < Self.conflictProbability { allowed = false; break check }
                        total += probability
                        comparedPairs += 1
                    }
                }
            }
            if allowed && comparedPairs > 0 && total / Double(comparedPairs) < Self.supportProbability { allowed = false }
            guard allowed else {
                refusedMerges[candidate.link] += 1
                continue
            }
            // Pairs this merge joins, by dataset pair, for the estimates.
            var leftCounts = [Int](repeating: 0, count: datasetCount), rightCounts = leftCounts
            for p in left { leftCounts[datasetOfRecord[p]] += 1 }
            for q in right { rightCounts[datasetOfRecord[q]] += 1 }
            var joined = 0
            for d in 0..<datasetCount { for e in 0..<datasetCount where d != e { joined += leftCounts[d] * rightCounts[e] } }
            let probability = Self.probability(candidate.weight)
            expectedFalseAll += (1 - probability) * Double(joined)
            falseVarianceAll += probability * (1 - probability) * Double(joined * joined)
            for number in compared {
                guard let a = index(of: plan.links[number].from), let b = index(of: plan.links[number].to) else { continue }
                let pairs = leftCounts[a] * rightCounts[b] + leftCounts[b] * rightCounts[a]
                expectedFalse[number] += (1 - probability) * Double(pairs)
                falseVariance[number] += probability * (1 - probability) * Double(pairs * pairs)
            }
            sets.union(x, y)
            nextMember.swapAt(x, y)
            links.append(Link(from: candidate.x, to: candidate.y, rule: ruleNumber))
            rulePairs[Int(ruleNumber)] += 1
            ruleMerges[Int(ruleNumber)] += 1
            acceptedPairs[candidate.link] += 1
            events.append(PersonEvent(a: candidate.x, b: candidate.y, link: candidate.link, rule: ruleNumber))
        }

        // Missed: candidate pairs left in two persons, each counted with its probability.
        var expectedMissed = [Double](repeating: 0, count: plan.links.count), missedVariance = expectedMissed
        var candidateCount = [Int](repeating: 0, count: plan.links.count)
        for number in compared {
            for candidate in candidates[number] ?? [] {
                candidateCount[number] += 1
                guard sets.find(Int(candidate.x)) != sets.find(Int(candidate.y)) else { continue }
                let probability = Self.probability(candidate.weight)
                expectedMissed[number] += probability
                missedVariance[number] += probability * (1 - probability)
            }
        }
        // Linked cross-source record pairs: all of them, and per link's dataset pair.
        var perRoot = [Int32](repeating: 0, count: count * datasetCount)
        for record in 0..<count { perRoot[sets.find(record) * datasetCount + datasetOfRecord[record]] += 1 }
        var linkedAll = 0
        var linkedBetween = [[Int]](repeating: [Int](repeating: 0, count: datasetCount), count: datasetCount)
        for root in 0..<count {
            for d in 0..<datasetCount {
                let n = Int(perRoot[root * datasetCount + d])
                guard n > 0 else { continue }
                for e in (d + 1)..<max(d + 1, datasetCount) {
                    let pairs = n * Int(perRoot[root * datasetCount + e])
                    linkedAll += pairs
                    linkedBetween[d][e] += pairs
                    linkedBetween[e][d] += pairs
                }
            }
        }
        func rate(_ expected: Double, _ variance: Double, of total: Double) -> LinkQuality.Rate {
            guard total > 0 else { return LinkQuality.Rate(estimate: 0, lower: 0, upper: 0) }
            let spread = 1.96 * variance.squareRoot()
            return LinkQuality.Rate(estimate: Self.rounded(expected / total), lower: Self.rounded(max(0, expected - spread) / total),
                                    upper: Self.rounded(min(total, expected + spread) / total))
        }
        var perLink: [LinkQuality.LinkEstimate] = []
        for number in compared {
            guard let a = index(of: plan.links[number].from), let b = index(of: plan.links[number].to) else { continue }
            let linked = Double(linkedBetween[a][b])
            let truePairs = linked - expectedFalse[number] + expectedMissed[number]
            perLink.append(LinkQuality.LinkEstimate(
                link: "\(plan.links[number].from) -> \(plan.links[number].to)", rule: "probabilistic",
                candidatePairs: candidateCount[number], acceptedPairs: acceptedPairs[number], refusedMerges: refusedMerges[number],
                linkedPairs: linkedBetween[a][b], expectedFalsePairs: Self.rounded(expectedFalse[number]),
                expectedMissedPairs: Self.rounded(expectedMissed[number]),
                falseMatchRate: rate(expectedFalse[number], falseVariance[number], of: linked),
                missedMatchRate: rate(expectedMissed[number], missedVariance[number], of: truePairs)))
        }
        let missedAll = compared.reduce(0.0) { $0 + expectedMissed[$1] }
        let missedVarianceAll = compared.reduce(0.0) { $0 + missedVariance[$1] }
        let estimates = LinkQuality.ErrorEstimates(
            method: "probabilistic",
            basis: "model: the fitted match probability of every merge (false) and of every candidate pair left in two persons (missed); pairs that share no key or reference token are not seen",
            linkedPairs: linkedAll, expectedFalsePairs: Self.rounded(expectedFalseAll), expectedMissedPairs: Self.rounded(missedAll),
            falseMatchRate: rate(expectedFalseAll, falseVarianceAll, of: Double(linkedAll)),
            missedMatchRate: rate(missedAll, missedVarianceAll, of: Double(linkedAll) - expectedFalseAll + missedAll),
            links: perLink)
        // links.csv: the weight and probability of every listed pair, while the tokens exist.
        let scores = links.map { link -> (weight: Double, probability: Double)? in
            guard let w = weight(Int(link.from), Int(link.to)) else { return nil }
            return (w, Self.probability(w))
        }
        probabilistic = ProbabilisticOutcome(linkScores: scores, estimates: estimates, models: modelFigures)
    }

    static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    private static func figures(_ model: FellegiSunterModel, stratum: Int, link: String) -> LinkQuality.ModelFigures {
        var comparisons: [LinkQuality.ComparisonFigures] = []
        let m = model.m, u = model.u[stratum]
        for (index, group) in model.comparisons.groups.enumerated() {
            for context in 0..<(group.subgroups.isEmpty && group.overlapping.isEmpty ? 1 : ProbabilisticComparisons.contexts) {
                let levels = (0..<group.levels).map { level in
                    LinkQuality.LevelFigures(level: level < group.keys.count ? group.keys[level] : "disagree",
                                             m: rounded(m[index][context][level]), u: rounded(u[index][context][level]))
                }
                comparisons.append(.init(fields: group.name, context: group.subgroups.isEmpty && group.overlapping.isEmpty ? "always" : ["all-agree", "overlapping-differs", "inner-differs"][context],
                                         levels: levels))
            }
        }
        return LinkQuality.ModelFigures(link: link, stratum: stratum == 1 ? "shared-reference" : "no-shared-reference",
                                        candidatePairs: model.pairs[stratum], lambda: model.lambda[stratum],
                                        iterations: model.iterations, converged: model.converged, comparisons: comparisons)
    }
}
