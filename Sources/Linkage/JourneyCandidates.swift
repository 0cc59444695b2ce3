/// The records of another dataset that may be attached to a spine record, and the rule
/// that makes them candidates, in the order of preference of docs/link.md "Journeys".
///
/// Built once per run: the members of each cluster and the reference neighbours of each
/// record as ``GroupedTable``s, and the first rule that joined each cluster for each plan
/// link; then ``find(spineRecord:root:slot:other:attached:labels:into:scratch:)`` answers
/// per spine record and dataset without allocating.
struct JourneyCandidates {
    private let linker: PersonLinker
    private let spine: Int
    private let via: [Int: Int]
    /// Records of each cluster, by root, in record order.
    private let members: GroupedTable<Int32>
    /// Reference neighbours of each record (both directions), in reference-link order.
    private let neighbours: GroupedTable<(record: Int32, rule: Int32)>
    /// The first rule that joined a final cluster for a plan link, by (root, link number).
    private let firstRule: [PackedKey: Int32]
    /// Per journeys slot: the number of the plan link between the spine and that dataset.
    private let linkNumbers: [Int?]

    init(linker: PersonLinker, roots: [Int32], spine: Int, order: JourneyOrder) {
        self.linker = linker
        self.spine = spine
        via = order.via
        let total = roots.count
        members = GroupedTable(groupCount: total, filler: 0) { add in
            for record in 0..<total { add(Int(roots[record]), Int32(record)) }
        }
        neighbours = GroupedTable(groupCount: total, filler: (0, 0)) { add in
            for link in linker.referenceLinks {
                add(Int(link.from), (link.to, link.rule))
                add(Int(link.to), (link.from, link.rule))
            }
        }
        var firstRule: [PackedKey: Int32] = [:]
        for event in linker.events {
            let key = PackedKey(high: Int(roots[Int(event.a)]), low: event.link)
            if firstRule[key] == nil { firstRule[key] = event.rule }
        }
        self.firstRule = firstRule
        let links = linker.plan.links
        linkNumbers = order.others.map { other in
            links.firstIndex { link in
                let pair = [linker.index(of: link.from), linker.index(of: link.to)]
                return pair == [spine, other] || pair == [other, spine]
            }
        }
    }

    /// Puts into `candidates` the records of `other` that may be attached to `spineRecord`
    /// and returns the label of the rule that found them (-1 when there are none).
    ///
    /// - Parameters:
    ///   - attached: the record already attached in each dataset for this spine record
    ///     (-1 for none); datasets earlier in journeys order are filled in.
    ///   - scratch: a buffer reused between calls.
    func find(spineRecord: Int, root: Int, slot: Int, other: Int, attached: [Int], labels: inout RuleLabels,
              into candidates: inout [Int], scratch: inout [Int]) -> Int32 {
        candidates.removeAll(keepingCapacity: true)
        let range = linker.base[other]..<(linker.base[other] + linker.datasets[other].rows)
        // 1. A reference link from the spine record.
        if let rule = referenceCandidates(of: spineRecord, in: range, into: &candidates) {
            return labels.rule(rule)
        }
        // 2. A reference link from the record attached in the dataset this one is reached through.
        let parent = via[other]!
        if parent != spine && attached[parent] >= 0 {
            scratch.removeAll(keepingCapacity: true)
            if let rule = referenceCandidates(of: attached[parent], in: range, into: &scratch) {
                swap(&candidates, &scratch)
                return labels.chained(rule: rule, via: parent)
            }
        }
        // 3. The records of the same person, labelled by the rule that joined the person.
        for member in members[root] where range.contains(Int(member)) { candidates.append(Int(member)) }
        guard !candidates.isEmpty else { return -1 }
        if let number = linkNumbers[slot], let rule = firstRule[PackedKey(high: root, low: number)] {
            return labels.rule(rule)
        }
        let through = parent == spine ? firstThird(root: root, excluding: [spine, other]) ?? parent : parent
        return labels.personVia(through)
    }

    /// The distinct reference neighbours of `record` within `range` into `found`, and the
    /// rule of the first (nil when there is none).
    private func referenceCandidates(of record: Int, in range: Range<Int>, into found: inout [Int]) -> Int32? {
        var rule: Int32?
        for neighbour in neighbours[record] {
            let candidate = Int(neighbour.record)
            if range.contains(candidate) && !found.contains(candidate) {
                found.append(candidate)
                if rule == nil { rule = neighbour.rule }
            }
        }
        return rule
    }

    /// The first dataset (by number, i.e. by name) other than `excluding` with a record in
    /// the cluster: the dataset through which the person was joined.
    private func firstThird(root: Int, excluding: [Int]) -> Int? {
        var best: Int?
        for member in members[root] {
            let dataset = linker.datasetOfRecord[Int(member)]
            if !excluding.contains(dataset) && (best == nil || dataset < best!) { best = dataset }
        }
        return best
    }
}
