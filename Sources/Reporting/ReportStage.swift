import Disclosure
import Foundation
import PathlinkCore
import Provenance

/// Stage 4: linked tables → a protected release (`pathlink report`).
package struct ReportStage {
    package var specPath: String
    /// The linked folder written by `pathlink link`.
    package var inputPath: String
    /// The release folder to write.
    package var outputPath: String
    /// The disclosure policy file; the defaults of governance/disclosure-control.md when nil.
    package var policyPath: String?
    /// The audit sidecar; `OUTPUT.audit.json` beside the release folder when nil.
    package var auditPath: String?
    package var force: Bool
    /// Processor seconds the whole stage may take (``TimeBudget``; `--time-budget`).
    package var timeBudget: Double
    /// The documented default budget (governance/disclosure-control.md, "Time budget").
    package static let defaultTimeBudget = TimeBudget.defaultSeconds
    /// A replacement for the disclosure engine (tests make it refuse); nil: the
    /// ``ReleaseProtector`` under the stage's time budget.
    package var protect: ((DisclosurePolicy, Microdata, [TableDefinition]) throws -> ProtectedRelease)?
    /// Whether means are protected against recovering hidden sums (``SumProtection``);
    /// only tests turn it off, to show that an attacker then succeeds.
    package var protectsSums = true

    package init(specPath: String, inputPath: String, outputPath: String, policyPath: String? = nil,
                auditPath: String? = nil, force: Bool = false, timeBudget: Double = ReportStage.defaultTimeBudget) {
        self.specPath = specPath
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.policyPath = policyPath
        self.auditPath = auditPath
        self.force = force
        self.timeBudget = timeBudget
    }

    /// What a run produced (for the command's summary line).
    package struct Summary: Sendable {
        package var tables: Int
        package var units: Int
        package var unit: CountUnit
        package var auditPath: String
        package var warnings: [String]
    }

    package var resolvedAuditPath: String {
        auditPath ?? FilePath.trimmingTrailingSlashes(outputPath) + ".audit.json"
    }

    /// Read, protect and write. Nothing is written unless protection succeeds.
    @discardableResult
    package func run() throws -> Summary {
        let started = Date()
        let budget = TimeBudget(seconds: timeBudget)
        let declaredSpec = try ReportSpec.load(path: specPath)
        let policy = try effectivePolicy(spec: declaredSpec)
        try checkOutputs()

        let linked = try LinkedFolder(path: inputPath, source: declaredSpec.source)
        try refuseOpenColumnLabels(spec: declaredSpec, linked: linked)
        // The linkage-quality section: ordinary tables, protected with the spec's own.
        let (spec, qualityIDs) = LinkageQualityTables.augment(declaredSpec, table: linked.table)
        // Means and medians: a yes/no column per quantity, so that contributor counts are counts of atoms.
        let measured = try QuantityColumns.augment(spec, table: linked.table, tablePath: linked.tablePath, specPath: specPath)
        let input = try ReleaseBuilder(spec: spec, specPath: specPath).build(from: measured, tablePath: linked.tablePath)
        try refuseNearIndividualTables(spec: spec, input: input, policy: policy)
        let release: ProtectedRelease
        do {
            try budget.check()
            if let protect {
                release = try protect(policy, input.microdata, input.definitions)
            } else {
                release = try ReleaseProtector(policy: policy, budget: budget).protect(input.microdata, tables: input.definitions)
            }
            try budget.check()
        } catch let error as PathlinkError {
            throw error.inFile(specPath)
        } catch {
            throw PathlinkError(.disclosure, file: specPath, problem: "disclosure control refused the release: \(error)",
                                remedy: "nothing was written; merge sparse categories or drop a dimension, then run again")
        }
        let protected = Dictionary(release.tables.map { ($0.definition.id, $0) }, uniquingKeysWith: { a, _ in a })
        let statistics: [String: [[String]: Double]]
        do {
            statistics = try MeasureProtection.statistics(spec: spec, input: input, policy: policy, protected: protected,
                                                      protectsSums: protectsSums)
            try budget.check()
        } catch let error as PathlinkError {
            throw error.inFile(specPath)
        }
        let tables = try spec.tables.map { tableSpec in
            var table = PublishedTable(spec: tableSpec, unit: spec.unit, protected: protected, statistics: statistics[tableSpec.id] ?? [:],
                                       responseLabels: try responseLabels(tableSpec, spec: spec))
            table.isLinkageQuality = qualityIDs.contains(tableSpec.id)
            return table
        }
        let files = ReleaseFiles(spec: spec, policy: policy, tables: tables)

        var contents: [(name: String, bytes: [UInt8], rows: Int?)] = []
        for table in tables {
            let tidy = files.tidy(table)
            contents.append((table.spec.id + ".csv", Array(tidy.text.utf8), tidy.rows))
            let wide = files.wide(table)
            contents.append((table.spec.id + ".wide.csv", Array(wide.text.utf8), wide.rows))
        }
        contents.append(("tables.json", Array(files.tablesJSON().utf8), nil))
        // The same tables as a spreadsheet publication (cover, contents, notes, a sheet per table).
        contents.append((OpenDocumentWorkbook.fileName, OpenDocumentWorkbook(files: files).bytes(), nil))
        // The release's checks in the shape of ACRO's results.json (SACRO-Viewer); see ACROResults.
        contents.append(("results.json", Array(ACROResults(spec: spec, policy: policy, tables: tables).rendered().utf8), nil))
        let documents = [("spec", specPath)] + (policyPath.map { [("policy", $0)] } ?? [])
        let html = HTMLReport(spec: spec, policy: policy, tables: tables, linked: linked,
                              documents: try documents.map { ($0.0, FilePath.split($0.1).name, try Receipt.entry(for: $0.1, relativeTo: $0.1).sha256) }).render()
        contents.append(("report.html", Array(html.utf8), nil))
        let audit = ReleaseFiles.auditJSON(spec: spec, policy: policy, release: release)

        // Write: the folder under a temporary name, then the audit, then the receipts.
        let folder = try AtomicOutput(path: outputPath, isDirectory: true, force: force)
        for (name, bytes, _) in contents {
            try FilePath.writeAtomically(bytes, to: FilePath.join(folder.temporaryPath, name), force: false)
        }
        try folder.commit()
        try FilePath.writeAtomically(audit, to: resolvedAuditPath, force: force)

        var receipt = Receipt(stage: "report", started: started)
        let receiptPath = Receipt.path(for: outputPath)
        receipt.documents.append(try Receipt.document(kind: "spec", name: spec.id, path: specPath, relativeTo: receiptPath))
        if let policyPath {
            receipt.documents.append(try Receipt.document(kind: "policy", name: "disclosure-policy", path: policyPath, relativeTo: receiptPath))
        }
        receipt.inputs = try inputEntries(linked: linked, relativeTo: receiptPath)
        for (name, _, rows) in contents {
            receipt.outputs.append(try Receipt.entry(for: FilePath.join(outputPath, name), relativeTo: receiptPath, rows: rows))
        }
        receipt.counts = ["tables": tables.count]
        try receipt.write(beside: outputPath, force: force)

        var auditReceipt = Receipt(stage: "report-audit", started: started)
        let auditReceiptPath = Receipt.path(for: resolvedAuditPath)
        auditReceipt.documents = [try Receipt.document(kind: "spec", name: spec.id, path: specPath, relativeTo: auditReceiptPath)]
        if let policyPath {
            auditReceipt.documents.append(try Receipt.document(kind: "policy", name: "disclosure-policy", path: policyPath, relativeTo: auditReceiptPath))
        }
        auditReceipt.inputs = try inputEntries(linked: linked, relativeTo: auditReceiptPath)
        auditReceipt.outputs = [try Receipt.entry(for: resolvedAuditPath, relativeTo: auditReceiptPath)]
        auditReceipt.warnings = ["not for release: this file tells primary from secondary suppression"]
        try auditReceipt.write(beside: resolvedAuditPath, force: force)

        return Summary(tables: tables.count, units: input.unitCount, unit: spec.unit, auditPath: resolvedAuditPath,
                       warnings: release.warnings)
    }

    /// The row labels of a multi-response table: each response variable's label (else its name).
    func responseLabels(_ table: TableSpec, spec: ReportSpec) throws -> [String] {
        let labels = table.responses.map { name in spec.variables.first { $0.name == name }?.label ?? name }
        if Set(labels).count != labels.count || labels.contains(SpecNames.total) {
            throw PathlinkError(.invalidDocument, file: specPath, line: table.line,
                                problem: "table \(table.id): two responses have the same label, or one is labelled Total",
                                remedy: "give each response variable its own label: under variables:")
        }
        return labels
    }

    /// Refuses, before any work, a spec that would make category labels of data text: a
    /// table dimension that is a column the owner declared `open: true` (no closed value
    /// list; the link records these in quality.json's `open_columns`) without a recode into
    /// categories the spec declares, and a map: of an open column without `other:` (its
    /// unlisted values would otherwise be named in an error). Labels of a release come from
    /// closed lists, generalised or derived columns, or the spec itself.
    func refuseOpenColumnLabels(spec: ReportSpec, linked: LinkedFolder) throws {
        guard case .object(let quality)? = linked.quality, case .object(let tables)? = quality["open_columns"],
              case .array(let names)? = tables[spec.source] else { return }
        let open = Set(names.compactMap { name -> String? in if case .string(let text) = name { return text } else { return nil } })
        let variables = Dictionary(spec.variables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        /// The open column a name shows as it is: a column itself, or a variable that copies one.
        func openColumn(shownBy name: String, by variable: VariableDefinition? = nil) -> String? {
            if let earlier = variables[name], earlier.name != variable?.name {
                if case .column(let source, nil) = earlier.rule, open.contains(source) { return source }
                return nil
            }
            return open.contains(name) ? name : nil
        }
        for variable in spec.variables {
            if case .map(let source, _, nil) = variable.rule, let column = openColumn(shownBy: source, by: variable) {
                throw PathlinkError(.invalidDocument, file: specPath, line: variable.line,
                                    problem: "variable \(variable.name) maps \(column), which the owner declared open: true (its values are free text), without other:",
                                    remedy: "add other: GROUP, so that every value of \(column) the map does not list falls in a category the spec declares")
            }
        }
        for table in spec.tables {
            for dimension in table.dimensions {
                let column: String?
                if let variable = variables[dimension] {
                    if case .column(let source, nil) = variable.rule, open.contains(source) { column = source } else { column = nil }
                } else {
                    column = open.contains(dimension) ? dimension : nil
                }
                guard let column else { continue }
                throw PathlinkError(.invalidDocument, file: specPath, line: table.line,
                                    problem: "table \(table.id) tabulates \(column), which the owner declared open: true, by its own values: they would become category labels, and labels are never data text",
                                    remedy: "recode \(column) into declared categories (a variable with map: and other:, categories:, or cases:) and tabulate that variable")
            }
        }
    }

    /// A dimension with more categories than the policy's `category-share` of the units
    /// (``DisclosurePolicy/categoryShare``) makes a table of near-individual records (a
    /// near-unique variable), refused before any protection work…
    /// …when it also has more categories than this (small releases keep small tables); and
    /// the median-cell rule applies to tables of more non-empty cells than this.
    static let nearIndividualMinimum = 20

    /// Refuses, before the disclosure engine runs, a table tabulated by a near-unique
    /// variable, or whose median non-empty cell is under the threshold: its cells would
    /// describe single persons and its protection would take unbounded time (issue 15,
    /// item 7).
    func refuseNearIndividualTables(spec: ReportSpec, input: ReleaseInput, policy: DisclosurePolicy) throws {
        let threshold = policy.threshold
        for table in spec.tables {
            for dimension in table.dimensions {
                let count = input.categories[dimension]?.count ?? 0
                guard count > Self.nearIndividualMinimum,
                      Double(count) > policy.categoryShare * Double(input.unitCount) else { continue }
                throw PathlinkError(.disclosure, file: specPath, line: table.line,
                                    problem: "table \(table.id): \(dimension) has \(count) categories for \(input.unitCount) \(spec.unit.rawValue), more than the policy's category-share (\(policy.categoryShare)) of them, so the table would be near individual-level; nothing was written",
                                    remedy: "group \(dimension)'s categories with a map: recode, or drop it from the table")
            }
        }
        for table in spec.tables {
            // A rate table is judged by its denominator (its numerator is the part of it
            // the rate is about, and may well be small). Tables of at most
            // `nearIndividualMinimum` non-empty cells are left to suppression and the audit,
            // whose work on them is small.
            let id: String
            switch table.kind {
            case .rate: id = ReleaseBuilder.denominatorID(table.id)
            case .mean, .median: id = table.contributorsID
            case .multiResponse: id = table.responseID(0)
            case .count: id = table.id
            }
            guard let definition = input.definitions.first(where: { $0.id == id }),
                  let density = CellDensity.nonEmptyCells(input.microdata, table: definition),
                  density.count > Self.nearIndividualMinimum, density.median < Double(threshold) else { continue }
            let median = density.median
            let shown = median == median.rounded() ? String(Int(median)) : String(median)
            throw PathlinkError(.disclosure, file: specPath, line: table.line,
                                problem: "table \(table.id): its median non-empty cell holds \(shown) \(spec.unit.rawValue), under the threshold \(threshold), so the table would be near individual-level; nothing was written",
                                remedy: "merge categories with a map: recode, drop a dimension (\(table.dimensions.joined(separator: ", "))), or filter less finely")
        }
    }

    /// The policy file (or the defaults), tightened by the spec's `policy:` block; a
    /// loosening or invalid field is refused at its line in the spec.
    func effectivePolicy(spec: ReportSpec) throws -> DisclosurePolicy {
        let base = try policyPath.map(PolicyDocument.load(path:)) ?? DisclosurePolicy()
        guard var settings = spec.policy else { return base }
        settings.file = specPath
        return try base.tightened(by: settings)
    }

    /// Refuse before any work when an output exists (without --force) or the audit would
    /// land inside the release folder.
    func checkOutputs() throws {
        let audit = resolvedAuditPath
        // The release may not replace, hold or sit inside its input or documents, even
        // with --force (`report --input linked --output linked --force` replaced its input).
        let inputs = [inputPath, Receipt.path(for: inputPath), specPath] + (policyPath.map { [$0] } ?? [])
        for output in [outputPath, audit, Receipt.path(for: outputPath), Receipt.path(for: audit)] {
            try OutputSafety.check(output: output, inputs: inputs)
        }
        // Compared with every link followed (realpath), so that a link to the release
        // folder, `..` or a second spelling cannot put the audit inside the release.
        let realAudit = Self.resolvingLinks(audit)
        let folder = Self.resolvingLinks(outputPath)
        let releasePaths = [folder, Self.resolvingLinks(Receipt.path(for: outputPath))]
        if realAudit.hasPrefix(folder + "/") || releasePaths.contains(realAudit)
            || releasePaths.contains(Self.resolvingLinks(Receipt.path(for: audit))) {
            throw PathlinkError(.usage, file: audit, problem: "the audit sidecar would be inside the release folder, or take the place of the release or its receipt",
                                remedy: "give --audit a path outside \(outputPath), other than its receipt: the audit tells primary from secondary suppression and is not for release")
        }
        // A missing or read-only folder for the release or the audit is found now, not after
        // the disclosure work.
        for path in [outputPath, audit] { try AtomicOutput.checkFolder(of: path) }
        guard !force else { return }
        for path in [outputPath, audit, Receipt.path(for: outputPath), Receipt.path(for: audit)] where FilePath.exists(path) {
            throw PathlinkError(.outputExists, file: path, problem: "the output already exists",
                                remedy: "choose another output path, or add --force to replace it")
        }
    }

    /// The absolute path with every symbolic link followed: `realpath` of the longest part
    /// that exists, then the rest as written (`.` and `..` resolved).
    static func resolvingLinks(_ path: String) -> String {
        let absolute = FilePath.absolute(path)
        if let resolved = realpath(absolute, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let parts = FilePath.split(absolute)
        guard parts.parent != absolute, !parts.parent.isEmpty else { return absolute }
        let parent = resolvingLinks(parts.parent)
        return parent == "/" ? "/" + parts.name : parent + "/" + parts.name
    }

    private func inputEntries(linked: LinkedFolder, relativeTo receiptPath: String) throws -> [Receipt.FileEntry] {
        var entries = [try Receipt.entry(for: linked.tablePath, relativeTo: receiptPath, rows: linked.table.rows.count, dataset: "linked")]
        let quality = FilePath.join(linked.path, "quality.json")
        if linked.quality != nil { entries.append(try Receipt.entry(for: quality, relativeTo: receiptPath, dataset: "linkage-quality")) }
        if linked.receipt != nil {
            entries.append(try Receipt.entry(for: Receipt.path(for: linked.path), relativeTo: receiptPath, dataset: "linked-receipt"))
        }
        return entries
    }
}

extension FilePath {
    static func trimmingTrailingSlashes(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}
