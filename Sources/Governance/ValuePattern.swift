import Foundation
import PathlinkCore

/// A reference-number pattern: a regular expression that must match the whole value,
/// and a template filled from its capture groups (governance/token-specification.md 3.7).
///
/// Matching uses ASCII semantics (`\d` is 0–9, `\w` and `\s` ASCII), full match. The
/// template uses `$1`–`$9` for groups and `$$` for a dollar sign; an optional group that
/// did not take part gives the empty string. A template naming a group the regex does
/// not have makes the manifest invalid — checked when the manifest is loaded.
package struct ValuePattern: @unchecked Sendable {
    package let pattern: String
    package let template: String
    private let regex: Regex<AnyRegexOutput>
    private let pieces: [Piece]

    enum Piece { case literal(String), group(Int) }

    /// Compile and check `pattern` and `template`.
    /// - Throws: a description of the problem (the caller adds the YAML line).
    package init(pattern: String, template: String) throws {
        self.pattern = pattern
        self.template = template
        do {
            regex = try Regex(pattern).asciiOnlyDigits().asciiOnlyWordCharacters().asciiOnlyWhitespace()
        } catch {
            throw ValuePatternError.badRegex("\(error)")
        }
        let groupCount = try ValuePattern.captureGroupCount(pattern)
        var pieces: [Piece] = []
        var literal = ""
        var characters = Array(template)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "$" {
                guard index + 1 < characters.count else { throw ValuePatternError.badTemplate("a lone $ at the end; write $$ for a dollar sign") }
                let next = characters[index + 1]
                if next == "$" {
                    literal.append("$")
                } else if let digit = next.wholeNumberValue, (1...9).contains(digit), next.isASCII {
                    guard digit <= groupCount else {
                        throw ValuePatternError.badTemplate("the template uses $\(digit) but the pattern has \(groupCount) capture group\(groupCount == 1 ? "" : "s")")
                    }
                    if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                    pieces.append(.group(digit))
                } else {
                    throw ValuePatternError.badTemplate("$ must be followed by a digit 1–9 or another $")
                }
                index += 2
                continue
            }
            literal.append(character)
            index += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        characters.removeAll()
        self.pieces = pieces
    }

    /// The template filled from a full match of `value` (already trimmed, NFKC, upper-cased
    /// by the caller), or nil when the value does not match.
    package func apply(_ value: String) -> String? {
        guard let match = try? regex.wholeMatch(in: value) else { return nil }
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .group(let number):
                if number < match.output.count, let substring = match.output[number].substring { result += substring }
            }
        }
        return result
    }

    /// Count capturing groups: `(` not escaped, not in a class, not followed by `?`
    /// (or followed by `?<name>` / `?P<name>` / `?'name'`, which capture).
    static func captureGroupCount(_ pattern: String) throws -> Int {
        let characters = Array(pattern)
        var count = 0
        var index = 0
        var inClass = false
        while index < characters.count {
            let character = characters[index]
            if character == "\\" { index += 2; continue }
            if inClass {
                if character == "]" { inClass = false }
            } else if character == "[" {
                inClass = true
                if index + 1 < characters.count && characters[index + 1] == "]" { index += 1 }
            } else if character == "(" {
                if index + 1 < characters.count && characters[index + 1] == "?" {
                    let rest = String(characters[(index + 2)...].prefix(2))
                    if rest.hasPrefix("<") && !rest.hasPrefix("<=") && !rest.hasPrefix("<!") { count += 1 }
                    else if rest.hasPrefix("P<") || rest.hasPrefix("'") { count += 1 }
                } else {
                    count += 1
                }
            }
            index += 1
        }
        return count
    }
}

package enum ValuePatternError: Error, CustomStringConvertible {
    case badRegex(String)
    case badTemplate(String)

    package var description: String {
        switch self {
        case .badRegex(let detail): return "the pattern is not a valid regular expression (\(detail))"
        case .badTemplate(let detail): return "the template is invalid: \(detail)"
        }
    }
}
