import Foundation
import Governance
@testable import Linkage
import PathlinkCore
import Tabular
import Testing

/// `method: probabilistic` (docs/link.md "Two methods"): EM without labels, clustering that
/// a chain of weak links cannot run through, weights in links.csv, error estimates,
/// determinism and the plan's strict parsing.
@Suite("pathlink link: the probabilistic method")
struct ProbabilisticLinkTests {
    static let plan = LinkWorld.planText.replacingOccurrences(of: "project: link-tests\n", with: "project: link-tests\nmethod: probabilistic\n")

    /// A background population for the model to learn from: persons with a support case
    /// and a police crime (most under one crime reference), with some mess (a missing date
    /// of birth, a move, a changed surname), and persons in one dataset only.
    static func populate(_ world: LinkWorld, persons: Int = 240) {
        let forenames = ["AMY", "BETH", "CARA", "DINA", "ELLA", "FAYE", "GINA", "HOPE", "IRIS", "JADE", "KATE", "LILY", "MAYA", "NINA", "OLGA", "PAIGE", "ROSA", "SARA", "TINA", "VERA"]
        let surnames = ["ADAMS", "BROWN", "CLARK", "DAVIS", "EVANS", "FOSTER", "GREEN", "HALL", "JONES", "KING", "LEWIS", "MOORE", "NASH", "OWEN", "PRICE", "REED", "SCOTT", "TAYLOR", "WARD", "YOUNG"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for index in 0..<persons {
            let person = LinkWorld.Person(forename: forenames[next(forenames.count)], surname: surnames[next(surnames.count)],
                                          dob: String(format: "%04d%02d%02d", 1950 + next(50), 1 + next(12), 1 + next(28)),
                                          postcode: "BG\(next(900))")
            let crime = "90/\(index)/23"
            switch index % 6 {
            case 0:
                world.add(LinkWorld.support, "bg-s\(index)", person, crime: crime)
            case 1:
                world.add(LinkWorld.police, "bg-p\(index)", person, crime: crime)
            default:
                var police = person
                if next(10) == 0 { police.dob = "" }
                if next(10) == 0 { police.postcode = "BG\(900 + next(90))" }
                if next(20) == 0 { police.surname = surnames[next(surnames.count)] }
                world.add(LinkWorld.support, "bg-s\(index)", person, crime: next(5) == 0 ? nil : crime)
                world.add(LinkWorld.police, "bg-p\(index)", police, crime: crime)
            }
        }
    }

    @Test("a chain of weak links does not merge two persons: namesakes under one crime reference and a police record without a date of birth")
    func chainOfWeakLinks() throws {
        let world = LinkWorld()
        Self.populate(world)
        // Mother and namesake daughter, both support clients under the daughter's crime;
        // the police record of that crime has no date of birth, so it agrees with each
        // of them on names and reference alone.
        let daughter = LinkWorld.Person(forename: "MICHELLE", surname: "SIMPSON", dob: "20011223", postcode: "CO47WY")
        let mother = LinkWorld.Person(forename: "MICHELLE", surname: "SIMPSON", dob: "19670603", postcode: "CO47WY")
        var undated = daughter
        undated.dob = ""
        world.add(LinkWorld.support, "s-daughter", daughter, crime: "42/5/23")
        world.add(LinkWorld.support, "s-mother", mother, crime: "42/5/23", extra: "Secondary")
        world.add(LinkWorld.police, "p-crime", undated, crime: "42/5/23")
        let linked = try world.link(plan: Self.plan)
        // Each of the two is a good match for the police record by itself.
        let weights = try Self.scores(linked)
        let daughterPair = try #require(weights[Self.key(linked, "s-daughter", "p-crime")])
        let motherPair = try #require(weights[Self.key(linked, "s-mother", "p-crime")])
        #expect(daughterPair.probability >= 0.5)
        #expect(motherPair.probability >= 0.5)
        // But the chain would join two people born 34 years apart: one of them only.
        #expect(!linked.samePerson("s-daughter", "s-mother"))
        #expect(linked.samePerson("s-daughter", "p-crime") != linked.samePerson("s-mother", "p-crime"))
        let estimates = try #require(linked.quality["error_estimates"] as? [String: Any])
        let links = try #require(estimates["links"] as? [[String: Any]])
        #expect(links.contains { ($0["refused_merges"] as? Int ?? 0) >= 1 })
    }

    @Test("the background population links as the truth says, with every accepted pair's weight and probability in links.csv")
    func linksCarryWeights() throws {
        let world = LinkWorld()
        Self.populate(world)
        let linked = try world.link(plan: Self.plan)
        #expect(linked.links.header == ["from_record_id", "to_record_id", "rule", "weight", "match_probability"])
        var truePairs = 0, found = 0
        for index in 0..<240 where index % 6 >= 2 {
            truePairs += 1
            if linked.samePerson("bg-s\(index)", "bg-p\(index)") { found += 1 }
        }
        // Different persons are never merged (their names or dates differ).
        for index in stride(from: 0, to: 240, by: 6) {
            #expect(!linked.samePerson("bg-s\(index)", "bg-p\(index + 1)"))
        }
        #expect(Double(found) / Double(truePairs) >= 0.97)
        let rows = linked.links.rows.filter { $0[2] == "probabilistic" }
        #expect(!rows.isEmpty)
        for row in rows {
            let probability = try #require(Double(row[4]))
            #expect(probability >= 0.5 && probability <= 1)
            #expect(Double(row[3]) != nil)
        }
        let estimates = try #require(linked.quality["error_estimates"] as? [String: Any])
        #expect(estimates["method"] as? String == "probabilistic")
        let falseRate = try #require(estimates["false_match_rate"] as? [String: Any])
        let estimate = try #require(falseRate["estimate"] as? Double)
        #expect(estimate >= 0 && estimate < 0.05)
        #expect((linked.quality["probabilistic_model"] as? [Any])?.isEmpty == false)
        let summary = try String(contentsOfFile: FilePath.join(linked.folder, "quality.md"), encoding: .utf8)
        #expect(summary.contains("Estimated linkage error (probabilistic)"))
    }

    @Test("the cascade's links.csv keeps its three columns")
    func cascadeUnchanged() throws {
        let world = LinkWorld()
        Self.populate(world, persons: 30)
        let linked = try world.link()
        #expect(linked.links.header == ["from_record_id", "to_record_id", "rule"])
        #expect(linked.quality["error_estimates"] == nil || linked.quality["error_estimates"] is [String: Any])
        #expect(linked.quality["probabilistic_model"] == nil)
    }

    @Test("same inputs and secret give byte-identical folders with one thread or two")
    func deterministic() throws {
        let world = LinkWorld()
        Self.populate(world)
        let inputs = try world.writeInputs()
        try FilePath.writeAtomically(Self.plan, to: world.planPath, force: true)
        var folders: [String] = []
        for threads in [1, 2, 1] {
            let output = FilePath.join(world.folder, "linked-\(folders.count)")
            var options = LinkOptions(planPath: world.planPath, inputs: folders.count == 2 ? inputs.reversed() : inputs, outputPath: output,
                                      secret: LinkWorld.fixedSecret, force: true, threads: threads)
            options.guardedPaths = []
            try Linker.link(options)
            folders.append(output)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folders[0]).sorted()
        #expect(names.contains("links.csv"))
        for name in names {
            let first = try Data(contentsOf: URL(fileURLWithPath: FilePath.join(folders[0], name)))
            for other in folders.dropFirst() {
                #expect(try Data(contentsOf: URL(fileURLWithPath: FilePath.join(other, name))) == first, "\(name) differs")
            }
        }
    }

    @Test("EM recovers known m, u and the match share from unlabelled pattern counts")
    func emRecoversKnownParameters() throws {
        // Three keys on disjoint fields: three independent comparisons, agree or disagree.
        let plan = try LinkagePlan.parse(YAMLDocument(text: """
        linkage: 1
        project: em-test
        method: probabilistic
        person:
          matchkeys:
            - {name: DOB, fields: [date-of-birth]}
            - {name: NAME, fields: [forename]}
            - {name: PC, fields: [postcode]}
        links:
          - {from: a.x, to: b.y, by: [person]}
        output:
          spine: a.x
        """, path: "em.yaml"))
        let comparisons = ProbabilisticComparisons(plan: plan)
        #expect(comparisons.groups.map(\.keys) == [["DOB"], ["NAME"], ["PC"]])
        let trueM = [0.95, 0.85, 0.7], trueU = [0.02, 0.1, 0.2], trueLambda = 0.15
        var counts: [(pattern: AgreementPattern, count: Double)] = []
        for bits in 0..<8 {
            var pattern = AgreementPattern()
            var match = trueLambda, nonMatch = 1 - trueLambda
            for group in 0..<3 {
                let agrees = bits & (1 << group) != 0
                pattern[group] = agrees ? 0 : 1   // context 0, level 0 (agrees) or 1 (disagrees)
                match *= agrees ? trueM[group] : 1 - trueM[group]
                nonMatch *= agrees ? trueU[group] : 1 - trueU[group]
            }
            counts.append((pattern, 1_000_000 * (match + nonMatch)))
        }
        counts.sort { $0.pattern < $1.pattern }
        // One stratum in which every pair is seen, so EM fits u as well as m and λ.
        let start = comparisons.groups.map { group in
            (0..<ProbabilisticComparisons.contexts).map { _ in [Double](repeating: 1 / Double(group.levels), count: group.levels) }
        }
        var model = FellegiSunterModel(comparisons: comparisons, randomU: start, stratumPairs: [1_000_000], completeStrata: [0])
        model.fit([counts], maximumIterations: 5000, tolerance: 1e-10)
        #expect(model.converged)
        #expect(abs(model.lambda[0] - trueLambda) < 0.002)
        let m = model.m, u = model.u[0]
        for group in 0..<3 {
            #expect(abs(m[group][0][0] - trueM[group]) < 0.005, "m of group \(group): \(m[group][0][0])")
            #expect(abs(u[group][0][0] - trueU[group]) < 0.005, "u of group \(group): \(u[group][0][0])")
        }
    }

    @Test("nested keys are read in context: a key whose smaller groups all agree adds little")
    func nestedGroups() throws {
        let plan = try LinkagePlan.parse(YAMLDocument(text: LinkWorld.planText, path: "plan.yaml"))
        let comparisons = ProbabilisticComparisons(plan: plan)
        #expect(comparisons.groups.first?.name == "date-of-birth")
        let dob = try #require(comparisons.groups.first { $0.name == "date-of-birth" })
        #expect(dob.keys == ["CK1", "CK3", "CK4", "CK5"])
        let whole = try #require(comparisons.groups.first { $0.name == "forename+surname+date-of-birth+postcode" })
        #expect(whole.subgroups.count >= 3)
        // MK4 (surname, date of birth, postcode) is read in the context of CK2 (forename,
        // surname): it shares the surname without being inside it.
        let mk4 = try #require(comparisons.groups.firstIndex { $0.keys == ["MK4"] })
        let names = try #require(comparisons.groups.firstIndex { $0.keys == ["CK2"] })
        #expect(comparisons.groups[mk4].overlapping.contains(names))
        #expect(!comparisons.groups[mk4].subgroups.contains(names))
    }

    @Test("a misspelt or mistyped method is refused, naming the plan's line")
    func badMethod() throws {
        for (text, expected) in [("method: probablistic", "did you mean \"probabilistic\""), ("method: [cascade]", "expected a text value"),
                                 ("method: Probabilistic", "unknown linkage method")] {
            let yaml = LinkWorld.planText.replacingOccurrences(of: "project: link-tests\n", with: "project: link-tests\n\(text)\n")
            do {
                _ = try LinkagePlan.parse(YAMLDocument(text: yaml, path: "plan.yaml"))
                Issue.record("\(text) was accepted")
            } catch let error as PathlinkError {
                #expect(error.line == 3, "\(text): \(error)")
                #expect(error.description.lowercased().contains(expected.lowercased()), "\(error)")
            }
        }
        let cascade = try LinkagePlan.parse(YAMLDocument(text: LinkWorld.planText, path: "plan.yaml"))
        #expect(cascade.method == .cascade)
        let probabilistic = try LinkagePlan.parse(YAMLDocument(text: Self.plan, path: "plan.yaml"))
        #expect(probabilistic.method == .probabilistic)
    }

    // MARK: Helpers

    static func key(_ linked: Linked, _ a: String, _ b: String) -> String { linked.recordOf[a]! + "|" + linked.recordOf[b]! }

    /// links.csv's weight and probability by "from|to" record ids (both orders).
    static func scores(_ linked: Linked) throws -> [String: (weight: Double, probability: Double)] {
        var result: [String: (weight: Double, probability: Double)] = [:]
        for row in linked.links.rows where !row[3].isEmpty {
            let score = (weight: try #require(Double(row[3])), probability: try #require(Double(row[4])))
            result[row[0] + "|" + row[1]] = score
            result[row[1] + "|" + row[0]] = score
        }
        return result
    }
}
