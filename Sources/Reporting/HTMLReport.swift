import Disclosure
import Foundation
import PathlinkCore
import Provenance

/// `report.html`: one self-contained page (no network: inline CSS, inline SVG) with every
/// table, a chart per table, suppressed cells marked, and a methodology section.
struct HTMLReport {
    let spec: ReportSpec
    let policy: DisclosurePolicy
    let tables: [PublishedTable]
    let linked: LinkedFolder
    /// Governing documents of this run: (kind, file name, SHA-256).
    let documents: [(String, String, String)]

    private var format: CellFormat { CellFormat(policy: policy) }

    func render() -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(spec.title))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <header>
        <p class="kicker">Pathlink release · \(escape(spec.id))</p>
        <h1>\(escape(spec.title))</h1>
        <p class="lede">\(tables.count) tables of \(spec.unit == .persons ? "distinct persons" : "records") from linked support-service, police and CPS records. Counts under \(policy.threshold) are suppressed, and further cells where needed so that no suppressed count can be worked out from the totals or from other tables. Suppressed cells are shown <span class="sup">\(escape(policy.symbol))</span>; combinations that cannot occur <span class="na">\(escape(policy.structuralSymbol))</span>.</p>
        </header>
        <nav><h2>Contents</h2><ol>
        """
        let mainTables = tables.filter { !$0.isLinkageQuality }
        let qualityTables = tables.filter(\.isLinkageQuality)
        for table in mainTables {
            page += "<li><a href=\"#\(anchor(table))\">\(escape(table.spec.title))</a></li>"
        }
        if !qualityTables.isEmpty { page += "<li><a href=\"#linkage-quality\">Linkage quality</a></li>" }
        page += "<li><a href=\"#methodology\">Methodology</a></li></ol></nav>\n<main>\n"
        for table in mainTables { page += section(table) }
        if !qualityTables.isEmpty {
            page += "<div id=\"linkage-quality\" class=\"part\">\n<h2 class=\"part\">Linkage quality</h2>\n"
            page += "<p class=\"lede\">How the records were joined, from the linked folder: for each attached dataset, who was linked and by which rule of the linkage plan, and the share linked by every recorded attribute. A group linked less often than the others is under-represented in the linked tables above (linkage bias). These tables pass the same disclosure control as every other table of this release.</p>\n"
            for table in qualityTables { page += section(table) }
            page += "</div>\n"
        }
        page += methodology()
        page += "</main>\n<footer>Made by Pathlink \(escape(PathlinkVersion.current)). Every number on this page is in the release's CSV files and its spreadsheet, tables.ods; see tables.json.</footer>\n</body>\n</html>\n"
        return page
    }

    private func anchor(_ table: PublishedTable) -> String { "t-" + table.spec.id }

    private func section(_ table: PublishedTable) -> String {
        let files = ReleaseFiles(spec: spec, policy: policy, tables: tables)
        var meta = [format.base(of: table), "Unit: " + files.unitName(table)]
        if !table.spec.filter.isEmpty { meta.append("Filter: " + describe(table.spec.filter)) }
        if table.spec.kind.isMagnitude, let quantity = table.spec.quantity {
            meta.append("\(table.spec.kind == .mean ? "Mean" : "Median") of \(quantity.description); n = contributors")
        }
        if table.spec.kind == .multiResponse {
            meta.append("Each row: \(files.unitName(table)) with that response (\(table.spec.yes)); a unit can have several")
        }
        if table.spec.kind == .rate {
            meta.append("Numerator: " + describe(table.spec.numerator))
            meta.append("Denominator: " + (table.spec.denominator.isEmpty ? "all" : describe(table.spec.denominator)))
        }
        var html = "<section id=\"\(anchor(table))\">\n<h2>\(escape(table.spec.title))</h2>\n"
        html += "<p class=\"meta\">" + meta.map { "<span>\(escape($0))</span>" }.joined() + "</p>\n"
        html += "<figure>" + BarChart(table: table, policy: policy).render() + "</figure>\n"
        html += tableHTML(table, files: files)
        if let notes = table.spec.notes { html += "<p class=\"note\">\(escape(notes))</p>\n" }
        html += "<p class=\"files\">Files: \(escape(table.spec.id)).csv, \(escape(table.spec.id)).wide.csv</p>\n</section>\n"
        return html
    }

    private func describe(_ condition: Condition) -> String {
        condition.keys.sorted().map { "\(label($0)) is " + condition[$0]!.joined(separator: " or ") }.joined(separator: "; ")
    }

    private func label(_ variable: String) -> String {
        spec.variables.first { $0.name == variable }?.label ?? variable
    }

    private func cellHTML(_ cell: PublishedTable.Cell?, _ table: PublishedTable, isTotal: Bool) -> String {
        let total = isTotal ? " total" : ""
        guard let cell else { return "<td class=\"sup\(total)\">\(escape(policy.symbol))</td>" }
        if table.spec.kind.isMagnitude {
            let text = format.statisticText(cell, decimals: table.spec.decimals)
            let count: String
            if case .published(let value) = cell.count { count = CellFormat.grouped(value) } else { count = format.text(cell.count) }
            let cls = cell.statistic != nil ? "num" : (text == policy.symbol ? "sup" : "na")
            return "<td class=\"\(cls)\(total)\">\(escape(text))<small>n = \(escape(count))</small></td>"
        }
        if table.spec.kind.showsRate {
            let rate = format.rateText(cell, decimals: table.spec.decimals)
            func shown(_ status: CellStatus) -> String {
                if case .published(let value) = status { return CellFormat.grouped(value) }
                return format.text(status)
            }
            let counts = "\(shown(cell.count)) / \(shown(cell.denominator ?? .suppressed))"
            let cls = cell.rate != nil ? "num" : (rate == policy.symbol ? "sup" : "na")
            let shown = cell.rate != nil ? rate + "%" : rate
            return "<td class=\"\(cls)\(total)\">\(escape(shown))<small>\(escape(counts))</small></td>"
        }
        switch cell.count {
        case .published(let value): return "<td class=\"num\(total)\">\(CellFormat.grouped(value))</td>"
        case .suppressed: return "<td class=\"sup\(total)\" title=\"Suppressed to protect confidentiality\">\(escape(policy.symbol))</td>"
        case .structuralZero: return "<td class=\"na\(total)\" title=\"Cannot occur\">\(escape(policy.structuralSymbol))</td>"
        }
    }

    private func tableHTML(_ table: PublishedTable, files: ReleaseFiles) -> String {
        let rowLevels = table.spec.rows.count
        let cells = Dictionary(table.cells.map { ($0.coordinates, $0) }, uniquingKeysWith: { a, _ in a })
        var html = "<div class=\"scroll\"><table>\n<thead><tr>"
        for variable in table.spec.rows { html += "<th scope=\"col\">\(escape(label(variable)))</th>" }
        let columnHeads = table.spec.column != nil ? table.categories[rowLevels] + [totalCategory] : [table.spec.kind.showsRate ? "Rate (%)" : table.spec.kind.isMagnitude ? (table.spec.kind == .mean ? "Mean" : "Median") : "Count"]
        for head in columnHeads { html += "<th scope=\"col\" class=\"num\">\(escape(head))</th>" }
        html += "</tr>"
        if let column = table.spec.column {
            html = html.replacingOccurrences(of: "<thead><tr>", with: "<thead><tr class=\"over\"><th colspan=\"\(rowLevels)\"></th><th colspan=\"\(columnHeads.count)\" class=\"num\">\(escape(label(column)))</th></tr><tr>")
        }
        html += "</thead>\n<tbody>\n"
        for key in files.rowKeys(table) {
            let isTotalRow = key.contains(totalCategory)
            html += "<tr\(isTotalRow ? " class=\"total\"" : "")>"
            for category in key {
                html += "<th scope=\"row\">\(escape(category))</th>"
            }
            if table.spec.column != nil {
                for head in columnHeads {
                    html += cellHTML(cells[key + [head]], table, isTotal: head == totalCategory || isTotalRow)
                }
            } else {
                html += cellHTML(cells[key], table, isTotal: isTotalRow)
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }

    // MARK: Methodology

    private func methodology() -> String {
        var html = "<section id=\"methodology\" class=\"method\">\n<h2>Methodology</h2>\n"
        html += "<h3>Disclosure control</h3>\n<dl class=\"policy\">"
        let rows: [(String, String)] = [
            ("Threshold", "counts from 1 to \(policy.threshold - 1) are suppressed (primary suppression), totals and subtotals included"),
            ("Zeros", policy.zeros == .show ? "shown (a zero is published as 0)" : "suppressed like small counts"),
            ("Secondary suppression", policy.secondary
                ? "on: further cells are suppressed so that no suppressed count can be worked out from the published totals or from any other table of this release; all tables are protected together"
                : "off"),
            ("Rounding", policy.rounding > 0 ? "published counts are rounded to a multiple of \(policy.rounding)" : "none"),
            ("Symbols", "\(policy.symbol) confidential (suppressed); \(policy.structuralSymbol) not applicable (a combination that cannot occur, or a rate with no base)"),
            ("Rates", "a rate is published only when its numerator and its denominator are; it is computed from the published counts"),
            ("Means and medians", "published only where the number of contributors (n) is published; hidden when n is under \(policy.threshold), when the largest \(policy.dominanceN == 1 ? "contribution makes" : "\(policy.dominanceN) contributions make") up more than \(policy.dominanceK)% of the total, when every contribution is the same value in a group under \(policy.classSize), for a median of fewer than \(max(policy.medianMinimum, policy.threshold)) contributors, and where a hidden mean's sum could otherwise be worked out from published means and counts"),
            ("Unit", spec.unit == .persons
                ? "distinct persons: each person is counted once, by one record (\(spec.personRecordOrder.isEmpty ? "the one whose values sort first, never by a research id" : "their earliest by \(spec.personRecordOrder.joined(separator: ", then ")), then the one whose values sort first, never by a research id")), so every table adds up"
                : "records of the linked \(spec.source) table"),
        ]
        for (term, text) in rows { html += "<dt>\(escape(term))</dt><dd>\(escape(text))</dd>" }
        html += "</dl>\n"
        html += informationLoss()
        if let notes = spec.notes { html += "<p>\(escape(notes))</p>\n" }
        html += "<h3>Linkage quality</h3>\n<p>" + (tables.contains(where: \.isLinkageQuality)
            ? "The <a href=\"#linkage-quality\">linkage-quality tables</a> are counted from the linked table like every other table and protected with them. The linking unit's full figures (records and persons per rule, ambiguous tokens) stay in its quality.json, outside this release."
            : "This linked table has no attached datasets, so there is no linkage-quality table.") + "</p>\n"
        html += receiptsChain()
        return html + "</section>\n"
    }

    /// Cells suppressed per table and overall, counted from the published tables alone
    /// (a reader sees the same). The units hidden are not published: their sum would be
    /// one more equation a reader could use; the audit sidecar has them, with the method.
    private func informationLoss() -> String {
        var html = "<h3>Information loss</h3>\n<div class=\"scroll\"><table class=\"kv\"><thead><tr><th>Table</th><th>Cells suppressed</th><th>Of cells</th><th>Share</th></tr></thead><tbody>"
        var hiddenTotal = 0, cellsTotal = 0
        func row(_ name: String, _ hidden: Int, _ cells: Int) -> String {
            let share = cells == 0 ? "0.0%" : format.fixed(100 * Double(hidden) / Double(cells), decimals: 1) + "%"
            return "<tr><td>\(escape(name))</td><td class=\"num\">\(hidden)</td><td class=\"num\">\(cells)</td><td class=\"num\">\(share)</td></tr>"
        }
        for table in tables {
            let hidden = table.cells.filter { cell in
                cell.count == .suppressed || (table.spec.kind.showsRate && cell.denominator == .suppressed)
                    || (table.spec.kind.isMagnitude && format.statisticStatus(cell) == policy.symbol)
            }.count
            hiddenTotal += hidden
            cellsTotal += table.cells.count
            html += row(table.spec.title, hidden, table.cells.count)
        }
        html += row("All tables", hiddenTotal, cellsTotal)
        html += "</tbody></table></div>\n"
        html += "<p>Cells are counted with their margins; a rate is suppressed when its numerator or its denominator is. \(policy.secondary ? "Secondary cells are chosen across the whole release to hide as few persons as possible (a mixed-integer program, with a greedy method as its fallback); the exact audit of every suppressed cell decides. " : "")How many persons the suppressed cells hold is not published, since that sum would itself help to work out suppressed counts; it is kept, with the method used, in the audit that stays with the data.</p>\n"
        return html
    }

    private func receiptsChain() -> String {
        var html = "<h3>Provenance</h3>\n<p>Documents and files are named by name and SHA-256 (never by where they lay on the machine that made them): anyone holding a copy can check it with <code>sha256sum</code>. Every file has a receipt (<code>X.receipt.json</code>) beside it; <code>pathlink verify</code> checks that the files still match them and that the chain from the owners' exports to this release is unbroken.</p>\n"
        html += "<div class=\"scroll\"><table class=\"kv\"><thead><tr><th>What</th><th>File</th><th>SHA-256</th></tr></thead><tbody>"
        for (kind, name, hash) in documents {
            html += "<tr><td>\(escape(kind))</td><td><code>\(escape(name))</code></td><td><code>\(escape(hash))</code></td></tr>"
        }
        if let receipt = linked.receipt {
            // Data hashes only: a receipt's own hash changes with its timestamps, and the
            // release must be byte-identical for the same inputs.
            for output in receipt.outputs where output.path.hasSuffix(".csv") || output.path.hasSuffix(".json") {
                html += "<tr><td>linked output (\(escape(receipt.stage)))</td><td><code>\(escape(FilePath.split(output.path).name))</code></td><td><code>\(escape(output.sha256))</code></td></tr>"
            }
            for document in receipt.documents {
                html += "<tr><td>\(escape(document.kind)) of the linkage</td><td><code>\(escape(document.name))</code> (<code>\(escape(FilePath.split(document.path).name))</code>)</td><td><code>\(escape(document.sha256))</code></td></tr>"
            }
            for input in receipt.inputs {
                html += "<tr><td>linkage input\(input.dataset.map { " (\(escape($0)))" } ?? "")</td><td><code>\(escape(FilePath.split(input.path).name))</code></td><td><code>\(escape(input.sha256))</code></td></tr>"
            }
        } else {
            html += "<tr><td>linked folder receipt</td><td colspan=\"2\">none found beside the linked folder: the chain cannot be checked from here</td></tr>"
        }
        return html + "</tbody></table></div>\n"
    }

    static let css = """
    :root{--ink:#0b0c0c;--muted:#505a5f;--rule:#b1b4b6;--bg:#fff;--band:#f3f2f1;--blue:#12436D;--sup:#B04A00;--supbg:#FFF4E5}
    *{box-sizing:border-box}
    body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:var(--bg)}
    header,nav,main,footer{max-width:960px;margin:0 auto;padding:0 24px}
    header{padding-top:32px;border-bottom:6px solid var(--blue);padding-bottom:16px}
    .kicker{margin:0;color:var(--muted);font-size:14px;text-transform:uppercase;letter-spacing:.06em}
    h1{font-size:32px;line-height:1.2;margin:6px 0 12px}
    .lede{font-size:17px;max-width:46em;margin:0}
    nav{margin-top:20px}nav h2{font-size:18px;margin:0 0 4px}nav ol{margin:0;padding-left:22px;columns:2;column-gap:32px}nav li{margin:2px 0}
    a{color:#1d70b8}
    section{margin:36px 0;padding-top:8px;border-top:1px solid var(--rule)}
    section h2{font-size:22px;line-height:1.25;margin:8px 0 6px}
    h3{font-size:18px;margin:20px 0 6px}
    .meta{margin:0 0 10px;color:var(--muted);font-size:14px}.meta span{display:inline-block;margin-right:16px}
    .meta span:first-child{color:var(--ink);font-weight:600}
    figure{margin:8px 0 12px}
    .chart{display:block;width:100%;max-width:860px;height:auto}
    h2.part{font-size:26px;margin:48px 0 6px;border-top:6px solid var(--blue);padding-top:12px}
    .chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
    .chart .lbl{font-size:12.5px}.chart .val{fill:var(--muted)}.chart .axis{fill:var(--muted);font-size:11px}
    .chart .leg{font-size:12.5px}.chart .sup{fill:var(--sup);font-weight:700}.chart .na{fill:var(--muted);font-style:italic}
    .chart .grid{stroke:#e1e1e1;stroke-width:1}
    .scroll{overflow-x:auto}
    table{border-collapse:collapse;font-size:14px;margin:4px 0;font-variant-numeric:tabular-nums}
    th,td{padding:5px 10px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
    thead th{border-bottom:2px solid var(--ink);font-weight:600}
    tr.over th{border-bottom:1px solid var(--rule);color:var(--muted);font-weight:600}
    th.num,td.num{text-align:right}
    tbody th{font-weight:400}
    td small{display:block;color:var(--muted);font-size:11px}
    .total{font-weight:700;background:var(--band)}tr.total th{font-weight:700}
    td.sup{color:var(--sup);background:var(--supbg);text-align:right;font-weight:700}
    td.na{color:var(--muted);text-align:right;font-style:italic}
    span.sup{color:var(--sup);background:var(--supbg);padding:0 4px;font-weight:700}span.na{color:var(--muted);font-style:italic}
    .note{font-size:14px;color:var(--muted);max-width:46em}
    .files{font-size:12px;color:var(--muted)}
    .method dl{display:grid;grid-template-columns:200px 1fr;gap:6px 16px;margin:0}
    .method dt{font-weight:600}.method dd{margin:0}
    table.kv td,table.kv th{font-size:13px}code{font-size:12px;word-break:break-all}
    footer{margin:40px auto;color:var(--muted);font-size:13px;border-top:1px solid var(--rule);padding-top:12px}
    @media (max-width:600px){header,nav,main,footer{padding:0 14px}h1{font-size:25px}.lede{font-size:16px}nav ol{columns:1}.method dl{grid-template-columns:1fr}th,td{padding:4px 6px}}
    @page{size:A4;margin:14mm 12mm}
    @media print{
    body{font-size:10pt}
    header,nav,main,footer{max-width:none;padding:0}
    header{padding-top:0}h1{font-size:20pt}.lede{font-size:10.5pt}
    nav{break-after:auto}nav ol{columns:2}
    a{color:inherit;text-decoration:none}
    section{break-inside:auto;margin:14pt 0}
    h2,h3,.meta{break-after:avoid}
    figure,.chart,tr{break-inside:avoid}
    .scroll{overflow:visible}
    table{font-size:8.5pt}
    h2.part{break-before:page}
    }
    """
}
