/// quality.json: how much to trust the links (docs/link.md "quality.json").
///
/// Counts and research ids only — never a token. Dictionaries are encoded with sorted
/// keys, arrays in a fixed order, so the file is byte-identical across reruns.
struct LinkQuality: Encodable {
    var quality = 1
    var project: String
    var spine: String
    var datasets: [DatasetFigures]
    var persons: PersonFigures
    var rules: [RuleFigures]
    var ambiguous: [AmbiguityFigures]
    var attach: [AttachFigures]
    var linkRates: [RateTable]
    var warnings: [String]
    /// Per linked table, its columns from `open: true` attributes (absent when none).
    var openColumns: [String: [String]]? = nil
    /// Estimated false-match and missed-match rates (docs/link.md "Error estimates").
    var errorEstimates: ErrorEstimates? = nil
    /// The probabilistic method's fitted m and u (absent for the cascade).
    var probabilisticModel: [ModelFigures]? = nil

    struct DatasetFigures: Encodable {
        var dataset: String
        var records: Int
        /// Persons with at least one record in this dataset.
        var persons: Int
        /// Records attached (same person or reference link) to a record of another dataset.
        var linkedRecords: Int
        var unlinkedRecords: Int
        /// Per other dataset: records attached to at least one of its records.
        var linkedTo: [String: Int]
    }

    struct PersonFigures: Encodable {
        var total: Int
        /// Persons by the set of datasets holding their records (`a + b`).
        var byDatasets: [String: Int]
    }

    struct RuleFigures: Encodable {
        var rule: String
        /// `reference`, `reference-confirmed`, `person-identifier` or `matchkey`.
        var kind: String
        var link: String
        /// Record pairs listed in links.csv by this rule.
        var recordPairs: Int
        /// Clusters (persons) joined by this rule.
        var personsJoined: Int
        /// Reference-confirmed rules with refute keys: record pairs a confirm key agreed on
        /// but the refute keys refuted (e.g. a namesake relative born years apart).
        var refutedPairs: Int?
    }

    struct AmbiguityFigures: Encodable {
        var rule: String
        var link: String
        /// Tokens that named more than one unlinked cluster on a side.
        var tokens: Int
        /// Cluster pairs refused because a cluster matched different clusters.
        var conflicts: Int
        var recordIds: [String]
    }

    struct AttachFigures: Encodable {
        var dataset: String
        /// Spine records with a record of this dataset attached, by rule.
        var attachedBy: [String: Int]
        var unattached: Int
        /// How the attached record was chosen.
        var single: Int
        var samePerson: Int
        var nearestDate: Int
        var inputOrder: Int
    }

    struct RateTable: Encodable {
        var dataset: String
        var attribute: String
        var categories: [Category]
    }

    struct Category: Encodable {
        /// The attribute's value (`(missing)` for empty).
        var value: String
        var records: Int
        /// Per other dataset: records of this category attached to it.
        var linked: [String: Int]
        /// Per other dataset: linked / records, a fraction rounded to 4 places.
        var rate: [String: Double]
    }

    /// Attributes with more categories than this are left out of `link_rates`.
    static let maximumCategories = 60
}
