import PathlinkCore
import Yams

/// A YAML document read for validation: every value keeps its line, and every error
/// points to it.
///
/// Pathlink's documents (manifests, plans, specs, policies, pipelines) are small and
/// declarative, so the reader is strict: anchors and aliases are refused (they are never
/// needed, and alias "bombs" can exhaust memory), unknown keys are errors with a
/// suggestion, and the document is limited to 1 MiB.
package struct YAMLDocument {
    package let path: String
    package let root: YAMLValue
    /// The SHA-256 of the exact bytes read is computed by the caller (Provenance).
    package let text: String

    /// Read and compose `path`.
    /// - Throws: `.invalidDocument` with the line of any syntax error.
    package init(path: String) throws {
        let bytes = try FilePath.readAll(path, limit: 1 << 20)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PathlinkError(.invalidDocument, file: path, problem: "the file is not valid UTF-8", remedy: "save it as UTF-8 text")
        }
        try self.init(text: text, path: path)
    }

    package init(text: String, path: String) throws {
        self.path = path
        self.text = text
        if let line = YAMLDocument.firstAliasOrAnchorLine(in: text) {
            throw PathlinkError(.invalidDocument, file: path, line: line,
                                problem: "YAML anchors and aliases (&name, *name) are not allowed",
                                remedy: "write the values out in full; Pathlink documents must read the same to a reviewer as to the tool")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping = error { throw YAMLDocument.duplicateKeyError(error, text: text, file: path) }
            throw PathlinkError(.invalidDocument, file: path, line: YAMLDocument.line(of: error),
                                problem: "the file is not valid YAML (\(YAMLDocument.summary(of: error)))",
                                remedy: "check indentation, colons and quotes on that line")
        }
        guard let node else {
            throw PathlinkError(.invalidDocument, file: path, problem: "the file is empty", remedy: "see the documentation for the format")
        }
        root = YAMLValue(node: node, path: path, context: "the document")
    }

    /// A duplicate key, on the line of its second occurrence (Yams gives the first).
    package static func duplicateKeyError(_ error: YamlError, text: String, file: String) -> PathlinkError {
        guard case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.first else {
            return PathlinkError(.invalidDocument, file: file, problem: "the file is not valid YAML", remedy: "check the file")
        }
        let first = context.mark.line
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var second: Int? = nil
        if first >= 1 && first <= lines.count {
            let indent = lines[first - 1].prefix { $0 == " " || $0 == "-" }.count
            for number in (first + 1)...max(first + 1, lines.count) where number <= lines.count {
                let line = lines[number - 1]
                let lineIndent = line.prefix { $0 == " " || $0 == "-" }.count
                let body = line.dropFirst(lineIndent)
                if lineIndent == indent && (body.hasPrefix(key + ":") || body.hasPrefix("\"\(key)\":") || body.hasPrefix("'\(key)':")) {
                    second = number
                    break
                }
                if lineIndent < indent && !body.isEmpty && !body.hasPrefix("#") { break }
            }
        }
        return PathlinkError(.invalidDocument, file: file, line: second ?? first,
                             problem: "the key \"\(key)\" is given twice in one mapping (first on line \(first))",
                             remedy: "keep one of the two; YAML readers differ on which one wins, so Pathlink refuses both")
    }

    /// Why `text` is not a plain decimal number although a YAML 1.1 reader would take it
    /// for one (a leading zero, a colon, an underscore, 0x/0o/0b); nil when it is plain.
    package static func nonDecimalNumber(_ text: String) -> String? {
        var digits = Substring(text)
        if digits.hasPrefix("-") || digits.hasPrefix("+") { digits = digits.dropFirst() }
        guard let first = digits.first, first.isASCII, first.isNumber else { return nil }
        if digits.contains(":") { return "\"\(text)\" is not a plain number (YAML 1.1 reads colons as base 60: 1:00 would be 60)" }
        if digits.contains("_") { return "\"\(text)\" is not a plain number (underscores are not allowed)" }
        if digits.count > 1 && first == "0" && digits.dropFirst().first.map({ $0.isNumber || "xXoObB".contains($0) }) == true {
            return "\"\(text)\" has a leading zero (YAML 1.1 reads 010 as octal 8)"
        }
        return nil
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "unreadable"
        }
    }

    /// The line of the first anchor (`&x`) or alias (`*x`) token, skipping quoted
    /// strings, comments and block scalars; nil if there is none. Public so that every
    /// YAML reader (the report spec and policy parser too) refuses alias bombs the same way.
    package static func firstAliasOrAnchorLine(in text: String) -> Int? {
        var lineNumber = 0
        var blockIndent: Int? = nil   // inside a block scalar deeper than this indent
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.utf8)
            let indent = line.prefix { $0 == 0x20 }.count
            if let block = blockIndent {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) || indent > block { continue }
                blockIndent = nil
            }
            var index = 0
            var atTokenStart = true
            var lastSignificant: UInt8 = 0
            while index < line.count {
                let byte = line[index]
                switch byte {
                case 0x27: // '
                    index += 1
                    while index < line.count {
                        if line[index] == 0x27 {
                            if index + 1 < line.count && line[index + 1] == 0x27 { index += 2; continue }
                            break
                        }
                        index += 1
                    }
                    atTokenStart = false
                case 0x22: // "
                    index += 1
                    while index < line.count && line[index] != 0x22 {
                        if line[index] == 0x5C { index += 1 }
                        index += 1
                    }
                    atTokenStart = false
                case 0x23 where index == 0 || line[index - 1] == 0x20 || line[index - 1] == 0x09: // comment
                    index = line.count
                    continue
                case 0x26, 0x2A: // & *
                    if atTokenStart { return lineNumber }
                case 0x20, 0x09, 0x0D:
                    if lastSignificant == 0x3A || lastSignificant == 0x2D || lastSignificant == 0x3F || lastSignificant == 0x2C { atTokenStart = true }
                case 0x5B, 0x7B, 0x2C: // [ { ,
                    atTokenStart = true
                    lastSignificant = byte
                case 0x7C, 0x3E: // | > : a block scalar indicator after "key:" or "-"
                    if atTokenStart {
                        let rest = line[(index + 1)...].filter { $0 != 0x20 && $0 != 0x0D }
                        if rest.allSatisfy({ $0 == 0x2D || $0 == 0x2B || (0x31...0x39).contains($0) }) || rest.first == 0x23 {
                            blockIndent = indent
                            index = line.count
                            continue
                        }
                    }
                    atTokenStart = false
                default:
                    atTokenStart = false
                }
                if byte != 0x20 && byte != 0x09 && byte != 0x0D { lastSignificant = byte }
                index += 1
            }
        }
        return nil
    }
}

/// A YAML value with its place in the document, and strict typed accessors.
package struct YAMLValue {
    package let node: Node
    package let path: String
    /// How errors name this value: `column "dob"`, `the document`, `links[2]`.
    package let context: String

    package init(node: Node, path: String, context: String) {
        self.node = node
        self.path = path
        self.context = context
    }

    /// The 1-based line of this value.
    package var line: Int? { node.mark.map { $0.line } }

    package func error(_ problem: String, remedy: String? = nil) -> PathlinkError {
        PathlinkError(.invalidDocument, file: path, line: line, problem: "\(context): \(problem)", remedy: remedy)
    }

    // MARK: Scalars

    package var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }

    package func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    package func nonEmptyString() throws -> String {
        let value = try string()
        guard !value.trimmingWhitespace.isEmpty else { throw error("must not be empty") }
        return value
    }

    package func int() throws -> Int {
        if case .scalar(let scalar) = node, let problem = YAMLDocument.nonDecimalNumber(scalar.string) {
            throw error(problem + "; write the number in plain decimal digits, e.g. 10")
        }
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw error("expected a whole number") }
        return value
    }

    package func bool() throws -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false") }
        switch scalar.string {
        case "true", "True", "TRUE", "yes", "Yes": return true
        case "false", "False", "FALSE", "no", "No": return false
        default: throw error("expected true or false")
        }
    }

    /// One of `allowed` (case-sensitive).
    package func choice(_ allowed: [String]) throws -> String {
        let value = try string()
        guard allowed.contains(value) else {
            throw error("\"\(value)\" is not one of: \(allowed.joined(separator: ", "))", remedy: Suggestion.didYouMean(value, allowed))
        }
        return value
    }

    // MARK: Collections

    package func sequence() throws -> [YAMLValue] {
        guard case .sequence(let items) = node else { throw error("expected a list") }
        return items.enumerated().map { YAMLValue(node: $0.element, path: path, context: "\(context)[\($0.offset + 1)]") }
    }

    /// A list of text values, or a single text value taken as a one-item list.
    package func stringList() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try sequence().map { try $0.string() }
    }

    /// The mapping's entries in document order; refuses any key not in `allowed`.
    package func mapping(allowed: [String]) throws -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of keys to values") }
        var entries: [(String, YAMLValue)] = []
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else { throw error("a key is not plain text") }
            let name = keyScalar.string
            let keyLine = key.mark?.line ?? line
            if !allowed.isEmpty && !allowed.contains(name) {
                throw PathlinkError(.invalidDocument, file: path, line: keyLine,
                                    problem: "\(context): unknown key \"\(name)\"",
                                    remedy: Suggestion.didYouMean(name, allowed) ?? "allowed keys here: \(allowed.joined(separator: ", "))")
            }
            entries.append((name, YAMLValue(node: value, path: path, context: "\(context) \(name)")))
        }
        return YAMLMapping(entries: entries, owner: self)
    }

    /// A mapping whose keys are free (e.g. column names), in document order.
    package func freeMapping() throws -> YAMLMapping { try mapping(allowed: []) }
}

/// A mapping's entries, with helpers for required and optional keys.
package struct YAMLMapping {
    package let entries: [(String, YAMLValue)]
    let owner: YAMLValue

    package subscript(_ key: String) -> YAMLValue? {
        entries.first { $0.0 == key }?.1
    }

    package func required(_ key: String) throws -> YAMLValue {
        guard let value = self[key], !value.isNull else {
            throw owner.error("the key \"\(key)\" is required", remedy: "add \(key): to this entry")
        }
        return value
    }

    package func has(_ key: String) -> Bool { self[key] != nil }
}

/// "Did you mean …?" for misspelt keys and values.
package enum Suggestion {
    package static func didYouMean(_ word: String, _ candidates: [String]) -> String? {
        let best = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return nil }
        return "did you mean \"\(best.0)\"?"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    /// Without leading and trailing Unicode White_Space.
    package var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
