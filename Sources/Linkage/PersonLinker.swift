import Governance
import PathlinkCore

/// Builds persons (clusters of records) and record links, following docs/link.md
/// "Persons: what is and what is not a person link":
///
/// 1. within each dataset, records sharing a person identifier or the first match key
///    are one person;
/// 2. reference-domain links (plan order) attach records about the same crime or case,
///    and merge persons when a `confirm` key agrees and the `refute` keys do not all
///    disagree (a person may thereby join two clusters of the other dataset: a repeat
///    victim's two crimes);
/// 3. the match-key cascade, key by key in plan order, over every link that is `by`
///    person: a token joins two clusters only when, among the clusters not yet linked
///    for that pair of datasets, it names exactly one cluster on each side and neither
///    cluster is joined to a different cluster by another token of the same key; then,
///    for keys with the forename, the same over every cluster (split clusters).
///    Everything else is ambiguous and reported, never guessed.
final class PersonLinker {
    let plan: LinkagePlan
    /// Sorted by name: the run does not depend on the order of --input.
    let datasets: [LinkDataset]
    /// Global record number of each dataset's first record.
    let base: [Int]
    let datasetOfRecord: [Int]
    var sets: UnionFind
    /// Threads for the two sides of a cascade step (``Parallel/threads``); the result does
    /// not depend on it.
    var threads = 1

    /// Rule names, indexed by `Link.rule` and `PersonEvent.rule`.
    private(set) var rules: [String] = []
    private var ruleIndex: [String: Int] = [:]

    struct Link { var from: Int32; var to: Int32; var rule: Int32 }
    /// Record pairs for links.csv (global record numbers).
    var links: [Link] = []
    /// Reference links only (they attach records in journeys).
    private(set) var referenceLinks: [Link] = []

    /// Two clusters were joined for plan link `link` by `rule`.
    struct PersonEvent { var a: Int32; var b: Int32; var link: Int; var rule: Int32 }
    var events: [PersonEvent] = []

    /// Per rule: record pairs listed and clusters joined.
    var rulePairs: [Int] = []
    var ruleMerges: [Int] = []
    /// Per rule: record pairs a confirm key agreed on but the refute keys refuted (nil for
    /// rules without refute keys).
    private(set) var ruleRefuted: [Int?] = []
    private(set) var ruleKinds: [String] = []
    private(set) var ruleLinks: [String] = []

    struct Ambiguity {
        var rule: String
        var link: String
        /// Tokens naming more than one unlinked cluster on a side (and present on both).
        var tokens: Int
        /// Cluster pairs refused because one cluster matched several by different tokens.
        var conflicts: Int
        /// Global record numbers involved.
        var records: [Int]
    }
    private(set) var ambiguities: [Ambiguity] = []
    var warnings: [String] = []
    /// The probabilistic method's model, scores and estimates (nil for the cascade).
    var probabilistic: ProbabilisticOutcome?

    init(plan: LinkagePlan, datasets: [LinkDataset]) {
        self.plan = plan
        self.datasets = datasets
        var base: [Int] = []
        var owner: [Int] = []
        for (index, dataset) in datasets.enumerated() {
            base.append(owner.count)
            owner.append(contentsOf: repeatElement(index, count: dataset.rows))
        }
        self.base = base
        datasetOfRecord = owner
        sets = UnionFind(datasetOfRecord: owner)
    }

    /// The final cluster root of every record (call after ``run()``).
    func roots() -> [Int32] {
        (0..<sets.count).map { Int32(sets.find($0)) }
    }

    func index(of dataset: String) -> Int? { datasets.firstIndex { $0.name == dataset } }

    func rule(_ name: String, kind: String, link: String) -> Int32 {
        if let index = ruleIndex[name + "\u{1F}" + link] { return Int32(index) }
        ruleIndex[name + "\u{1F}" + link] = rules.count
        rules.append(name)
        ruleKinds.append(kind)
        ruleLinks.append(link)
        rulePairs.append(0)
        ruleMerges.append(0)
        ruleRefuted.append(nil)
        return Int32(rules.count - 1)
    }

    /// Run every step.
    func run() {
        // The datasets' token tables are built at the same time; the unions are then made
        // in the same order as one dataset after another would make them.
        let within = Parallel.map(datasets.count, threads: threads) { self.withinPairs($0) }
        for (index, pairs) in within.enumerated() {
            let first = base[index]
            for (representative, row) in pairs { sets.union(first + Int(representative), first + Int(row)) }
        }
        for (number, link) in plan.links.enumerated() {
            for domain in link.by where domain != "person" { linkReference(number, link, domain: domain) }
        }
        if plan.method == .probabilistic {
            runProbabilistic()
            return
        }
        for key in plan.matchKeys {
            for (number, link) in plan.links.enumerated() where link.by.contains("person") {
                cascade(number, link, key: key.name)
            }
        }
    }

    // MARK: Step 1: within a dataset

    /// The (first row, row) pairs of dataset `index` sharing a person identifier or the
    /// first match key, in the order they are to be united. Reads only the tokens.
    private func withinPairs(_ index: Int) -> [(Int32, Int32)] {
        let dataset = datasets[index]
        var columns = dataset.columns(.person)
        if let first = plan.matchKeys.first, let column = dataset.keyColumn(first.name), column.role == .matchKey {
            columns.append(column)
        }
        var pairs: [(Int32, Int32)] = []
        for column in columns {
            var table = TokenIndex(expected: dataset.rows, records: 0)
            var representative: [Int32] = []
            for (row, token) in column.values.enumerated() where !token.isMissing {
                let (slot, isNew) = table.insert(token)
                if isNew {
                    representative.append(Int32(row))
                } else {
                    pairs.append((representative[slot], Int32(row)))
                }
            }
        }
        return pairs
    }

    // MARK: Step 2: reference links

    private func linkReference(_ number: Int, _ link: LinkDefinition, domain: String) {
        guard let a = index(of: link.from), let b = index(of: link.to) else { return }
        let from = datasets[a], to = datasets[b]
        let fromColumns = from.identifierColumns(domain: domain), toColumns = to.identifierColumns(domain: domain)
        let linkName = "\(link.from) -> \(link.to)"
        guard !fromColumns.isEmpty, !toColumns.isEmpty else {
            warnings.append("link \(linkName) by \(domain): \(fromColumns.isEmpty ? link.from : link.to) has no \(domain) column; no records were linked by it")
            return
        }
        let ruleNumber = rule(domain, kind: "reference", link: linkName)
        var pairs: [(Int, Int)] = []
        for toColumn in toColumns {
            var table = TokenIndex(expected: to.rows, records: to.rows)
            for (row, token) in toColumn.values.enumerated() where !token.isMissing { table.add(token, record: row) }
            for fromColumn in fromColumns {
                for (row, token) in fromColumn.values.enumerated() where !token.isMissing {
                    guard let slot = table.slot(of: token) else { continue }
                    var other = table.head[slot]
                    while other >= 0 {
                        pairs.append((row, Int(other)))
                        other = table.next[Int(other)]
                    }
                }
            }
        }
        if fromColumns.count > 1 || toColumns.count > 1 {
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            var unique: [(Int, Int)] = []
            for pair in pairs where unique.last.map({ $0 != pair }) ?? true { unique.append(pair) }
            pairs = unique
        } else {
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        }
        for (row, other) in pairs {
            let record = Link(from: Int32(base[a] + row), to: Int32(base[b] + other), rule: ruleNumber)
            links.append(record)
            referenceLinks.append(record)
        }
        rulePairs[Int(ruleNumber)] += pairs.count

        // A domain that identifies persons on both sides is a person link in itself.
        let isPersonDomain = (fromColumns + toColumns).allSatisfy { $0.role == .person }
        if isPersonDomain {
            let personRule = rule(domain, kind: "person-identifier", link: linkName)
            for (row, other) in pairs where sets.union(base[a] + row, base[b] + other) {
                events.append(PersonEvent(a: Int32(base[a] + row), b: Int32(base[b] + other), link: number, rule: personRule))
                ruleMerges[Int(personRule)] += 1
            }
            return
        }
        // Otherwise persons merge only when a confirm key agrees, uniquely.
        let confirmColumns = link.confirm.compactMap { key -> (LinkDataset.TokenColumn, LinkDataset.TokenColumn)? in
            guard let left = from.keyColumn(key), let right = to.keyColumn(key) else { return nil }
            return (left, right)
        }
        if !link.confirm.isEmpty && confirmColumns.isEmpty {
            warnings.append("link \(linkName) by \(domain): neither dataset pair has any of the confirm keys \(link.confirm.joined(separator: ", ")); no persons were merged by it")
        }
        // The probabilistic method weighs the shared reference with every key instead.
        guard !confirmColumns.isEmpty, plan.method == .cascade else { return }
        // Refute keys veto the merge when both records have at least one of them and every
        // one they both have differs (e.g. the date of birth and its two-part pieces: a
        // one-part typo keeps a piece equal, people born years apart differ in all).
        let refuteColumns = link.refute.compactMap { key -> (LinkDataset.TokenColumn, LinkDataset.TokenColumn)? in
            guard let left = from.keyColumn(key), let right = to.keyColumn(key) else {
                warnings.append("link \(linkName) by \(domain): \(from.keyColumn(key) == nil ? link.from : link.to) has no \(key) column; \(key) refutes nothing for this link")
                return nil
            }
            return (left, right)
        }
        let confirmedRule = rule("\(domain)+confirm", kind: "reference-confirmed", link: linkName)
        if !refuteColumns.isEmpty && ruleRefuted[Int(confirmedRule)] == nil { ruleRefuted[Int(confirmedRule)] = 0 }
        var candidates: [(Int, Int, Int, Int)] = []   // rootA, rootB, row, other
        for (row, other) in pairs {
            let agrees = confirmColumns.contains { left, right in
                let token = left.values[row]
                return !token.isMissing && token == right.values[other]
            }
            guard agrees else { continue }
            var compared = false, refuted = true
            for (left, right) in refuteColumns {
                let token = left.values[row], otherToken = right.values[other]
                guard !token.isMissing && !otherToken.isMissing else { continue }
                compared = true
                if token == otherToken { refuted = false; break }
            }
            guard !(compared && refuted) else {
                ruleRefuted[Int(confirmedRule)]! += 1
                continue
            }
            let rootA = sets.find(base[a] + row), rootB = sets.find(base[b] + other)
            if rootA != rootB { candidates.append((rootA, rootB, row, other)) }
        }
        // docs/link.md: a confirmed, unrefuted pair merges its persons. A returner whose two
        // crimes form two police clusters is joined to both (docs/link.md).
        for candidate in candidates where sets.union(candidate.0, candidate.1) {
            events.append(PersonEvent(a: Int32(base[a] + candidate.2), b: Int32(base[b] + candidate.3), link: number, rule: confirmedRule))
            ruleMerges[Int(confirmedRule)] += 1
        }
    }

    /// Accept a candidate cluster pair only when neither cluster has another partner.
    /// - Returns: per candidate whether accepted, and the number of distinct refused pairs.
    private func acceptUnique(_ candidates: [(Int, Int)]) -> ([Bool], Int) {
        // Indexed by root (a record number): -2 = no candidate yet, -1 = several partners.
        var partnerOfA = [Int32](repeating: -2, count: sets.count)
        var partnerOfB = [Int32](repeating: -2, count: sets.count)
        for (rootA, rootB) in candidates {
            let knownA = partnerOfA[rootA]
            if knownA == -2 { partnerOfA[rootA] = Int32(rootB) } else if knownA != Int32(rootB) { partnerOfA[rootA] = -1 }
            let knownB = partnerOfB[rootB]
            if knownB == -2 { partnerOfB[rootB] = Int32(rootA) } else if knownB != Int32(rootA) { partnerOfB[rootB] = -1 }
        }
        var accepted: [Bool] = []
        accepted.reserveCapacity(candidates.count)
        var refused = Set<Int64>()
        for (rootA, rootB) in candidates {
            let isUnique = partnerOfA[rootA] == Int32(rootB) && partnerOfB[rootB] == Int32(rootA)
            accepted.append(isUnique)
            if !isUnique { refused.insert(Int64(rootA) << 32 | Int64(rootB)) }
        }
        return (accepted, refused.count)
    }

    // MARK: Step 3: the match-key cascade

    private func cascade(_ number: Int, _ link: LinkDefinition, key: String) {
        guard let a = index(of: link.from), let b = index(of: link.to) else { return }
        let linkName = "\(link.from) -> \(link.to)"
        guard let left = datasets[a].keyColumn(key), left.role == .matchKey,
              let right = datasets[b].keyColumn(key), right.role == .matchKey else {
            let lacking = datasets[a].keyColumn(key) == nil ? link.from : link.to
            warnings.append("link \(linkName) by person: \(lacking) has no \(key) column; \(key) was not used for this link")
            return
        }
        let ruleNumber = rule(key, kind: "matchkey", link: linkName)
        // The two sides only read the sets: built at the same time on two threads.
        let (sideA, sideB) = Parallel.both({ self.side(left, dataset: a, excludingLinkedTo: b) },
                                           { self.side(right, dataset: b, excludingLinkedTo: a) }, threads: threads)

        var candidates: [(Int, Int)] = []
        var candidateSlots: [(Int, Int)] = []
        var ambiguousTokens = 0
        var involved: [Int] = []
        for slotA in 0..<sideA.table.count {
            guard let slotB = sideB.table.slot(of: sideA.table.keys[slotA]) else { continue }
            if sideA.isShared[slotA] || sideB.isShared[slotB] {
                ambiguousTokens += 1
                involved += sideA.table.records(ofSlot: slotA).map { base[a] + $0 }
                involved += sideB.table.records(ofSlot: slotB).map { base[b] + $0 }
                continue
            }
            candidates.append((Int(sideA.root[slotA]), Int(sideB.root[slotB])))
            candidateSlots.append((slotA, slotB))
        }
        let (accepted, conflicts) = acceptUnique(candidates)
        for (position, (slotA, slotB)) in candidateSlots.enumerated() {
            let recordsA = sideA.table.records(ofSlot: slotA), recordsB = sideB.table.records(ofSlot: slotB)
            guard accepted[position] else {
                involved += recordsA.map { base[a] + $0 } + recordsB.map { base[b] + $0 }
                continue
            }
            for recordA in recordsA.reversed() {
                for recordB in recordsB.reversed() {
                    links.append(Link(from: Int32(base[a] + recordA), to: Int32(base[b] + recordB), rule: ruleNumber))
                }
            }
            rulePairs[Int(ruleNumber)] += recordsA.count * recordsB.count
            let (rootA, rootB) = candidates[position]
            if sets.union(rootA, rootB) {
                events.append(PersonEvent(a: Int32(base[a] + recordsA.last!), b: Int32(base[b] + recordsB.last!), link: number, rule: ruleNumber))
                ruleMerges[Int(ruleNumber)] += 1
            }
        }
        if ambiguousTokens > 0 || conflicts > 0 {
            ambiguities.append(Ambiguity(rule: key, link: linkName, tokens: ambiguousTokens, conflicts: conflicts, records: involved))
        }
        if let definition = plan.matchKeys.first(where: { $0.name == key }),
           definition.fields.contains(where: { $0 == .forename || $0 == .forenameNickname }) {
            recoverSplitClusters(number, left: left, right: right, a: a, b: b, rule: ruleNumber)
        }
    }

    /// The same key again, over every cluster, linked or not: a token that names exactly
    /// one cluster on each side joins them when one of the two is not yet linked to the
    /// other's dataset. This recovers a person whose records in one dataset form two
    /// clusters (a returner's second crime under a new nominal number, after a move), one
    /// of which is already linked: the step above never offers it. Counting every cluster
    /// keeps it as strict as the step above: a twin already linked to the other dataset
    /// still makes the token ambiguous. A token on an already-linked person's records of
    /// both sides and on one more cluster is not taken: at 200,000 persons that joined
    /// namesakes born the same day (precision 0.9986 on the typical profile). Only keys with the whole forename (or its nickname
    /// form) do this: twins and namesake-free siblings differ in it, and the newcomer is
    /// joined to a person whose other records it is never compared with
    /// (docs/link.md "Split clusters").
    private func recoverSplitClusters(_ number: Int, left: LinkDataset.TokenColumn, right: LinkDataset.TokenColumn, a: Int, b: Int, rule ruleNumber: Int32) {
        let (sideA, sideB) = Parallel.both({ self.side(left, dataset: a, excludingLinkedTo: nil) },
                                           { self.side(right, dataset: b, excludingLinkedTo: nil) }, threads: threads)
        let bitA = UInt64(1) << UInt64(a), bitB = UInt64(1) << UInt64(b)
        var candidates: [(Int, Int)] = []
        var candidateSlots: [(Int, Int)] = []
        for slotA in 0..<sideA.table.count where !sideA.isShared[slotA] {
            guard let slotB = sideB.table.slot(of: sideA.table.keys[slotA]), !sideB.isShared[slotB] else { continue }
            let x = Int(sideA.root[slotA]), y = Int(sideB.root[slotB])
            guard x != y, sets.mask(ofRoot: x) & bitB == 0 || sets.mask(ofRoot: y) & bitA == 0 else { continue }
            candidates.append((x, y))
            candidateSlots.append((slotA, slotB))
        }
        guard !candidates.isEmpty else { return }
        let (accepted, _) = acceptUnique(candidates)
        for (position, (slotA, slotB)) in candidateSlots.enumerated() where accepted[position] {
            // An earlier join of this pass may have moved either cluster under a new root.
            let rootA = sets.find(candidates[position].0), rootB = sets.find(candidates[position].1)
            guard rootA != rootB else { continue }
            // The record pairs this join makes: the token's records of A in one cluster,
            // of B in the other (pairs inside one cluster were joined by another rule).
            let recordsA = sideA.table.records(ofSlot: slotA).filter { sets.find(base[a] + $0) == rootA }
            let recordsB = sideB.table.records(ofSlot: slotB).filter { sets.find(base[b] + $0) == rootB }
            guard !recordsA.isEmpty, !recordsB.isEmpty, sets.union(rootA, rootB) else { continue }
            for recordA in recordsA.reversed() {
                for recordB in recordsB.reversed() {
                    links.append(Link(from: Int32(base[a] + recordA), to: Int32(base[b] + recordB), rule: ruleNumber))
                }
            }
            rulePairs[Int(ruleNumber)] += recordsA.count * recordsB.count
            events.append(PersonEvent(a: Int32(base[a] + recordsA.last!), b: Int32(base[b] + recordsB.last!), link: number, rule: ruleNumber))
            ruleMerges[Int(ruleNumber)] += 1
        }
    }

    /// One side of a cascade step: the key's tokens of clusters not yet linked to `other`.
    private struct Side {
        var table: TokenIndex
        /// Per token slot: the cluster root of its first record.
        var root: [Int32]
        /// Per token slot: whether the token names more than one cluster.
        var isShared: [Bool]
    }

    /// - Parameter other: leave out clusters already linked to this dataset (nil: keep all).
    private func side(_ column: LinkDataset.TokenColumn, dataset: Int, excludingLinkedTo other: Int?) -> Side {
        let otherBit = other.map { UInt64(1) << UInt64($0) } ?? 0
        var result = Side(table: TokenIndex(expected: column.values.count, records: column.values.count), root: [], isShared: [])
        // Read only (no path halving), so that both sides can be built at once.
        let sets = self.sets
        let first = base[dataset]
        for (row, token) in column.values.enumerated() where !token.isMissing {
            let root = sets.root(of: first + row)
            if sets.mask(ofRoot: root) & otherBit != 0 { continue }
            let slot = result.table.add(token, record: row)
            if slot == result.root.count {
                result.root.append(Int32(root))
                result.isShared.append(false)
            } else if Int(result.root[slot]) != root {
                result.isShared[slot] = true
            }
        }
        return result
    }
}
