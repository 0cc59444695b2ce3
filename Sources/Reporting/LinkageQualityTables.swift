import Tabular

/// The release's linkage-quality section (docs/report-spec.md, "Linkage quality"): tables
/// made from the linked table's `<dataset>.link` columns and added to the spec's tables, so
/// that they are counted over the same atoms and protected together with every other table
/// of the release — no figure of the section bypasses the disclosure control.
///
/// For every attached dataset `D` (a `D.link` column):
/// - `linkage-D-by-rule`: units by the rule that attached a `D` record (`crime-reference`,
///   `MK1`, …) or `Not linked`: linked and unlinked, and persons (or records) per rule;
/// - `linkage-D-rate-by-V`: the share linked to `D`, by every variable `V` of the spec's
///   tables that reads spine attributes only (``biasVariables(_:table:)``) — the bias check.
enum LinkageQualityTables {
    /// An attribute with more categories than this (a month, a free code) is not tabulated:
    /// its cells would be mostly suppressed and would only cost suppressions elsewhere.
    static let maximumCategories = 12
    static let linkedCategory = "Linked"
    static let notLinkedCategory = "Not linked"

    /// The spec with the section's variables and tables appended, and the ids of those tables.
    static func augment(_ spec: ReportSpec, table: CSVTable) -> (spec: ReportSpec, ids: [String]) {
        var result = spec
        var ids: [String] = []
        guard spec.linkageQuality else { return (result, ids) }
        let declaredNames = Set(spec.variables.map(\.name))
        let tableIDs = Set(spec.tables.map(\.id))
        let linkColumns = table.header.enumerated().filter { $0.element.hasSuffix(".link") }
        for (linkIndex, linkColumn) in linkColumns {
            let dataset = String(linkColumn.dropLast(".link".count))
            let byRule = dataset + ".linked_by", linked = dataset + ".linked"
            guard !declaredNames.contains(byRule), !declaredNames.contains(linked) else { continue }
            let rules = Set(table.rows.map { $0[linkIndex] }).subtracting([""]).sorted()
            result.variables.append(VariableDefinition(
                name: byRule, label: "Linked to \(dataset) by",
                rule: .map(source: linkColumn, groups: rules.map { ($0, [$0]) } + [(notLinkedCategory, [spec.missingLabel])], other: nil)))
            result.variables.append(VariableDefinition(
                name: linked, label: "Linked to \(dataset)",
                rule: .map(source: linkColumn, groups: [(linkedCategory, rules), (notLinkedCategory, [spec.missingLabel])], other: nil)))
            let units = spec.unit == .persons ? "persons" : "records"
            func add(_ tableSpec: TableSpec) {
                guard !tableIDs.contains(tableSpec.id) else { return }
                result.tables.append(tableSpec)
                ids.append(tableSpec.id)
            }
            add(TableSpec(id: "linkage-\(slug(dataset))-by-rule",
                          title: "Linkage quality: \(units) with a \(dataset) record, by the rule that attached it",
                          rows: [byRule],
                          notes: "Not linked: no \(dataset) record was attached. Rules are those of the linkage plan (docs/link.md)."))
            for variable in biasVariables(spec, table: table) {
                let label = spec.variables.first { $0.name == variable }?.label ?? variable
                add(TableSpec(id: "linkage-\(slug(dataset))-rate-by-\(slug(variable))",
                              title: "Linkage quality: linked to a \(dataset) record, by \(label.lowercased()) (%)",
                              kind: .rate, rows: [variable],
                              numerator: [linked: [linkedCategory]],
                              notes: "A group whose rate differs from the others is a sign of linkage bias."))
            }
        }
        return (result, ids)
    }

    /// The variables the bias check breaks link rates down by: every dimension of the spec's
    /// own tables that reads spine attributes only (not a linked dataset's columns), with 2 to
    /// ``maximumCategories`` categories, in the order the tables first use them. Only variables
    /// the release already tabulates: a new cut of the persons would multiply the atoms of the
    /// release's system of equations, and with them the work of its protection and audit.
    static func biasVariables(_ spec: ReportSpec, table: CSVTable) -> [String] {
        let declared = Dictionary(spec.variables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func readsSpineOnly(_ name: String, depth: Int = 0) -> Bool {
            guard depth < 64 else { return false }
            guard let variable = declared[name] else { return !name.contains(".") && name != "record_id" && name != "person_id" }
            switch variable.rule {
            case .column(let source, _): return !source.contains(".")
            case .map(let source, _, _): return source == name ? !source.contains(".") : readsSpineOnly(source, depth: depth + 1)
            case .cases(let cases, _): return cases.allSatisfy { $0.0.keys.allSatisfy { readsSpineOnly($0, depth: depth + 1) } }
            }
        }
        func categoryCount(_ name: String) -> Int {
            switch declared[name]?.rule {
            case .column(_, let categories?)?: return categories.count
            case .map(_, let groups, let other)?: return groups.count + (other == nil ? 0 : 1)
            case .cases(let cases, _)?: return Set(cases.map(\.1)).count + 1
            case .column(let source, nil)?: return distinctValues(source, table)
            case nil: return distinctValues(name, table)
            }
        }
        var result: [String] = []
        for tableSpec in spec.tables {
            for name in tableSpec.dimensions where !result.contains(name) && readsSpineOnly(name)
                && (2...maximumCategories).contains(categoryCount(name)) {
                if case .column(let source, nil)? = declared[name]?.rule, let index = table.index(of: source),
                   table.rows.contains(where: { isDateLike($0[index]) }) { continue }
                result.append(name)
            }
        }
        return result
    }

    static func distinctValues(_ column: String, _ table: CSVTable) -> Int {
        guard let index = table.index(of: column) else { return 0 }
        return Set(table.rows.map { $0[index] }).subtracting([""]).count
    }

    /// A date or month (`2024-05`, `2024-05-01`): a time axis, not a group to compare.
    static func isDateLike(_ value: String) -> Bool {
        let digits = value.filter(\.isNumber).count
        return digits >= 6 && value.allSatisfy { $0.isNumber || $0 == "-" || $0 == "/" }
    }

    /// `police.crimes` → `police-crimes`: a table id made of letters, digits and `-`.
    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
