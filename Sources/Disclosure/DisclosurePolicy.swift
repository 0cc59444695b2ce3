import Foundation
import PathlinkCore

/// Whether a true zero is published as `0` or hidden like a small count.
package enum ZeroRule: String, Sendable, Equatable {
    /// Zeros are published. A reader then knows every hidden cell holds at least one unit.
    case show
    /// Zeros are hidden too (primary suppression).
    case suppress
}

/// The rules a release must satisfy (governance/disclosure-control.md explains each field).
///
/// This is the one model of the policy: the policy file (`governance/disclosure-policy.yaml`)
/// and a report spec's `policy:` block are both read by Reporting into ``Settings`` and
/// become a policy here, through ``validated(locatedBy:)`` (the one validation) and
/// ``tightened(by:)`` (the one rule for what a spec may change).
package struct DisclosurePolicy: Sendable, Equatable {
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
    /// How far above the threshold a hidden value's largest feasible value must reach: the
    /// protection interval is `threshold + protectionMargin` (0: the threshold itself).
    package var protectionMargin: Int = 0
    /// A line of a table (a row or column, at any margin) whose units all fall in one
    /// category tells that category of everyone in it (class disclosure); a line of fewer
    /// units than this is never published that way (``ReleaseProtector``).
    package var classSize: Int = 10
    /// Magnitudes (means, medians): the dominance rule (n, k) hides a statistic whose
    /// largest `dominanceN` contributions make up more than `dominanceK` percent of the
    /// total (``MagnitudeRule``).
    package var dominanceN: Int = 2
    package var dominanceK: Int = 90
    /// No median is published from fewer contributors than this (nor than the threshold).
    package var medianMinimum: Int = 10

    /// A table dimension with more categories than this share of the release's units (and
    /// more than a handful) makes a near-individual table: the report stage refuses it
    /// before any protection work. Above 0 and at most 1; a smaller share refuses more.
    package var categoryShare: Double = 0.5

    package init(threshold: Int = 3, zeros: ZeroRule = .show, secondary: Bool = true, rounding: Int = 0,
                 symbol: String = "[c]", structuralSymbol: String = "[z]", protectionMargin: Int = 0, classSize: Int = 10,
                 categoryShare: Double = 0.5, dominanceN: Int = 2, dominanceK: Int = 90, medianMinimum: Int = 10) {
        self.dominanceN = dominanceN
        self.dominanceK = dominanceK
        self.medianMinimum = medianMinimum
        self.protectionMargin = protectionMargin
        self.classSize = classSize
        self.categoryShare = categoryShare
        self.threshold = threshold
        self.zeros = zeros
        self.secondary = secondary
        self.rounding = rounding
        self.symbol = symbol
        self.structuralSymbol = structuralSymbol
    }

    /// A field of the policy, named as it is written in a policy file or a spec's `policy:` block.
    package enum Field: String, CaseIterable, Sendable, Hashable {
        case threshold, zeros, secondary, rounding, symbol
        case structuralSymbol = "structural-symbol"
        case protectionMargin = "protection-margin"
        case classSize = "class-size"
        case dominanceN = "dominance-n"
        case dominanceK = "dominance-k"
        case medianMinimum = "median-minimum"
        case categoryShare = "category-share"
    }

    /// The lowest threshold any policy file, spec or caller may set: counts of 1 and 2 are
    /// always suppressed (PRODUCT.md; the BOLD report's "fewer than three").
    package static let minimumThreshold = 3

    /// The largest `dominance-k` any policy may set: a statistic whose one or two largest
    /// contributions make up more than 90% of its total is never published (ACRO's default
    /// (n, k) rule, n = 2, k = 90%).
    package static let maximumDominanceK = 90

    /// The smallest largest-feasible-value a hidden cell (or small sub-population) may have.
    package var protectionLevel: Int { threshold + protectionMargin }

    /// The fields a policy file or a spec's `policy:` block sets (`nil` = not set), and where
    /// each was written, so that an error about a field can name its file and line.
    package struct Settings: Sendable, Equatable {
        package var threshold: Int?
        package var zeros: ZeroRule?
        package var secondary: Bool?
        package var rounding: Int?
        package var symbol: String?
        package var structuralSymbol: String?
        package var protectionMargin: Int?
        package var classSize: Int?
        package var dominanceN: Int?
        package var dominanceK: Int?
        package var medianMinimum: Int?
        package var categoryShare: Double?
        /// The file the settings come from.
        package var file: String?
        /// The line of the mapping that holds them, for an error about no single field.
        package var line: Int?
        /// The line of each field that was set.
        package var lines: [Field: Int]

        package init(threshold: Int? = nil, zeros: ZeroRule? = nil, secondary: Bool? = nil, rounding: Int? = nil,
                     symbol: String? = nil, structuralSymbol: String? = nil, protectionMargin: Int? = nil,
                     classSize: Int? = nil, categoryShare: Double? = nil, file: String? = nil, line: Int? = nil,
                     lines: [Field: Int] = [:]) {
            self.protectionMargin = protectionMargin
            self.classSize = classSize
            self.categoryShare = categoryShare
            self.threshold = threshold
            self.zeros = zeros
            self.secondary = secondary
            self.rounding = rounding
            self.symbol = symbol
            self.structuralSymbol = structuralSymbol
            self.file = file
            self.line = line
            self.lines = lines
        }

        /// `base` with the fields that are set put over it; unset fields keep `base`'s values.
        package func applied(to base: DisclosurePolicy) -> DisclosurePolicy {
            var policy = base
            if let threshold { policy.threshold = threshold }
            if let zeros { policy.zeros = zeros }
            if let secondary { policy.secondary = secondary }
            if let rounding { policy.rounding = rounding }
            if let symbol { policy.symbol = symbol }
            if let structuralSymbol { policy.structuralSymbol = structuralSymbol }
            if let protectionMargin { policy.protectionMargin = protectionMargin }
            if let classSize { policy.classSize = classSize }
            if let dominanceN { policy.dominanceN = dominanceN }
            if let dominanceK { policy.dominanceK = dominanceK }
            if let medianMinimum { policy.medianMinimum = medianMinimum }
            if let categoryShare { policy.categoryShare = categoryShare }
            return policy
        }

        /// `error` about `field`, given this file and the field's line (else the mapping's)
        /// when it does not name them already.
        func locating(_ error: PathlinkError, at field: Field) -> PathlinkError {
            var located = error
            located.file = located.file ?? file
            located.line = located.line ?? lines[field] ?? line
            return located
        }
    }

    /// Checks that the policy can be applied; returns it unchanged. The one validation of a
    /// policy: the policy file, a spec's tightening and the engine all come through here.
    ///
    /// - Parameter settings: where the policy's fields were written; an error then names
    ///   the file and the line of the field at fault.
    /// - Throws: `PathlinkError(.invalidDocument)` naming the field: a threshold under 3, a
    ///   negative rounding base, a symbol that is empty or reads as a number (a hidden cell
    ///   printed as `0` is the very failure this stage exists to prevent), or the same symbol
    ///   for a suppressed cell and a structural zero.
    @discardableResult
    package func validated(locatedBy settings: Settings? = nil) throws -> DisclosurePolicy {
        guard let (field, error) = firstProblem() else { return self }
        throw settings?.locating(error, at: field) ?? error
    }

    private func firstProblem() -> (Field, PathlinkError)? {
        if threshold < Self.minimumThreshold {
            return (.threshold, Self.invalid(.threshold, "the threshold must be \(Self.minimumThreshold) or more: counts of 1 and 2 are never published (governance/disclosure-control.md)",
                                             "set threshold: 3 (the default) or higher"))
        }
        if protectionMargin < 0 {
            return (.protectionMargin, Self.invalid(.protectionMargin, "the protection margin must be 0 or a positive whole number",
                                                    "set protection-margin to 0 (a hidden value must be able to reach the threshold) or more"))
        }
        if classSize < Self.minimumThreshold {
            return (.classSize, Self.invalid(.classSize, "the class size must be \(Self.minimumThreshold) or more",
                                             "set class-size to 10 (the default) or more: a smaller group all in one category gives that category away"))
        }
        if !(1...2).contains(dominanceN) {
            return (.dominanceN, Self.invalid(.dominanceN, "dominance-n must be 1 or 2 (the largest one or two contributions)",
                                              "set dominance-n: 2 (the default)"))
        }
        if dominanceK < 1 || dominanceK > Self.maximumDominanceK {
            return (.dominanceK, Self.invalid(.dominanceK, "dominance-k must be a percentage from 1 to \(Self.maximumDominanceK): a statistic dominated by one or two contributions beyond that is never published (governance/disclosure-control.md)",
                                              "set dominance-k: 90 (the default) or lower"))
        }
        if medianMinimum < Self.minimumThreshold {
            return (.medianMinimum, Self.invalid(.medianMinimum, "median-minimum must be \(Self.minimumThreshold) or more",
                                                 "set median-minimum: 10 (the default) or more: a median of a tiny group is one person's value"))
        }
        if !(categoryShare > 0 && categoryShare <= 1) {
            return (.categoryShare, Self.invalid(.categoryShare, "the category share must be a number above 0 and at most 1",
                                                 "set category-share to 0.5 (the default) or lower: a table by a variable with more categories than that share of the persons is refused as near individual-level"))
        }
        if rounding < 0 {
            return (.rounding, Self.invalid(.rounding, "the rounding base must be 0 (no rounding) or a positive whole number",
                                            "set rounding to 0, or to a base such as 5 or 10"))
        }
        for (field, value) in [(Field.symbol, symbol), (.structuralSymbol, structuralSymbol)] {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || Double(trimmed) != nil {
                return (field, Self.invalid(field, "the \(field.rawValue) must be a non-empty text that cannot be read as a number",
                                            "use the GSS shorthand, \"[c]\" for confidential and \"[z]\" for not applicable"))
            }
        }
        if symbol == structuralSymbol {
            return (.symbol, Self.invalid(.symbol, "the symbol for a suppressed cell must differ from the structural-symbol",
                                          "a suppressed cell and a structural zero must look different: use \"[c]\" for suppressed cells"))
        }
        return nil
    }

    /// This policy tightened by a spec's settings: the fields it sets must each be at least
    /// as strict as this policy's; unset fields keep this policy's values.
    ///
    /// Stricter means: a higher or equal threshold (and class size); a smaller or equal category share; `zeros: suppress` if this suppresses
    /// zeros; `secondary: true` if this has it; no rounding removed, and a new base a
    /// multiple of this one (coarser). Symbols are presentation and may differ.
    /// - Throws: `PathlinkError(.invalidDocument)` naming the first field that would loosen
    ///   the policy, or an invalid field, with the settings' file and the field's line.
    package func tightened(by settings: Settings) throws -> DisclosurePolicy {
        let other = try settings.applied(to: self).validated(locatedBy: settings)
        var loosened: (Field, String)?
        if other.threshold < threshold {
            loosened = (.threshold, "the threshold \(other.threshold) is lower than the policy's \(threshold)")
        } else if zeros == .suppress && other.zeros == .show {
            loosened = (.zeros, "zeros: show would publish zeros the policy suppresses")
        } else if secondary && !other.secondary {
            loosened = (.secondary, "secondary: false would turn off the policy's secondary suppression")
        } else if other.protectionMargin < protectionMargin {
            loosened = (.protectionMargin, "the protection margin \(other.protectionMargin) is smaller than the policy's \(protectionMargin)")
        } else if other.classSize < classSize {
            loosened = (.classSize, "the class size \(other.classSize) is smaller than the policy's \(classSize)")
        } else if other.dominanceN < dominanceN {
            loosened = (.dominanceN, "dominance-n \(other.dominanceN) counts fewer contributions than the policy's \(dominanceN)")
        } else if other.dominanceK > dominanceK {
            loosened = (.dominanceK, "dominance-k \(other.dominanceK) is higher than the policy's \(dominanceK)")
        } else if other.medianMinimum < medianMinimum {
            loosened = (.medianMinimum, "median-minimum \(other.medianMinimum) is smaller than the policy's \(medianMinimum)")
        } else if other.categoryShare > categoryShare {
            loosened = (.categoryShare, "the category share \(other.categoryShare) is larger than the policy's \(categoryShare)")
        } else if rounding > 0 && (other.rounding == 0 || other.rounding % rounding != 0) {
            loosened = (.rounding, "rounding \(other.rounding) is not a multiple of the policy's base \(rounding)")
        }
        guard let (field, problem) = loosened else { return other }
        throw settings.locating(Self.loosening(field, problem), at: field)
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

    static func invalid(_ field: Field, _ problem: String, _ remedy: String) -> PathlinkError {
        PathlinkError(.invalidDocument, problem: "disclosure policy, field \"\(field.rawValue)\": \(problem)", remedy: remedy)
    }

    static func loosening(_ field: Field, _ problem: String) -> PathlinkError {
        PathlinkError(.invalidDocument,
                      problem: "the report spec would loosen the disclosure policy, field \"\(field.rawValue)\": \(problem)",
                      remedy: "a report may only tighten the policy; remove \"\(field.rawValue)\" from the spec's policy or make it stricter")
    }
}
