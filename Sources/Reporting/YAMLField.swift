import Governance
import PathlinkCore
import Yams

/// A node of a report spec or policy file, with the path of its file, so that every error
/// can name the file, the YAML line and the field.
struct YAMLField {
    let node: Node
    let file: String
    /// The field's dotted name for messages (`tables[2].rows`).
    let name: String

    var line: Int? { node.mark?.line }

    /// Compose the first document of `text`, refusing anything but a mapping at the top.
    static func document(_ text: String, file: String, kind: String) throws -> YAMLField {
        // Anchors and aliases are refused before composing: an alias "bomb" (a few lines that
        // expand to billions of nodes) would otherwise exhaust memory (issue 7, fuzzing).
        if let line = YAMLDocument.firstAliasOrAnchorLine(in: text) {
            throw PathlinkError(.invalidDocument, file: file, line: line,
                                problem: "YAML anchors and aliases (&name, *name) are not allowed",
                                remedy: "write the values out in full; a \(kind) must read the same to a reviewer as to the tool")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping = error { throw YAMLDocument.duplicateKeyError(error, text: text, file: file) }
            var line: Int?
            var problem = "the file is not valid YAML"
            switch error {
            case .scanner(_, let detail, let mark, _), .parser(_, let detail, let mark, _), .composer(_, let detail, let mark, _):
                line = mark.line
                problem += " (\(detail))"
            case .duplicatedKeysInMapping(let duplicates, let context):
                line = context.mark.line
                problem = "a key is given twice in one mapping: \(duplicates.sorted().joined(separator: ", "))"
            default:
                break
            }
            throw PathlinkError(.invalidDocument, file: file, line: line, problem: problem,
                                remedy: "fix the YAML syntax at that line (indentation, quotes, colons)")
        } catch {
            throw PathlinkError(.invalidDocument, file: file, problem: "the file is not valid YAML",
                                remedy: "check that this is a \(kind) file")
        }
        guard let root, root.mapping != nil else {
            throw PathlinkError(.invalidDocument, file: file, line: root?.mark?.line,
                                problem: "the file is not a \(kind): it must be a YAML mapping",
                                remedy: "start from the example in docs/report-spec.md")
        }
        return YAMLField(node: root, file: file, name: "")
    }

    func error(_ problem: String, remedy: String) -> PathlinkError {
        PathlinkError(.invalidDocument, file: file, line: line,
                      problem: name.isEmpty ? problem : "\(name): \(problem)", remedy: remedy)
    }

    private func child(_ node: Node, _ key: String) -> YAMLField {
        YAMLField(node: node, file: file, name: name.isEmpty ? key : "\(name).\(key)")
    }

    // MARK: Mappings

    /// The keys of a mapping, in document order.
    func keys() throws -> [String] {
        guard let mapping = node.mapping else {
            throw error("expected a mapping (key: value lines)", remedy: "indent the fields under this key")
        }
        return mapping.map { $0.key.string ?? "" }
    }

    /// Refuse keys not in `allowed` (a misspelt key must not be silently ignored).
    func expectKeys(_ allowed: Set<String>) throws {
        guard let mapping = node.mapping else {
            throw error("expected a mapping (key: value lines)", remedy: "indent the fields under this key")
        }
        for (key, _) in mapping {
            let text = key.string ?? ""
            if !allowed.contains(text) {
                throw PathlinkError(.invalidDocument, file: file, line: key.mark?.line,
                                    problem: "\(name.isEmpty ? "" : name + ": ")unknown field \"\(text)\"",
                                    remedy: "the fields allowed here are: \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    /// The value of `key`, or nil when absent (or null).
    func optional(_ key: String) -> YAMLField? {
        guard let value = node.mapping?[key] else { return nil }
        if case .scalar(let scalar) = value, scalar.tag == Tag(.null) { return nil }
        return child(value, key)
    }

    func required(_ key: String, what: String) throws -> YAMLField {
        guard let value = optional(key) else {
            throw error("the field \"\(key)\" is missing", remedy: "add \(key): \(what)")
        }
        return value
    }

    /// Entries of a mapping, in document order.
    func entries() throws -> [(key: String, value: YAMLField)] {
        guard let mapping = node.mapping else {
            throw error("expected a mapping (key: value lines)", remedy: "indent the fields under this key")
        }
        return mapping.map { (key: $0.key.string ?? "", value: child($0.value, $0.key.string ?? "")) }
    }

    // MARK: Scalars and sequences

    func string() throws -> String {
        guard case .scalar(let scalar) = node else {
            throw error("expected a single value", remedy: "write one value here, quoted if it contains a colon")
        }
        return scalar.string
    }

    /// A whole number as YAML 1.2 writes it: decimal digits only. YAML 1.1's readings
    /// (`010` octal 8, `1:00` sexagesimal 60, `3_0` 30) are refused, not guessed.
    func int() throws -> Int {
        guard case .scalar(let scalar) = node else {
            throw error("expected a whole number", remedy: "write a number such as 3")
        }
        if let problem = YAMLDocument.nonDecimalNumber(scalar.string) {
            throw error(problem, remedy: "write the number in plain decimal digits, e.g. 10")
        }
        guard let value = Int(scalar.string) else {
            throw error("expected a whole number", remedy: "write a number such as 3")
        }
        return value
    }

    /// A decimal number such as `0.5` (or a whole number); `.nan`, `.inf` and hexadecimal
    /// are refused.
    func number() throws -> Double {
        guard case .scalar(let scalar) = node else {
            throw error("expected a number", remedy: "write a decimal number such as 0.5")
        }
        let text = scalar.string
        guard text.range(of: #"^[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil, let value = Double(text) else {
            throw error("expected a decimal number", remedy: "write a decimal number such as 0.5")
        }
        return value
    }

    func bool() throws -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error("expected true or false", remedy: "write true or false")
        }
        return value
    }

    /// Items of a sequence; a single scalar is taken as a one-item list.
    func items() throws -> [YAMLField] {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { YAMLField(node: $0.element, file: file, name: "\(name)[\($0.offset + 1)]") }
        case .scalar:
            return [self]
        default:
            throw error("expected a list", remedy: "write a list such as [A, B] or one item per line starting with -")
        }
    }

    func strings() throws -> [String] {
        try items().map { try $0.string() }
    }
}
