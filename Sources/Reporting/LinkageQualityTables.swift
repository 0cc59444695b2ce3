import Tabular

/// The release's linkage-quality section (docs/report-spec.md, "Linkage quality"): tables
/// made from the linked table's `<dataset>.link` columns and added to the spec's tables, so
/// that they are counted over the same atoms and protected together with every other table
/// of the release — no figure of the section bypasses the disclosure control.
///
/// For every attached dataset `D` (a `D.link` column):
/// - `linkage-D-by-rule`: units by the rule that attached a `D` record (`crime-reference`,
///   `MK1`, …) or `Not linked`: linked and unlinked, and persons (or records) per rule;
/// - `linkage-D-rate-by-A`: the share linked to `D`, by every attribute `A` of the spine
///   with 2 to ``maximumCategories`` categories — the bias check.
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
        let attributes = table.header.enumerated().filter { column in
            !column.element.contains(".") && column.element != "record_id" && column.element != "person_id"
        }
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
            for (attributeIndex, attribute) in attributes {
                let observed = Set(table.rows.map { $0[attributeIndex] }).subtracting([""])
                guard (2...maximumCategories).contains(observed.count), !observed.contains(where: isDateLike) else { continue }
                let variable = spec.variables.first { variable in
                    if case .column(let source, _) = variable.rule { return source == attribute }
                    return false
                }
                let label = variable?.label ?? attribute
                add(TableSpec(id: "linkage-\(slug(dataset))-rate-by-\(slug(attribute))",
                              title: "Linkage quality: linked to a \(dataset) record, by \(label.lowercased()) (%)",
                              kind: .rate, rows: [variable?.name ?? attribute],
                              numerator: [linked: [linkedCategory]],
                              notes: "A group whose rate differs from the others is a sign of linkage bias."))
            }
        }
        return (result, ids)
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
