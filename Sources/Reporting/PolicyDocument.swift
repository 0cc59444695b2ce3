import Disclosure
import PathlinkCore

/// The settings a policy file or a spec's `policy:` block gives; absent ones are nil.
package struct PolicyOverrides: Sendable, Equatable {
    package var threshold: Int?
    package var zeros: ZeroRule?
    package var secondary: Bool?
    package var rounding: Int?
    package var symbol: String?
    package var structuralSymbol: String?
    /// The YAML line of the block (for a refused loosening).
    package var line: Int?

    package init(threshold: Int? = nil, zeros: ZeroRule? = nil, secondary: Bool? = nil, rounding: Int? = nil,
                symbol: String? = nil, structuralSymbol: String? = nil, line: Int? = nil) {
        self.threshold = threshold
        self.zeros = zeros
        self.secondary = secondary
        self.rounding = rounding
        self.symbol = symbol
        self.structuralSymbol = structuralSymbol
        self.line = line
    }

    /// `base` with these settings put over it.
    package func applied(to base: DisclosurePolicy) -> DisclosurePolicy {
        var policy = base
        if let threshold { policy.threshold = threshold }
        if let zeros { policy.zeros = zeros }
        if let secondary { policy.secondary = secondary }
        if let rounding { policy.rounding = rounding }
        if let symbol { policy.symbol = symbol }
        if let structuralSymbol { policy.structuralSymbol = structuralSymbol }
        return policy
    }

    static let fieldNames: Set<String> = ["threshold", "zeros", "secondary", "rounding", "symbol", "structural-symbol"]

    /// Read the policy fields of a mapping (the policy file, or a spec's `policy:` block).
    static func parse(_ field: YAMLField) throws -> PolicyOverrides {
        var result = PolicyOverrides(line: field.line)
        if let value = field.optional("threshold") {
            let threshold = try value.int()
            guard threshold >= 1 else { throw value.error("the threshold must be 1 or more", remedy: "write threshold: 3 (counts 1 and 2 are suppressed)") }
            result.threshold = threshold
        }
        if let value = field.optional("zeros") {
            guard let zeros = ZeroRule(rawValue: try value.string()) else {
                throw value.error("zeros must be show or suppress", remedy: "write zeros: show or zeros: suppress")
            }
            result.zeros = zeros
        }
        if let value = field.optional("secondary") { result.secondary = try value.bool() }
        if let value = field.optional("rounding") {
            let rounding = try value.int()
            guard rounding >= 0 else { throw value.error("rounding must be 0 (none) or a positive base", remedy: "write rounding: 0, or e.g. rounding: 5") }
            result.rounding = rounding
        }
        for (key, keyPath) in [("symbol", \PolicyOverrides.symbol), ("structural-symbol", \PolicyOverrides.structuralSymbol)] {
            if let value = field.optional(key) {
                let symbol = try value.string()
                guard !symbol.isEmpty, Int(symbol) == nil, Double(symbol) == nil else {
                    throw value.error("a symbol must be non-empty text that cannot be read as a number",
                                      remedy: "use the GSS shorthand, e.g. \"[c]\" or \"[z]\"")
                }
                result[keyPath: keyPath] = symbol
            }
        }
        if let symbol = result.symbol, symbol == result.structuralSymbol {
            throw field.error("symbol and structural-symbol are the same", remedy: "a suppressed cell and a structural zero must look different")
        }
        return result
    }
}

/// The disclosure policy file (`governance/disclosure-policy.yaml`, `policy: 1`).
package enum PolicyDocument {
    /// Read and validate a policy file; fields it omits keep the defaults of
    /// governance/disclosure-control.md "The policy".
    package static func load(path: String) throws -> DisclosurePolicy {
        let text = try FilePath.readText(path)
        return try parse(text, file: path)
    }

    package static func parse(_ text: String, file: String) throws -> DisclosurePolicy {
        let root = try YAMLField.document(text, file: file, kind: "disclosure policy")
        try root.expectKeys(PolicyOverrides.fieldNames.union(["policy", "description"]))
        let version = try root.required("policy", what: "1 (the policy format version)")
        guard try version.int() == 1 else {
            throw version.error("this policy format version is not supported", remedy: "write policy: 1")
        }
        return try PolicyOverrides.parse(root).applied(to: DisclosurePolicy())
    }
}
