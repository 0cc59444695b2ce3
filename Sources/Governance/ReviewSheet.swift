import Foundation

/// What a governance reviewer reads: column by column, what leaves the owner and in what
/// form, plus lints on the manifest and (with data) findings on the export.
package struct ReviewSheet: Sendable {
    package var dataset: String
    package var title: String
    package var owner: String
    package var manifestPath: String
    /// SHA-256 of the manifest file: the value to record in the approvals register.
    package var manifestSHA256: String
    package var rows: [Row]
    package var rowConditions: [String]
    /// `input.missing`: placeholders declared for every column that leaves.
    package var placeholders: [String]
    package var findings: [Finding]

    package struct Row: Sendable, Codable {
        package var column: String
        package var `class`: String
        /// What leaves the owner, in plain words.
        package var leaves: String
        package var description: String?
        package var reviewed: Bool
        /// Declared missing-value placeholders (`input.missing` and the column's `missing`).
        package var missing: [String]?
    }

    /// A lint or a data finding. Never holds a data value.
    package struct Finding: Sendable, Codable, Equatable {
        package enum Severity: String, Sendable, Codable { case error, warning }
        package var severity: Severity
        package var column: String?
        package var message: String
        /// Rows (data rows, header = 1) where it was seen: the count and the first.
        package var count: Int?
        package var firstRow: Int?
        package init(severity: Severity, column: String?, message: String, count: Int? = nil, firstRow: Int? = nil) {
            self.severity = severity
            self.column = column
            self.message = message
            self.count = count
            self.firstRow = firstRow
        }
    }

    package var hasErrors: Bool { findings.contains { $0.severity == .error } }

    package init(manifest: Manifest, sha256: String) {
        dataset = manifest.dataset
        title = manifest.title
        owner = manifest.owner
        manifestPath = manifest.path
        manifestSHA256 = sha256
        rows = manifest.columns.map { column in
            Row(column: column.name, class: column.columnClass.rawValue, leaves: ReviewSheet.leaves(column),
                description: column.description, reviewed: column.reviewed, missing: column.missing.isEmpty ? nil : column.missing)
        } + manifest.derive.map { derivation in
            Row(column: derivation.name, class: "derived",
                leaves: "derived at extract: \(derivation.rule.rawValue) of \(derivation.from) at \(derivation.at ?? "")", description: nil, reviewed: true)
        }
        var conditions: [String] = []
        for condition in manifest.rows?.conditions ?? [] {
            conditions.append("only records whose \(condition.column) is one of: \(condition.values.joined(separator: ", "))")
        }
        if let age = manifest.rows?.ageAtLeast {
            conditions.append("only records of persons aged at least \(age.years) at \(age.at) (age from \(age.from); unknown age excluded)")
        }
        rowConditions = conditions
        placeholders = manifest.input.missing
        findings = ManifestLint.findings(manifest)
    }

    static func leaves(_ column: ColumnDeclaration) -> String {
        let text = leavesByClass(column)
        guard !column.missing.isEmpty else { return text }
        return text + "; declared placeholders, missing (written empty): " + column.missing.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    static func leavesByClass(_ column: ColumnDeclaration) -> String {
        switch column.columnClass {
        case .direct: return "nothing: dropped at extract"
        case .freeText: return "nothing: dropped at extract"
        case .identifier:
            var text = "a keyed-HMAC token in domain \(column.domain ?? "?") (pseudonymise); the raw value never leaves"
            if case .pattern(let pattern) = column.normalise { text += "; normalised by pattern to \(pattern.template)" }
            if let identifies = column.identifies { text += "; identifies a \(identifies.rawValue)" }
            return text
        case .linkage:
            return "nothing raw: its \(column.field?.rawValue ?? "person field") goes into person match-key tokens at pseudonymise, then the column is dropped"
        case .quasi:
            switch column.generalise {
            case .month: return "generalised to year and month (YYYY-MM)"
            case .quarter: return "generalised to year and quarter (YYYY-Qn)"
            case .year: return "generalised to year (YYYY)"
            case .ageBand: return "generalised to an age band (Under 18, 18-24, …, 75+)"
            case .postcodeDistrict: return "generalised to the postcode district (e.g. CM13)"
            case nil: return "generalised"
            }
        case .attribute:
            if let values = column.values { return "as it is; only these values: \(values.joined(separator: ", "))" }
            if column.isOpen { return "OPEN — any value, as it is (open: true; every value profiled at extract)" }
            return "as it is (no closed value list: refused until values: or open: true is declared)"
        }
    }

    // MARK: Rendering

    package func text() -> String {
        var lines = ["Review sheet: \(dataset) — \(title)", "Owner: \(owner)", "Manifest: \(manifestPath)",
                     "SHA-256 to approve: \(manifestSHA256)", ""]
        if !rowConditions.isEmpty {
            lines.append("Records that may leave:")
            lines += rowConditions.map { "  - \($0)" }
            lines.append("")
        }
        if !placeholders.isEmpty {
            lines.append("Missing-value placeholders (every column that leaves; written empty, counted as missing): "
                         + placeholders.map { "\"\($0)\"" }.joined(separator: ", "))
            lines.append("")
        }
        lines.append("Columns:")
        let width = min(28, rows.map(\.column.count).max() ?? 0)
        for row in rows {
            let name = row.column.padding(toLength: max(width, row.column.count), withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(row.class.padding(toLength: 10, withPad: " ", startingAt: 0))  \(row.leaves)")
        }
        lines.append("")
        lines += findingLines()
        return lines.joined(separator: "\n") + "\n"
    }

    /// Markdown in which everything the manifest's author wrote (names, title, owner,
    /// descriptions, values) is escaped (``MarkdownText``): it cannot add a row, a cell, a
    /// link or HTML to the sheet a reviewer approves.
    package func markdown() -> String {
        let e = MarkdownText.escape
        var lines = ["# Review sheet: \(e(dataset))", "", "**\(e(title))** — owner: \(e(owner))", "",
                     "- Manifest: \(e(manifestPath))", "- SHA-256 to approve: `\(manifestSHA256)`", ""]
        if !rowConditions.isEmpty {
            lines.append("## Records that may leave")
            lines.append("")
            lines += rowConditions.map { "- \(e($0))" }
            lines.append("")
        }
        if !placeholders.isEmpty {
            lines += ["## Missing-value placeholders", "",
                      "In every column that leaves, these texts are missing (written empty, counted in the receipt): "
                      + placeholders.map { "\"\(e($0))\"" }.joined(separator: ", "), ""]
        }
        lines += ["## Columns", "", "| column | class | what leaves the owner | description | reviewed |", "|---|---|---|---|---|"]
        for row in rows {
            lines.append("| \(e(row.column)) | \(e(row.class)) | \(e(row.leaves)) | \(e(row.description ?? "")) | \(row.reviewed ? "yes" : "") |")
        }
        lines += ["", "## Findings", ""]
        lines += findings.isEmpty ? ["None."] : findingLines().map { "- " + e($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    package func json() -> String {
        struct Document: Encodable {
            var dataset, title, owner, manifest, sha256: String
            var rowConditions: [String]
            var placeholders: [String]
            var columns: [Row]
            var findings: [Finding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = Document(dataset: dataset, title: title, owner: owner, manifest: manifestPath, sha256: manifestSHA256,
                                rowConditions: rowConditions, placeholders: placeholders, columns: rows, findings: findings)
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    func findingLines() -> [String] {
        if findings.isEmpty { return ["No findings."] }
        return findings.map { finding in
            var line = "\(finding.severity.rawValue): "
            if let column = finding.column { line += "column \"\(column)\": " }
            line += finding.message
            if let count = finding.count { line += " (\(count) row\(count == 1 ? "" : "s")" + (finding.firstRow.map { ", first at row \($0)" } ?? "") + ")" }
            return line
        }
    }
}

/// Lints on a manifest alone.
package enum ManifestLint {
    /// Words in a column name that suggest personal data.
    package static let suspiciousWords = ["name", "dob", "birth", "address", "postcode", "post_code", "phone", "mobile", "email",
                                         "e-mail", "nhs", "notes", "note", "comment", "description", "narrative", "free", "text",
                                         "surname", "forename", "street", "ni_number", "nino"]

    package static func findings(_ manifest: Manifest) -> [ReviewSheet.Finding] {
        var findings: [ReviewSheet.Finding] = []
        for column in manifest.columns {
            findings += ColumnName.findings(column.name)
        }
        for column in manifest.columns where column.columnClass == .attribute || column.columnClass == .quasi {
            // Folded (NFKC, look-alike letters mapped to Latin, invisible characters removed),
            // so that `mo_nоtes` with a Cyrillic о is still seen to be notes.
            let lowered = ColumnName.folded(column.name)
            if let word = suspiciousWords.first(where: { lowered.contains($0) }), !column.reviewed {
                findings.append(.init(severity: .error, column: column.name,
                                      message: "the name suggests personal data (\"\(word)\") but the column leaves as a \(column.columnClass.rawValue); declare it direct, free-text or linkage, or mark it reviewed: true once a reviewer has confirmed it holds none"))
            }
        }
        for column in manifest.columns where column.columnClass == .attribute && column.values == nil {
            if column.isOpen {
                findings.append(.init(severity: .warning, column: column.name,
                                      message: "OPEN column: no closed value list, any value leaves; extract profiles every value and stops on personal data (e-mail, phone, NHS number, postcode, name, date, free text, formula, markup)"))
            } else {
                findings.append(.init(severity: .error, column: column.name,
                                      message: "an attribute with no closed value list: any value, including one typed in by mistake, would leave; add values: if the field is a drop-down, or say open: true once a reviewer has accepted that any value may leave"))
            }
        }
        if manifest.columns.contains(where: { $0.columnClass == .identifier }) == false {
            findings.append(.init(severity: .warning, column: nil, message: "no identifier column: records cannot be joined by reference"))
        }
        return findings
    }
}
