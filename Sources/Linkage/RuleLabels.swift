/// The rule labels of journeys.csv (`MK1`, `crime-reference-via-police.crimes`,
/// `person-via-police.crimes`), each stored once: a choice holds an index, not a string,
/// so millions of rows share a handful of strings.
///
/// Labels are numbered in the order first asked for (the linker's rules first), so the
/// numbering, like everything else in journeys, follows from the inputs alone.
struct RuleLabels {
    private(set) var labels: [String] = []
    private var index: [String: Int32] = [:]
    /// The label of each linker rule, by rule number.
    private var ofRule: [Int32] = []
    /// Chained labels by (rule, parent dataset).
    private var chained: [PackedKey: Int32] = [:]
    /// `person-via-` labels by dataset.
    private var personVia: [Int32?]
    private let ruleNames: [String]
    private let datasetNames: [String]

    init(linker: PersonLinker) {
        ruleNames = linker.rules
        datasetNames = linker.datasets.map(\.name)
        personVia = Array(repeating: nil, count: linker.datasets.count)
        for name in linker.rules { ofRule.append(intern(name)) }
    }

    private mutating func intern(_ label: String) -> Int32 {
        if let known = index[label] { return known }
        labels.append(label)
        index[label] = Int32(labels.count - 1)
        return Int32(labels.count - 1)
    }

    /// The label of a linker rule used directly (`MK1`, `crime-reference`).
    func rule(_ rule: Int32) -> Int32 { ofRule[Int(rule)] }

    /// `<rule>-via-<parent>`: a reference link from the record attached in `parent`.
    mutating func chained(rule: Int32, via parent: Int) -> Int32 {
        let key = PackedKey(high: Int(rule), low: parent)
        if let label = chained[key] { return label }
        let label = intern("\(ruleNames[Int(rule)])-via-\(datasetNames[parent])")
        chained[key] = label
        return label
    }

    /// `person-via-<dataset>`: the same person, joined through `dataset`.
    mutating func personVia(_ dataset: Int) -> Int32 {
        if let label = personVia[dataset] { return label }
        let label = intern("person-via-\(datasetNames[dataset])")
        personVia[dataset] = label
        return label
    }
}
