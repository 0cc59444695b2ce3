import Disclosure

/// `tables.ods`: the release's tables as an OpenDocument spreadsheet laid out as the
/// Analysis Function's guidance "Releasing statistics in spreadsheets" asks
/// (docs/report-spec.md, "The workbook"):
///
/// - a **Cover** sheet (title, what the tables are, the disclosure control, the symbols);
/// - a **Contents** sheet: one row per table with a link to its sheet;
/// - a **Notes** sheet: numbered notes (`[note 1]` …) that titles refer to;
/// - **one table per sheet** (`Table_1`, `Table_2` … in the spec's order, the
///   linkage-quality section last): its title in cell A1, a line saying what the sheet
///   holds, the unit and base, then the table with a single header row — no merged cells,
///   no blank rows or columns inside the table, shorthand (`[c]`, `[z]`) in place of a
///   number and explained on the cover and in the notes. Published counts, rates,
///   numerators and denominators are number cells, so a spreadsheet (or
///   `pandas.read_excel`) reads them as numbers.
///
/// The cells are those of `<id>.wide.csv`, so the workbook publishes nothing the CSVs do
/// not. The bytes depend only on the tables (no dates, no generator name, stored zip with
/// a fixed time; ``StoredZip``), so the same release gives the same workbook.
struct OpenDocumentWorkbook {
    let files: ReleaseFiles

    static let fileName = "tables.ods"
    static let mimeType = "application/vnd.oasis.opendocument.spreadsheet"

    /// A note of the Notes sheet.
    struct Note {
        var number: Int
        var text: String
        var reference: String { "[note \(number)]" }
    }

    /// The sheet name of the table at `index` (0-based) in `files.tables`.
    static func sheetName(_ index: Int) -> String { "Table_\(index + 1)" }

    /// The archive's bytes: `mimetype` first and stored, then the manifest, content and styles.
    func bytes() -> [UInt8] {
        var zip = StoredZip()
        zip.add("mimetype", Self.mimeType)
        zip.add("META-INF/manifest.xml", manifest())
        zip.add("content.xml", content())
        zip.add("styles.xml", styles())
        return zip.bytes()
    }

    // MARK: Notes

    /// Every note: the general ones, then the tables' own in sheet order (tables with the
    /// same note text share its number); and the note of each table that has one.
    func notes() -> (all: [Note], byTable: [String: Note]) {
        let policy = files.policy, spec = files.spec
        var general: [String] = [
            "\(policy.symbol) (confidential): the cell is hidden by disclosure control, because it counts fewer than \(policy.threshold) units or because a reader could otherwise work out such a cell from the published totals.",
            "\(policy.structuralSymbol) (not applicable): the combination cannot occur (a structural zero), or a rate has no denominator.",
            "Counts are \(spec.unit == .persons ? "persons: each person is counted once in a table, in the category of their record the spec chooses" : "records"). Total rows and columns are the sum over every category, including categories hidden in the table.",
            "Rates are percentages worked out from the published numerator and denominator, which are shown beside each rate.",
        ]
        if files.tables.contains(where: \.spec.kind.isMagnitude) {
            general.append("Means and medians are shown with their contributors (the units with a value). A mean or median is hidden (\(policy.symbol)) where its contributors are, where there are fewer than \(policy.threshold), where the largest \(policy.dominanceN == 1 ? "contribution makes" : "\(policy.dominanceN) contributions make") up more than \(policy.dominanceK)% of the total, for a median of fewer than \(max(policy.medianMinimum, policy.threshold)), and where its sum could otherwise be worked out from the published means; \(policy.structuralSymbol) where there are no contributors.")
        }
        if files.tables.contains(where: { $0.spec.kind == .multiResponse }) {
            general.append("In a multi-response table a unit can have several responses, so its rows do not add up to the base.")
        }
        if policy.rounding > 0 { general.append("Published counts are rounded to a multiple of \(policy.rounding).") }
        if let notes = spec.notes { general.append(notes) }
        var result = general.enumerated().map { Note(number: $0.offset + 1, text: $0.element) }
        var byTable: [String: Note] = [:]
        for table in files.tables {
            guard let text = table.spec.notes else { continue }
            if let same = result.first(where: { $0.text == text }) {
                byTable[table.spec.id] = same
                continue
            }
            let note = Note(number: result.count + 1, text: text)
            result.append(note)
            byTable[table.spec.id] = note
        }
        return (result, byTable)
    }

    // MARK: content.xml

    /// A cell of a sheet: text, a number, or nothing.
    enum Cell {
        case text(String, style: String? = nil)
        case number(String)
        case link(String, target: String)
        case empty
    }

    func content() -> String {
        let notes = notes()
        var body = ""
        body += sheet("Cover", columns: 1, rows: coverRows(notes.all))
        body += sheet("Contents", columns: 5, rows: contentsRows(notes.byTable))
        body += sheet("Notes", columns: 2, rows: notesRows(notes.all))
        for (index, table) in files.tables.enumerated() {
            body += sheet(Self.sheetName(index), columns: max(tableColumnCount(table), 1), rows: tableRows(table, index: index, note: notes.byTable[table.spec.id]))
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-content \(Self.namespaces) office:version="1.3">\
        <office:automatic-styles>\
        <style:style style:name="co1" style:family="table-column"><style:table-column-properties style:column-width="5cm"/></style:style>\
        <style:style style:name="title" style:family="table-cell"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>\
        <style:style style:name="heading" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>\
        </office:automatic-styles>\
        <office:body><office:spreadsheet>\(body)</office:spreadsheet></office:body>\
        </office:document-content>

        """
    }

    func coverRows(_ general: [Note]) -> [[Cell]] {
        let spec = files.spec, policy = files.policy
        var rows: [[Cell]] = [[.text(spec.title, style: "title")]]
        rows.append([.text("This spreadsheet holds the \(files.tables.count) tables of the release \"\(spec.id)\", one table per sheet. The Contents sheet lists them; the Notes sheet explains the notes that titles refer to.")])
        rows.append([.text("About these tables", style: "heading")])
        rows.append([.text("Made by Pathlink from linked, pseudonymised records: the report spec \"\(spec.id)\" declares every table. The same numbers are in the release's CSV files and tables.json.")])
        rows.append([.text("Disclosure control", style: "heading")])
        rows.append([.text("Counts from 1 to \(policy.threshold - 1) are hidden, and further cells wherever a hidden cell could otherwise be worked out from totals or from other tables; every table of the release is protected together.\(policy.rounding > 0 ? " Counts are rounded to a multiple of \(policy.rounding)." : "")")])
        rows.append([.text("Symbols used", style: "heading")])
        rows.append([.text("\(policy.symbol) confidential (hidden by disclosure control) \(general[0].reference)")])
        rows.append([.text("\(policy.structuralSymbol) not applicable \(general[1].reference)")])
        return rows
    }

    func contentsRows(_ byTable: [String: Note]) -> [[Cell]] {
        var rows: [[Cell]] = [[.text("Table of contents", style: "title")]]
        rows.append([.text("This worksheet contains one table. Each sheet name links to its table.")])
        rows.append(["Sheet name", "Table title", "Table id", "Section", "Notes"].map { .text($0, style: "heading") })
        for (index, table) in files.tables.enumerated() {
            let name = Self.sheetName(index)
            rows.append([.link(name, target: "#\(name).A1"), .text(table.spec.title), .text(table.spec.id),
                         .text(table.isLinkageQuality ? "Linkage quality" : "Tables"),
                         byTable[table.spec.id].map { .text($0.reference) } ?? .empty])
        }
        return rows
    }

    func notesRows(_ notes: [Note]) -> [[Cell]] {
        var rows: [[Cell]] = [[.text("Notes", style: "title")]]
        rows.append([.text("This worksheet contains one table.")])
        rows.append([.text("Note number", style: "heading"), .text("Note text", style: "heading")])
        for note in notes { rows.append([.text(note.reference), .text(note.text)]) }
        return rows
    }

    func tableColumnCount(_ table: PublishedTable) -> Int {
        files.wideRows(table).header.count
    }

    func tableRows(_ table: PublishedTable, index: Int, note: Note?) -> [[Cell]] {
        let wide = files.wideRows(table)
        let labels = table.spec.rows.count
        var title = "Table \(index + 1): \(table.spec.title)"
        if let note { title += " \(note.reference)" }
        var rows: [[Cell]] = [[.text(title, style: "title")]]
        rows.append([.text("This worksheet contains one table. Shorthand in place of a number: \(files.policy.symbol) confidential, \(files.policy.structuralSymbol) not applicable (see the Notes sheet).")])
        rows.append([.text("Unit: \(files.unitName(table)). \(files.format.base(of: table)). Table id: \(table.spec.id).")])
        rows.append(wide.header.map { .text($0, style: "heading") })
        for fields in wide.rows {
            rows.append(fields.enumerated().map { column, field in
                column >= labels && Self.isNumber(field) ? .number(field) : .text(field)
            })
        }
        return rows
    }

    /// A published figure as written in the wide CSV: digits, with at most one decimal point.
    static func isNumber(_ field: String) -> Bool {
        guard !field.isEmpty, field.filter({ $0 == "." }).count <= 1 else { return false }
        let digits = field.hasPrefix("-") ? field.dropFirst() : Substring(field)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && digits.first != "."
    }

    func sheet(_ name: String, columns: Int, rows: [[Cell]]) -> String {
        var xml = "<table:table table:name=\"\(Self.escape(name))\">"
        xml += "<table:table-column table:style-name=\"co1\" table:number-columns-repeated=\"\(columns)\"/>"
        for row in rows {
            xml += "<table:table-row>"
            for cell in row { xml += Self.cellXML(cell) }
            xml += "</table:table-row>"
        }
        return xml + "</table:table>"
    }

    static func cellXML(_ cell: Cell) -> String {
        switch cell {
        case .text(let text, let style):
            let styleAttribute = style.map { " table:style-name=\"\($0)\"" } ?? ""
            return "<table:table-cell\(styleAttribute) office:value-type=\"string\"><text:p>\(escape(text))</text:p></table:table-cell>"
        case .number(let value):
            return "<table:table-cell office:value-type=\"float\" office:value=\"\(value)\"><text:p>\(value)</text:p></table:table-cell>"
        case .link(let text, let target):
            return "<table:table-cell office:value-type=\"string\"><text:p><text:a xlink:type=\"simple\" xlink:href=\"\(escape(target))\">\(escape(text))</text:a></text:p></table:table-cell>"
        case .empty:
            return "<table:table-cell/>"
        }
    }

    /// XML text: the five predefined entities, and characters XML 1.0 cannot hold (control
    /// characters other than tab, line feed and carriage return) written as spaces.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += " "
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    // MARK: The other parts of the package

    static let namespaces = [
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"",
        "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\"",
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"",
        "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"",
        "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"",
        "xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
    ].joined(separator: " ")

    func manifest() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">\
        <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="\(Self.mimeType)"/>\
        <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\
        <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>\
        </manifest:manifest>

        """
    }

    func styles() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-styles \(Self.namespaces) office:version="1.3">\
        <office:styles><style:default-style style:family="table-cell"><style:text-properties fo:font-size="11pt"/></style:default-style></office:styles>\
        </office:document-styles>

        """
    }
}
