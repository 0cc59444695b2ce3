import Governance
import PathlinkCore

/// Checks a raw export's header against its manifest, failing closed.
///
/// Every export column must be declared (unless the manifest says
/// `undeclared-columns: drop`) and every declared column must be present. Names must
/// match exactly; a near miss (case or surrounding spaces) is reported with the
/// declared spelling so the reviewer can decide which is right.
struct HeaderCheck {
    let manifest: Manifest
    let header: [String]
    let file: String

    func layout() throws -> ExtractLayout {
        let declared = Dictionary(uniqueKeysWithValues: manifest.columns.map { ($0.name, $0) })
        var undeclared: [String] = []
        for name in header where declared[name] == nil { undeclared.append(name) }
        let present = Set(header)
        let missing = manifest.columns.filter { !present.contains($0.name) }.map(\.name)

        if !missing.isEmpty {
            var problem = "the export lacks \(missing.count == 1 ? "the declared column" : "\(missing.count) declared columns"): \(quoted(missing))"
            let hints = nearMisses(missing, among: undeclared)
            if !hints.isEmpty { problem += " (\(hints))" }
            throw PathlinkError(.header, file: file, row: 1, problem: problem,
                                remedy: "export the column, or — if the manifest is wrong — correct it and have it approved again")
        }
        if !undeclared.isEmpty && manifest.input.undeclaredColumns == .reject {
            throw PathlinkError(.header, file: file, row: 1,
                                problem: "the export has \(undeclared.count == 1 ? "a column" : "\(undeclared.count) columns") the manifest does not declare: \(quoted(undeclared)); nothing was written",
                                remedy: "declare \(undeclared.count == 1 ? "it" : "each") in \(manifest.path) with its class (direct or free-text if it must not leave), or remove it from the export")
        }
        return try ExtractLayout(manifest: manifest, header: header, file: file, undeclared: undeclared)
    }

    private func quoted(_ names: [String]) -> String {
        let shown = names.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ")
        return names.count > 20 ? shown + " and \(names.count - 20) more" : shown
    }

    private func nearMisses(_ missing: [String], among undeclared: [String]) -> String {
        var hints: [String] = []
        for name in missing {
            let key = name.trimmingWhitespace.lowercased()
            if let match = undeclared.first(where: { $0.trimmingWhitespace.lowercased() == key }) {
                hints.append("the export has \"\(match)\" where the manifest declares \"\(name)\": names must match exactly, including case and spaces")
            }
        }
        return hints.joined(separator: "; ")
    }
}
