import Extraction
import Foundation
import Governance
import Linkage
import PathlinkCore
import Pseudonymisation
import Synthesis
import Testing

/// `pathlink rekey` + `link --emit-sql duckdb` against `link` itself (docs/scaling.md "Link
/// on another engine"): the script, run by DuckDB on the re-keyed files, must write the
/// linked folder's per-dataset tables exactly as link does — same persons, same research ids.
///
/// DuckDB comes from PyPI, in `Benchmarks/.venv` (`scripts/install-deps` installs it; or set
/// PATHLINK_DUCKDB_PYTHON to a Python that can `import duckdb`). Without it these tests are
/// skipped, unless PATHLINK_REQUIRE_DUCKDB=1 (set by `scripts/test`, so CI runs them).
/// PATHLINK_SQL_LARGE=1 adds a run at 200,000 persons (about 280,000 records; several
/// minutes in a debug build, so not in CI).
@Suite("link --emit-sql duckdb does link's work on the re-keyed files")
struct LinkSQLTests {
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["PATHLINK_DUCKDB_PYTHON"],
                          PipelineRun.repository + "/Benchmarks/.venv/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let isRequired = ProcessInfo.processInfo.environment["PATHLINK_REQUIRE_DUCKDB"] == "1"
    static let isEnabled = python != nil || isRequired
    /// The demo's population (3,000 persons, seed 1), 20,000 persons, and 200,000 on request.
    static let sizes: [(Int, UInt64)] = [(3000, 1), (20000, 7)]
        + (ProcessInfo.processInfo.environment["PATHLINK_SQL_LARGE"] == "1" ? [(200_000, 1)] : [])

    /// synth → extract → pseudonymise on the shipped manifests and plan, then `link --secret`,
    /// `rekey --secret` and the emitted SQL in DuckDB.
    struct Run {
        let folder: String
        let inputs: [(dataset: String, path: String)]
        let sqlFolder: String
        let linked: String
        let secretHex: String

        init(persons: Int, seed: UInt64) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pathlink-sql-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let synth = try Synthesiser.run(.init(persons: persons, seed: seed, output: folder + "/raw", showsProgress: false))
            let plan = try LinkagePlan.load(path: PipelineRun.planPath)
            let key = try MasterKey(bytes: PipelineRun.keyBytes)
            var inputs: [(dataset: String, path: String)] = []
            for export in SyntheticExport.exports {
                let dataset = export.dataset!
                let manifest = try Manifest.load(path: PipelineRun.repository + "/" + PipelineRun.manifests[dataset]!)
                let extract = folder + "/\(dataset).extract.csv", tokens = folder + "/\(dataset).owner-tokens.csv"
                var extractor = Extractor(manifest: manifest)
                extractor.showProgress = false
                try extractor.run(input: synth.path(of: export), output: extract)
                try Pseudonymiser(manifest: manifest, plan: plan, key: key, showProgress: false).run(input: extract, output: tokens)
                inputs.append((dataset, tokens))
            }
            self.inputs = inputs
            linked = folder + "/linked"
            sqlFolder = folder + "/sql"
            try Linker.link(LinkOptions(planPath: PipelineRun.planPath, inputs: inputs, outputPath: linked,
                                        secret: LinkerSecret(bytes: PipelineRun.secretBytes), force: false))
            try RekeyedTokens.write(planPath: PipelineRun.planPath, inputs: inputs, folder: sqlFolder,
                                    secret: LinkerSecret(bytes: PipelineRun.secretBytes), force: false)
            _ = try LinkSQL.write(planPath: PipelineRun.planPath, inputs: inputs, folder: sqlFolder, dialect: .duckdb, force: false)
            // The script's default secret path, as an operator would place the file.
            secretHex = PipelineRun.secretBytes.map { String(format: "%02x", $0) }.joined()
            try FilePath.writeAtomically(secretHex + "\n", to: sqlFolder + "/linker-secret.key", force: false, mode: 0o600)
        }

        func runDuckDB() throws {
            let python = try #require(LinkSQLTests.python, "DuckDB is not installed: run scripts/install-deps (it fills Benchmarks/.venv)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", "import duckdb; duckdb.connect().execute(open('link.sql').read())"]
            process.currentDirectoryURL = URL(fileURLWithPath: sqlFolder)
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "DuckDB failed: \(message)")
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func text(_ path: String) throws -> String {
        try String(decoding: FilePath.readAll(path, limit: 1 << 30), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// The persons of a per-dataset table as a partition of its record ids.
    static func partition(_ text: String) -> Set<Set<Substring>> {
        var persons: [Substring: Set<Substring>] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            persons[fields[1], default: []].insert(fields[0])
        }
        return Set(persons.values)
    }

    @Test("the SQL's per-dataset tables equal link's: same persons, same research ids, same attributes",
          .enabled(if: isEnabled), arguments: sizes)
    func sameAsLink(persons: Int, seed: UInt64) throws {
        let run = try Run(persons: persons, seed: seed)
        defer { run.remove() }
        try run.runDuckDB()
        var total = 0
        for (dataset, _) in run.inputs {
            let expected = try Self.text(run.linked + "/\(dataset).csv")
            let actual = try Self.text(run.sqlFolder + "/\(dataset).csv")
            // Compared as Bools: a failure names the dataset and counts, not thousands of ids.
            let (sqlPersons, linkPersons) = (Self.partition(actual), Self.partition(expected))
            let samePersons = sqlPersons == linkPersons, sameTable = actual == expected
            #expect(samePersons, "\(dataset): persons differ (\(sqlPersons.subtracting(linkPersons).count) of the SQL's \(sqlPersons.count) are not link's)")
            #expect(sameTable, "\(dataset): the table differs from link's")
            total += expected.split(separator: "\n").count - 1
        }
        #expect(total > persons)
    }

    @Test("the SQL holds no secret and no token; the re-keyed files hold no owner's token", .enabled(if: isEnabled))
    func noSecretsOrTokens() throws {
        let run = try Run(persons: 300, seed: 3)
        defer { run.remove() }
        let sql = try Self.text(run.sqlFolder + "/link.sql")
        #expect(!sql.contains(run.secretHex))
        #expect(sql.contains("SET VARIABLE \(LinkSQL.secretVariable) = "))
        for (dataset, path) in run.inputs {
            let owner = try Self.text(path), rekeyed = try Self.text(run.sqlFolder + "/" + RekeyedTokens.fileName(dataset))
            let ownerTokens = Set(owner.split(whereSeparator: { $0 == "\n" || $0 == "," }).filter { $0.count == 32 })
            let rekeyedTokens = Set(rekeyed.split(whereSeparator: { $0 == "\n" || $0 == "," }).filter { $0.count == 32 })
            #expect(!ownerTokens.isEmpty && !rekeyedTokens.isEmpty)
            #expect(ownerTokens.isDisjoint(with: rekeyedTokens), "\(dataset): an owner's token reached the re-keyed file")
            for token in rekeyedTokens.prefix(50) { #expect(!sql.contains(token)) }
        }
    }

    @Test("a wrong secret changes the research ids but not the persons", .enabled(if: isEnabled))
    func wrongSecret() throws {
        let run = try Run(persons: 300, seed: 3)
        defer { run.remove() }
        try FilePath.writeAtomically(String(repeating: "ab", count: 32) + "\n", to: run.sqlFolder + "/linker-secret.key", force: true, mode: 0o600)
        try run.runDuckDB()
        let dataset = run.inputs[0].dataset
        let expected = try Self.text(run.linked + "/\(dataset).csv"), actual = try Self.text(run.sqlFolder + "/\(dataset).csv")
        let differs = actual != expected, samePersonCount = Self.partition(actual).count == Self.partition(expected).count
        #expect(differs)
        #expect(samePersonCount)
    }

    @Test("the Spark script reads the secret through the one variable and holds no secret or token")
    func sparkScript() throws {
        let world = LinkContractTests.sampleWorld()
        let inputs = try world.writeInputs()
        try FilePath.writeAtomically(LinkWorld.planText, to: world.planPath, force: true)
        let plan = try LinkagePlan.load(path: world.planPath)
        let described = try inputs.map { try LinkSQL.Input.fromReceipt(dataset: $0.dataset, path: $0.path) }
        let sql = LinkSQL.render(plan: plan, inputs: described, dialect: .spark)
        let lines = sql.split(separator: "\n")
        let settings = lines.filter { $0.hasPrefix("SET ") }
        #expect(settings == ["SET \(LinkSQL.secretVariable)=\(LinkSQL.sparkSecretFile);"])
        #expect(sql.components(separatedBy: "${\(LinkSQL.secretVariable)}").count == 2)
        // Spark redacts configuration values whose names hold "secret", "token" or "password".
        for name in [LinkSQL.secretVariable, LinkSQL.sparkSecretFile] {
            #expect(name.range(of: "secret|token|password", options: .regularExpression) == nil)
        }
        for token in world.tokens { #expect(!sql.contains(token)) }
        // Every rewrite of a working table is a new table (Spark cannot replace a table from
        // itself), and every one is dropped at the end.
        let created = lines.filter { $0.hasPrefix("CREATE TABLE ") }.map { $0.split(separator: " ")[2] }
        let dropped = lines.filter { $0.hasPrefix("DROP TABLE ") && !$0.hasPrefix("DROP TABLE IF EXISTS") }.map { $0.dropFirst(11).dropLast() }
        #expect(!created.isEmpty && Set(created).count == created.count)
        #expect(Set(created) == Set(dropped))
        // The key material is never written to a table on disk.
        #expect(!lines.contains { $0.hasPrefix("CREATE TABLE pl_secret") || $0.hasPrefix("CREATE TABLE pl_key") })
        for input in described { #expect(sql.contains("INSERT OVERWRITE DIRECTORY '\(input.dataset)'")) }
    }

    @Test("a dataset without a key column gets a comment, not a join on a missing column")
    func missingKey() throws {
        let world = LinkContractTests.sampleWorld()
        let inputs = try world.writeInputs()
        try FilePath.writeAtomically(LinkWorld.planText, to: world.planPath, force: true)
        let plan = try LinkagePlan.load(path: world.planPath)
        var described = try inputs.map { try LinkSQL.Input.fromReceipt(dataset: $0.dataset, path: $0.path) }
        let last = try #require(plan.matchKeys.last?.name)
        described[0].columns.removeAll { $0.name == last }
        let sql = LinkSQL.render(plan: plan, inputs: described)
        #expect(sql.contains("a dataset has no \(last) column"))
        for token in world.tokens { #expect(!sql.contains(token)) }
    }
}
