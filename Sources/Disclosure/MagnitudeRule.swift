/// Primary disclosure control of magnitude statistics — means and medians of a numeric
/// quantity (days from referral to assessment, a questionnaire score) over the units of a
/// cell (governance/disclosure-control.md, "Means and medians").
///
/// A statistic is published only where its contributor count is published (the counts are
/// a table of the release's system of equations, protected with every count table); then
/// these rules decide, on the true contributions, whether the statistic itself may be shown.
package enum MagnitudeRule {
    /// The statistic of a magnitude table.
    package enum Statistic: String, Sendable, Equatable {
        case mean, median
    }

    /// Why a statistic is hidden although its contributor count is published.
    package enum Reason: String, Sendable, Equatable {
        /// Fewer contributors than the threshold.
        case fewContributors = "fewer contributors than the threshold"
        /// The largest `dominance-n` contributions make up more than `dominance-k` percent of the total.
        case dominance = "dominated by one or two contributions"
        /// A median of fewer contributors than `median-minimum`.
        case smallMedianGroup = "a median of too small a group"
        /// Every contribution is the same value, in a group smaller than the class size: the
        /// statistic would tell each contributor's value (class disclosure of a magnitude).
        case identicalValues = "every contribution is the same value"
    }

    /// The reason the statistic of `values` may not be published, or nil when it may.
    ///
    /// The dominance rule reads absolute values (a quantity such as a day count can be
    /// negative when dates are recorded out of order): the `n` largest |x| against Σ|x|.
    /// - Complexity: O(c log c) for c contributions.
    package static func primaryReason(_ values: [Double], statistic: Statistic, policy: DisclosurePolicy) -> Reason? {
        if values.count < policy.threshold { return .fewContributors }
        if statistic == .median && values.count < max(policy.medianMinimum, policy.threshold) { return .smallMedianGroup }
        if values.count < policy.classSize, let first = values.first, values.allSatisfy({ $0 == first }) { return .identicalValues }
        if isDominated(values, n: policy.dominanceN, k: policy.dominanceK) { return .dominance }
        return nil
    }

    /// The (n, k) dominance rule: the largest `n` absolute contributions make up more than
    /// `k` percent of the sum of all absolute contributions. A total of zero is not dominated.
    package static func isDominated(_ values: [Double], n: Int, k: Int) -> Bool {
        let magnitudes = values.map(abs).sorted(by: >)
        let total = magnitudes.reduce(0, +)
        guard total > 0 else { return false }
        let top = magnitudes.prefix(n).reduce(0, +)
        return top * 100 > Double(k) * total
    }

    /// The mean, or the median (the mean of the two middle values for an even count).
    package static func value(_ values: [Double], statistic: Statistic) -> Double? {
        guard !values.isEmpty else { return nil }
        switch statistic {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .median:
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
