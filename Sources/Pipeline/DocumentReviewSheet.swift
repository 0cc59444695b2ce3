import Cryptography
import Foundation
import Governance
import PathlinkCore
import Reporting

/// `pathlink check` on a linkage plan, report spec, disclosure policy or pipeline file:
/// the document is validated as its stage would read it, then shown to the reviewer with
/// the SHA-256 to record in the approvals register (manifests have ``ReviewSheet``).
///
/// The sheet says what the document decides (for a plan: which person fields enter which
/// match keys) and then shows the document exactly as written, numbered. In Markdown the
/// author's text is an indented code block and every summary value is escaped
/// (``MarkdownText``): nothing the author wrote can add a row, a cell, a link or HTML.
package struct DocumentReviewSheet: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case manifest, plan = "linkage plan", spec = "report spec", policy = "disclosure policy", pipeline
    }

    package var kind: Kind
    package var name: String
    package var path: String
    package var sha256: String
    /// What the document decides, one line each.
    package var summary: [String]
    /// The document as written.
    package var lines: [String]

    /// The kind of document at `path`, from its first top-level key (`manifest:`,
    /// `linkage:`, `report:`, `policy:`, `pipeline:`); nil when it is none of them.
    package static func kind(of path: String) throws -> Kind? {
        let text = try FilePath.readText(path)
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("---") { continue }
            guard line.first != " " else { continue }
            switch line.split(separator: ":", maxSplits: 1).first.map(String.init) {
            case "manifest": return .manifest
            case "linkage": return .plan
            case "report": return .spec
            case "policy": return .policy
            case "pipeline": return .pipeline
            default: continue
            }
        }
        return nil
    }

    /// Validate the document as its stage would and build its sheet.
    package init(kind: Kind, path: String) throws {
        self.kind = kind
        self.path = path
        sha256 = try SHA256.hex(ofFile: path)
        lines = try FilePath.readText(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        switch kind {
        case .manifest:
            let manifest = try Manifest.load(path: path)
            name = manifest.dataset
            summary = []
        case .plan:
            let plan = try LinkagePlan.load(path: path)
            name = plan.project
            summary = ["project \(plan.project): tokens of this project never match another's"]
            summary += plan.matchKeys.map { "match key \($0.name): \($0.fields.map(\.rawValue).joined(separator: " + "))" }
            summary += plan.confirmKeys.map { "confirm key \($0.name): \($0.fields.map(\.rawValue).joined(separator: " + "))" }
            summary += plan.links.map { link in
                "link \(link.from) → \(link.to) by \(link.by.joined(separator: ", "))"
                    + (link.confirm.isEmpty ? "" : "; confirmed by \(link.confirm.joined(separator: ", "))")
                    + (link.refute.isEmpty ? "" : "; refuted by \(link.refute.joined(separator: ", "))")
            }
            let fields = Set(plan.allKeys.flatMap { $0.fields.flatMap { $0.sources.map(\.rawValue) } }).sorted()
            summary.append("personal data entering match and confirm keys: \(fields.joined(separator: ", "))")
        case .spec:
            let spec = try ReportSpec.load(path: path)
            name = spec.id
            summary = ["report \(spec.id): \(spec.tables.count) tables, counting \(spec.unit)"]
        case .policy:
            _ = try PolicyDocument.load(path: path)
            name = FilePath.split(path).name
            summary = []   // the threshold and rules are in the document itself, shown below
        case .pipeline:
            let definition = try PipelineDefinition.load(path: path)
            name = definition.name
            summary = definition.sources.map { "source \($0.dataset): manifest \($0.manifest)" }
                + ["plan \(definition.plan)", "report spec \(definition.spec)"]
                + (definition.policy.map { ["policy \($0)"] } ?? [])
            if definition.testKey { summary.append("TEST KEYS ALLOWED (test-key: true): never for real data") }
        }
    }

    package func text() -> String {
        var out = ["Review sheet: \(kind.rawValue) \(name)", "File: \(path)", "SHA-256 to approve: \(sha256)", ""]
        if !summary.isEmpty { out += ["What it decides:"] + summary.map { "  - " + $0 } + [""] }
        out.append("The document as written:")
        out += lines.enumerated().map { String(format: "%4d  ", $0.offset + 1) + $0.element }
        return out.joined(separator: "\n") + "\n"
    }

    package func markdown() -> String {
        let e = MarkdownText.escape
        var out = ["# Review sheet: \(e(kind.rawValue)) \(e(name))", "", "- File: \(e(path))", "- SHA-256 to approve: `\(sha256)`", ""]
        if !summary.isEmpty { out += ["## What it decides", ""] + summary.map { "- " + e($0) } + [""] }
        out += ["## The document as written", ""]
        // An indented code block: shown literally, whatever the author wrote.
        out += lines.enumerated().map { "    " + String(format: "%4d  ", $0.offset + 1) + $0.element.replacingOccurrences(of: "\t", with: "    ") }
        return out.joined(separator: "\n") + "\n"
    }

    package func json() -> String {
        struct Document: Encodable {
            var kind, name, path, sha256: String
            var summary, lines: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(kind: kind.rawValue, name: name, path: path, sha256: sha256, summary: summary, lines: lines)
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }
}
