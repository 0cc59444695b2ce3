#if canImport(Glibc)
import Glibc
#endif
import Cryptography
import Extraction
import Governance
import Linkage
import PathlinkCore
import Provenance
import Pseudonymisation
import Reporting
import Synthesis

/// Runs every stage of a pipeline on one machine (`pathlink run`), each with its own
/// code and receipts, in order: synth (optional) → extract → keygen (optional) →
/// pseudonymise → link → report.
///
/// The whole run is built in a hidden temporary folder beside the output and renamed
/// into place only when every stage has succeeded: after a failure or an interrupt no
/// partial output exists. Receipts hold relative paths, so the rename keeps them valid.
package struct PipelineRunner {
    package var definition: PipelineDefinition
    package var output: String
    package var force: Bool
    /// Refuse documents not in the approvals register (also set by the pipeline file).
    package var requireApproved: Bool
    /// Accept weak or published key and secret files (tests and demonstrations only).
    package var testKey = false
    /// Called with one line per step, for progress.
    package var log: (String) -> Void

    package init(definition: PipelineDefinition, output: String, force: Bool = false, requireApproved: Bool = false,
                log: @escaping (String) -> Void = { _ in }) {
        self.definition = definition
        self.output = output
        self.force = force
        self.requireApproved = requireApproved
        self.log = log
    }

    /// The layout of a run's output folder.
    package struct Layout {
        package let root: String
        package var raw: String { FilePath.join(root, "raw") }
        package func extract(_ dataset: String) -> String { FilePath.join(root, "extracts/\(dataset).csv") }
        package func tokens(_ dataset: String) -> String { FilePath.join(root, "tokens/\(dataset).csv") }
        package var key: String { FilePath.join(root, "keys/owner.key") }
        package var secret: String { FilePath.join(root, "keys/linker.secret") }
        package var linked: String { FilePath.join(root, "linked") }
        package var release: String { FilePath.join(root, "release") }
        package var audit: String { FilePath.join(root, "release.audit.json") }
    }

    package struct Summary: Sendable {
        package var output: String
        package var report: String
        package var audit: String
    }

    package func run() throws -> Summary {
        try checkApprovals()
        // `run proj/pipeline.yaml --output proj --force` deleted the pipeline file and the
        // raw exports: the output may not be, hold or lie in any file the run reads.
        let folder = try AtomicOutput(path: output, isDirectory: true, force: force, inputs: definition.inputs)
        do {
            let layout = Layout(root: folder.temporaryPath)
            for sub in ["raw", "extracts", "keys", "tokens"] {
                try AtomicOutput.makeFolder(FilePath.join(layout.root, sub), reportedAs: FilePath.join(output, sub))
            }
            try runStages(layout)
            try folder.commit()
        } catch {
            folder.discard()
            throw error
        }
        let final = Layout(root: output)
        return Summary(output: output, report: FilePath.join(final.release, "report.html"), audit: final.audit)
    }

    private func runStages(_ layout: Layout) throws {
        var rawPaths: [String: String] = [:]
        if let synth = definition.synth {
            log("synth: \(synth.persons) synthetic persons (seed \(synth.seed))")
            let summary = try Synthesiser.run(.init(persons: synth.persons, seed: synth.seed, output: layout.raw, force: true))
            for source in definition.sources {
                guard let file = summary.files.first(where: { FilePath.split($0.path).name == source.raw }) else {
                    throw PathlinkError(.invalidDocument, file: definition.path,
                                        problem: "source \(source.dataset): synth writes no file called \(source.raw)",
                                        remedy: "name one of: \(summary.files.map { FilePath.split($0.path).name }.joined(separator: ", "))")
                }
                rawPaths[source.dataset] = file.path
            }
        } else {
            for source in definition.sources { rawPaths[source.dataset] = source.raw }
        }

        let plan = try LinkagePlan.load(path: definition.plan)
        var manifests: [Manifest] = []
        for source in definition.sources {
            let manifest = try Manifest.load(path: source.manifest)
            guard manifest.dataset == source.dataset else {
                throw PathlinkError(.invalidDocument, file: definition.path,
                                    problem: "source \(source.dataset) names the manifest of \(manifest.dataset)",
                                    remedy: "give each source its own manifest")
            }
            manifests.append(manifest)
        }
        // The datasets are independent: extracted (and below, pseudonymised) on up to
        // PATHLINK_THREADS threads. Each writes its own files, so the bytes never depend on
        // the thread count; the first error in source order is the one reported.
        let names = definition.sources.map(\.dataset).joined(separator: ", ")
        log("extract: \(names)")
        _ = try Parallel.run(zip(definition.sources, manifests).map { source, manifest in {
            try Extractor(manifest: manifest, force: true).run(input: rawPaths[source.dataset]!,
                                                             output: layout.extract(source.dataset))
        } })

        // A generated key (and secret) is held in memory and written into keys/ only when
        // every stage has succeeded, just before the folder appears: a run killed on the
        // way leaves no key in its hidden temporary folder.
        let key: MasterKey
        var keysToWrite: [(MasterKey, String)] = []
        switch definition.key {
        case .generate:
            key = try MasterKey.generate()
            keysToWrite.append((key, layout.key))
            log("keygen: a new owner key (fingerprint \(key.fingerprint)), owner-only, in keys/")
        case .file(let path):
            key = try KeyFile.load(path, allowTestKey: testKey || definition.testKey)
        }
        // Every domain key the owners' stages need is primed before any extract is read; a
        // key read from a file is then wiped at once. A generated key stays whole until it
        // is written into keys/ at the end (governance/key-custody.md, "In memory").
        var domains: [String] = []
        for manifest in manifests {
            for domain in Pseudonymiser.domains(manifest: manifest, plan: plan) where !domains.contains(domain) { domains.append(domain) }
        }
        if keysToWrite.isEmpty {
            try key.primeAndWipe(project: plan.project, domains: domains)
        } else {
            try key.prime(project: plan.project, domains: domains)
        }
        log("pseudonymise: \(names) (key \(key.fingerprint))")
        _ = try Parallel.run(zip(definition.sources, manifests).map { source, manifest in {
            try Pseudonymiser(manifest: manifest, plan: plan, key: key, force: true)
                .run(input: layout.extract(source.dataset), output: layout.tokens(source.dataset))
        } })

        let secret: LinkerSecret
        switch definition.secret {
        case .fresh: secret = try LinkerSecret.fresh()
        case .generate:
            var bytes = try SecureRandom.bytes(32)
            defer { wipe(&bytes) }
            secret = LinkerSecret(bytes: bytes)
            try secret.primeAndWipe()
            keysToWrite.append((try MasterKey(bytes: bytes), layout.secret))
        case .file(let path): secret = try LinkerSecret.load(path, allowTestKey: testKey || definition.testKey)
        }
        if try secret.fingerprintAsOwnerKey() == key.fingerprint {
            throw PathlinkError(.key, file: definition.path, problem: "the linker secret is the owner key (both have fingerprint \(key.fingerprint))",
                                remedy: "the linking unit must never hold the owners' key: give linker-secret a file of its own (`pathlink keygen --output FILE`), or fresh: true")
        }
        log("link: \(definition.sources.count) datasets on tokens only")
        let linked = try Linker.link(LinkOptions(planPath: definition.plan,
                                                 inputs: definition.sources.map { ($0.dataset, layout.tokens($0.dataset)) },
                                                 outputPath: layout.linked, secret: secret, force: true))
        log("link: \(linked.records) records, \(linked.persons) persons, \(linked.links) record links")

        log("report: disclosure control and the LP audit")
        let report = try ReportStage(specPath: definition.spec, inputPath: layout.linked, outputPath: layout.release,
                                     policyPath: definition.policy, auditPath: layout.audit, force: true).run()
        log("report: \(report.tables) tables")
        for (generated, path) in keysToWrite { try KeyGeneration.write(generated, to: path, force: true) }
    }

    /// With approvals required, every governing document must be in the register.
    func checkApprovals() throws {
        guard requireApproved || definition.requireApproved else { return }
        let registerPath = definition.approvals ?? "governance/approvals.yaml"
        let register = try ApprovalsRegister.load(path: registerPath)
        for source in definition.sources {
            try register.require(kind: "manifest", name: source.dataset, path: source.manifest,
                                 sha256: try SHA256.hex(ofFile: source.manifest))
        }
        let plan = try LinkagePlan.load(path: definition.plan)
        try register.require(kind: "plan", name: plan.project, path: definition.plan, sha256: try SHA256.hex(ofFile: definition.plan))
        try register.require(kind: "spec", name: FilePath.split(definition.spec).name, path: definition.spec,
                             sha256: try SHA256.hex(ofFile: definition.spec))
        if let policy = definition.policy {
            try register.require(kind: "policy", name: FilePath.split(policy).name, path: policy, sha256: try SHA256.hex(ofFile: policy))
        }
    }
}
