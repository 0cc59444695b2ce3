import Foundation
import PathlinkCore

/// Whether a true zero is published as `0` or hidden like a small count.
package enum ZeroRule: String, Sendable, Equatable, Codable {
    /// Zeros are published. A reader then knows every hidden cell holds at least one unit.
    case show
    /// Zeros are hidden too (primary suppression).
    case suppress
}

/// The rules a release must satisfy (governance/disclosure-policy.md;
/// governance/disclosure-control.md explains each field).
///
/// The policy file (`governance/disclosure-policy.yaml`) is parsed by Reporting; this type
/// decodes the fields `threshold`, `zeros`, `secondary`, `rounding` and `symbol`, each
/// optional (a missing field keeps its default). `structuralSymbol` is fixed by the GSS
/// shorthand (`[z]`) and not read from the file.
package struct DisclosurePolicy: Sendable, Equatable, Codable {
    /// Counts `1..<threshold` are suppressed (primary suppression).
    package var threshold: Int = 3
    package var zeros: ZeroRule = .show
    /// Complementary suppression so that no hidden cell can be worked out from published ones.
    package var secondary: Bool = true
    /// `0` = publish true counts; else publish counts rounded half-up to a multiple of this base.
    package var rounding: Int = 0
    /// Shown in place of a suppressed count (GSS: confidential).
    package var symbol: String = "[c]"
    /// Shown for a structural zero (GSS: not applicable).
    package var structuralSymbol: String = "[z]"

    package init(threshold: Int = 3, zeros: ZeroRule = .show, secondary: Bool = true, rounding: Int = 0,
                symbol: String = "[c]", structuralSymbol: String = "[z]") {
        self.threshold = threshold
        self.zeros = zeros
        self.secondary = secondary
        self.rounding = rounding
        self.symbol = symbol
        self.structuralSymbol = structuralSymbol
    }

    enum CodingKeys: String, CodingKey {
        case threshold, zeros, secondary, rounding, symbol
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DisclosurePolicy()
        threshold = try container.decodeIfPresent(Int.self, forKey: .threshold) ?? defaults.threshold
        zeros = try container.decodeIfPresent(ZeroRule.self, forKey: .zeros) ?? defaults.zeros
        secondary = try container.decodeIfPresent(Bool.self, forKey: .secondary) ?? defaults.secondary
        rounding = try container.decodeIfPresent(Int.self, forKey: .rounding) ?? defaults.rounding
        symbol = try container.decodeIfPresent(String.self, forKey: .symbol) ?? defaults.symbol
        structuralSymbol = defaults.structuralSymbol
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(zeros, forKey: .zeros)
        try container.encode(secondary, forKey: .secondary)
        try container.encode(rounding, forKey: .rounding)
        try container.encode(symbol, forKey: .symbol)
    }

    /// Checks that the policy can be applied; returns it unchanged.
    ///
    /// - Throws: `PathlinkError(.invalidDocument)` naming the field: a threshold under 1, a
    ///   negative rounding base, or a symbol that is empty or reads as a number (a hidden
    ///   cell printed as `0` is the very failure this stage exists to prevent).
    @discardableResult
    package func validated() throws -> DisclosurePolicy {
        if threshold < 1 {
            throw Self.invalid("threshold", "the threshold must be 1 or more",
                               "set threshold to the smallest count that may be published (3 by default)")
        }
        if rounding < 0 {
            throw Self.invalid("rounding", "the rounding base must be 0 (no rounding) or a positive whole number",
                               "set rounding to 0, or to a base such as 5 or 10")
        }
        for (field, value) in [("symbol", symbol), ("structural symbol", structuralSymbol)] {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || Double(trimmed) != nil {
                throw Self.invalid(field, "the \(field) must be a non-empty text that cannot be read as a number",
                                   "use the GSS shorthand, \"[c]\" for confidential and \"[z]\" for not applicable")
            }
        }
        if symbol == structuralSymbol {
            throw Self.invalid("symbol", "the symbol for a suppressed cell must differ from the one for a structural zero",
                               "use \"[c]\" for suppressed cells")
        }
        return self
    }

    /// This policy tightened by `other` (a report spec's policy): every field of `other` must
    /// be at least as strict as this one's, and the result is `other`.
    ///
    /// Stricter means: a higher or equal threshold; `zeros: suppress` if this suppresses
    /// zeros; `secondary: true` if this has it; no rounding removed, and a new base a
    /// multiple of this one (coarser). Symbols are presentation and may differ.
    /// - Throws: `PathlinkError(.invalidDocument)` naming the first field that would loosen
    ///   the policy, or an invalid field of `other`.
    package func tightened(by other: DisclosurePolicy) throws -> DisclosurePolicy {
        try other.validated()
        if other.threshold < threshold {
            throw Self.loosening("threshold", "the threshold \(other.threshold) is lower than the policy's \(threshold)")
        }
        if zeros == .suppress && other.zeros == .show {
            throw Self.loosening("zeros", "zeros: show would publish zeros the policy suppresses")
        }
        if secondary && !other.secondary {
            throw Self.loosening("secondary", "secondary: false would turn off the policy's secondary suppression")
        }
        if rounding > 0 && (other.rounding == 0 || other.rounding % rounding != 0) {
            throw Self.loosening("rounding", "rounding \(other.rounding) is not a multiple of the policy's base \(rounding)")
        }
        return other
    }

    /// This policy tightened by the fields a spec actually sets; unset fields keep this
    /// policy's values. Same rules as ``tightened(by:)-(DisclosurePolicy)``.
    package func tightened(by override: DisclosurePolicyOverride) throws -> DisclosurePolicy {
        var other = self
        if let value = override.threshold { other.threshold = value }
        if let value = override.zeros { other.zeros = value }
        if let value = override.secondary { other.secondary = value }
        if let value = override.rounding { other.rounding = value }
        if let value = override.symbol { other.symbol = value }
        return try tightened(by: other)
    }

    /// Rounds a true count to the published value: half up to a multiple of `rounding`.
    package func published(_ count: Int) -> Int {
        guard rounding > 0 else { return count }
        return (count + rounding / 2) / rounding * rounding
    }

    /// The true counts that publish as `value`, for a reader who knows the rounding rule.
    package func trueRange(ofPublished value: Int) -> ClosedRange<Int> {
        guard rounding > 0 else { return value...value }
        let half = rounding / 2
        return max(0, value - half)...(value + rounding - 1 - half)
    }

    static func invalid(_ field: String, _ problem: String, _ remedy: String) -> PathlinkError {
        PathlinkError(.invalidDocument, problem: "disclosure policy, field \"\(field)\": \(problem)", remedy: remedy)
    }

    static func loosening(_ field: String, _ problem: String) -> PathlinkError {
        PathlinkError(.invalidDocument,
                      problem: "the report spec would loosen the disclosure policy, field \"\(field)\": \(problem)",
                      remedy: "a report may only tighten the policy; remove \"\(field)\" from the spec's policy or make it stricter")
    }
}

/// The policy fields a report spec sets; `nil` = keep the policy's value.
package struct DisclosurePolicyOverride: Sendable, Equatable, Codable {
    package var threshold: Int?
    package var zeros: ZeroRule?
    package var secondary: Bool?
    package var rounding: Int?
    package var symbol: String?

    package init(threshold: Int? = nil, zeros: ZeroRule? = nil, secondary: Bool? = nil, rounding: Int? = nil,
                symbol: String? = nil) {
        self.threshold = threshold
        self.zeros = zeros
        self.secondary = secondary
        self.rounding = rounding
        self.symbol = symbol
    }
}
