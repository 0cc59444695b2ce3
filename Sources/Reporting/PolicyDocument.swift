import Disclosure
import PathlinkCore

/// The disclosure policy file (`governance/disclosure-policy.yaml`, `policy: 1`) and the
/// policy fields of a report spec's `policy:` block, read from YAML.
///
/// Only the YAML is read here (types and the allowed keys); what values a policy may hold
/// is decided once, by `DisclosurePolicy.validated(locatedBy:)` and `tightened(by:)`.
package enum PolicyDocument {
    /// The keys a policy mapping may hold (besides a file's `policy` and `description`).
    static let fieldNames = Set(DisclosurePolicy.Field.allCases.map(\.rawValue))

    /// Read and validate a policy file; fields it omits keep the defaults of
    /// governance/disclosure-control.md.
    package static func load(path: String) throws -> DisclosurePolicy {
        let text = try FilePath.readText(path)
        return try parse(text, file: path)
    }

    /// - Throws: `PathlinkError(.invalidDocument)` naming `file` and the YAML line of the
    ///   field at fault.
    package static func parse(_ text: String, file: String) throws -> DisclosurePolicy {
        let root = try YAMLField.document(text, file: file, kind: "disclosure policy")
        try root.expectKeys(fieldNames.union(["policy", "description"]))
        let version = try root.required("policy", what: "1 (the policy format version)")
        guard try version.int() == 1 else {
            throw version.error("this policy format version is not supported", remedy: "write policy: 1")
        }
        let settings = try settings(root)
        return try settings.applied(to: DisclosurePolicy()).validated(locatedBy: settings)
    }

    /// The policy fields a mapping sets (the policy file, or a spec's `policy:` block), with
    /// the file and line of each. Values are checked for their type only.
    static func settings(_ field: YAMLField) throws -> DisclosurePolicy.Settings {
        var settings = DisclosurePolicy.Settings(file: field.file, line: field.line)
        func value(_ name: DisclosurePolicy.Field) -> YAMLField? {
            guard let value = field.optional(name.rawValue) else { return nil }
            settings.lines[name] = value.line
            return value
        }
        if let value = value(.threshold) { settings.threshold = try value.int() }
        if let value = value(.zeros) {
            guard let zeros = ZeroRule(rawValue: try value.string()) else {
                throw value.error("zeros must be show or suppress", remedy: "write zeros: show or zeros: suppress")
            }
            settings.zeros = zeros
        }
        if let value = value(.secondary) { settings.secondary = try value.bool() }
        if let value = value(.rounding) { settings.rounding = try value.int() }
        if let value = value(.symbol) { settings.symbol = try value.string() }
        if let value = value(.structuralSymbol) { settings.structuralSymbol = try value.string() }
        if let value = value(.protectionMargin) { settings.protectionMargin = try value.int() }
        if let value = value(.classSize) { settings.classSize = try value.int() }
        if let value = value(.dominanceN) { settings.dominanceN = try value.int() }
        if let value = value(.dominanceK) { settings.dominanceK = try value.int() }
        if let value = value(.medianMinimum) { settings.medianMinimum = try value.int() }
        if let value = value(.categoryShare) { settings.categoryShare = try value.number() }
        return settings
    }
}
