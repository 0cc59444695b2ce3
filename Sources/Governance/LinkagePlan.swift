import PathlinkCore

/// A linkage plan (docs/link.md "The linkage plan"; `governance/linkage.yaml`): the project,
/// the person match keys and confirm keys, the links between datasets, and the shape of
/// the linked output.
package struct LinkagePlan: Sendable {
    package var version: Int
    /// Separates tokens between projects (part of every domain key).
    package var project: String
    /// Tried in order; see `docs/link.md` for the cascade.
    package var matchKeys: [KeyDefinition]
    /// Computed like match keys, never used to link on their own.
    package var confirmKeys: [KeyDefinition]
    package var links: [LinkDefinition]
    package var output: OutputRule
    package var path: String
    /// How persons are linked across datasets (`method:`; default the cascade).
    package var method: LinkMethod = .cascade

    /// Every match key then every confirm key.
    package var allKeys: [KeyDefinition] { matchKeys + confirmKeys }

    package func key(named name: String) -> KeyDefinition? { allKeys.first { $0.name == name } }
}

/// `method:` of a plan (docs/link.md "Two methods").
package enum LinkMethod: String, CaseIterable, Sendable, Equatable {
    /// Exact tokens, key by key, unique on both sides: the auditable default.
    case cascade
    /// Fellegi–Sunter weights over the agreement pattern of the plan's keys (docs/link.md).
    case probabilistic
}

package struct KeyDefinition: Sendable, Equatable {
    /// `MK1`, `CK1`, …: also the column name in pseudonymised files.
    package var name: String
    package var fields: [KeyField]
    /// `person/<name>`.
    package var domain: String { "person/\(name)" }
}

/// The person fields a match key can combine (governance/token-specification.md 4; token derivation
/// v1 and its error-tolerant extension in governance/token-specification.md).
///
/// A closed list: a plan naming anything else is invalid, and every switch over the
/// fields is exhaustive, so a field added here and not wired in where match-key values
/// are derived is a compile error rather than a silently blank key.
package enum KeyField: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case forename
    case forenameInitial = "forename-initial"
    case surname
    case dateOfBirth = "date-of-birth"
    case dateOfBirthUnordered = "date-of-birth-unordered"
    case postcode
    case postcodeDistrict = "postcode-district"
    case sex
    /// Two of the three parts of the date of birth (`YYYYMM`, `MMDD`, `YYYYDD`; token
    /// specification 5.4): a one-part typo keeps one of them equal.
    case dateOfBirthYearMonth = "date-of-birth-year-month"
    case dateOfBirthMonthDay = "date-of-birth-month-day"
    case dateOfBirthYearDay = "date-of-birth-year-day"
    /// The canonical form of the first given name (KATIE → KATHERINE).
    case forenameNickname = "forename-nickname"
    /// American Soundex of the normalised surname.
    case surnameSoundex = "surname-soundex"
    /// The letters of forename and surname sorted A–Z (equal when the two are swapped).
    case fullNameSorted = "full-name-sorted"

    package var description: String { rawValue }

    /// The person fields a key field is computed from (all must be present for a value).
    package var sources: [PersonField] {
        switch self {
        case .forename, .forenameInitial, .forenameNickname: return [.forename]
        case .surname, .surnameSoundex: return [.surname]
        case .fullNameSorted: return [.forename, .surname]
        case .dateOfBirth, .dateOfBirthUnordered, .dateOfBirthYearMonth, .dateOfBirthMonthDay, .dateOfBirthYearDay:
            return [.dateOfBirth]
        case .postcode, .postcodeDistrict: return [.postcode]
        case .sex: return [.sex]
        }
    }
}

/// A link between two datasets: by which reference domains and/or `person`.
package struct LinkDefinition: Sendable, Equatable {
    package var from: String
    package var to: String
    /// Reference domains (e.g. `crime-reference`) and/or `person`, in order.
    package var by: [String]
    /// Keys (match or confirm) of which one must agree for a reference link to merge persons.
    package var confirm: [String]
    /// Keys that stop a reference link from merging persons when both records have at
    /// least one of them and every one they both have differs (e.g. the date of birth and
    /// its two-part pieces, so that a name-only confirm key cannot merge a mother and her
    /// namesake daughter). Empty: nothing refutes.
    package var refute: [String] = []
}

package struct OutputRule: Sendable, Equatable {
    /// The dataset with one row per record in journeys.csv.
    package var spine: String
    /// Per dataset: how to choose among several records of the same person.
    package var attach: [String: AttachRule]
}

package enum AttachRule: Sendable, Equatable {
    /// The record whose date column `other` is nearest the spine's date column `spine`.
    case nearest(spine: String, other: String)
}

extension LinkagePlan {
    /// Load and validate a plan.
    /// - Throws: `.invalidDocument` with the YAML line.
    package static func load(path: String) throws -> LinkagePlan {
        try parse(YAMLDocument(path: path))
    }

    package static func parse(_ document: YAMLDocument) throws -> LinkagePlan {
        let top = try document.root.mapping(allowed: ["linkage", "project", "method", "person", "links", "output", "description"])
        let versionValue = try top.required("linkage")
        guard try versionValue.int() == 1 else {
            throw versionValue.error("linkage plan format version \(try versionValue.int()) is not supported (this Pathlink reads version 1)")
        }
        let projectValue = try top.required("project")
        let project = try projectValue.string()
        guard !project.isEmpty, !project.contains("/"), project.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw projectValue.error("the project must be printable ASCII without spaces or slashes", remedy: "for example victims-pathway-2026")
        }
        var method = LinkMethod.cascade
        if let methodValue = top["method"] {
            let text = try methodValue.string()
            guard let chosen = LinkMethod(rawValue: text) else {
                throw methodValue.error("unknown linkage method \"\(text)\"",
                                        remedy: Suggestion.didYouMean(text, LinkMethod.allCases.map(\.rawValue))
                                            ?? "method: cascade (the default) or method: probabilistic")
            }
            method = chosen
        }
        let person = try top.required("person").mapping(allowed: ["matchkeys", "confirmkeys"])
        var names = Set<String>()
        func keys(_ value: YAMLValue?) throws -> [KeyDefinition] {
            guard let value else { return [] }
            return try value.sequence().map { item in
                let map = try item.mapping(allowed: ["name", "fields", "description"])
                let nameValue = try map.required("name")
                let name = try nameValue.string()
                guard !name.isEmpty, name.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }) else {
                    throw nameValue.error("a key name must be upper-case letters, digits, - or _ (it becomes a column name)", remedy: "for example MK1")
                }
                guard names.insert(name).inserted else { throw nameValue.error("the key name \(name) is used twice") }
                let fieldsValue = try map.required("fields")
                let fields = try fieldsValue.stringList().map { text -> KeyField in
                    guard let field = KeyField(rawValue: text) else {
                        throw fieldsValue.error("unknown match-key field \"\(text)\"",
                                                remedy: Suggestion.didYouMean(text, KeyField.allCases.map(\.rawValue)) ?? "fields: \(KeyField.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return field
                }
                guard !fields.isEmpty else { throw fieldsValue.error("a key needs at least one field") }
                guard Set(fields).count == fields.count else { throw fieldsValue.error("a field is listed twice") }
                return KeyDefinition(name: name, fields: fields)
            }
        }
        let matchKeysValue = try person.required("matchkeys")
        let matchKeys = try keys(matchKeysValue)
        guard !matchKeys.isEmpty else { throw matchKeysValue.error("at least one match key is needed") }
        let confirmKeys = try keys(person["confirmkeys"])
        let keyNames = Set((matchKeys + confirmKeys).map(\.name))

        var links: [LinkDefinition] = []
        var datasets = Set<String>()
        for item in try top.required("links").sequence() {
            let map = try item.mapping(allowed: ["from", "to", "by", "confirm", "refute"])
            let fromValue = try map.required("from"), toValue = try map.required("to")
            let from = try fromValue.string(), to = try toValue.string()
            for (name, value) in [(from, fromValue), (to, toValue)] where !Manifest.isValidDatasetName(name) {
                throw value.error("\"\(name)\" is not a dataset name <owner>.<table>")
            }
            guard from != to else { throw item.error("a link joins two different datasets") }
            let byValue = try map.required("by")
            let by = try byValue.stringList()
            guard !by.isEmpty else { throw byValue.error("say what the link is by: reference domains and/or person") }
            for domain in by where domain != "person" && !Manifest.isValidDomain(domain) {
                throw byValue.error("\"\(domain)\" is neither person nor a reference domain")
            }
            let confirm = try map["confirm"]?.stringList() ?? []
            for name in confirm where !keyNames.contains(name) {
                throw (map["confirm"] ?? item).error("confirm names \(name), which is not a match key or confirm key of this plan",
                                                     remedy: Suggestion.didYouMean(name, Array(keyNames).sorted()))
            }
            let refute = try map["refute"]?.stringList() ?? []
            for name in refute where !keyNames.contains(name) {
                throw (map["refute"] ?? item).error("refute names \(name), which is not a match key or confirm key of this plan",
                                                    remedy: Suggestion.didYouMean(name, Array(keyNames).sorted()))
            }
            if !refute.isEmpty && confirm.isEmpty {
                throw (map["refute"] ?? item).error("refute applies only to a link with confirm keys (it can stop a confirmed merge, never make one)",
                                                    remedy: "add confirm keys to the link, or remove refute")
            }
            links.append(LinkDefinition(from: from, to: to, by: by, confirm: confirm, refute: refute))
            datasets.insert(from)
            datasets.insert(to)
        }
        guard !links.isEmpty else { throw try top.required("links").error("the plan has no links") }

        let outputMap = try top.required("output").mapping(allowed: ["spine", "attach"])
        let spineValue = try outputMap.required("spine")
        let spine = try spineValue.string()
        guard datasets.contains(spine) else {
            throw spineValue.error("the spine \(spine) is not in any link", remedy: Suggestion.didYouMean(spine, datasets.sorted()))
        }
        var attach: [String: AttachRule] = [:]
        if let attachValue = outputMap["attach"] {
            for (dataset, rule) in try attachValue.freeMapping().entries {
                guard datasets.contains(dataset), dataset != spine else {
                    throw rule.error("\(dataset) is not a linked dataset other than the spine")
                }
                let ruleMap = try rule.mapping(allowed: ["nearest"])
                let nearest = try ruleMap.required("nearest").mapping(allowed: ["spine", "other"])
                attach[dataset] = .nearest(spine: try nearest.required("spine").nonEmptyString(),
                                           other: try nearest.required("other").nonEmptyString())
            }
        }
        return LinkagePlan(version: 1, project: project, matchKeys: matchKeys, confirmKeys: confirmKeys, links: links,
                           output: OutputRule(spine: spine, attach: attach), path: document.path, method: method)
    }
}
