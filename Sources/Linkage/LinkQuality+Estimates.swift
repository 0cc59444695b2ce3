/// quality.json's `error_estimates` and `probabilistic_model` (docs/link.md "Error estimates").
extension LinkQuality {
    /// A rate with its 95% interval (fractions, rounded to 6 places).
    struct Rate: Encodable {
        var estimate: Double
        var lower: Double
        var upper: Double
    }

    /// The linker's own estimate of its errors over cross-source record pairs (two records
    /// of different datasets in one person), without ground truth.
    struct ErrorEstimates: Encodable {
        /// `probabilistic` or `cascade`.
        var method: String
        /// Where the figures come from, in words.
        var basis: String
        /// Cross-source record pairs in one person.
        var linkedPairs: Int
        var expectedFalsePairs: Double
        var expectedMissedPairs: Double
        /// Expected false pairs / linked pairs.
        var falseMatchRate: Rate
        /// Expected missed pairs / expected true pairs.
        var missedMatchRate: Rate
        /// Per link and rule.
        var links: [LinkEstimate]
    }

    struct LinkEstimate: Encodable {
        var link: String
        var rule: String
        /// Record pairs compared (sharing a key or reference token).
        var candidatePairs: Int
        /// Candidate pairs accepted (match probability at least 0.5) and kept.
        var acceptedPairs: Int
        /// Accepted pairs whose merge was refused (it would have joined an implausible pair).
        var refusedMerges: Int
        /// Cross-source record pairs in one person between the link's two datasets.
        var linkedPairs: Int
        var expectedFalsePairs: Double
        var expectedMissedPairs: Double
        var falseMatchRate: Rate
        var missedMatchRate: Rate
    }

    /// One fitted Fellegi–Sunter model: per link and stratum.
    struct ModelFigures: Encodable {
        var link: String
        /// `shared-reference` (the pair shares a reference token) or `no-shared-reference`.
        var stratum: String
        var candidatePairs: Int
        /// Fitted share of matches among the stratum's candidate pairs.
        var lambda: Double
        var iterations: Int
        var converged: Bool
        var comparisons: [ComparisonFigures]
    }

    struct ComparisonFigures: Encodable {
        /// The person fields of the comparison's keys, e.g. `date-of-birth`.
        var fields: String
        /// `always`, or for a comparison containing smaller ones: `smaller-groups-agree` / `otherwise`.
        var context: String
        var levels: [LevelFigures]
    }

    struct LevelFigures: Encodable {
        /// The first key that agrees, or `disagree`.
        var level: String
        var m: Double
        var u: Double
    }
}
