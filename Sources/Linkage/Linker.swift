import Cryptography
import Dispatch
import Foundation
import Governance
import PathlinkCore
import Provenance
import Tabular

/// What `pathlink link` needs.
package struct LinkOptions {
    package var planPath: String
    /// `DATASET=PATH` pairs, in any order.
    package var inputs: [(dataset: String, path: String)]
    /// The linked folder.
    package var outputPath: String
    package var secret: LinkerSecret
    package var force: Bool
    /// Threads for reading inputs and writing files; nil = `PATHLINK_THREADS`, else every
    /// core. The output's bytes do not depend on it.
    package var threads: Int?
    /// Further files the output may not be, contain or lie in (the secret file).
    package var guardedPaths: [String] = []

    package init(planPath: String, inputs: [(dataset: String, path: String)], outputPath: String, secret: LinkerSecret, force: Bool,
                threads: Int? = nil) {
        self.threads = threads
        self.planPath = planPath
        self.inputs = inputs
        self.outputPath = outputPath
        self.secret = secret
        self.force = force
    }
}

/// What a run did, for the command line.
package struct LinkSummary: Sendable {
    package var records: Int
    package var persons: Int
    package var links: Int
    package var ambiguousTokens: Int
    package var warnings: [String]
}

/// The linking stage (docs/link.md; the plan: docs/link.md "The linkage plan").
package enum Linker {
    /// Link the inputs and write the linked folder with its receipt beside it.
    /// - Throws: `PathlinkError` naming the file (and row, column or YAML line); never a token.
    @discardableResult
    package static func link(_ options: LinkOptions) throws -> LinkSummary {
        let started = Date()
        let plan = try LinkagePlan.load(path: options.planPath)
        let inputs = try checkedInputs(options.inputs, plan: plan)
        try InputConsistency.check(inputs, plan: plan, secret: options.secret)
        let receiptPath = Receipt.path(for: options.outputPath)
        try Receipt.refuseExisting(for: options.outputPath, force: options.force,
                                   inputs: [options.planPath] + options.inputs.map(\.path) + options.guardedPaths)
        let output = try AtomicOutput(path: options.outputPath, isDirectory: true, force: options.force)
        defer { output.discard() }

        let secret = options.secret
        let rekeyer = Rekeyer(key: try secret.derivedKey("rekey"))
        let idHasher = Rekeyer(key: try secret.derivedKey("research-ids"))

        let threads = options.threads ?? Parallel.threads
        let datasets = try load(inputs, rekeyer: rekeyer, needed: LinkDataset.Needed(plan: plan), threads: threads)
        // The key-custody test stops the stage here, every input re-keyed (TestHook).
        if TestHook.pauseAfterPrimingRecord > 0 { TestHook.pauseAfterPriming(stage: "link") }
        try checkAttachRules(plan, datasets: datasets)

        let linker = PersonLinker(plan: plan, datasets: datasets)
        linker.threads = threads
        // The record numbering does not depend on the links: computed on a second thread
        // while the persons are built.
        let sizes = datasets.map { (name: $0.name, rows: $0.rows) }
        let (order, roots) = try Parallel.alongside(threads: threads, background: {
            ResearchIDs.RecordOrder(datasets: sizes, hasher: idHasher)
        }) {
            linker.run()
            for dataset in datasets { dataset.releaseTokens() }
            return linker.roots()
        }
        let ids = ResearchIDs(order: order, roots: roots)
        let writer = LinkedFolderWriter(linker: linker, roots: roots, ids: ids, folder: output.temporaryPath)
        let files = try writer.writeAll(threads: threads)
        try output.commit()

        var receipt = Receipt(stage: "link", started: started)
        receipt.documents = [try Receipt.document(kind: "plan", name: plan.project, path: options.planPath, relativeTo: receiptPath)]
        let receiptFolder = FilePath.split(receiptPath).parent
        receipt.inputs = datasets.map { dataset in
            Receipt.FileEntry(path: FilePath.relative(dataset.path, to: receiptFolder), sha256: dataset.sha256, rows: dataset.rows, dataset: dataset.name)
        }
        receipt.outputs = try files.map { file in
            try Receipt.entry(for: FilePath.join(options.outputPath, file.name), relativeTo: receiptPath, rows: file.rows)
        }
        receipt.counts = writer.counts
        receipt.warnings = linker.warnings
        try receipt.write(beside: options.outputPath, force: options.force)
        return LinkSummary(records: roots.count, persons: ids.personCount, links: linker.links.count,
                           ambiguousTokens: linker.ambiguities.reduce(0) { $0 + $1.tokens }, warnings: linker.warnings)
    }

    /// Every dataset of the plan exactly once, sorted by name.
    static func checkedInputs(_ inputs: [(dataset: String, path: String)], plan: LinkagePlan) throws -> [(dataset: String, path: String)] {
        let planned = Set(plan.links.flatMap { [$0.from, $0.to] })
        var seen = Set<String>()
        for input in inputs {
            guard seen.insert(input.dataset).inserted else {
                throw PathlinkError(.usage, problem: "--input names dataset \(input.dataset) twice",
                                    remedy: "give each dataset once, as DATASET=PATH")
            }
            guard planned.contains(input.dataset) else {
                throw PathlinkError(.usage, file: input.path, problem: "the plan does not link dataset \(input.dataset)",
                                    remedy: "the plan links \(planned.sorted().joined(separator: ", ")); check the DATASET=PATH pairs")
            }
        }
        if let missing = planned.subtracting(seen).sorted().first {
            throw PathlinkError(.usage, file: plan.path, problem: "the plan links dataset \(missing), but no --input gives it",
                                remedy: "add --input \(missing)=PATH")
        }
        return inputs.sorted { $0.dataset < $1.dataset }
    }

    /// Read every input, on up to PATHLINK_THREADS threads (each with its own HMAC context).
    private static func load(_ inputs: [(dataset: String, path: String)], rekeyer: Rekeyer, needed: LinkDataset.Needed, threads: Int) throws -> [LinkDataset] {
        let rekeyers = try inputs.map { _ in try rekeyer.makeCopy() }
        let jobs: [() throws -> LinkDataset] = inputs.indices.map { index in
            { try LinkDataset(name: inputs[index].dataset, path: inputs[index].path, rekeyer: rekeyers[index], needed: needed) }
        }
        return try Parallel.run(jobs, threads: threads)
    }

    private static func checkAttachRules(_ plan: LinkagePlan, datasets: [LinkDataset]) throws {
        guard let spine = datasets.first(where: { $0.name == plan.output.spine }) else { return }
        for (name, rule) in plan.output.attach.sorted(by: { $0.key < $1.key }) {
            guard let other = datasets.first(where: { $0.name == name }) else { continue }
            switch rule {
            case .nearest(let spineColumn, let otherColumn):
                for (dataset, column) in [(spine, spineColumn), (other, otherColumn)] where dataset.attribute(named: column) == nil {
                    throw PathlinkError(.invalidDocument, file: plan.path, column: column,
                                        problem: "output.attach for \(name) names column \(column), which \(dataset.name) does not have as an attribute",
                                        remedy: "name an attribute column of \(dataset.name): \(dataset.attributes.map(\.name).joined(separator: ", "))")
                }
            }
        }
    }
}
