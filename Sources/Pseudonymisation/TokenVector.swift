import Foundation
import Governance
import PathlinkCore

/// A file of token test vectors (`governance/token-vectors.json`): key, project and
/// cases, each with its raw input, normalised value and token. The format is described
/// in `governance/token-specification.md`.
package struct TokenVectorFile: Sendable {
    package var keyHex: String
    package var project: String
    package var fingerprint: String
    package var cases: [TokenVector]

    package init(json: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let keyHex = object["key_hex"] as? String, let project = object["project"] as? String,
              let fingerprint = object["fingerprint"] as? String, let cases = object["cases"] as? [[String: Any]]
        else {
            throw PathlinkError(.invalidDocument, problem: "not a token-vector file (needs key_hex, project, fingerprint, cases)")
        }
        self.keyHex = keyHex
        self.project = project
        self.fingerprint = fingerprint
        self.cases = try cases.map(TokenVector.init(object:))
    }
}

/// One test vector: a normaliser (or match key) applied to a raw input, and its token.
package struct TokenVector: Sendable, Equatable, CustomStringConvertible {
    /// `name`, `date-of-birth`, `postcode`, `pattern`, `matchkey`, `full-name`, `text`, `sex`.
    package var kind: String
    package var domain: String?
    package var domainKeyHex: String?
    /// The expected token ("" = missing); nil for kinds without a token (`full-name`).
    package var token: String?
    /// The expected normalised value, as canonical JSON (`null`, a string, or an object).
    package var normalised: String
    /// The raw input, as canonical JSON.
    package var raw: String
    private let rawObject: JSONValue

    init(object: [String: Any]) throws {
        guard let kind = object["kind"] as? String, let raw = object["raw"] else {
            throw PathlinkError(.invalidDocument, problem: "a vector needs kind and raw")
        }
        self.kind = kind
        domain = object["domain"] as? String
        domainKeyHex = object["domain_key_hex"] as? String
        token = object["token"] as? String
        normalised = try JSONValue(object["normalised"] ?? NSNull()).canonical
        rawObject = try JSONValue(raw)
        self.raw = rawObject.canonical
    }

    package static func == (left: TokenVector, right: TokenVector) -> Bool {
        left.kind == right.kind && left.domain == right.domain && left.domainKeyHex == right.domainKeyHex
            && left.token == right.token && left.normalised == right.normalised && left.raw == right.raw
    }

    package var description: String {
        let shown = raw.count > 60 ? String(raw.prefix(57)) + "…" : raw
        return "\(kind)\(domain.map { " [\($0)]" } ?? ""): \(shown)"
    }

    /// Compute this vector with `key`: the normalised value (canonical JSON) and token.
    package func compute(key: MasterKey, project: String) throws -> (normalised: String, token: String?) {
        func text(_ value: Normalised) -> JSONValue { value.text.map(JSONValue.string) ?? .null }
        func tokenise(_ value: String?) throws -> String? {
            guard let domain else { return nil }
            return try DomainTokeniser(key: key, project: project, domain: domain).token(value)
        }
        switch kind {
        case "name", "postcode", "text", "sex":
            guard case .string(let value) = rawObject else { throw malformed() }
            let outcome: Normalised
            switch kind {
            case "name": outcome = NameNormalisation.name(value)
            case "postcode": outcome = Postcode.normalise(value)
            case "text": outcome = TextNormalisation.text(value)
            default: outcome = TextNormalisation.sex(value)
            }
            return (text(outcome).canonical, try tokenise(outcome.text))
        case "date-of-birth":
            guard let value = rawObject["value"]?.string else { throw malformed() }
            let outcome = DateOfBirth.normalise(value, formats: try formats(rawObject["format"]))
            return (text(outcome).canonical, try tokenise(outcome.text))
        case "pattern":
            guard let value = rawObject["value"]?.string, let pattern = rawObject["pattern"]?.string,
                  let template = rawObject["template"]?.string else { throw malformed() }
            let compiled: ReferencePattern
            do {
                compiled = try ReferencePattern(pattern: pattern, template: template)
            } catch let error as ReferencePatternError {
                throw PathlinkError(.invalidDocument, problem: error.description, remedy: error.remedy)
            }
            let outcome = compiled.normalise(value)
            return (text(outcome).canonical, try tokenise(outcome.text))
        case "full-name":
            guard let value = rawObject["value"]?.string, let order = rawObject["order"]?.string.flatMap(NameNormalisation.Order.init(rawValue:))
            else { throw malformed() }
            let (forename, surname) = NameNormalisation.fullName(value, order: order)
            return (JSONValue.object(["forename": text(forename), "surname": text(surname)]).canonical, nil)
        case "matchkey":
            guard case .array(let fieldNames)? = rawObject["fields"] else { throw malformed() }
            let fields = try fieldNames.map { name -> KeyField in
                guard let field = name.string.flatMap(KeyField.init(rawValue:)) else { throw malformed() }
                return field
            }
            var record = PersonRecord()
            // Names from a `full-name` column (token-specification.md 3.3): {value, order}.
            if let fullName = rawObject["full-name"] {
                guard let value = fullName["value"]?.string,
                      let order = fullName["order"]?.string.flatMap(NameNormalisation.Order.init(rawValue:)) else { throw malformed() }
                let split = NameNormalisation.splitFullName(value, order: order)
                record.forename = split.forename
                record.firstForename = split.firstForename
                record.surname = split.surname
            }
            if let forename = rawObject["forename"]?.string { record.setForename(forename) }
            if let surname = rawObject["surname"]?.string { record.surname = NameNormalisation.name(surname) }
            if let date = rawObject["date-of-birth"]?.string {
                record.dateOfBirth = DateOfBirth.normalise(date, formats: try formats(rawObject["format"]))
            }
            if let postcode = rawObject["postcode"]?.string { record.postcode = Postcode.normalise(postcode) }
            if let sex = rawObject["sex"]?.string { record.sex = TextNormalisation.sex(sex) }
            let value = MatchKey(name: "vector", fields: fields).value(for: record)
            return ((value.map(JSONValue.string) ?? .null).canonical, try tokenise(value))
        default:
            throw PathlinkError(.invalidDocument, problem: "unknown vector kind \(kind)")
        }
    }

    private func formats(_ value: JSONValue?) throws -> [DateFormat] {
        switch value {
        case .string(let name)?:
            guard let format = DateFormat(name) else { throw malformed() }
            return [format]
        case .array(let names)?:
            return try names.map {
                guard let format = $0.string.flatMap(DateFormat.init) else { throw malformed() }
                return format
            }
        default:
            throw malformed()
        }
    }

    private func malformed() -> PathlinkError {
        PathlinkError(.invalidDocument, problem: "a \(kind) vector's raw input is malformed")
    }
}

/// A small JSON value with a canonical text form, for comparing vectors.
indirect enum JSONValue: Equatable, Sendable {
    case null
    case string(String)
    case number(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(_ any: Any) throws {
        switch any {
        case is NSNull: self = .null
        case let value as String: self = .string(value)
        case let value as NSNumber: self = .number(value.stringValue)   // vectors hold no numbers or booleans
        case let value as [Any]: self = .array(try value.map(JSONValue.init))
        case let value as [String: Any]: self = .object(try value.mapValues(JSONValue.init))
        default: throw PathlinkError(.invalidDocument, problem: "unexpected JSON value")
        }
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Sorted keys, no spaces, strings escaped as JSON.
    var canonical: String {
        switch self {
        case .null: return "null"
        case .number(let value): return value
        case .string(let value): return JSONValue.quote(value)
        case .array(let values): return "[" + values.map(\.canonical).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { JSONValue.quote($0) + ":" + members[$0]!.canonical }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
