import Governance
import PathlinkCore
import Provenance

/// Before any token is read: the inputs of one link must come from one project, one
/// plan and one key, and the linker's secret must not be that key.
///
/// Tokens made under different keys, projects or plans never match, so linking them gives
/// "0 record links" — which a data team reads as "no overlap". Refused instead, naming the
/// datasets and the key fingerprints (never a key). The facts are in the inputs'
/// pseudonymise receipts: `key_fingerprint` and the `plan` document (project, SHA-256).
enum InputConsistency {
    struct Origin {
        var dataset: String
        var path: String
        var fingerprint: String?
        var project: String?
        var planSHA256: String?
    }

    /// - Throws: `.provenance` naming the datasets that disagree; `.key` when the secret's
    ///   fingerprint (as an owner key) is an input's key fingerprint.
    static func check(_ inputs: [(dataset: String, path: String)], plan: LinkagePlan, secret: LinkerSecret) throws {
        var origins: [Origin] = []
        for input in inputs {
            // A missing or foreign receipt is refused, with its own message, when the input is read.
            guard let receipt = try? Receipt.read(for: input.path), receipt.stage == "pseudonymise" else { continue }
            let planDocument = receipt.documents.first { $0.kind == "plan" }
            origins.append(Origin(dataset: input.dataset, path: input.path, fingerprint: receipt.keyFingerprint,
                                  project: planDocument?.name, planSHA256: planDocument?.sha256))
        }
        // Pathlink's pseudonymise receipts always carry a fingerprint and a plan; a fact a
        // receipt does not state (hand-made test receipts) is not compared.
        guard let first = origins.first else { return }
        let remedy = "pseudonymise every dataset of one link with the same key and the same approved plan, then link again"
        for other in origins.dropFirst() {
            if let one = first.fingerprint, let two = other.fingerprint, one != two {
                throw PathlinkError(.provenance, file: other.path,
                                    problem: "\(first.dataset) was pseudonymised with key \(first.fingerprint ?? "(none)") and \(other.dataset) with key \(other.fingerprint ?? "(none)"): tokens made with different keys never match, so linking them would report no overlap",
                                    remedy: remedy)
            }
            if let one = first.planSHA256, let two = other.planSHA256, one != two || first.project != other.project {
                throw PathlinkError(.provenance, file: other.path,
                                    problem: "\(first.dataset) was pseudonymised under plan \(first.project ?? "(none)") (SHA-256 \(first.planSHA256?.prefix(16) ?? "none")…) and \(other.dataset) under plan \(other.project ?? "(none)") (SHA-256 \(other.planSHA256?.prefix(16) ?? "none")…): their tokens do not match",
                                    remedy: remedy)
            }
        }
        for origin in origins where origin.project != nil && origin.project != plan.project {
            throw PathlinkError(.provenance, file: origin.path,
                                problem: "\(origin.dataset) was pseudonymised for project \(origin.project ?? "(none)"), but the plan \(plan.path) is for project \(plan.project)",
                                remedy: "link with the plan the datasets were pseudonymised with")
        }
        let secretFingerprint = try secret.fingerprintAsOwnerKey()
        if let owner = origins.first(where: { $0.fingerprint == secretFingerprint }) {
            throw PathlinkError(.key, problem: "the linker secret is the owners' key (fingerprint \(secretFingerprint), as in the receipt of \(owner.dataset))",
                                remedy: "the linking unit must never hold the owners' key: give --secret a file of its own (`pathlink keygen --output FILE`), or leave it out for a fresh secret")
        }
    }
}
