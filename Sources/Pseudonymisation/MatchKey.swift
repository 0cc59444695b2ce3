import Governance

/// A match key or confirm key of the plan: fields joined by U+001F, tokenised in the
/// domain `person/<name>`.
package struct MatchKey: Equatable, Sendable {
    /// The separator between normalised fields (INFORMATION SEPARATOR ONE).
    package static let separator = "\u{1F}"

    package var name: String
    package var fields: [KeyField]

    package init(name: String, fields: [KeyField]) {
        self.name = name
        self.fields = fields
    }

    /// The token domain: `person/<name>`.
    package var domain: String { "person/\(name)" }

    /// The value to tokenise, or nil when any part is missing (then the token is empty).
    package func value(for record: PersonRecord) -> String? {
        var parts: [String] = []
        parts.reserveCapacity(fields.count)
        for field in fields {
            guard let part = record.value(of: field), !part.isEmpty else { return nil }
            parts.append(part)
        }
        return parts.joined(separator: MatchKey.separator)
    }
}
