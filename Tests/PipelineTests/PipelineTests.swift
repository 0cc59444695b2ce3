import Testing
import PathlinkTestSupport
import Foundation
import Cryptography
import PathlinkCore
import Provenance
import Governance
import Tabular
@testable import Pipeline

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = FilePath.split(path).parent }
    return path
}()

/// A pipeline over the shipped manifests and plan, synthetic data, and a small report.
struct PipelineFixture {
    let folder = TestFolder()
    let pipelinePath: String

    init(persons: Int = 300, extra: String = "", keyAndSecretFiles: Bool = false) throws {
        folder.write("report.yaml", """
        report: 1
        id: small
        title: Referral source by gender
        source: journeys
        count: persons
        variables:
          gender: {from: gender, label: Gender}
          referral_source: {from: referral_source, label: Referral source}
        tables:
          - {id: referral-by-gender, title: Referral source by gender, rows: [referral_source], columns: gender}
        """)
        var keyLines = "key: {generate: true}\nlinker-secret: {generate: true}\n"
        if keyAndSecretFiles {
            let key = folder.write("owner.key", String(repeating: "ab", count: 32) + "\n")
            let secret = folder.write("linker.secret", String(repeating: "cd", count: 32) + "\n")
            chmod(key, 0o600)
            chmod(secret, 0o600)
            keyLines = "key: {file: owner.key}\nlinker-secret: {file: linker.secret}\ntest-key: true\n"
        }
        let root = repositoryRoot
        pipelinePath = folder.write("pipeline.yaml", """
        pipeline: 1
        synth: {persons: \(persons), seed: 7}
        sources:
          support-service.cases: {manifest: \(root)/schemas/support-service/cases.yaml, raw: support-service-cases.csv}
          police.crimes: {manifest: \(root)/schemas/police/crimes.yaml, raw: police-crimes.csv}
          cps.cases: {manifest: \(root)/schemas/cps/cases.yaml, raw: cps-cases.csv}
        plan: \(root)/governance/linkage.yaml
        \(keyLines)report: {spec: report.yaml, policy: \(root)/governance/disclosure-policy.yaml}
        \(extra)
        """)
    }

    func run(into name: String = "out", force: Bool = false, requireApproved: Bool = false) throws -> String {
        let output = folder.file(name)
        _ = try PipelineRunner(definition: try PipelineDefinition.load(path: pipelinePath), output: output, force: force,
                               requireApproved: requireApproved).run()
        return output
    }
}

func expectBroken(_ paths: [String], roots: [String] = [], mentioning words: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try ChainVerifier(roots: roots).verify(paths)
    #expect(!result.isIntact, sourceLocation: sourceLocation)
    #expect(result.findings.contains { $0.description.contains(words) }, "\(result.findings)", sourceLocation: sourceLocation)
}

@Suite("run and verify", .serialized)
struct PipelineTests {
    @Test("A run produces every stage's output, and verify finds the chain intact")
    func runAndVerify() throws {
        let fixture = try PipelineFixture()
        let output = try fixture.run()
        for path in ["extracts/police.crimes.csv", "tokens/cps.cases.csv", "linked/journeys.csv", "release/report.html", "release.audit.json"] {
            #expect(FilePath.exists(FilePath.join(output, path)), "\(path)")
        }
        var info = stat()
        stat(FilePath.join(output, "keys/owner.key"), &info)
        #expect(info.st_mode & 0o077 == 0, "the generated key must be owner-only")
        let result = try ChainVerifier().verify([output])
        #expect(result.isIntact, "\(result.findings)")
        #expect(result.receiptsChecked.count >= 12)
        // The run's folder can be moved and still verified: receipts hold relative paths.
        let moved = fixture.folder.file("moved")
        #expect(rename(output, moved) == 0)
        #expect(try ChainVerifier().verify([moved]).isIntact)
    }

    @Test("verify catches a changed output byte")
    func changedByte() throws {
        let fixture = try PipelineFixture()
        let output = try fixture.run()
        let file = FilePath.join(output, "release/referral-by-gender.csv")
        var bytes = try FilePath.readAll(file)
        bytes[bytes.count - 3] ^= 0x01
        try FilePath.writeAtomically(bytes, to: file, force: true)
        try expectBroken([output], mentioning: "has changed since its receipt")
    }

    @Test("verify catches a swapped or edited manifest")
    func swappedManifest() throws {
        let fixture = try PipelineFixture()
        // Run on a copy of a manifest, then change the copy.
        let manifest = fixture.folder.write("police.yaml", try FilePath.readText(repositoryRoot + "/schemas/police/crimes.yaml"))
        var text = try FilePath.readText(fixture.pipelinePath)
        text = text.replacingOccurrences(of: "\(repositoryRoot)/schemas/police/crimes.yaml", with: manifest)
        try FilePath.writeAtomically(text, to: fixture.pipelinePath, force: true)
        let output = try fixture.run()
        try FilePath.writeAtomically(try FilePath.readText(manifest) + "\n# edited\n", to: manifest, force: true)
        // The manifest lies outside the run's folder: verify reads it only under --root.
        #expect(try ChainVerifier().verify([output]).isIntact)
        try expectBroken([output], roots: [fixture.folder.path], mentioning: "has changed since the run")
    }

    @Test("verify catches a missing receipt and a broken chain")
    func missingReceiptAndBrokenChain() throws {
        let fixture = try PipelineFixture()
        let output = try fixture.run()
        // A missing receipt: the pseudonymised file's origin can no longer be shown.
        unlink(FilePath.join(output, "extracts/cps.cases.csv.receipt.json"))
        try expectBroken([output], mentioning: "no receipt of the stage that produced it")
        // A broken chain: the tokens replaced by another run's (each with a valid receipt).
        let otherFixture = try PipelineFixture(persons: 120)
        let other = try otherFixture.run(into: "other")
        for suffix in ["", ".receipt.json"] {
            let from = FilePath.join(other, "tokens/police.crimes.csv" + suffix)
            try FilePath.writeAtomically(try FilePath.readAll(from), to: FilePath.join(output, "tokens/police.crimes.csv" + suffix), force: true)
        }
        // The linked folder's inputs lie outside it: the run's folder is named as a root.
        try expectBroken([FilePath.join(output, "linked")], roots: [output], mentioning: "the input has changed")
    }

    @Test("Without --force an existing output is kept; a failing run leaves nothing")
    func atomicRun() throws {
        let fixture = try PipelineFixture()
        let output = try fixture.run()
        #expect(throws: PathlinkError.self) { _ = try fixture.run() }
        #expect(FilePath.exists(FilePath.join(output, "release/report.html")))
        // A pipeline whose report spec is broken fails at the last stage: nothing appears.
        fixture.folder.write("report.yaml", "report: 1\nid: x\n")
        #expect(throws: PathlinkError.self) { _ = try fixture.run(into: "failed") }
        #expect(!FilePath.exists(fixture.folder.file("failed")))
        #expect(fixture.folder.contents.allSatisfy { !$0.contains("partial") })
    }

    @Test("Same inputs, key and linker secret give byte-identical outputs")
    func determinism() throws {
        let fixture = try PipelineFixture(keyAndSecretFiles: true)
        let first = try fixture.run(into: "a")
        let second = try fixture.run(into: "b")
        for path in ["tokens/police.crimes.csv", "linked/journeys.csv", "linked/quality.json", "release/referral-by-gender.csv",
                     "release/tables.json", "release/report.html"] {
            #expect(try FilePath.readAll(FilePath.join(first, path)) == FilePath.readAll(FilePath.join(second, path)), "\(path)")
        }
    }

    @Test("--require-approved refuses an unapproved manifest and runs when everything is approved")
    func approvals() throws {
        let fixture = try PipelineFixture()
        let register = fixture.folder.file("approvals.yaml")
        func sha(_ path: String) throws -> String { try SHA256.hex(ofFile: path) }
        let root = repositoryRoot
        var entries = [
            ("manifest", "support-service.cases", try sha(root + "/schemas/support-service/cases.yaml")),
            ("manifest", "police.crimes", try sha(root + "/schemas/police/crimes.yaml")),
            ("plan", "victims-pathway", try sha(root + "/governance/linkage.yaml")),
            ("spec", "report.yaml", try sha(fixture.folder.file("report.yaml"))),
            ("policy", "disclosure-policy.yaml", try sha(root + "/governance/disclosure-policy.yaml")),
        ]
        func writeRegister() throws {
            let lines = entries.map { "  - {kind: \($0.0), name: \($0.1), sha256: \($0.2), approved-by: Test reviewer, approved-on: 2026-11-22}" }
            try FilePath.writeAtomically("approvals: 1\nentries:\n" + lines.joined(separator: "\n") + "\n", to: register, force: true)
        }
        try writeRegister()
        var text = try FilePath.readText(fixture.pipelinePath)
        text += "\napprovals: approvals.yaml\n"
        try FilePath.writeAtomically(text, to: fixture.pipelinePath, force: true)
        do {
            _ = try fixture.run(requireApproved: true)
            Issue.record("expected refusal")
        } catch let error as PathlinkError {
            #expect(error.code == .notApproved)
            #expect(error.description.contains("cps.cases"))
            #expect(error.description.contains(try sha(root + "/schemas/cps/cases.yaml")))
        }
        #expect(!FilePath.exists(fixture.folder.file("out")))
        entries.append(("manifest", "cps.cases", try sha(root + "/schemas/cps/cases.yaml")))
        try writeRegister()
        _ = try fixture.run(requireApproved: true)
    }
}

@Suite("synth then extract with the shipped manifests")
struct SynthExtractTests {
    @Test("Each raw export becomes an extract with no direct or free-text column and every record accounted for")
    func extractsFromSynth() throws {
        let fixture = try PipelineFixture(persons: 400)
        let output = try fixture.run()
        for (dataset, manifestPath) in [("support-service.cases", "schemas/support-service/cases.yaml"),
                                        ("police.crimes", "schemas/police/crimes.yaml"), ("cps.cases", "schemas/cps/cases.yaml")] {
            let manifest = try Governance.Manifest.load(path: repositoryRoot + "/" + manifestPath)
            let extract = FilePath.join(output, "extracts/\(dataset).csv")
            let header = try CSVReader(path: extract).header
            let dropped = manifest.columns.filter { $0.columnClass == .direct || $0.columnClass == .freeText }.map(\.name)
            #expect(!dropped.isEmpty, "the shipped manifest declares direct and free-text columns")
            #expect(Set(header).isDisjoint(with: dropped), "\(dataset) keeps no direct or free-text column")
            #expect(header == manifest.extractColumns)
            let receipt = try Receipt.read(for: extract)
            let read = try #require(receipt.inputs.first?.rows)
            let written = try #require(receipt.outputs.first?.rows)
            let excluded = receipt.excluded.map(\.count).reduce(0, +)
            #expect(read == written + excluded, "\(dataset): every record is written or excluded by a declared row condition")
            if manifest.rows == nil { #expect(read == written, "\(dataset): no row conditions, so the same number of records") }
        }
    }
}

@Suite("The shipped governance documents")
struct ShippedDocumentsTests {
    @Test("The example approvals register approves exactly the shipped manifests, plan, spec and policy of the demo")
    func exampleRegister() throws {
        var definition = try PipelineDefinition.load(path: repositoryRoot + "/examples/victims-pathway/pipeline.yaml")
        definition.approvals = repositoryRoot + "/governance/approvals.yaml"
        definition.requireApproved = true
        let runner = PipelineRunner(definition: definition, output: "/nonexistent")
        try runner.checkApprovals()
    }
}
