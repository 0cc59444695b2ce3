// ============================================================================================
// TEMPORARY PLACEHOLDER — DELETE AT MERGE.
//
// The Disclosure engine (DisclosurePolicy, ReleaseProtector, ProtectedRelease) is written in
// another worktree. This file declares exactly its contract so that Reporting can be built
// and tested end to end before it lands. It does PRIMARY suppression only: no secondary
// suppression, no LP audit. It must never ship: the lead deletes it when the real engine
// is merged.
// ============================================================================================
import PathlinkCore

public enum ZeroRule: String, Sendable, Equatable, Codable { case show, suppress }

public struct DisclosurePolicy: Sendable, Equatable, Codable {
    public var threshold: Int = 3
    public var zeros: ZeroRule = .show
    public var secondary: Bool = true
    public var rounding: Int = 0
    public var symbol: String = "[c]"
    public var structuralSymbol: String = "[z]"

    public init() {}

    /// PLACEHOLDER: refuses a lower threshold, zeros shown after suppressed, secondary turned off,
    /// or a rounding base that is not a multiple of the current one.
    public func tightened(by other: DisclosurePolicy) throws -> DisclosurePolicy {
        var problems: [String] = []
        if other.threshold < threshold { problems.append("threshold \(other.threshold) is lower than \(threshold)") }
        if zeros == .suppress && other.zeros == .show { problems.append("zeros: show would publish zeros the policy suppresses") }
        if secondary && !other.secondary { problems.append("secondary: false would turn off secondary suppression") }
        if rounding > 0 && (other.rounding == 0 || other.rounding % rounding != 0) {
            problems.append("rounding \(other.rounding) is not a multiple of \(rounding)")
        }
        guard problems.isEmpty else {
            throw PathlinkError(.invalidDocument, problem: "the report's policy would loosen the disclosure policy: " + problems.joined(separator: "; "),
                                remedy: "a report may only tighten the policy; remove or raise these settings")
        }
        return other
    }
}

public struct ProtectedRelease {
    public var tables: [ProtectedTable]
    public var audit: [AuditEntry]
    public var warnings: [String]
}

public struct ReleaseProtector {
    public let policy: DisclosurePolicy
    public init(policy: DisclosurePolicy) { self.policy = policy }

    /// PLACEHOLDER: primary suppression (and rounding) of each cell, no secondary, no audit.
    public func protect(_ microdata: Microdata, tables: [TableDefinition]) throws -> ProtectedRelease {
        var result: [ProtectedTable] = []
        for table in tables {
            let positions = table.dimensions.map { dimension -> Int in microdata.variables.firstIndex(of: dimension)! }
            let filters = table.filter.map { (microdata.variables.firstIndex(of: $0.key)!, $0.value) }
            var sums: [[String]: Int] = [:]
            for (atom, count) in microdata.counts where filters.allSatisfy({ $0.1.contains(atom[$0.0]) }) {
                let interior = positions.map { atom[$0] }
                for mask in 0..<(1 << interior.count) {
                    var key = interior
                    for bit in interior.indices where mask & (1 << bit) != 0 { key[bit] = totalCategory }
                    sums[key, default: 0] += count
                }
            }
            var cells: [ProtectedCell] = []
            func walk(_ prefix: [String]) {
                if prefix.count == table.dimensions.count {
                    let value = sums[prefix] ?? 0
                    let status: CellStatus
                    if table.structuralZeros.contains(prefix) {
                        status = .structuralZero
                    } else if (value > 0 && value < policy.threshold) || (value == 0 && policy.zeros == .suppress) {
                        status = .suppressed
                    } else if policy.rounding > 0 {
                        status = .published((value + policy.rounding / 2) / policy.rounding * policy.rounding)
                    } else {
                        status = .published(value)
                    }
                    cells.append(ProtectedCell(coordinates: prefix, status: status))
                    return
                }
                for category in table.categories[prefix.count] + [totalCategory] { walk(prefix + [category]) }
            }
            walk([])
            result.append(ProtectedTable(definition: table, cells: cells))
        }
        return ProtectedRelease(tables: result, audit: [], warnings: ["PLACEHOLDER disclosure engine: primary suppression only"])
    }
}
