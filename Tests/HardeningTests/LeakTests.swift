import Foundation
import Testing
import Governance
import PathlinkCore
import Tabular

/// Canaries planted in every protected cell never come out: not in an output, receipt,
/// report, audit, key folder, log line or error message.
@Suite("Leak canaries", .serialized)
struct LeakTests {
    static let datasets = [("support-service.cases", "support-service/cases.yaml", "support-service-cases.csv"),
                           ("police.crimes", "police/crimes.yaml", "police-crimes.csv"),
                           ("cps.cases", "cps/cases.yaml", "cps-cases.csv")]

    /// Rewrite every `direct`, `free-text`, `linkage` and `identifier` cell of every other
    /// row (the rest keep linkable values, so every stage has work to do) with a unique
    /// canary. Returns the number planted.
    ///
    /// A date of birth that is no date is refused by extract (row and column named), so
    /// with `datesOfBirth: false` those columns keep their dates and the run succeeds;
    /// with `true` they get canaries too and the run must fail without showing one.
    static func plantCanaries(in path: String, manifest: Manifest, first: Int, datesOfBirth: Bool = false,
                              dropped: inout Set<String>) throws -> Int {
        var table = try CSVTable(contentsOf: path)
        var planted = 0
        let protected: Set<ColumnClass> = [.direct, .freeText, .linkage, .identifier]
        let columns = table.header.indices.filter { index in
            guard let column = manifest.column(named: table.header[index]), protected.contains(column.columnClass) else { return false }
            return datesOfBirth || column.field != .dateOfBirth
        }
        for row in table.rows.indices where row % 2 == 0 {
            for column in columns {
                let value = canary(first + planted, spaced: planted % 3 == 0)
                table.rows[row][column] = value
                if let declared = manifest.column(named: table.header[column]), !declared.columnClass.leavesExtract {
                    dropped.insert(value.lowercased())
                }
                planted += 1
            }
        }
        try table.write(to: path, force: true)
        return planted
    }

    /// Every file under `folder` (hidden ones too) that holds a canary.
    static func filesWithCanaries(under folder: String) throws -> [String] {
        var found: [String] = []
        for name in FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [] {
            let path = FilePath.join(folder, name)
            guard !FilePath.isDirectory(path) else { continue }
            if containsCanary(try FilePath.readAll(path, limit: 1 << 30)) { found.append(name) }
        }
        return found.sorted()
    }

    @Test("A whole run over exports full of canaries shows none of them anywhere")
    func wholePipeline() throws {
        let folder = TestFolder()
        let synth = try pathlink(["synth", "--persons", "400", "--seed", "21", "--output", "raw"], in: folder.path)
        try #require(synth.status == 0, "\(synth.standardError)")
        var planted = 0
        var dropped = Set<String>()
        var covered: [String] = []
        for (_, manifestPath, raw) in Self.datasets {
            let manifest = try Manifest.load(path: repositoryRoot + "/schemas/" + manifestPath)
            planted += try Self.plantCanaries(in: folder.file("raw/" + raw), manifest: manifest, first: planted, dropped: &dropped)
            covered += manifest.columns.filter { [.direct, .freeText, .linkage, .identifier].contains($0.columnClass) }.map(\.name)
        }
        #expect(try Self.filesWithCanaries(under: folder.file("raw")).count == 3, "the canaries must be in the raw exports")
        folder.write("pipeline.yaml", World.pipelineText(rawFolder: "raw/"))
        let run = try pathlink(["run", "pipeline.yaml", "--output", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!containsCanary(run.standardOutput + run.standardError), "a log line holds a canary")
        // The extracts are the owners' own intermediate files: by design they still hold the
        // identifier and linkage values that pseudonymise turns into tokens (docs/pipeline.md),
        // but never a direct or free-text value. Everything else holds no canary at all.
        let leaks = try Self.filesWithCanaries(under: folder.file("out")).filter { !$0.hasPrefix("extracts/") || $0.hasSuffix(".json") }
        #expect(leaks.isEmpty, "canaries found in \(leaks)")
        var droppedFound = 0
        for dataset in Self.datasets {
            let extract = try CSVTable(contentsOf: folder.file("out/extracts/\(dataset.0).csv"))
            droppedFound += extract.rows.joined().filter { dropped.contains($0.lowercased()) }.count
            #expect(extract.header.allSatisfy { !containsCanary($0) })
        }
        #expect(droppedFound == 0, "direct or free-text canaries in the extracts")
        #expect(dropped.count > 500)
        #expect(FilePath.exists(folder.file("out/release/report.html")))
        let plantedForRun = planted
        // Canaries in the dates of birth too: extract refuses, naming row and column only.
        for (_, manifestPath, raw) in Self.datasets {
            let manifest = try Manifest.load(path: repositoryRoot + "/schemas/" + manifestPath)
            planted += try Self.plantCanaries(in: folder.file("raw/" + raw), manifest: manifest, first: planted, datesOfBirth: true,
                                              dropped: &dropped)
        }
        let refused = try pathlink(["run", "pipeline.yaml", "--output", "refused"], in: folder.path)
        #expect(refused.status == 1 && refused.standardError.contains("row 2"), "\(refused.standardError)")
        #expect(!containsCanary(refused.standardOutput + refused.standardError), "\(refused.standardError)")
        #expect(!FilePath.exists(folder.file("refused")))
        // One damaged row (an unbalanced quote around a canary): refused, no canary shown.
        let police = folder.file("raw/police-crimes.csv")
        try FilePath.writeAtomically(try FilePath.readAll(police) + Array("\"\(canary(999_999)),unbalanced\n".utf8), to: police, force: true)
        planted += 1
        let failed = try pathlink(["run", "pipeline.yaml", "--output", "failed"], in: folder.path)
        #expect(failed.status != 0)
        #expect(!containsCanary(failed.standardOutput + failed.standardError), "\(failed.standardError)")
        #expect(!FilePath.exists(folder.file("failed")))
        #expect(folder.allFiles.allSatisfy { !$0.contains(".partial-") })
        print("hardening: \(planted) canaries planted (\(plantedForRun) for the whole run, the rest for the refused runs) in \(covered.count) protected columns (\(covered.joined(separator: ", "))); \(dropped.count) of them direct/free-text; files with a canary: \(leaks.count), dropped canaries in extracts: \(droppedFound)")
        #expect(planted > 1000)
    }
}
