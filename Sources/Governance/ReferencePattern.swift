import Foundation

/// A reference-number pattern: `normalise: {pattern, template}` (schemas/README.md, normaliser
/// `pattern`; governance/token-specification.md 3.7). The one implementation used by
/// `check` and `extract` (through manifest loading) and by `pseudonymise`.
///
/// The dialect is a small, documented subset (schemas/README.md "Reference patterns"),
/// checked here before the regex is compiled, so that a manifest either passes every
/// stage or none: literals, `.`, `^`, `$`, `|`, the escapes `\d \D \w \W \s \S \b \B`
/// and an escaped punctuation character, classes `[…]` / `[^…]` with ranges, groups
/// `(…)`, `(?:…)`, `(?<name>…)`, lookahead `(?=…)` / `(?!…)`, and the quantifiers
/// `* + ? {n} {n,} {n,m}` with an optional lazy `?`. Anything else (back-references,
/// lookbehind, `(?P<name>…)`, inline flags, Unicode properties, possessive quantifiers,
/// a group repeated more than once that holds a variable repetition or an alternation)
/// is refused.
///
/// Matching: the whole value (full match), Unicode scalar semantics, ASCII classes
/// (`\d` is 0–9, `\w` is `[A-Za-z0-9_]`, `\s` ASCII white space). Template: `$1`–`$9`
/// for groups, `$$` for a dollar sign; an optional group that did not take part gives
/// the empty string; a template naming a group the pattern lacks is refused.
///
/// `Regex<AnyRegexOutput>` is not `Sendable` (its output type is an existential); this
/// value is safe to share because the compiled regex is immutable after `init` and
/// `wholeMatch` does not mutate it.
package struct ReferencePattern: @unchecked Sendable, Equatable {
    package let pattern: String
    package let template: String
    /// The number of capture groups, counted by the dialect check.
    package let groupCount: Int
    private let regex: Regex<AnyRegexOutput>
    private let parts: [TemplatePart]

    enum TemplatePart: Equatable {
        case literal(String)
        case group(Int)
    }

    package static func == (lhs: ReferencePattern, rhs: ReferencePattern) -> Bool {
        lhs.pattern == rhs.pattern && lhs.template == rhs.template
    }

    /// Check `pattern` against the dialect, compile it, and check `template` against it.
    /// - Throws: ``ReferencePatternError``, saying whether the pattern or the template is
    ///   at fault (the manifest loader adds the YAML line). Messages quote no value.
    package init(pattern: String, template: String) throws {
        self.pattern = pattern
        self.template = template
        groupCount = try PatternDialect.check(pattern)
        do {
            regex = try Regex(pattern)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
                .asciiOnlyWhitespace()
        } catch {
            throw ReferencePatternError.pattern("the regex engine refuses it (\(error))")
        }
        parts = try ReferencePattern.parseTemplate(template)
        for case .group(let number) in parts where number > groupCount {
            throw ReferencePatternError.template("it uses $\(number) but the pattern has \(groupCount) capture group\(groupCount == 1 ? "" : "s")")
        }
    }

    static func parseTemplate(_ template: String) throws -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var literal = ""
        var iterator = template.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "$" else { literal.unicodeScalars.append(scalar); continue }
            guard let next = iterator.next() else {
                throw ReferencePatternError.template("it ends with a lone $; write $$ for a dollar sign")
            }
            if next == "$" { literal.append("$"); continue }
            guard ("1"..."9").contains(next) else {
                throw ReferencePatternError.template("$ must be followed by a digit 1–9 or another $")
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.group(Int(next.value - 0x30)))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// The template filled from a full match of `prepared` (the value already trimmed,
    /// NFKC-normalised and upper-cased), or nil when it does not match.
    package func fill(_ prepared: String) -> String? {
        guard let match = try? regex.wholeMatch(in: prepared) else { return nil }
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
        return result
    }
}

/// What is wrong with a reference pattern, and which of the two values is at fault.
package enum ReferencePatternError: Error, CustomStringConvertible, Equatable {
    case pattern(String)
    case template(String)

    package var description: String {
        switch self {
        case .pattern(let detail): return "the normalise pattern is not accepted: \(detail)"
        case .template(let detail): return "the normalise template is invalid: \(detail)"
        }
    }

    package var remedy: String {
        switch self {
        case .pattern: return "keep to the pattern syntax in schemas/README.md \"Reference patterns\" (groups (…), (?:…), (?<name>…), lookahead (?=…), classes, quantifiers)"
        case .template: return "use $1–$9 for the pattern's capture groups and $$ for a dollar sign"
        }
    }
}

/// The dialect check: a recursive-descent reader of the accepted syntax that counts the
/// capture groups and refuses everything else with a reason.
enum PatternDialect {
    /// Largest bound of `{n,m}` accepted (reference numbers are short).
    static let maximumRepeat = 1000

    static func check(_ pattern: String) throws -> Int {
        guard !pattern.isEmpty else { throw ReferencePatternError.pattern("it is empty") }
        var reader = Reader(scalars: Array(pattern.unicodeScalars))
        _ = try reader.alternation(depth: 0)
        if reader.index < reader.scalars.count {
            // Only a `)` stops the top-level alternation early.
            throw ReferencePatternError.pattern("a ) at character \(reader.index + 1) closes no group")
        }
        return reader.groups
    }

    /// What a parsed piece holds: a repetition of variable count, an alternation. Either,
    /// repeated more than once, lets a backtracking matcher try exponentially many ways.
    struct Shape {
        var variable = false
        var alternates = false
        mutating func include(_ other: Shape) {
            variable = variable || other.variable
            alternates = alternates || other.alternates
        }
    }

    struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0
        var groups = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
        func fail(_ reason: String) -> ReferencePatternError { .pattern("\(reason) at character \(index + 1)") }

        mutating func alternation(depth: Int) throws -> Shape {
            guard depth < 32 else { throw fail("groups are nested too deeply") }
            var shape = Shape()
            while true {
                shape.include(try sequence(depth: depth))
                guard peek == "|" else { return shape }
                shape.alternates = true
                index += 1
            }
        }

        mutating func sequence(depth: Int) throws -> Shape {
            var shape = Shape()
            while let scalar = peek, scalar != "|", scalar != ")" {
                let atomStart = index
                let (atom, quantifiable) = try self.atom(depth: depth)
                var piece = atom
                if let (minimum, maximum) = try quantifier() {
                    guard quantifiable else {
                        index = atomStart
                        throw fail("a quantifier follows something that cannot repeat (an anchor, \\b or a lookahead)")
                    }
                    let repeats = maximum.map { $0 > 1 } ?? true
                    if repeats && atom.variable {
                        index = atomStart
                        throw fail("a group that repeats a variable number of times is itself repeated (this can take exponential time); make the inner or outer repetition fixed, or the outer one optional (?)")
                    }
                    if repeats && atom.alternates {
                        index = atomStart
                        throw fail("a group with alternatives (|) is repeated (this can take exponential time); use a class such as [-/] for single characters, or make the repetition optional (?)")
                    }
                    if minimum != maximum { piece.variable = true }
                }
                shape.include(piece)
            }
            return shape
        }

        /// One atom; whether a quantifier may follow it.
        mutating func atom(depth: Int) throws -> (Shape, Bool) {
            let scalar = scalars[index]
            switch scalar {
            case "^", "$":
                index += 1
                return (Shape(), false)
            case ".":
                index += 1
                return (Shape(), true)
            case "\\":
                return try escape()
            case "[":
                try characterClass()
                return (Shape(), true)
            case "(":
                return try group(depth: depth)
            case "*", "+", "?", "{":
                throw fail("a quantifier (\(scalar)) has nothing to repeat")
            case "]", "}":
                throw fail("an unescaped \(scalar); write \\\(scalar) for the character itself")
            default:
                index += 1
                return (Shape(), true)
            }
        }

        mutating func escape() throws -> (Shape, Bool) {
            index += 1
            guard let next = peek else { throw fail("the pattern ends with a lone \\") }
            index += 1
            switch next {
            case "d", "D", "w", "W", "s", "S": return (Shape(), true)
            case "b", "B": return (Shape(), false)
            case "1"..."9":
                index -= 2
                throw fail("a back-reference (\\\(next)) is not supported")
            default:
                guard next.isASCII, next.properties.isPatternSyntax else {
                    index -= 2
                    throw fail("the escape \\\(next) is not supported (use \\d \\D \\w \\W \\s \\S \\b \\B, or \\ before a punctuation character)")
                }
                return (Shape(), true)
            }
        }

        mutating func characterClass() throws {
            let start = index
            index += 1
            if peek == "^" { index += 1 }
            var members = 0
            var previous: Unicode.Scalar? = nil   // a single character that may start a range
            while true {
                guard let scalar = peek else {
                    index = start
                    throw fail("a [ is never closed")
                }
                if scalar == "]" {
                    guard members > 0 else { throw fail("an empty class []; write \\] for the character ]") }
                    index += 1
                    return
                }
                if scalar == "[" { throw fail("a [ inside a class; write \\[ for the character [") }
                if scalar == "&" && index + 1 < scalars.count && scalars[index + 1] == "&" {
                    throw fail("&& inside a class (class intersection is not supported)")
                }
                if scalar == "-", let low = previous, index + 1 < scalars.count, scalars[index + 1] != "]" {
                    index += 1
                    var high = scalars[index]
                    if high == "\\" {
                        guard index + 1 < scalars.count, scalars[index + 1].isASCII, scalars[index + 1].properties.isPatternSyntax else {
                            throw fail("a range must end in a single character")
                        }
                        index += 1
                        high = scalars[index]
                    } else if high == "[" {
                        throw fail("a [ inside a class; write \\[ for the character [")
                    }
                    guard low.value <= high.value else { throw fail("the range \(low)-\(high) is backwards") }
                    index += 1
                    previous = nil
                    members += 1
                    continue
                }
                if scalar == "\\" {
                    guard index + 1 < scalars.count else { throw fail("the pattern ends with a lone \\") }
                    let next = scalars[index + 1]
                    switch next {
                    case "d", "D", "w", "W", "s", "S": previous = nil
                    default:
                        guard next.isASCII, next.properties.isPatternSyntax else {
                            throw fail("the escape \\\(next) is not supported in a class (use \\d \\D \\w \\W \\s \\S, or \\ before a punctuation character)")
                        }
                        previous = next
                    }
                    index += 2
                } else {
                    previous = scalar
                    index += 1
                }
                members += 1
            }
        }

        mutating func group(depth: Int) throws -> (Shape, Bool) {
            let start = index
            index += 1
            var captures = true
            var quantifiable = true
            if peek == "?" {
                index += 1
                captures = false
                switch peek {
                case ":": index += 1
                case "=", "!": index += 1; quantifiable = false
                case "<":
                    index += 1
                    if peek == "=" || peek == "!" {
                        index = start
                        throw fail("lookbehind (?<= or (?<! is not supported; use lookahead (?= or (?!")
                    }
                    let nameStart = index
                    while let scalar = peek, scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                        index += 1
                    }
                    guard index > nameStart, !("0"..."9").contains(scalars[nameStart]), peek == ">" else {
                        index = start
                        throw fail("a named group must be (?<name>…) with a name of ASCII letters, digits and _ not starting with a digit")
                    }
                    index += 1
                    captures = true
                case "P":
                    index = start
                    throw fail("(?P<name>…) is Python syntax and not supported; write (?<name>…), or a plain group (…) — groups are numbered $1–$9 either way")
                default:
                    let after = peek.map { String($0) } ?? ""
                    index = start
                    throw fail("the group (?\(after) is not supported (only (…), (?:…), (?<name>…), (?=…) and (?!…))")
                }
            }
            if captures { groups += 1 }
            let inner = try alternation(depth: depth + 1)
            guard peek == ")" else {
                index = start
                throw fail("a ( is never closed")
            }
            index += 1
            return (inner, quantifiable)
        }

        /// A quantifier at the current position: (minimum, maximum or nil for unbounded).
        mutating func quantifier() throws -> (Int, Int?)? {
            guard let scalar = peek else { return nil }
            var bounds: (Int, Int?)
            switch scalar {
            case "*": index += 1; bounds = (0, nil)
            case "+": index += 1; bounds = (1, nil)
            case "?": index += 1; bounds = (0, 1)
            case "{":
                index += 1
                guard let minimum = number() else { throw fail("{ must start a quantifier {n}, {n,} or {n,m}; write \\{ for the character") }
                var maximum: Int? = minimum
                if peek == "," {
                    index += 1
                    maximum = number()
                }
                guard peek == "}" else { throw fail("a quantifier {…} is not closed by }") }
                index += 1
                if let maximum, maximum < minimum { throw fail("the quantifier {\(minimum),\(maximum)} is backwards") }
                guard minimum <= PatternDialect.maximumRepeat, (maximum ?? 0) <= PatternDialect.maximumRepeat else {
                    throw fail("a quantifier bound above \(PatternDialect.maximumRepeat)")
                }
                bounds = (minimum, maximum)
            default:
                return nil
            }
            if peek == "?" { index += 1 }   // lazy
            if let next = peek, next == "*" || next == "+" || next == "?" || next == "{" {
                throw fail("a quantifier follows a quantifier (possessive and stacked quantifiers are not supported)")
            }
            return bounds
        }

        mutating func number() -> Int? {
            var value = 0
            var digits = 0
            while let scalar = peek, ("0"..."9").contains(scalar) {
                value = min(value * 10 + Int(scalar.value - 0x30), 1_000_000)
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : value
        }
    }
}
