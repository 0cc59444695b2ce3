import Foundation
import Testing
import Extraction
import Governance
import PathlinkCore
import Pseudonymisation
import Synthesis
import Tabular
@testable import Linkage

/// Linkage quality against the synthetic ground truth (issue 4; docs/link.md "Linkage
/// quality on synthetic data").
///
/// The whole pipeline runs in-process on the shipped manifests and plan: synth → extract →
/// pseudonymise (a fixed test key) → link (a fixed linker secret). Records are mapped back
/// to their true persons by position: an extract keeps the export's row order minus the
/// rows its `rows:` filter excludes, pseudonymise and the linker keep the extract's order,
/// and the ground truth names every export row, its person and whether it is excluded.
/// Precision and recall are over cross-source record pairs: pairs of records from two
/// different datasets that the linker puts in one person (linked) or that the ground truth
/// does (true).
@Suite("Ground-truth evaluation")
struct GroundTruthEvaluationTests {
    static let persons = 5000
    /// Seed 1 (docs/link.md's figures); `PATHLINK_GROUND_TRUTH_SEED=N` measures another
    /// synthetic population with the same assertions.
    static let seed = ProcessInfo.processInfo.environment["PATHLINK_GROUND_TRUTH_SEED"].flatMap { UInt64($0) } ?? 1

    /// The targets, both asserted (measured with the shipped plan on seed 1:
    /// precision 1.0000, recall 0.9901; see docs/link.md).
    static let targetPrecision = 0.998
    static let targetRecall = 0.985

    @Test("the shipped plan links synthetic data with the precision and recall of issue 4")
    func shippedPlanOnSyntheticData() throws {
        let run = try PipelineRun(persons: Self.persons, seed: Self.seed)
        let evaluation = run.evaluation
        print(evaluation.report(persons: Self.persons, seed: Self.seed))

        // The evaluation saw exactly what the linker wrote.
        #expect(evaluation.linkedPersons == run.summary.persons)
        #expect(evaluation.records == run.summary.records)
        // Replaying the recorded merges from the within-dataset clusters gives the linker's persons.
        #expect(evaluation.replayAgrees)
        // Something to measure: thousands of true cross-source pairs.
        #expect(evaluation.overall.truePairs > Self.persons / 4)

        #expect(evaluation.overall.precision >= Self.targetPrecision)
        #expect(evaluation.overall.recall >= Self.targetRecall)
        // No rule may be careless: a key without date of birth, for one, merges a mother and
        // her namesake daughter at one address (synth's shared-postcode scenario).
        for rule in evaluation.rules {
            #expect(rule.precision >= Self.targetPrecision, "rule \(rule.name): precision \(rule.precision)")
        }
    }

    /// The grid in small (Benchmarks/linkage-grid/run is the full one): both profiles, two
    /// seeds. Precision must reach issue 16's target everywhere; recall must reach issue 4's
    /// target on the typical profile and must not fall below what this plan measured on
    /// the hard profile (0.94 at 20,000 persons: a floor against regressions, short of
    /// issue 16's 0.99; docs/link.md "Linkage quality on a grid").
    @Test("the shipped plan on a grid of profiles and seeds: precision everywhere, recall floors", arguments: [
        ("typical", UInt64(1)), ("typical", UInt64(2)), ("hard", UInt64(1)), ("hard", UInt64(2)),
    ])
    func grid(profileName: String, seed: UInt64) throws {
        let profile = try #require(SynthesisProfile.named(profileName))
        let run = try PipelineRun(persons: 4000, seed: seed, profile: profile)
        let evaluation = run.evaluation
        print(evaluation.report(persons: 4000, seed: seed, profile: profile.name))
        #expect(evaluation.replayAgrees)
        #expect(evaluation.overall.precision >= Self.targetPrecision)
        #expect(evaluation.overall.recall >= (profile == .typical ? Self.targetRecall : 0.93))
    }
}

// MARK: - Running the pipeline

/// One in-process run of synth → extract → pseudonymise → link on the shipped files.
struct PipelineRun {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let manifests = [
        "support-service.cases": "schemas/support-service/cases.yaml",
        "police.crimes": "schemas/police/crimes.yaml",
        "cps.cases": "schemas/cps/cases.yaml",
    ]
    static let planPath = repository + "/governance/linkage.yaml"
    /// A fixed test key and linker secret, so that the run is the same every time.
    static let keyBytes: [UInt8] = (0..<32).map { UInt8(($0 * 37 + 11) & 0xFF) }
    static let secretBytes: [UInt8] = (0..<32).map { UInt8(($0 * 53 + 7) & 0xFF) }

    let summary: LinkSummary
    let evaluation: LinkageEvaluation

    /// - Parameters:
    ///   - planPath: the plan to link with (default: the shipped one).
    ///   - inspect: called with the run's folder (raw exports, extracts), the linker and the
    ///     ground truth before the folder is removed (diagnostics).
    init(persons: Int, seed: UInt64, profile: SynthesisProfile = .typical, planPath: String = PipelineRun.planPath,
         inspect: ((String, PersonLinker, GroundTruth) throws -> Void)? = nil) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pathlink-groundtruth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let raw = folder + "/raw"
        let synth = try Synthesiser.run(.init(persons: persons, seed: seed, output: raw, rates: profile.mess, population: profile.population, showsProgress: false))

        let plan = try LinkagePlan.load(path: planPath)
        let key = try MasterKey(bytes: Self.keyBytes)
        var inputs: [(dataset: String, path: String)] = []
        for export in SyntheticExport.exports {
            let dataset = export.dataset!
            let manifest = try Manifest.load(path: Self.repository + "/" + Self.manifests[dataset]!)
            let extract = folder + "/\(dataset).extract.csv", tokens = folder + "/\(dataset).tokens.csv"
            var extractor = Extractor(manifest: manifest)
            extractor.showProgress = false
            try extractor.run(input: synth.path(of: export), output: extract)
            try Pseudonymiser(manifest: manifest, plan: plan, key: key, showProgress: false).run(input: extract, output: tokens)
            inputs.append((dataset, tokens))
        }

        // The real stage, as `pathlink link --secret` runs it…
        summary = try Linker.link(LinkOptions(planPath: planPath, inputs: inputs, outputPath: folder + "/linked",
                                              secret: LinkerSecret(bytes: Self.secretBytes), force: false))
        // …and the same steps in memory, where the clusters can be seen.
        let secret = LinkerSecret(bytes: Self.secretBytes)
        let rekeyer = Rekeyer(key: try secret.derivedKey("rekey"))
        let datasets = try Linker.checkedInputs(inputs, plan: plan).map {
            try LinkDataset(name: $0.dataset, path: $0.path, rekeyer: rekeyer)
        }
        let linker = PersonLinker(plan: plan, datasets: datasets)
        linker.run()
        var withinPlan = plan
        withinPlan.links = []
        let within = PersonLinker(plan: withinPlan, datasets: datasets)
        within.run()

        let truth = try GroundTruth(path: synth.path(of: .groundTruth), datasets: datasets, folder: folder)
        evaluation = LinkageEvaluation(linker: linker, withinDatasetRoots: within.roots(), truth: truth)
        try inspect?(folder, linker, truth)
    }
}

/// The true person of every record the linker saw, in the linker's global record order.
struct GroundTruth {
    /// Per global record: an index of its true person.
    let person: [Int]

    /// - Parameter folder: where the extracts lie (`<dataset>.extract.csv`), to check the
    ///   row mapping against the support service's own case numbers.
    init(path: String, datasets: [LinkDataset], folder: String) throws {
        let table = try CSVTable(contentsOf: path)
        let column = { (name: GroundTruthColumn) in table.index(of: name.rawValue)! }
        let datasetColumn = column(.dataset), rowColumn = column(.row), personColumn = column(.personID)
        let excludedColumn = column(.excluded), keyColumn = column(.recordKey)

        var personIndex: [String: Int] = [:]
        // Per dataset: (export row, person index, record key) of the records the extract kept.
        var kept: [String: [(row: Int, person: Int, key: String)]] = [:]
        for row in table.rows where row[excludedColumn].isEmpty {
            let person = personIndex[row[personColumn], default: personIndex.count]
            personIndex[row[personColumn]] = person
            kept[row[datasetColumn], default: []].append((Int(row[rowColumn])!, person, row[keyColumn]))
        }
        var person: [Int] = []
        for dataset in datasets {
            let records = (kept[dataset.name] ?? []).sorted { $0.row < $1.row }
            guard records.count == dataset.rows else {
                throw PathlinkError(.invalidValue, file: path, problem: "\(dataset.name): the ground truth keeps \(records.count) records, the linker read \(dataset.rows)",
                                    remedy: "the extract's row filter and the ground truth's `excluded` column disagree")
            }
            if dataset.name == "support-service.cases" {
                // The extract keeps the raw case number: it must be the ground truth's record key, row by row.
                let extract = try CSVTable(contentsOf: folder + "/\(dataset.name).extract.csv")
                let caseColumn = extract.index(of: "case_id")!
                guard extract.rows.map({ $0[caseColumn] }) == records.map(\.key) else {
                    throw PathlinkError(.invalidValue, file: path, problem: "support case numbers do not follow the ground truth's row order",
                                        remedy: "map records to persons by another join")
                }
            }
            person += records.map(\.person)
        }
        self.person = person
    }
}

// MARK: - Measuring

/// Cross-source pair counts and what they give.
struct PairCounts {
    /// Cross-source pairs the linker put in one person.
    var linkedPairs = 0
    /// …of which the ground truth also puts in one person.
    var correctPairs = 0
    /// Cross-source pairs the ground truth puts in one person.
    var truePairs = 0

    var precision: Double { linkedPairs == 0 ? 1 : Double(correctPairs) / Double(linkedPairs) }
    var recall: Double { truePairs == 0 ? 1 : Double(correctPairs) / Double(truePairs) }
    var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
}

/// Precision and recall of one run, overall and per rule.
///
/// Per rule: the linker's person merges are replayed in the order it made them, from the
/// within-dataset clusters; the cross-source pairs a merge joins for the first time are
/// credited to its rule. A rule's recall is its share of all true pairs, so the rules'
/// recalls add up to the overall recall.
struct LinkageEvaluation {
    struct Rule {
        var name: String
        var merges = 0
        var counts = PairCounts()
        var linkedPairs: Int { counts.linkedPairs }
        var precision: Double { counts.precision }
        var recall: Double { counts.recall }
    }

    /// Why the true pairs the linker missed were missed.
    struct Misses {
        var pairs = 0
        /// Some match key agrees (equal, non-empty tokens), but its token was ambiguous
        /// or the clusters were already joined elsewhere.
        var sharingAKey = 0
        /// Only a confirm key agrees.
        var sharingOnlyAConfirmKey = 0
        /// No key of the plan agrees.
        var sharingNothing = 0
        /// Per match key: missed pairs on which it agrees.
        var byKey: [(String, Int)] = []
        /// Missed pairs by the set of keys (match and confirm) that agree on them.
        var byPattern: [String: Int] = [:]
    }

    let records: Int
    let linkedPersons: Int
    let truePersons: Int
    let overall: PairCounts
    let rules: [Rule]
    let misses: Misses
    let replayAgrees: Bool

    init(linker: PersonLinker, withinDatasetRoots: [Int32], truth: GroundTruth) {
        let roots = linker.roots()
        let dataset = linker.datasetOfRecord
        let datasetCount = linker.datasets.count
        let records = roots.count
        self.records = records
        linkedPersons = Set(roots).count
        truePersons = Set(truth.person).count
        let linkedPersons = self.linkedPersons

        /// Cross-source pairs within a group, from its records per dataset.
        func crossPairs(_ perDataset: [Int]) -> Int {
            let total = perDataset.reduce(0, +)
            return (total * total - perDataset.reduce(0) { $0 + $1 * $1 }) / 2
        }
        func grouped(_ key: (Int) -> Int) -> [Int: [Int]] {
            var groups: [Int: [Int]] = [:]
            for record in 0..<records {
                groups[key(record), default: Array(repeating: 0, count: datasetCount)][dataset[record]] += 1
            }
            return groups
        }
        var counts = PairCounts()
        counts.truePairs = grouped { truth.person[$0] }.values.reduce(0) { $0 + crossPairs($1) }
        counts.linkedPairs = grouped { Int(roots[$0]) }.values.reduce(0) { $0 + crossPairs($1) }
        counts.correctPairs = grouped { Int(roots[$0]) * (truth.person.count + 1) + truth.person[$0] }.values.reduce(0) { $0 + crossPairs($1) }
        overall = counts

        // Replay: per cluster root, its records per true person per dataset.
        var sets = UnionFind(datasetOfRecord: dataset)
        for record in 0..<records { sets.union(record, Int(withinDatasetRoots[record])) }
        var composition: [Int: [Int: [Int]]] = [:]
        for record in 0..<records {
            composition[sets.find(record), default: [:]][truth.person[record], default: Array(repeating: 0, count: datasetCount)][dataset[record]] += 1
        }
        var byName: [String: Rule] = [:]
        var order: [String] = []
        for event in linker.events {
            let rootA = sets.find(Int(event.a)), rootB = sets.find(Int(event.b))
            guard rootA != rootB else { continue }
            let left = composition.removeValue(forKey: rootA)!, right = composition.removeValue(forKey: rootB)!
            let totalLeft = left.values.reduce(Array(repeating: 0, count: datasetCount)) { zip($0, $1).map(+) }
            let totalRight = right.values.reduce(Array(repeating: 0, count: datasetCount)) { zip($0, $1).map(+) }
            func between(_ x: [Int], _ y: [Int]) -> Int {
                var pairs = 0
                for d in 0..<datasetCount { for e in 0..<datasetCount where d != e { pairs += x[d] * y[e] } }
                return pairs
            }
            let name = linker.rules[Int(event.rule)]
            if byName[name] == nil { order.append(name); byName[name] = Rule(name: name) }
            byName[name]!.merges += 1
            byName[name]!.counts.linkedPairs += between(totalLeft, totalRight)
            for (person, counts) in left { if let other = right[person] { byName[name]!.counts.correctPairs += between(counts, other) } }
            sets.union(rootA, rootB)
            var merged = left
            for (person, counts) in right { merged[person] = merged[person].map { zip($0, counts).map(+) } ?? counts }
            composition[sets.find(rootA)] = merged
        }
        rules = order.map { name in
            var rule = byName[name]!
            rule.counts.truePairs = counts.truePairs
            return rule
        }
        // Every linker person lies within one replayed cluster, and there are as many.
        replayAgrees = (0..<records).allSatisfy { sets.find($0) == sets.find(Int(roots[$0])) } && Set((0..<records).map { sets.find($0) }).count == linkedPersons

        // The misses, by which keys agree.
        var missed = Misses()
        let matchKeys = linker.plan.matchKeys.map(\.name), confirmKeys = linker.plan.confirmKeys.map(\.name)
        func column(_ key: String, _ record: Int) -> Token {
            guard let tokens = linker.datasets[dataset[record]].keyColumn(key) else { return .missing }
            return tokens.values[record - linker.base[dataset[record]]]
        }
        func agrees(_ key: String, _ x: Int, _ y: Int) -> Bool {
            let token = column(key, x)
            return !token.isMissing && token == column(key, y)
        }
        var missesByKey = Array(repeating: 0, count: matchKeys.count)
        var recordsOfPerson: [Int: [Int]] = [:]
        for record in 0..<records { recordsOfPerson[truth.person[record], default: []].append(record) }
        for person in recordsOfPerson.keys.sorted() {
            let members = recordsOfPerson[person]!
            for (i, x) in members.enumerated() {
                for y in members[(i + 1)...] where dataset[x] != dataset[y] && roots[x] != roots[y] {
                    missed.pairs += 1
                    let agreeing = matchKeys.indices.filter { agrees(matchKeys[$0], x, y) }
                    let pattern = (matchKeys + confirmKeys).filter { agrees($0, x, y) }
                    let pairName = [linker.datasets[dataset[x]].name, linker.datasets[dataset[y]].name].sorted().joined(separator: "~")
                    missed.byPattern["\(pairName): " + (pattern.isEmpty ? "-" : pattern.joined(separator: "+")), default: 0] += 1
                    for key in agreeing { missesByKey[key] += 1 }
                    if !agreeing.isEmpty {
                        missed.sharingAKey += 1
                    } else if confirmKeys.contains(where: { agrees($0, x, y) }) {
                        missed.sharingOnlyAConfirmKey += 1
                    } else {
                        missed.sharingNothing += 1
                    }
                }
            }
        }
        missed.byKey = zip(matchKeys, missesByKey).map { ($0, $1) }
        misses = missed
    }

    /// The figures as Markdown, for the test log and docs/link.md.
    func report(persons: Int, seed: UInt64, profile: String = "typical") -> String {
        func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
        func ratio(_ value: Double) -> String { String(format: "%.4f", value) }
        var lines = [
            "Linkage quality on synthetic data (pathlink synth --persons \(persons) --seed \(seed) --profile \(profile); shipped manifests and governance/linkage.yaml)",
            "",
            "records \(records), true persons \(truePersons), linked persons \(linkedPersons)",
            "cross-source pairs: true \(overall.truePairs), linked \(overall.linkedPairs), correct \(overall.correctPairs)",
            "overall: precision \(ratio(overall.precision)), recall \(ratio(overall.recall)), F1 \(ratio(overall.f1))",
            "",
            "| rule | persons joined | pairs joined | correct | precision | recall share |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for rule in rules {
            lines.append("| \(rule.name) | \(rule.merges) | \(rule.counts.linkedPairs) | \(rule.counts.correctPairs) | \(ratio(rule.precision)) | \(percent(rule.recall)) |")
        }
        lines.append("")
        lines.append("missed true pairs: \(misses.pairs) (some match key agrees: \(misses.sharingAKey); only a confirm key: \(misses.sharingOnlyAConfirmKey); no key: \(misses.sharingNothing))")
        lines.append("missed pairs on which each match key agrees: " + misses.byKey.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        for (pattern, count) in misses.byPattern.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  missed \(count): agree on \(pattern)")
        }
        return lines.joined(separator: "\n")
    }
}
