import Foundation
import Testing
import PathlinkCore
import Provenance
import Tabular
import Yams
@testable import Synthesis

@Suite("pathlink synth: files, determinism, manifests, CSV")
struct SynthesiserTests {
    @Test("The same persons and seed give byte-identical files; another seed gives different ones")
    func determinism() throws {
        let first = try synthesise(persons: 1500, seed: 7)
        let second = try synthesise(persons: 1500, seed: 7)
        let other = try synthesise(persons: 1500, seed: 8)
        for export in SyntheticExport.all {
            let a = bytes(first.summary.path(of: export))
            #expect(!a.isEmpty)
            #expect(a == bytes(second.summary.path(of: export)), "\(export.fileName) differs between two runs with one seed")
            #expect(a != bytes(other.summary.path(of: export)), "\(export.fileName) is the same for two seeds")
        }
    }

    @Test("Every record of the three exports has exactly one ground-truth row, and every person at least one record")
    func rowCountsTally() throws {
        let run = try synthesise(persons: 2000, seed: 3)
        let population = try Population(folder: run.folder)
        #expect(population.truth(of: "support-service.cases").count == population.support.count)
        #expect(population.truth(of: "police.crimes").count == population.police.count)
        #expect(population.truth(of: "cps.cases").count == population.cps.count)
        #expect(Set(population.truth.map { $0["person_id"]! }).count == 2000)
        #expect(run.summary.files.map(\.rows) == [population.support.count, population.police.count, population.cps.count, population.truth.count])
    }

    @Test("Each export's header is exactly the column list of its shipped manifest", arguments: [
        (SyntheticExport.supportService, "schemas/support-service/cases.yaml"),
        (SyntheticExport.police, "schemas/police/crimes.yaml"),
        (SyntheticExport.cps, "schemas/cps/cases.yaml"),
    ])
    func headersMatchManifests(export: SyntheticExport, manifest: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + manifest, encoding: .utf8)
        let yaml = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(yaml["dataset"] as? String == export.dataset)
        let columns = try #require(yaml["columns"] as? [[String: Any]])
        let declared = columns.compactMap { $0["name"] as? String }
        #expect(declared == export.header)
        for column in columns {
            let description = column["description"] as? String ?? ""
            #expect(!description.isEmpty, "column \(column["name"] ?? "?") of \(manifest) has no description")
        }
        let run = try synthesise(persons: 50, seed: 1)
        #expect(try CSVReader(path: run.summary.path(of: export)).header == declared)
    }

    @Test("Every file reads back through Tabular.CSVReader; free text keeps its commas, quotes and line breaks")
    func roundTrip() throws {
        let run = try synthesise(persons: 400, seed: 11)
        let population = try Population(folder: run.folder)
        let notes = population.support.map { $0["case_notes"]! } + population.police.map { $0["mo_notes"]! }
            + population.cps.map { $0["review_notes"]! }
        #expect(notes.contains { $0.contains("\n") })
        #expect(notes.contains { $0.contains("\"") })
        #expect(notes.contains { $0.contains(",") })
        let templates = Vocabulary.caseNotes + Vocabulary.moNotes + Vocabulary.reviewNotes
        // Each note must be a whole template (its forename slot filled): nothing lost or split.
        let shapes = templates.filter { !$0.isEmpty }.map { $0.components(separatedBy: "{F}") }
        for note in notes where !note.isEmpty {
            #expect(shapes.contains { note.hasPrefix($0.first!) && note.hasSuffix($0.last!) && note.count >= $0.joined().count },
                    "a note was damaged on its way through the CSV")
        }
        #expect(population.support.allSatisfy { $0["address_line"]!.contains(",") })
    }

    @Test("Byte habits differ by source: BOM and CRLF, LF, CRLF")
    func lineEndingsAndBOM() throws {
        let run = try synthesise(persons: 100, seed: 5)
        let support = bytes(run.summary.path(of: .supportService))
        let police = bytes(run.summary.path(of: .police))
        let cps = bytes(run.summary.path(of: .cps))
        #expect(Array(support.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(police.first != 0xEF && cps.first != 0xEF)
        func firstLineEnd(_ data: [UInt8]) -> [UInt8] {
            let lf = data.firstIndex(of: 0x0A)!
            return Array(data[(lf - 1)...lf])
        }
        #expect(firstLineEnd(support) == [0x0D, 0x0A])
        #expect(firstLineEnd(cps) == [0x0D, 0x0A])
        #expect(firstLineEnd(police).first != 0x0D)
        #expect(!police.contains(0x0D))
    }

    @Test("Every file gets a receipt of stage synth whose hash and row count match")
    func receipts() throws {
        let run = try synthesise(persons: 300, seed: 2)
        for (export, file) in zip(SyntheticExport.all, run.summary.files) {
            let receipt = try Receipt.read(for: file.path)
            #expect(receipt.stage == "synth")
            #expect(receipt.dataset == export.dataset)
            #expect(receipt.counts["persons"] == 300)
            #expect(receipt.outputs.count == 1)
            #expect(receipt.outputs.first?.path == export.fileName)
            #expect(receipt.outputs.first?.rows == file.rows)
            #expect(receipt.outputs.first?.sha256 == (try Receipt.entry(for: file.path, relativeTo: Receipt.path(for: file.path)).sha256))
            #expect(!receipt.warnings.isEmpty)
        }
    }

    @Test("Existing files are not replaced without force, and nothing is written when refused")
    func refusesOverwrite() throws {
        let run = try synthesise(persons: 20, seed: 1)
        let before = bytes(run.summary.path(of: .police))
        #expect(throws: PathlinkError.self) {
            try Synthesiser.run(.init(persons: 30, seed: 2, output: run.folder, showsProgress: false))
        }
        do {
            try Synthesiser.run(.init(persons: 30, seed: 2, output: run.folder, showsProgress: false))
        } catch let error as PathlinkError {
            #expect(error.code == .outputExists)
        }
        #expect(bytes(run.summary.path(of: .police)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.folder).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
        try Synthesiser.run(.init(persons: 30, seed: 2, output: run.folder, force: true, showsProgress: false))
        #expect(bytes(run.summary.path(of: .police)) != before)
    }

    @Test("A bad size is a usage error")
    func refusesBadSize() throws {
        let folder = makeTemporaryFolder()
        for persons in [0, -5, Synthesiser.maximumPersons + 1] {
            do {
                try Synthesiser.run(.init(persons: persons, seed: 1, output: folder + "/x", showsProgress: false))
                Issue.record("accepted \(persons) persons")
            } catch let error as PathlinkError {
                #expect(error.code == .usage)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/x/police-crimes.csv"))
    }
}
