import Disclosure

/// An inline SVG bar chart of a published table's interior cells (margins are in the table
/// below it). Horizontal bars, one group per row category, one bar per column category.
/// A suppressed cell is drawn as a hatched stub with its symbol, never as a zero.
struct BarChart {
    let table: PublishedTable
    let policy: DisclosurePolicy

    /// The GSS accessible categorical palette.
    static let palette = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]

    private struct Bar {
        var label: String
        var series: Int
        var value: Double?
        var text: String
        var isSuppressed: Bool
    }

    private struct Group {
        var label: String
        var bars: [Bar]
    }

    private var isRate: Bool { table.spec.kind.showsRate }

    private func groups() -> [Group] {
        let format = CellFormat(policy: policy)
        let rowLevels = table.spec.rows.count
        var rowKeys: [[String]] = [[]]
        for level in 0..<rowLevels { rowKeys = rowKeys.flatMap { prefix in table.categories[level].map { prefix + [$0] } } }
        let columns: [String] = table.spec.column != nil ? table.categories[rowLevels] : [""]
        let cells = Dictionary(table.cells.map { ($0.coordinates, $0) }, uniquingKeysWith: { a, _ in a })
        return rowKeys.map { key in
            let bars: [Bar] = columns.enumerated().map { index, column in
                let coordinates = table.spec.column != nil ? key + [column] : key
                guard let cell = cells[coordinates] else {
                    return Bar(label: column, series: index, value: nil, text: policy.symbol, isSuppressed: true)
                }
                if table.spec.kind.isMagnitude {
                    let text = format.statisticText(cell, decimals: table.spec.decimals)
                    return Bar(label: column, series: index, value: cell.statistic.map { max($0, 0) }, text: text,
                               isSuppressed: cell.statistic == nil && text == policy.symbol)
                }
                if isRate {
                    let text = format.rateText(cell, decimals: table.spec.decimals)
                    return Bar(label: column, series: index, value: cell.rate, text: cell.rate == nil ? text : text + "%",
                               isSuppressed: cell.rate == nil && text == policy.symbol)
                }
                switch cell.count {
                case .published(let value):
                    return Bar(label: column, series: index, value: Double(value), text: CellFormat.grouped(value), isSuppressed: false)
                case .suppressed:
                    return Bar(label: column, series: index, value: nil, text: policy.symbol, isSuppressed: true)
                case .structuralZero:
                    return Bar(label: column, series: index, value: nil, text: policy.structuralSymbol, isSuppressed: false)
                }
            }
            return Group(label: key.joined(separator: " · "), bars: bars)
        }
    }

    func render() -> String {
        let groups = groups()
        let seriesNames: [String] = table.spec.column != nil ? table.categories[table.spec.rows.count] : []
        let width = 860.0
        let longest = groups.map { $0.label.count }.max() ?? 10
        let labelWidth = min(380, max(140, Double(longest) * 6.8 + 16))
        let valueRoom = 70.0
        let plotWidth = width - labelWidth - valueRoom
        let barHeight = seriesNames.count > 4 ? 13.0 : 17.0
        let barGap = 3.0
        let groupGap = seriesNames.isEmpty ? 4.0 : 12.0
        // Legend entries flow left to right, wrapping, each as wide as its text.
        var legendPositions: [(Double, Double)] = []
        var legendX = labelWidth, legendY = 6.0
        for name in seriesNames {
            let entryWidth = 17 + Double(name.count) * 7.2 + 18
            if legendX > labelWidth && legendX + entryWidth > width { legendX = labelWidth; legendY += 22 }
            legendPositions.append((legendX, legendY))
            legendX += entryWidth
        }
        let legendHeight = seriesNames.isEmpty ? 0.0 : legendY + 22
        let (maximum, ticks) = isRate ? (100.0, 4) : Self.scale(groups.flatMap { $0.bars.compactMap(\.value) }.max() ?? 1)
        let patternID = "hatch-" + table.spec.id.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()

        var body = ""
        var y = legendHeight + 8
        // Axis gridlines at quarters of the scale.
        let plotTop = y
        for group in groups {
            let groupHeight = Double(group.bars.count) * (barHeight + barGap) - barGap
            body += text(x: labelWidth - 10, y: y + groupHeight / 2 + 4, anchor: "end", cls: "lbl", group.label)
            for bar in group.bars {
                let color = Self.palette[bar.series % Self.palette.count]
                if let value = bar.value {
                    let length = max(value / maximum * plotWidth, value > 0 ? 1.5 : 0)
                    body += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(length))\" height=\"\(n(barHeight))\" fill=\"\(color)\" rx=\"2\"><title>\(escape(bar.label.isEmpty ? group.label : group.label + " · " + bar.label)): \(escape(bar.text))</title></rect>"
                    body += text(x: labelWidth + length + 5, y: y + barHeight - 4, anchor: "start", cls: "val", bar.text)
                } else if bar.isSuppressed {
                    body += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"28\" height=\"\(n(barHeight))\" fill=\"url(#\(patternID))\" stroke=\"#B04A00\" stroke-width=\"1\" rx=\"2\"><title>Suppressed to protect confidentiality</title></rect>"
                    body += text(x: labelWidth + 34, y: y + barHeight - 4, anchor: "start", cls: "sup", bar.text)
                } else {
                    body += text(x: labelWidth + 4, y: y + barHeight - 4, anchor: "start", cls: "na", bar.text)
                }
                y += barHeight + barGap
            }
            y += groupGap - barGap
        }
        let plotBottom = y - groupGap + barGap + 2
        var grid = ""
        for step in 0...ticks {
            let x = labelWidth + plotWidth * Double(step) / Double(ticks)
            grid += "<line x1=\"\(n(x))\" y1=\"\(n(plotTop - 4))\" x2=\"\(n(x))\" y2=\"\(n(plotBottom))\" class=\"grid\"/>"
            let value = maximum * Double(step) / Double(ticks)
            let label = isRate ? "\(Int(value))%" : CellFormat.grouped(Int(value.rounded()))
            grid += text(x: x, y: plotBottom + 14, anchor: "middle", cls: "axis", label)
        }
        var legend = ""
        for (index, name) in seriesNames.enumerated() {
            let (x, ly) = legendPositions[index]
            legend += "<rect x=\"\(n(x))\" y=\"\(n(ly))\" width=\"12\" height=\"12\" fill=\"\(Self.palette[index % Self.palette.count])\" rx=\"2\"/>"
            legend += text(x: x + 17, y: ly + 10, anchor: "start", cls: "leg", name)
        }
        let height = plotBottom + 22
        return """
        <svg class="chart" role="img" aria-label="\(escape("Bar chart: " + table.spec.title))" viewBox="0 0 \(n(width)) \(n(height))" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">\
        <defs><pattern id="\(patternID)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FFF4E5"/><line x1="0" y1="0" x2="0" y2="6" stroke="#B04A00" stroke-width="2"/></pattern></defs>\
        \(grid)\(legend)\(body)</svg>
        """
    }

    /// A round axis maximum and its number of ticks (steps of 1, 2, 2.5 or 5 × 10^k).
    static func scale(_ largest: Double) -> (Double, Int) {
        let target = max(largest, 1) / 4
        var magnitude = 1.0
        while magnitude * 10 <= target { magnitude *= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= target } ?? magnitude * 10
        let ticks = max(1, Int((max(largest, 1) / step).rounded(.up)))
        return (step * Double(ticks), ticks)
    }

    private func text(x: Double, y: Double, anchor: String, cls: String, _ content: String) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" class=\"\(cls)\">\(escape(content))</text>"
    }

    /// A coordinate with at most one decimal, locale-free.
    private func n(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}

/// Escape text for HTML and SVG.
func escape(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
