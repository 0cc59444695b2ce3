import Foundation

/// The tables of a release as they may be published, and the audit that proves it.
package struct ProtectedRelease: Sendable, Equatable {
    /// In the order the tables were given.
    package var tables: [ProtectedTable]
    /// Every suppressed cell, primary or secondary, with its feasible range. Never published.
    package var audit: [AuditEntry]
    /// Notes for the analyst (class disclosure), naming only tables and dimensions.
    package var warnings: [String]
    /// The information loss and the method that chose the secondary cells. Never published.
    package var suppression: SuppressionReport

    package init(tables: [ProtectedTable], audit: [AuditEntry], warnings: [String],
                 suppression: SuppressionReport = .none) {
        self.tables = tables
        self.audit = audit
        self.warnings = warnings
        self.suppression = suppression
    }

    /// The audit as JSON for the sidecar: sorted keys, and an unbounded `upper` written as
    /// the string `"unbounded"` (JSON has no infinity).
    package func makeAuditJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "unbounded", negativeInfinity: "-unbounded", nan: "undefined")
        return try encoder.encode(audit)
    }
}

extension AuditEntry {
    /// Whether no published number bounds the cell from above.
    package var isUnbounded: Bool { upper.isInfinite }
}
