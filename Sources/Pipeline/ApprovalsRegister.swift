import Governance
import PathlinkCore

/// The register of approved documents (`governance/approvals.yaml`): which manifests,
/// plans, specs and policies a governance reviewer approved, by SHA-256, who and when.
///
/// ```yaml
/// approvals: 1
/// entries:
///   - {kind: manifest, name: police.crimes, sha256: <64 hex>, approved-by: "…", approved-on: 2026-11-01}
/// ```
/// With `--require-approved` (or `require-approved: true` in a pipeline) nothing runs on
/// a document whose exact bytes are not in the register.
package struct ApprovalsRegister: Sendable {
    package struct Entry: Sendable, Equatable {
        package var kind: String
        package var name: String
        package var sha256: String
        package var approvedBy: String
        package var approvedOn: String
    }

    package var path: String
    package var entries: [Entry]

    package static let kinds = ["manifest", "plan", "spec", "policy", "pipeline"]

    package static func load(path: String) throws -> ApprovalsRegister {
        let document = try YAMLDocument(path: path)
        let top = try document.root.mapping(allowed: ["approvals", "entries", "description"])
        let version = try top.required("approvals")
        guard try version.int() == 1 else { throw version.error("approvals register version \(try version.int()) is not supported") }
        var entries: [Entry] = []
        for item in try top.required("entries").sequence() {
            let map = try item.mapping(allowed: ["kind", "name", "sha256", "approved-by", "approved-on", "notes"])
            let shaValue = try map.required("sha256")
            let sha = try shaValue.string().lowercased()
            guard sha.count == 64, sha.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw shaValue.error("is not a SHA-256 (64 hexadecimal digits)", remedy: "copy the value that `pathlink check` prints")
            }
            entries.append(Entry(kind: try map.required("kind").choice(kinds), name: try map.required("name").nonEmptyString(),
                                 sha256: sha, approvedBy: try map.required("approved-by").nonEmptyString(),
                                 approvedOn: try map.required("approved-on").nonEmptyString()))
        }
        return ApprovalsRegister(path: path, entries: entries)
    }

    /// The approval of a document, or nil.
    package func approval(kind: String, sha256: String) -> Entry? {
        entries.first { $0.kind == kind && $0.sha256 == sha256 }
    }

    /// Refuse a document whose exact bytes are not approved.
    /// - Throws: `.notApproved` naming the document and the hash to approve.
    package func require(kind: String, name: String, path document: String, sha256: String) throws {
        guard approval(kind: kind, sha256: sha256) == nil else { return }
        let approvedVersions = entries.filter { $0.kind == kind && $0.name == name }
        var problem = "the \(kind) \(name) is not in the approvals register \(path)"
        if !approvedVersions.isEmpty { problem += " (another version of it is: the file has changed since it was approved)" }
        throw PathlinkError(.notApproved, file: document, problem: problem + "; nothing was run",
                            remedy: "have it reviewed (pathlink check) and its SHA-256 \(sha256) added to the register, or use the approved version")
    }
}
