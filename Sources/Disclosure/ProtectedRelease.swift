import Foundation

/// The tables of a release as they may be published, and the audit that proves it.
public struct ProtectedRelease: Sendable, Equatable {
    /// In the order the tables were given.
    public var tables: [ProtectedTable]
    /// Every suppressed cell, primary or secondary, with its feasible range. Never published.
    public var audit: [AuditEntry]
    /// Notes for the analyst (class disclosure), naming only tables and dimensions.
    public var warnings: [String]

    public init(tables: [ProtectedTable], audit: [AuditEntry], warnings: [String]) {
        self.tables = tables
        self.audit = audit
        self.warnings = warnings
    }

    /// The audit as JSON for the sidecar: sorted keys, and an unbounded `upper` written as
    /// the string `"unbounded"` (JSON has no infinity).
    public func makeAuditJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "unbounded", negativeInfinity: "-unbounded", nan: "undefined")
        return try encoder.encode(audit)
    }
}

extension AuditEntry {
    /// Whether no published number bounds the cell from above.
    public var isUnbounded: Bool { upper.isInfinite }
}
