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

    /// The tidy CSV's columns after the dimensions (docs/report-spec.md, "The release").
    static func tidyValueColumns(_ kind: TableSpec.Kind) -> [String] {
        switch kind {
        case .count: return ["value", "status", "is_margin"]
        case .rate, .multiResponse: return ["numerator", "denominator", "rate", "status", "is_margin"]
        case .mean, .median: return ["contributors", kind.rawValue, "status", "is_margin"]
        }
    }

    /// `<id>.csv`: one column per dimension, then numbers only in `value` (or `numerator`,
    /// `denominator`, `rate`; empty when not published), the GSS symbol in `status`, and
    /// `is_margin` (`true` for a row with `Total` in a dimension); one row per cell, margins
    /// included. So every tool reads the value columns as numbers without options.
    func tidy(_ table: PublishedTable) -> (text: String, rows: Int) {
        var text = Self.csvRecord(table.spec.dimensions + Self.tidyValueColumns(table.spec.kind))
        let margin = { (cell: PublishedTable.Cell) in cell.isMargin ? "true" : "false" }
        switch table.spec.kind {
        case .count:
            for cell in table.cells {
                text += Self.csvRecord(cell.coordinates + [format.number(cell.count), format.status(cell.count), margin(cell)])
            }
        case .mean, .median:
            for cell in table.cells {
                let statistic = cell.statistic.map { format.fixed($0, decimals: table.spec.decimals) } ?? ""
                text += Self.csvRecord(cell.coordinates + [format.number(cell.count), statistic, format.statisticStatus(cell), margin(cell)])
            }
        case .rate, .multiResponse:
            for cell in table.cells {
                let rate = cell.rate.map { format.fixed($0, decimals: table.spec.decimals) } ?? ""
                let status = cell.rate != nil ? "" : format.rateText(cell, decimals: table.spec.decimals)
                text += Self.csvRecord(cell.coordinates + [format.number(cell.count), format.number(cell.denominator ?? .suppressed),
                                                           rate, status, margin(cell)])
            }
        }
        return (text, table.cells.count)
    }

    /// `<id>.wide.csv`: row variables down, the column variable across, totals included;
    /// a rate table shows each rate (%) followed by its numerator and denominator.
    func wide(_ table: PublishedTable) -> (text: String, rows: Int) {
        let wide = wideRows(table)
        return (([wide.header] + wide.rows).map(Self.csvRecord).joined(), wide.rows.count)
    }

    /// The wide layout's header and rows (the row variables' categories first), as the wide
    /// CSV and the workbook's table sheets (``OpenDocumentWorkbook``) print them.
    func wideRows(_ table: PublishedTable) -> (header: [String], rows: [[String]]) {
        let rowCount = table.spec.rows.count
        let isRate = table.spec.kind.showsRate
        let isMagnitude = table.spec.kind.isMagnitude
        let statistic = table.spec.kind.rawValue
        let columnKeys: [String?] = table.spec.column != nil ? (table.categories[rowCount] + [totalCategory]).map { $0 } : [nil]
        var heads: [String] = []
        for key in columnKeys {
            if isRate {
                heads += key.map { ["\($0) (%)", "\($0) numerator", "\($0) denominator"] } ?? ["rate", "numerator", "denominator"]
            } else if isMagnitude {
                heads += key.map { ["\($0) (\(statistic))", "\($0) contributors"] } ?? [statistic, "contributors"]
            } else {
                heads.append(key ?? "value")
            }
        }
        var rows: [[String]] = []
        let byCoordinates = Dictionary(table.cells.map { ($0.coordinates, $0) }, uniquingKeysWith: { a, _ in a })
        for rowKey in rowKeys(table) {
            var fields = rowKey
            for key in columnKeys {
                let cell = byCoordinates[rowKey + (key.map { [$0] } ?? [])]
                fields.append(value(cell, table))
                if isRate {
                    fields.append(format.text(cell?.count ?? .suppressed))
                    fields.append(format.text(cell?.denominator ?? .suppressed))
                } else if isMagnitude {
                    fields.append(format.text(cell?.count ?? .suppressed))
                }
            }
            rows.append(fields)
        }
        return (table.spec.rows + heads, rows)
    }

    /// Every combination of row categories, `Total` last at each level.
    func rowKeys(_ table: PublishedTable) -> [[String]] {
        var keys: [[String]] = [[]]
        for level in 0..<table.spec.rows.count {
            // A multi-response table's responses have no total: a unit can have several.
            let margin = table.spec.kind == .multiResponse && level == 0 ? [] : [totalCategory]
            keys = keys.flatMap { prefix in (table.categories[level] + margin).map { prefix + [$0] } }
        }
        return keys
    }

    private func value(_ cell: PublishedTable.Cell?, _ table: PublishedTable) -> String {
        guard let cell else { return policy.symbol }
        if table.spec.kind.isMagnitude { return format.statisticText(cell, decimals: table.spec.decimals) }
        return table.spec.kind.showsRate ? format.rateText(cell, decimals: table.spec.decimals) : format.text(cell.count)
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
            ("dominance_n", .int(policy.dominanceN)),
            ("dominance_k", .int(policy.dominanceK)),
            ("median_minimum", .int(policy.medianMinimum)),
        ])
    }

    static func conditionJSON(_ condition: Condition) -> JSONValue {
        .object(condition.keys.sorted().map { ($0, .array(condition[$0]!.map(JSONValue.string))) })
    }

    func unitName(_ table: PublishedTable) -> String {
        let units = table.unit == .persons ? "persons" : "records"
        switch table.spec.kind {
        case .rate, .multiResponse: return "percent of \(units)"
        case .mean, .median: return "\(table.spec.kind.rawValue) of \(table.spec.quantity!.description) over \(units) with a value"
        case .count: return units
        }
    }

    /// The base of a table: the published grand total (a rate's denominator), or nil.
    func baseValue(of table: PublishedTable) -> CellStatus {
        let total = table.grandTotal
        return table.spec.kind.showsRate ? total.denominator ?? .suppressed : total.count
    }

    /// One cell of tables.json: numbers (null when not published) and the status symbol.
    func cellJSON(_ cell: PublishedTable.Cell, _ table: PublishedTable) -> JSONValue {
        func number(_ status: CellStatus?) -> JSONValue {
            if case .published(let value)? = status { return .int(value) }
            return .null
        }
        var members: [(String, JSONValue)] = [("coordinates", .array(cell.coordinates.map(JSONValue.string)))]
        switch table.spec.kind {
        case .count:
            members.append(("value", number(cell.count)))
            members.append(("status", .string(format.status(cell.count))))
        case .mean, .median:
            members.append(("contributors", number(cell.count)))
            members.append((table.spec.kind.rawValue, cell.statistic.map { .number(format.fixed($0, decimals: table.spec.decimals)) } ?? .null))
            members.append(("status", .string(format.statisticStatus(cell))))
        case .rate, .multiResponse:
            members.append(("numerator", number(cell.count)))
            members.append(("denominator", number(cell.denominator)))
            members.append(("rate", cell.rate.map { .number(format.fixed($0, decimals: table.spec.decimals)) } ?? .null))
            members.append(("status", .string(cell.rate != nil ? "" : format.rateText(cell, decimals: table.spec.decimals))))
        }
        members.append(("is_margin", .bool(cell.isMargin)))
        return .object(members)
    }

    /// The response variables of a multi-response table (its spec's rows became `response`).
    func responseVariables(_ table: PublishedTable) -> [String] {
        spec.tables.first { $0.id == table.spec.id }?.responses ?? []
    }

    /// `tables.json`: every table's metadata and its cells.
    func tablesJSON() -> String {
        let entries: [JSONValue] = tables.map { table in
            let base = baseValue(of: table)
            var members: [(String, JSONValue)] = [
                ("id", .string(table.spec.id)),
                ("title", .string(table.spec.title)),
                ("kind", .string(table.spec.kind.rawValue)),
                ("section", .string(table.isLinkageQuality ? "linkage-quality" : "tables")),
                ("dimensions", .array(table.dimensions.map(JSONValue.string))),
                ("filter", Self.conditionJSON(table.spec.filter)),
                ("unit", .string(unitName(table))),
                ("base", { if case .published(let value) = base { return .int(value) } else { return .null } }()),
                ("base_status", .string(format.status(base))),
                ("base_text", .string(format.base(of: table))),
                ("notes", table.spec.notes.map(JSONValue.string) ?? .null),
            ]
            switch table.spec.kind {
            case .rate:
                members.append(("numerator", Self.conditionJSON(table.spec.numerator)))
                members.append(("denominator", Self.conditionJSON(table.spec.denominator)))
                members.append(("decimals", .int(table.spec.decimals)))
            case .multiResponse:
                members.append(("responses", .array(zip(responseVariables(table), table.categories[0]).map { name, label in
                    .object([("variable", .string(name)), ("label", .string(label)), ("yes", .string(table.spec.yes))])
                })))
                members.append(("decimals", .int(table.spec.decimals)))
            case .mean, .median:
                members.append(("of", .string(table.spec.quantity!.description)))
                members.append(("decimals", .int(table.spec.decimals)))
            case .count:
                break
            }
            members.append(("files", .array([.string(table.spec.id + ".csv"), .string(table.spec.id + ".wide.csv")])))
            members.append(("cells", .array(table.cells.map { cellJSON($0, table) })))
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
