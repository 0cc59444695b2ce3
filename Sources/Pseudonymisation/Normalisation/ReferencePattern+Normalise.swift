import Foundation
import Governance

extension ReferencePattern {
    /// The `pattern` normaliser (token specification 3.7): a placeholder is missing; else
    /// the value is trimmed, NFKC-normalised and upper-cased, and must match the whole
    /// pattern (Governance's ``ReferencePattern``, the one implementation `check` and
    /// `extract` use too) or it is invalid; the filled template is the normalised value.
    package func normalise(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        var prepared = Whitespace.trim(value)
        if !prepared.utf8.allSatisfy({ $0 < 0x80 }) {
            prepared = prepared.precomposedStringWithCompatibilityMapping
        }
        prepared = prepared.uppercased()
        guard let result = fill(prepared) else { return .invalid }
        return .nonEmpty(result)
    }
}
