import Foundation
import Testing
@testable import Synthesis

/// `pathlink synth --profile` (issue 16; docs/synthetic-data.md "Profiles").
@Suite("pathlink synth: profiles")
struct ProfileTests {
    @Test("the typical profile makes exactly the files synth made before profiles existed")
    func typicalIsUnchanged() throws {
        // SHA-256 of the files of `pathlink synth --persons 300 --seed 5` made by the build
        // before profiles (commit 8319f44): any change to the typical stream shows here.
        let expected = [
            "support-service-cases.csv": "09363bbff47b666bb1f386cc429e0a82c90a45feedbf3c74f0fbdd7d37eb7abb",
            "police-crimes.csv": "b3b1de91b8148399926f4937927aef78b70bdfb74f7aef006efea8c6412bb1f1",
            "cps-cases.csv": "2fd8100e1b177f7a8e4f92c91aa1e8d1e21cda31910de70bfc2beb63b9f1d5ef",
            "ground-truth.csv": "0b48e9bb3be5891f0fd2d27e0c46b710f40157484355528e3bd54bc3e1c3fecb",
        ]
        let run = try synthesise(persons: 300, seed: 5, rates: SynthesisProfile.typical.mess, population: SynthesisProfile.typical.population)
        for export in SyntheticExport.all {
            let receipt = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.summary.path(of: export) + ".receipt.json"))) as! [String: Any]
            let output = (receipt["outputs"] as! [[String: Any]])[0]
            #expect(output["sha256"] as? String == expected[export.fileName], "\(export.fileName) changed")
        }
    }

    @Test("the hard profile realises the rates issue 16 asks for, and the typical one does not")
    func hardRates() throws {
        let hard = try synthesise(persons: 6000, seed: 2, rates: SynthesisProfile.hard.mess, population: SynthesisProfile.hard.population).summary.statistics
        #expect(hard.persons == 6000)
        #expect(hard.casesPerClient >= 1.22)
        #expect(hard.secondaryShare >= 0.08)
        #expect(hard.separatedShare >= 0.15)
        let typical = try synthesise(persons: 6000, seed: 2).summary.statistics
        #expect(typical.casesPerClient < 1.22)
        #expect(typical.secondaryShare < 0.08)
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
