import Foundation
import Governance

/// The comparisons of the probabilistic method (docs/link.md "Two methods"): the plan's
/// keys grouped by the person fields they are computed from.
///
/// Keys built from the same fields (CK1, CK3, CK4, CK5: the date of birth) form one
/// comparison whose levels are partial agreements: the first key of the group, in plan
/// order, on which the two records agree, or "disagree" (every key both records have
/// differs), or missing (no key of the group on both records: no evidence either way).
/// A group's fields may contain a smaller group's (MK7 = date of birth + postcode contains
/// CK1's date of birth): its level is then read in a *context*, "every smaller group
/// agrees fully" or not, and m and u are estimated per context. So MK7 agreeing when the
/// dates agree says the postcodes agree, and MK1 agreeing when everything inside it
/// already agrees adds almost nothing: the nested keys are not counted as independent
/// evidence (a Bayesian network over the groups rather than naive independence).
struct ProbabilisticComparisons: Sendable {
    /// 0: every smaller group inside this one and every overlapping group agrees fully;
    /// 1: the smaller ones do, an overlapping one does not; 2: a smaller one does not.
    static let contexts = 3
    struct Group: Sendable {
        /// The fields, e.g. `date-of-birth` or `forename+surname`.
        var name: String
        /// Key names, in plan order (match keys, then confirm keys).
        var keys: [String]
        /// Indices of the earlier groups (fewer fields, or as many and earlier in the plan)
        /// that share a field with this one: its context is whether they all agree fully.
        var subgroups: [Int]
        /// Indices of the other earlier groups that share a field with this one (CK2's
        /// forename and surname for MK4's surname): context 1 when one of them does not
        /// agree fully, so a surname change is not counted twice.
        var overlapping: [Int]
        /// Level codes: 0..<keys.count = agrees by that key; keys.count = disagrees.
        var disagree: Int { keys.count }
        var levels: Int { keys.count + 1 }
    }

    /// Smaller groups first, so a group's subgroups are always before it.
    let groups: [Group]
    /// Keys whose fields no group could hold (more than ``maximumGroups`` field sets).
    let ignoredKeys: [String]

    /// A pattern holds a byte per group in two words.
    static let maximumGroups = 16

    init(plan: LinkagePlan) {
        var fieldSets: [[PersonField]] = []
        var keysOf: [[String]] = []
        for key in plan.allKeys {
            let fields = PersonField.allCases.filter { field in key.fields.contains { $0.sources.contains(field) } }
            if let index = fieldSets.firstIndex(of: fields) {
                keysOf[index].append(key.name)
            } else {
                fieldSets.append(fields)
                keysOf.append([key.name])
            }
        }
        let order = fieldSets.indices.sorted { (fieldSets[$0].count, $0) < (fieldSets[$1].count, $1) }
        let kept = Array(order.prefix(Self.maximumGroups))
        ignoredKeys = order.dropFirst(Self.maximumGroups).flatMap { keysOf[$0] }
        groups = kept.map { index in
            let fields = Set(fieldSets[index])
            let subgroups = kept.enumerated().compactMap { position, other -> Int? in
                other != index && fieldSets[other].count < fields.count && Set(fieldSets[other]).isSubset(of: fields) ? position : nil
            }
            let before = kept.prefix { $0 != index }
            let overlapping = before.enumerated().compactMap { position, other -> Int? in
                subgroups.contains(position) || Set(fieldSets[other]).isDisjoint(with: fields) ? nil : position
            }
            return Group(name: fieldSets[index].map(\.rawValue).joined(separator: "+"),
                         keys: keysOf[index], subgroups: subgroups, overlapping: overlapping)
        }
    }
}

/// An agreement pattern: per comparison group one byte, `context << 6 | level`, or
/// ``missing``. Held in two words so that counting patterns is cheap.
struct AgreementPattern: Hashable, Comparable, Sendable {
    var low: UInt64 = .max
    var high: UInt64 = .max
    static let missing: UInt8 = 0xFF

    subscript(group: Int) -> UInt8 {
        get { UInt8(truncatingIfNeeded: (group < 8 ? low : high) >> UInt64((group & 7) * 8)) }
        set {
            let shift = UInt64((group & 7) * 8)
            if group < 8 { low = low & ~(0xFF << shift) | UInt64(newValue) << shift } else { high = high & ~(0xFF << shift) | UInt64(newValue) << shift }
        }
    }

    static func < (a: AgreementPattern, b: AgreementPattern) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// A Fellegi–Sunter model for one link, fitted without labels (docs/link.md "The
/// probabilistic method").
///
/// Two strata: pairs that share no reference token (0) and pairs that do (1: same crime,
/// so a match is likely, and the non-matches are relatives and co-victims, who agree on
/// surname and address far more often than strangers). m (the chance of each level among
/// matches) is shared by the strata; u (among non-matches) and the match share λ are per
/// stratum.
///
/// Candidate pairs are made by blocking, so a non-match among them agrees on the date of
/// birth *or* on the names: fitted on candidates alone, u would be that selection, not
/// chance. So in stratum 0, u of every comparison that blocking selects on is the chance
/// rate measured on random record pairs (``randomU``), and λ is a share of *all* record
/// pairs of the stratum, not of the candidates; EM fits m, λ and only those u it can see
/// without that bias (a comparison read when every smaller one agrees: every such pair
/// is a candidate). Stratum 1 is complete (every pair sharing a reference is a
/// candidate): EM fits all of its u, starting from chance. Missing comparisons contribute
/// nothing; a small pseudo-count keeps every probability above zero.
struct FellegiSunterModel: Sendable {
    let comparisons: ProbabilisticComparisons
    /// [group][context][level], shared by the strata.
    var m: [[[Double]]]
    /// [stratum][group][context][level].
    var u: [[[[Double]]]]
    /// [stratum][group][context]: whether EM fits that u (else it stays the chance rate).
    let fitsU: [[[Bool]]]
    /// Per stratum: the share of matches among all its record pairs.
    var lambda: [Double]
    /// Per stratum: all its record pairs (the denominator of λ).
    let stratumPairs: [Double]
    var iterations = 0
    var converged = false
    /// Candidate pairs it was fitted on, per stratum.
    var pairs = [0, 0]

    static let pseudoCount = 0.01

    /// - Parameters:
    ///   - randomU: chance rates [group][context][level] from random record pairs.
    ///   - stratumPairs: all record pairs of each stratum.
    ///   - completeStrata: strata in which every pair is a candidate (all u fitted).
    init(comparisons: ProbabilisticComparisons, randomU: [[[Double]]], stratumPairs: [Double], completeStrata: Set<Int> = []) {
        self.comparisons = comparisons
        self.stratumPairs = stratumPairs
        let groups = comparisons.groups
        m = groups.map { group in
            (0..<ProbabilisticComparisons.contexts).map { _ in
                let shares = (0..<group.keys.count).map { pow(0.5, Double($0 + 1)) }
                let total = shares.reduce(0, +)
                return shares.map { 0.9 * $0 / total } + [0.1]
            }
        }
        u = stratumPairs.map { _ in randomU }
        fitsU = stratumPairs.indices.map { stratum in
            groups.map { group in (0..<ProbabilisticComparisons.contexts).map { context in completeStrata.contains(stratum) || (!group.subgroups.isEmpty && context < 2) } }
        }
        lambda = stratumPairs.map { _ in 0.5 }
    }

    /// log2 odds of a match for a pattern in a stratum (the prior included).
    func weight(_ pattern: AgreementPattern, stratum: Int) -> Double {
        var bits = log2(lambda[stratum] / (1 - lambda[stratum]))
        for group in comparisons.groups.indices {
            let code = pattern[group]
            if code == AgreementPattern.missing { continue }
            let context = Int(code >> 6), level = Int(code & 0x3F)
            bits += log2(m[group][context][level] / u[stratum][group][context][level])
        }
        return bits
    }

    /// Fit to pattern counts per stratum (sorted, so the sums are made in one fixed order).
    /// - Complexity: O(iterations × patterns × groups); the patterns are few (thousands),
    ///   whatever the number of pairs.
    mutating func fit(_ patterns: [[(pattern: AgreementPattern, count: Double)]], maximumIterations: Int = 500, tolerance: Double = 1e-7) {
        pairs = patterns.map { Int($0.reduce(0) { $0 + $1.count }) }
        let groups = comparisons.groups
        // Start λ at a tenth of the candidates (a share of all the stratum's pairs).
        for stratum in lambda.indices where stratumPairs[stratum] > 0 {
            lambda[stratum] = min(max(0.1 * Double(pairs[stratum]) / stratumPairs[stratum], 1e-12), 0.5)
        }
        guard pairs.contains(where: { $0 > 0 }) else { return }
        for iteration in 1...maximumIterations {
            var mCounts = groups.map { g in [[Double]](repeating: [Double](repeating: 0, count: g.levels), count: ProbabilisticComparisons.contexts) }
            var uCounts = stratumPairs.map { _ in mCounts }
            var matched = [Double](repeating: 0, count: stratumPairs.count)
            for stratum in patterns.indices {
                for (pattern, count) in patterns[stratum] {
                    let probability = 1 / (1 + exp2(-weight(pattern, stratum: stratum)))
                    let match = count * probability, nonMatch = count - match
                    matched[stratum] += match
                    for group in groups.indices {
                        let code = pattern[group]
                        if code == AgreementPattern.missing { continue }
                        let context = Int(code >> 6), level = Int(code & 0x3F)
                        mCounts[group][context][level] += match
                        uCounts[stratum][group][context][level] += nonMatch
                    }
                }
            }
            var change = 0.0
            for stratum in lambda.indices where stratumPairs[stratum] > 0 {
                // At most 0.99: even under one crime reference a pair may be two people.
                let value = min(max(matched[stratum] / stratumPairs[stratum], 1e-12), 0.99)
                change = max(change, abs(log(value / lambda[stratum])) * 1e-3)
                lambda[stratum] = value
            }
            func normalised(_ counts: [Double]) -> [Double] {
                let total = counts.reduce(0, +) + Self.pseudoCount * Double(counts.count)
                return counts.map { ($0 + Self.pseudoCount) / total }
            }
            for group in groups.indices {
                for context in 0..<ProbabilisticComparisons.contexts {
                    let newM = normalised(mCounts[group][context])
                    for level in newM.indices { change = max(change, abs(newM[level] - m[group][context][level])) }
                    m[group][context] = newM
                    for stratum in u.indices where fitsU[stratum][group][context] {
                        let newU = normalised(uCounts[stratum][group][context])
                        for level in newU.indices { change = max(change, abs(newU[level] - u[stratum][group][context][level])) }
                        u[stratum][group][context] = newU
                    }
                }
            }
            iterations = iteration
            if change < tolerance {
                converged = true
                break
            }
        }
    }
}
