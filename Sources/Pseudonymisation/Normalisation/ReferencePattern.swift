import Foundation
import PathlinkCore

/// The `pattern` normaliser for reference numbers: `normalise: {pattern, template}`.
///
/// The value is trimmed, NFKC-normalised and upper-cased; the whole of it must match the
/// regex (full match, code-point semantics, ASCII character classes: `\d` is 0–9, `\w`
/// is `[A-Za-z0-9_]`, `\s` is ASCII white space) or it is invalid. The template is then
/// filled from the capture groups: `$1`–`$9`, `$$` for a dollar sign; an unmatched
/// optional group gives the empty string. A result that is empty is missing.
package struct ReferencePattern: @unchecked Sendable {
    package let pattern: String
    package let template: String
    private let regex: Regex<AnyRegexOutput>
    private let parts: [TemplatePart]

    enum TemplatePart: Equatable {
        case literal(String)
        case group(Int)
    }

    /// Compile `pattern` and check `template` against it.
    /// - Throws: `.invalidDocument` when the regex does not compile, or the template is
    ///   malformed or names a group the regex lacks. The message names neither value
    ///   (both come from a manifest, which is not protected, but may be long).
    package init(pattern: String, template: String) throws {
        self.pattern = pattern
        self.template = template
        do {
            regex = try Regex(pattern)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
                .asciiOnlyWhitespace()
        } catch {
            throw PathlinkError(.invalidDocument, problem: "the normalise pattern is not a valid regular expression (\(error))",
                                remedy: "correct the pattern; see docs/pseudonymise.md for the regex syntax")
        }
        parts = try ReferencePattern.parseTemplate(template)
        let groups = try ReferencePattern.groupCount(of: pattern)
        for case .group(let number) in parts where number > groups {
            throw PathlinkError(.invalidDocument, problem: "the normalise template names group $\(number) but the pattern has \(groups) capture group\(groups == 1 ? "" : "s")",
                                remedy: "use only $1–$\(max(groups, 1)) in the template, or add the capture group to the pattern")
        }
    }

    static func parseTemplate(_ template: String) throws -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var literal = ""
        var iterator = template.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "$" else { literal.unicodeScalars.append(scalar); continue }
            guard let next = iterator.next() else {
                throw PathlinkError(.invalidDocument, problem: "the normalise template ends with a lone $",
                                    remedy: "write $$ for a dollar sign, or $1–$9 for a capture group")
            }
            if next == "$" { literal.append("$"); continue }
            guard let digit = Int(String(next)), (1...9).contains(digit) else {
                throw PathlinkError(.invalidDocument, problem: "the normalise template has $ followed by something other than 1–9 or $",
                                    remedy: "write $$ for a dollar sign, or $1–$9 for a capture group")
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.group(digit))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// The number of capture groups of `pattern` (ICU's count; the group syntax is the same).
    static func groupCount(of pattern: String) throws -> Int {
        guard let expression = try? NSRegularExpression(pattern: pattern) else {
            throw PathlinkError(.invalidDocument, problem: "the normalise pattern uses syntax Pathlink cannot check",
                                remedy: "keep to the common regex syntax (groups, classes, quantifiers, anchors, lookahead)")
        }
        return expression.numberOfCaptureGroups
    }

    /// Normalise a reference number.
    package func normalise(_ value: String) -> Normalised {
        if PlaceholderRule.isPlaceholder(value) { return .missing }
        var prepared = Whitespace.trim(value)
        if !prepared.utf8.allSatisfy({ $0 < 0x80 }) {
            prepared = prepared.precomposedStringWithCompatibilityMapping
        }
        prepared = prepared.uppercased()
        guard let match = try? regex.wholeMatch(in: prepared) else { return .invalid }
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text):
                result += text
            case .group(let number):
                if number < match.output.count, let substring = match.output[number].substring {
                    result += substring
                }
            }
        }
        return .nonEmpty(result)
    }
}
