import Foundation
import Testing
@testable import Synthesis

/// `pathlink synth --profile` (issue 16; docs/synthetic-data.md "Profiles").
@Suite("pathlink synth: profiles")
struct ProfileTests {
    @Test("the typical profile's files are pinned: any change to its stream shows here")
    func typicalIsUnchanged() throws {
        // SHA-256 of the files of `pathlink synth --persons 300 --seed 5`. The typical stream
        // changed once on purpose, when it took on the MoJ report's relationships (issue 17);
        // before that it was the files of commit 8319f44.
        let expected = [
            "support-service-cases.csv": "2057315eafa1222a2f8a9e7f955a2ad836174126db0422cbefaf653a09ea79ee",
            "police-crimes.csv": "62cb4a61e65d1b95afd3d6b4c3fcd9bfd7eab15ff077ee2846604735dbe96f08",
            "cps-cases.csv": "b13ac17db1c626b31d6ccd27cb8515acc3a5a61f567910074886c09739afd9dc",
            "ground-truth.csv": "01a2e4335c5228adb4e326062e5b7acf6fe560f89a51d66eb2cf0a84ca12d70a",
        ]
        let run = try synthesise(persons: 300, seed: 5, rates: SynthesisProfile.typical.mess, population: SynthesisProfile.typical.population)
        for export in SyntheticExport.all {
            let receipt = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.summary.path(of: export) + ".receipt.json"))) as! [String: Any]
            let output = (receipt["outputs"] as! [[String: Any]])[0]
            #expect(output["sha256"] as? String == expected[export.fileName], "\(export.fileName) changed")
        }
    }

    @Test("the hard profile realises the rates issue 16 asks for; the typical one the MoJ report's cases and secondary clients, but not the separation")
    func hardRates() throws {
        let hard = try synthesise(persons: 6000, seed: 2, rates: SynthesisProfile.hard.mess, population: SynthesisProfile.hard.population).summary.statistics
        #expect(hard.persons == 6000)
        #expect(hard.casesPerClient >= 1.22)
        #expect(hard.secondaryShare >= 0.08)
        #expect(hard.separatedShare >= 0.15)
        let typical = try synthesise(persons: 6000, seed: 2).summary.statistics
        #expect(abs(typical.casesPerClient - 1.22) < 0.04)
        #expect(abs(typical.secondaryShare - 0.08) < 0.015)
        #expect(typical.separatedShare < 0.15)
    }

    @Test("the realised rates are counted from the files: secondary clients are the ground truth's Secondary persons")
    func statisticsMatchTheFiles() throws {
        let run = try synthesise(persons: 2000, seed: 4, rates: SynthesisProfile.hard.mess, population: SynthesisProfile.hard.population)
        let population = try Population(folder: run.folder)
        let support = population.truth(of: "support-service.cases")
        let secondary = Set(support.filter { $0["role"] == "Secondary" }.map { $0["person_id"]! })
        #expect(run.summary.statistics.secondaryClients == secondary.count)
        #expect(run.summary.statistics.supportCases == support.count)
        #expect(run.summary.statistics.supportClients == Set(support.map { $0["person_id"]! }).count)
        #expect(run.summary.statistics.policeCrimes == population.police.count)
    }

    @Test("profiles are found by name; an unknown name is nil")
    func names() {
        #expect(SynthesisProfile.named("hard") == .hard)
        #expect(SynthesisProfile.named("typical") == .typical)
        #expect(SynthesisProfile.named("easy") == nil)
    }
}
