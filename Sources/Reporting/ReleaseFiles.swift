import Disclosure

/// The text of the release folder's files (docs/report-spec.md, "The release").
struct ReleaseFiles {
    let spec: ReportSpec
    let policy: DisclosurePolicy
    let tables: [PublishedTable]
    var format: CellFormat { CellFormat(policy: policy) }

    /// A CSV record per RFC 4180 (quoted only when needed), ending in CRLF like ``CSVWriter``.
    static func csvRecord(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    /// `<id>.csv`: one column per dimension, then `value` (or numerator, denominator, rate);
    /// one row per cell, margins included.
    func tidy(_ table: PublishedTable) -> (text: String, rows: Int) {
        var text: String
        switch table.spec.kind {
        case .count:
            text = Self.csvRecord(table.spec.dimensions + ["value"])
            for cell in table.cells { text += Self.csvRecord(cell.coordinates + [format.text(cell.count)]) }
        case .rate:
            text = Self.csvRecord(table.spec.dimensions + ["numerator", "denominator", "rate"])
            for cell in table.cells {
                text += Self.csvRecord(cell.coordinates + [format.text(cell.count), format.text(cell.denominator ?? .suppressed),
                                                           format.rateText(cell, decimals: table.spec.decimals)])
            }
        }
        return (text, table.cells.count)
    }

    /// `<id>.wide.csv`: row variables down, the column variable across, totals included;
    /// a rate table shows the rate (%).
    func wide(_ table: PublishedTable) -> (text: String, rows: Int) {
        let rowCount = table.spec.rows.count
        let columnHeads: [String]
        if table.spec.column != nil {
            columnHeads = table.categories[rowCount] + [totalCategory]
        } else {
            columnHeads = [table.spec.kind == .rate ? "rate" : "value"]
        }
        var text = Self.csvRecord(table.spec.rows + columnHeads)
        var rows = 0
        let byCoordinates = Dictionary(table.cells.map { ($0.coordinates, $0) }, uniquingKeysWith: { a, _ in a })
        for rowKey in rowKeys(table) {
            var fields = rowKey
            if table.spec.column != nil {
                for head in columnHeads { fields.append(value(byCoordinates[rowKey + [head]], table)) }
            } else {
                fields.append(value(byCoordinates[rowKey], table))
            }
            text += Self.csvRecord(fields)
            rows += 1
        }
        return (text, rows)
    }

    /// Every combination of row categories, `Total` last at each level.
    func rowKeys(_ table: PublishedTable) -> [[String]] {
        var keys: [[String]] = [[]]
        for level in 0..<table.spec.rows.count {
            keys = keys.flatMap { prefix in (table.categories[level] + [totalCategory]).map { prefix + [$0] } }
        }
        return keys
    }

    private func value(_ cell: PublishedTable.Cell?, _ table: PublishedTable) -> String {
        guard let cell else { return policy.symbol }
        return table.spec.kind == .rate ? format.rateText(cell, decimals: table.spec.decimals) : format.text(cell.count)
    }

    /// The policy as published in tables.json and the audit.
    static func policyJSON(_ policy: DisclosurePolicy) -> JSONValue {
        .object([
            ("threshold", .int(policy.threshold)),
            ("zeros", .string(policy.zeros.rawValue)),
            ("secondary", .bool(policy.secondary)),
            ("rounding", .int(policy.rounding)),
            ("symbol", .string(policy.symbol)),
            ("structural_symbol", .string(policy.structuralSymbol)),
            ("protection_margin", .int(policy.protectionMargin)),
            ("class_size", .int(policy.classSize)),
        ])
    }

    static func conditionJSON(_ condition: Condition) -> JSONValue {
        .object(condition.keys.sorted().map { ($0, .array(condition[$0]!.map(JSONValue.string))) })
    }

    func unitName(_ table: PublishedTable) -> String {
        let units = table.unit == .persons ? "persons" : "records"
        return table.spec.kind == .rate ? "percent of \(units)" : units
    }

    /// `tables.json`.
    func tablesJSON() -> String {
        let entries: [JSONValue] = tables.map { table in
            var members: [(String, JSONValue)] = [
                ("id", .string(table.spec.id)),
                ("title", .string(table.spec.title)),
                ("kind", .string(table.spec.kind.rawValue)),
                ("dimensions", .array(table.spec.dimensions.map(JSONValue.string))),
                ("filter", Self.conditionJSON(table.spec.filter)),
                ("unit", .string(unitName(table))),
                ("base", .string(format.base(of: table))),
                ("notes", table.spec.notes.map(JSONValue.string) ?? .null),
            ]
            if table.spec.kind == .rate {
                members.append(("numerator", Self.conditionJSON(table.spec.numerator)))
                members.append(("denominator", Self.conditionJSON(table.spec.denominator)))
                members.append(("decimals", .int(table.spec.decimals)))
            }
            members.append(("files", .array([.string(table.spec.id + ".csv"), .string(table.spec.id + ".wide.csv")])))
            return .object(members)
        }
        return JSONValue.object([
            ("report", .string(spec.id)),
            ("title", .string(spec.title)),
            ("policy", Self.policyJSON(policy)),
            ("tables", .array(entries)),
        ]).rendered()
    }

    /// The audit sidecar: NOT FOR RELEASE (it says which suppressions are primary).
    static func auditJSON(spec: ReportSpec, policy: DisclosurePolicy, release: ProtectedRelease) -> String {
        let entries: [JSONValue] = release.audit.map { entry in
            .object([
                ("table", .string(entry.table)),
                ("coordinates", .array(entry.coordinates.map(JSONValue.string))),
                ("kind", .string(entry.kind.rawValue)),
                ("lower", .double(entry.lower)),
                ("upper", .double(entry.upper)),
            ])
        }
        return JSONValue.object([
            ("not_for_release", .string("NOT FOR RELEASE: this audit tells primary from secondary suppression. Keep it with the data, never with the published tables.")),
            ("report", .string(spec.id)),
            ("policy", policyJSON(policy)),
            ("warnings", .array(release.warnings.map(JSONValue.string))),
            ("suppression", suppressionJSON(release.suppression)),
            ("suppressed_cells", .array(entries)),
        ]).rendered()
    }

    /// The information loss and the method used (see ``SuppressionReport``); units are the
    /// report's unit (persons or records).
    static func suppressionJSON(_ report: SuppressionReport) -> JSONValue {
        func loss(_ loss: SuppressionReport.Loss) -> [(String, JSONValue)] {
            [
                ("cells", .int(loss.cells)), ("primary_cells", .int(loss.primaryCells)),
                ("secondary_cells", .int(loss.secondaryCells)), ("all_cells", .int(loss.allCells)),
                ("units", .int(loss.units)), ("primary_units", .int(loss.primaryUnits)),
                ("secondary_units", .int(loss.secondaryUnits)),
            ]
        }
        let measure = report.cost == .persons ? "secondary_units" : "secondary_cells"
        return .object([
            ("method", .string(report.method.rawValue)),
            ("reason", .string(report.reason)),
            ("cost", .string(report.cost == .persons ? "units (persons or records) hidden, then cells" : "cells hidden, then units")),
            ("overall", .object(loss(report.overall))),
            ("tables", .array(report.tables.map { .object([("table", .string($0.id))] + loss($0.loss)) })),
            ("greedy", report.greedySecondaryCells.map { cells in
                .object([("secondary_cells", .int(cells)), ("secondary_units", .int(report.greedySecondaryUnits ?? 0))])
            } ?? .null),
            ("lower_bound", report.lowerBound.map { .object([(measure, .int($0))]) } ?? .null),
            ("gap_to_lower_bound", report.gapToLowerBound.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null),
        ])
    }
}
