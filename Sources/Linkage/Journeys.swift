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
        let plan = linker.plan
        let spine = linker.index(of: plan.output.spine)!
        // Breadth-first over the plan's links from the spine.
        var others: [Int] = []
        var via: [Int: Int] = [:]
        var frontier = [spine]
        var seen: Set<Int> = [spine]
        while !frontier.isEmpty {
            var nextFrontier: [Int] = []
            for current in frontier {
                for link in plan.links {
                    let pair = [linker.index(of: link.from), linker.index(of: link.to)].compactMap { $0 }
                    guard pair.count == 2, pair.contains(current) else { continue }
                    let other = pair[0] == current ? pair[1] : pair[0]
                    if seen.insert(other).inserted {
                        others.append(other)
                        via[other] = current
                        nextFrontier.append(other)
                    }
                }
            }
            frontier = nextFrontier
        }
        self.others = others
        self.via = via

        let total = roots.count
        // Members of each cluster, grouped by root (counting sort).
        var start = [Int32](repeating: 0, count: total + 1)
        for root in roots { start[Int(root) + 1] += 1 }
        for index in 0..<total { start[index + 1] += start[index] }
        var fill = start
        var members = [Int32](repeating: 0, count: total)
        for record in 0..<total {
            let root = Int(roots[record])
            members[Int(fill[root])] = Int32(record)
            fill[root] += 1
        }
        // Reference neighbours of each record (both directions).
        var referenceStart = [Int32](repeating: 0, count: total + 1)
        for link in linker.referenceLinks {
            referenceStart[Int(link.from) + 1] += 1
            referenceStart[Int(link.to) + 1] += 1
        }
        for index in 0..<total { referenceStart[index + 1] += referenceStart[index] }
        var referenceFill = referenceStart
        var neighbours = [(record: Int32, rule: Int32)](repeating: (0, 0), count: Int(referenceStart[total]))
        for link in linker.referenceLinks {
            neighbours[Int(referenceFill[Int(link.from)])] = (link.to, link.rule)
            referenceFill[Int(link.from)] += 1
            neighbours[Int(referenceFill[Int(link.to)])] = (link.from, link.rule)
            referenceFill[Int(link.to)] += 1
        }
        // The first rule that joined a final cluster for each plan link.
        var eventRule: [Int64: Int32] = [:]
        for event in linker.events {
            let key = Int64(roots[Int(event.a)]) << 16 | Int64(event.link)
            if eventRule[key] == nil { eventRule[key] = event.rule }
        }
        func linkNumber(_ x: Int, _ y: Int) -> Int? {
            plan.links.firstIndex { link in
                let pair = [linker.index(of: link.from), linker.index(of: link.to)]
                return pair == [x, y] || pair == [y, x]
            }
        }
        let linkNumbers = others.map { linkNumber(spine, $0) }

        // Labels are interned: a row holds an index, not a string.
        var labels: [String] = []
        var labelIndex: [String: Int32] = [:]
        func intern(_ label: String) -> Int32 {
            if let index = labelIndex[label] { return index }
            labels.append(label)
            labelIndex[label] = Int32(labels.count - 1)
            return Int32(labels.count - 1)
        }
        let ruleLabels = linker.rules.map(intern)
        var chainedLabels: [Int: Int32] = [:]   // rule << 16 | parent
        func chainedLabel(rule: Int32, parent: Int) -> Int32 {
            let key = Int(rule) << 16 | parent
            if let label = chainedLabels[key] { return label }
            let label = intern("\(linker.rules[Int(rule)])-via-\(linker.datasets[parent].name)")
            chainedLabels[key] = label
            return label
        }
        var personViaLabels: [Int32?] = Array(repeating: nil, count: linker.datasets.count)
        func personViaLabel(_ dataset: Int) -> Int32 {
            if let label = personViaLabels[dataset] { return label }
            let label = intern("person-via-\(linker.datasets[dataset].name)")
            personViaLabels[dataset] = label
            return label
        }

        let spineBase = linker.base[spine], spineEnd = spineBase + linker.datasets[spine].rows
        var spineRecords: [Int] = []
        spineRecords.reserveCapacity(spineEnd - spineBase)
        // Ranks are a permutation: one pass over the records in research-id order.
        for record in ids.recordsInOrder where record >= spineBase && record < spineEnd { spineRecords.append(Int(record)) }
        self.spineRecords = spineRecords
        let dates = AttachDates(linker: linker, spine: spine)
        var slotCounts = [AttachCounts](repeating: AttachCounts(), count: others.count)
        var byLabel = [[Int]](repeating: [], count: others.count)
        var choices: [Choice] = []
        choices.reserveCapacity((spineEnd - spineBase) * others.count)
        var attached = [Int](repeating: -1, count: linker.datasets.count)
        var candidates: [Int] = []
        var chained: [Int] = []
        for spineRecord in spineBase..<spineEnd {
            let root = Int(roots[spineRecord])
            for other in others { attached[other] = -1 }
            for (slot, other) in others.enumerated() {
                candidates.removeAll(keepingCapacity: true)
                var label: Int32 = -1
                let otherBase = linker.base[other], otherEnd = otherBase + linker.datasets[other].rows
                /// The distinct reference neighbours of `record` in `other` into `found`, and
                /// the rule of the first.
                func referenceCandidates(of record: Int, into found: inout [Int]) -> Int32? {
                    var rule: Int32?
                    for index in Int(referenceStart[record])..<Int(referenceStart[record + 1]) {
                        let neighbour = Int(neighbours[index].record)
                        if neighbour >= otherBase && neighbour < otherEnd && !found.contains(neighbour) {
                            found.append(neighbour)
                            if rule == nil { rule = neighbours[index].rule }
                        }
                    }
                    return rule
                }
                let directRule = referenceCandidates(of: spineRecord, into: &candidates)
                let parent = via[other]!
                var chainedRule: Int32?
                if directRule == nil && parent != spine && attached[parent] >= 0 {
                    chained.removeAll(keepingCapacity: true)
                    chainedRule = referenceCandidates(of: attached[parent], into: &chained)
                }
                if let directRule {
                    label = ruleLabels[Int(directRule)]
                } else if let chainedRule {
                    swap(&candidates, &chained)
                    label = chainedLabel(rule: chainedRule, parent: parent)
                } else {
                    for index in Int(start[root])..<Int(start[root + 1]) {
                        let member = Int(members[index])
                        if member >= otherBase && member < otherEnd { candidates.append(member) }
                    }
                    if !candidates.isEmpty {
                        if let number = linkNumbers[slot], let eventRuleNumber = eventRule[Int64(root) << 16 | Int64(number)] {
                            label = ruleLabels[Int(eventRuleNumber)]
                        } else {
                            label = personViaLabel(parent == spine ? Journeys.firstThird(root: root, start: start, members: members, linker: linker, excluding: [spine, other]) ?? parent : parent)
                        }
                    }
                }
                let chosen: Int
                if candidates.isEmpty {
                    chosen = -1
                    slotCounts[slot].unattached += 1
                } else if candidates.count == 1 {
                    chosen = candidates[0]
                    slotCounts[slot].single += 1
                } else {
                    let own = candidates.filter { Int(roots[$0]) == root }
                    if own.count == 1 {
                        chosen = own[0]
                        slotCounts[slot].samePerson += 1
                    } else {
                        let pool = own.isEmpty ? candidates : own
                        if let nearest = dates.nearest(spineRecord: spineRecord, other: other, among: pool) {
                            chosen = nearest
                            slotCounts[slot].nearestDate += 1
                        } else {
                            chosen = pool.min()!
                            slotCounts[slot].inputOrder += 1
                        }
                    }
                }
                if chosen >= 0 {
                    attached[other] = chosen
                    while byLabel[slot].count <= Int(label) { byLabel[slot].append(0) }
                    byLabel[slot][Int(label)] += 1
                }
                choices.append(Choice(record: Int32(chosen), label: chosen >= 0 ? label : -1))
            }
        }
        var counts: [Int: AttachCounts] = [:]
        for (slot, other) in others.enumerated() where spineEnd > spineBase {
            var figures = slotCounts[slot]
            for (label, count) in byLabel[slot].enumerated() where count > 0 { figures.byRule[labels[label]] = count }
            counts[other] = figures
        }
        self.choices = choices
        self.labels = labels
        self.counts = counts
    }

    /// The first dataset (by name) other than `excluding` with a record in the cluster.
    private static func firstThird(root: Int, start: [Int32], members: [Int32], linker: PersonLinker, excluding: [Int]) -> Int? {
        var best: Int?
        for index in Int(start[root])..<Int(start[root + 1]) {
            let dataset = linker.datasetOfRecord[Int(members[index])]
            if !excluding.contains(dataset) && (best == nil || dataset < best!) { best = dataset }
        }
        return best
    }
}

/// Dates for the plan's `attach: {nearest: …}` rules, read from attribute columns.
///
/// Values may be full dates (`YYYY-MM-DD`), months (`YYYY-MM`, as extracts generalise
/// them) or years (`YYYY`); a month counts as its 16th day and a year as 1 July, so a
/// month-generalised date is compared at mid-month. Other values count as missing.
struct AttachDates {
    /// Per dataset with a rule: day numbers of each record's date (nil when missing).
    private var otherDays: [Int: [Int?]] = [:]
    private var spineDays: [Int: [Int?]] = [:]
    private let base: [Int]
    private let spine: Int

    init(linker: PersonLinker, spine: Int) {
        base = linker.base
        self.spine = spine
        for (name, rule) in linker.plan.output.attach {
            guard let other = linker.index(of: name) else { continue }
            switch rule {
            case .nearest(let spineColumn, let otherColumn):
                guard let spineAttribute = linker.datasets[spine].attribute(named: spineColumn),
                      let otherAttribute = linker.datasets[other].attribute(named: otherColumn) else { continue }
                spineDays[other] = AttachDates.days(spineAttribute)
                otherDays[other] = AttachDates.days(otherAttribute)
            }
        }
    }

    private static func days(_ column: LinkDataset.AttributeColumn) -> [Int?] {
        let byCode = column.dictionary.values.map(AttachDates.dayNumber)
        return column.codes.map { byCode[Int($0)] }
    }

    /// An approximate day number: year*372 + (month-1)*31 + day.
    static func dayNumber(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4) else { return nil }
        switch bytes.count {
        case 4: return year * 372 + 6 * 31 + 1
        case 7:
            guard bytes[4] == 0x2D, let month = number(5..<7), (1...12).contains(month) else { return nil }
            return year * 372 + (month - 1) * 31 + 16
        case 10:
            guard bytes[4] == 0x2D, bytes[7] == 0x2D, let month = number(5..<7), let day = number(8..<10),
                  (1...12).contains(month), (1...31).contains(day) else { return nil }
            return year * 372 + (month - 1) * 31 + day
        default: return nil
        }
    }

    /// The candidate nearest in date to the spine record; ties go to the earlier date,
    /// then the earlier row. Nil when there is no rule or no dates to compare.
    func nearest(spineRecord: Int, other: Int, among candidates: [Int]) -> Int? {
        guard let spineColumn = spineDays[other], let otherColumn = otherDays[other],
              let spineDay = spineColumn[spineRecord - base[spine]] else { return nil }
        var best: (distance: Int, day: Int, record: Int)?
        for candidate in candidates {
            guard let day = otherColumn[candidate - base[other]] else { continue }
            let key = (distance: abs(day - spineDay), day: day, record: candidate)
            if best == nil || key < best! { best = key }
        }
        return best?.record
    }
}
