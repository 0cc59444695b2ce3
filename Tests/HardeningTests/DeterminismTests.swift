import Foundation
import Testing
import PathlinkCore

/// The whole pipeline with the example report spec, the same key and linker secret:
/// byte-identical outputs (receipts aside) across runs and across thread counts (link and
/// pseudonymise split their work over the threads).
@Suite("Determinism", .serialized)
struct DeterminismTests {
    static func runPipeline(in folder: TestFolder, output: String, threads: String) throws -> String {
        let result = try pathlink(["run", "pipeline.yaml", "--output", output], in: folder.path,
                                  environment: ["PATHLINK_THREADS": threads])
        try #require(result.status == 0, "\(result.standardError)")
        return folder.file(output)
    }

    /// Every file under `folder` except receipts (which hold timestamps), with its bytes.
    static func outputs(under folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [] {
            let path = FilePath.join(folder, name)
            guard !FilePath.isDirectory(path), !name.hasSuffix(".receipt.json") else { continue }
            files[name] = try FilePath.readAll(path, limit: 1 << 30)
        }
        return files
    }

    @Test("Runs with PATHLINK_THREADS=1, 2 (twice) and 4 give the same bytes in every output")
    func wholePipeline() throws {
        let folder = TestFolder()
        let key = folder.write("owner.key", String(repeating: "5a", count: 32) + "\n")
        let secret = folder.write("linker.secret", String(repeating: "c3", count: 32) + "\n")
        chmod(key, 0o600)
        chmod(secret, 0o600)
        folder.write("pipeline.yaml", World.pipelineText(synth: (600, 5), key: "{file: owner.key}", secret: "{file: linker.secret}",
                                                         testKey: true))
        let one = try Self.outputs(under: try Self.runPipeline(in: folder, output: "one", threads: "1"))
        let two = try Self.outputs(under: try Self.runPipeline(in: folder, output: "two", threads: "2"))
        let again = try Self.outputs(under: try Self.runPipeline(in: folder, output: "again", threads: "2"))
        let four = try Self.outputs(under: try Self.runPipeline(in: folder, output: "four", threads: "4"))
        #expect(one.keys.sorted() == two.keys.sorted())
        #expect(one.count > 15, "\(one.keys.sorted())")
        for name in ["linked/journeys.csv", "release/report.html", "release.audit.json", "tokens/police.crimes.csv"] {
            #expect(one[name] != nil, "\(name) is missing")
        }
        for (name, bytes) in one.sorted(by: { $0.key < $1.key }) {
            #expect(two[name] == bytes, "\(name) differs between 1 and 2 threads")
            #expect(again[name] == bytes, "\(name) differs between two runs")
            #expect(four[name] == bytes, "\(name) differs between 1 and 4 threads")
        }
    }

    @Test("Two runs with different owner keys and linker secrets give byte-identical release tables")
    func releaseTablesIgnoreKeyAndSecret() throws {
        let folder = TestFolder()
        var releases: [[String: [UInt8]]] = []
        var journeys: [[UInt8]] = []
        // 600 persons, as above: the report stage is fast there, while at 150 or 300
        // persons the release falls under the audit's exact (branch-and-bound) limit and
        // took over ten minutes on a loaded machine.
        for (run, (key, secret)) in [("5a", "c3"), ("17", "e8")].enumerated() {
            let keyPath = folder.write("owner\(run).key", String(repeating: key, count: 32) + "\n")
            let secretPath = folder.write("linker\(run).secret", String(repeating: secret, count: 32) + "\n")
            chmod(keyPath, 0o600)
            chmod(secretPath, 0o600)
            folder.write("pipeline.yaml", World.pipelineText(synth: (600, 5), key: "{file: owner\(run).key}",
                                                             secret: "{file: linker\(run).secret}", testKey: true))
            let output = try Self.runPipeline(in: folder, output: "run\(run)", threads: "2")
            releases.append(try Self.outputs(under: FilePath.join(output, "release")).filter { $0.key.hasSuffix(".csv") })
            journeys.append(try FilePath.readAll(FilePath.join(output, "linked/journeys.csv"), limit: 1 << 30))
        }
        // The research ids were redrawn: otherwise this would prove nothing.
        #expect(journeys[0] != journeys[1])
        #expect(releases[0].count > 3, "\(releases[0].keys.sorted())")
        #expect(releases[0].keys.sorted() == releases[1].keys.sorted())
        for (name, bytes) in releases[0].sorted(by: { $0.key < $1.key }) {
            #expect(releases[1][name] == bytes, "\(name) differs between two keys and secrets")
        }
    }
}

