import Governance

/// Chooses, for each spine record and each other dataset, the one record attached to it
/// in journeys.csv, and says by which rule (docs/link.md "Journeys").
///
/// Order of preference: a reference link from the spine record; a reference link from the
/// record already attached in the dataset through which this one is reached
/// (`crime-reference-via-police.crimes`); then the records of the same person
/// (`MK1`, `crime-reference+confirm`, or `person-via-<dataset>` when the person was
/// joined through a third dataset). Among several candidates: those of the spine
/// record's own person first, then the plan's `attach` rule (nearest date), else the
/// earliest in the owner's file. Each choice among several is counted.
///
/// The work is in named steps: ``JourneyOrder`` (which datasets, in which order),
/// ``JourneyCandidates`` (the records that may be attached, and the rule that found them),
/// ``pick(among:root:spineRecord:other:roots:dates:counts:)`` (one of several), and
/// ``RuleLabels`` (the rule names, each stored once).
struct Journeys {
    struct Choice {
        /// Global record number, or -1.
        var record: Int32
        /// Index in ``labels`` of the rule, -1 when nothing is attached.
        var label: Int32
    }

    /// Other datasets in journeys order: nearest to the spine first, then plan order.
    let others: [Int]
    /// Per other dataset: the dataset through which it is reached.
    let via: [Int: Int]
    /// Per spine row (in the spine's file order), per `others` entry: row-major,
    /// `others.count` choices a row (one array, not one per row). Rows are chosen in file
    /// order, where look-ups by record are mostly local; each choice depends on its row
    /// only, so the order does not change any choice or count.
    private(set) var choices: [Choice] = []
    /// Rule labels (`MK1`, `crime-reference-via-police.crimes`, …), each once.
    private(set) var labels: [String] = []
    /// Spine records in research-id order (global record numbers).
    let spineRecords: [Int]

    /// The choice for spine row `row` (file order) and `others[slot]`.
    @inline(__always)
    func choice(row: Int, _ slot: Int) -> Choice { choices[row * others.count + slot] }

    struct AttachCounts {
        var byRule: [String: Int] = [:]
        var unattached = 0
        /// Only one candidate.
        var single = 0
        /// Several candidates, one belonging to the spine record's person.
        var samePerson = 0
        /// Several candidates, chosen by the plan's nearest-date rule.
        var nearestDate = 0
        /// Several candidates, chosen by the default (earliest in the owner's file).
        var inputOrder = 0
    }
    private(set) var counts: [Int: AttachCounts] = [:]

    init(linker: PersonLinker, roots: [Int32], ids: ResearchIDs) {
        let spine = linker.index(of: linker.plan.output.spine)!
        let order = JourneyOrder(linker: linker, spine: spine)
        others = order.others
        via = order.via
        let spineRange = linker.base[spine]..<(linker.base[spine] + linker.datasets[spine].rows)
        spineRecords = Self.spineRecords(in: spineRange, ids: ids)

        let finder = JourneyCandidates(linker: linker, roots: roots, spine: spine, order: order)
        let dates = AttachDates(linker: linker, spine: spine)
        var ruleLabels = RuleLabels(linker: linker)
        var slotCounts = [AttachCounts](repeating: AttachCounts(), count: others.count)
        var byLabel = [[Int]](repeating: [], count: others.count)
        var choices: [Choice] = []
        choices.reserveCapacity(spineRange.count * others.count)
        // The record attached so far in each dataset, for chained reference links.
        var attached = [Int](repeating: -1, count: linker.datasets.count)
        var candidates: [Int] = []
        var scratch: [Int] = []
        for spineRecord in spineRange {
            let root = Int(roots[spineRecord])
            for other in others { attached[other] = -1 }
            for (slot, other) in others.enumerated() {
                let label = finder.find(spineRecord: spineRecord, root: root, slot: slot, other: other, attached: attached,
                                        labels: &ruleLabels, into: &candidates, scratch: &scratch)
                let chosen = Self.pick(among: candidates, root: root, spineRecord: spineRecord, other: other, roots: roots,
                                       dates: dates, counts: &slotCounts[slot])
                if chosen >= 0 {
                    attached[other] = chosen
                    while byLabel[slot].count <= Int(label) { byLabel[slot].append(0) }
                    byLabel[slot][Int(label)] += 1
                }
                choices.append(Choice(record: Int32(chosen), label: chosen >= 0 ? label : -1))
            }
        }
        var counts: [Int: AttachCounts] = [:]
        for (slot, other) in others.enumerated() where !spineRange.isEmpty {
            var figures = slotCounts[slot]
            for (label, count) in byLabel[slot].enumerated() where count > 0 { figures.byRule[ruleLabels.labels[label]] = count }
            counts[other] = figures
        }
        self.choices = choices
        self.labels = ruleLabels.labels
        self.counts = counts
    }

    /// The spine's records in research-id order: the ids' ranks are a permutation, so one
    /// pass over all records in that order keeps the spine's.
    private static func spineRecords(in range: Range<Int>, ids: ResearchIDs) -> [Int] {
        var records: [Int] = []
        records.reserveCapacity(range.count)
        for record in ids.recordsInOrder where range.contains(Int(record)) { records.append(Int(record)) }
        return records
    }

    /// The one record attached among `candidates` (-1 when there are none), counted in
    /// `counts` by how it was chosen: the only one; else the one of the spine record's own
    /// person; else the nearest in date by the plan's `attach` rule; else the earliest in
    /// the owner's file (the smallest record number).
    static func pick(among candidates: [Int], root: Int, spineRecord: Int, other: Int, roots: [Int32],
                     dates: AttachDates, counts: inout AttachCounts) -> Int {
        if candidates.isEmpty {
            counts.unattached += 1
            return -1
        }
        if candidates.count == 1 {
            counts.single += 1
            return candidates[0]
        }
        let own = candidates.filter { Int(roots[$0]) == root }
        if own.count == 1 {
            counts.samePerson += 1
            return own[0]
        }
        let pool = own.isEmpty ? candidates : own
        if let nearest = dates.nearest(spineRecord: spineRecord, other: other, among: pool) {
            counts.nearestDate += 1
            return nearest
        }
        counts.inputOrder += 1
        return pool.min()!
    }
}
