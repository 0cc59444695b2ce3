import Disclosure

/// A table as published: the protector's cells, with rates worked out from published counts only.
package struct PublishedTable: Sendable, Equatable {
    package struct Cell: Sendable, Equatable {
        /// One category per dimension; `Total` for a margin.
        package var coordinates: [String]
        /// The count (count tables) or the numerator (rate tables).
        package var count: CellStatus
        /// The denominator (rate tables only).
        package var denominator: CellStatus?
        /// The rate in percent, when it can be published.
        package var rate: Double?
        /// The mean or median (magnitude tables), when it can be published; `count` is then
        /// the number of contributors.
        package var statistic: Double?

        package var isMargin: Bool { coordinates.contains(totalCategory) }
    }

    package var spec: TableSpec
    /// The categories of each dimension, in display order (no `Total`).
    package var categories: [[String]]
    package var unit: CountUnit
    /// Every cell, margins included, in row-major order with `Total` last.
    package var cells: [Cell]
    /// A table of the release's linkage-quality section (made from the linked folder, not the spec).
    package var isLinkageQuality = false

    /// The cell of every unit (a multi-response table: the first response's, whose
    /// denominator is the base).
    package var grandTotal: Cell {
        let margin = spec.kind == .multiResponse ? 1 : 0
        return cells.first { $0.coordinates.dropFirst(margin).allSatisfy { $0 == totalCategory } }!
    }

    /// Join the protected count table(s) of `spec`.
    /// A rate is published only when its numerator and its denominator are published and
    /// the denominator is not zero; it is worked out from the published (rounded) counts, so
    /// it tells nothing the counts do not.
    /// A mean or median is published where `statistics` holds it (``MeasureProtection``);
    /// its contributor count is the count table `<id>#contributors`. A multi-response table's
    /// rows are its responses (a dimension named `response`): per response, the units with
    /// it (numerator) and all units (denominator), from that response's count table.
    init(spec: TableSpec, unit: CountUnit, protected: [String: ProtectedTable], statistics: [[String]: Double] = [:],
         responseLabels: [String] = []) {
        self.spec = spec
        self.unit = unit
        switch spec.kind {
        case .mean, .median:
            let table = protected[spec.contributorsID]!
            categories = table.definition.categories
            cells = table.cells.map { Cell(coordinates: $0.coordinates, count: $0.status, denominator: nil, rate: nil,
                                           statistic: statistics[$0.coordinates]) }
        case .multiResponse:
            self.spec.rows = ["response"]
            cells = []
            var columnCategories: [[String]] = []
            for (index, label) in responseLabels.enumerated() {
                let table = protected[spec.responseID(index)]!
                columnCategories = Array(table.definition.categories.dropFirst())
                let byCoordinates = Dictionary(table.cells.map { ($0.coordinates, $0.status) }, uniquingKeysWith: { a, _ in a })
                var keys: [[String]] = [[]]
                for level in columnCategories { keys = keys.flatMap { prefix in (level + [totalCategory]).map { prefix + [$0] } } }
                for key in keys {
                    let numerator = byCoordinates[[spec.yes] + key] ?? .suppressed
                    let denominator = byCoordinates[[totalCategory] + key] ?? .suppressed
                    var rate: Double?
                    if case .published(let n) = numerator, case .published(let d) = denominator, d > 0 { rate = Double(n) * 100 / Double(d) }
                    cells.append(Cell(coordinates: [label] + key, count: numerator, denominator: denominator, rate: rate))
                }
            }
            categories = [responseLabels] + columnCategories
        case .count:
            let table = protected[spec.id]!
            categories = table.definition.categories
            cells = table.cells.map { Cell(coordinates: $0.coordinates, count: $0.status, denominator: nil, rate: nil) }
        case .rate:
            let above = protected[ReleaseBuilder.numeratorID(spec.id)]!
            let below = protected[ReleaseBuilder.denominatorID(spec.id)]!
            categories = below.definition.categories
            let denominators = Dictionary(below.cells.map { ($0.coordinates, $0.status) }, uniquingKeysWith: { a, _ in a })
            cells = above.cells.map { cell in
                let denominator = denominators[cell.coordinates] ?? .suppressed
                var rate: Double?
                if case .published(let n) = cell.status, case .published(let d) = denominator, d > 0 {
                    rate = Double(n) * 100 / Double(d)
                }
                return Cell(coordinates: cell.coordinates, count: cell.status, denominator: denominator, rate: rate)
            }
        }
    }

    /// The dimension columns of the table's files: a multi-response table's `response`, then its column variable.
    package var dimensions: [String] { spec.dimensions }

    package func cell(_ coordinates: [String]) -> Cell? { cells.first { $0.coordinates == coordinates } }
}

/// How cells are written: numbers, or the policy's symbols.
struct CellFormat {
    let policy: DisclosurePolicy

    func text(_ status: CellStatus) -> String {
        switch status {
        case .published(let value): return String(value)
        case .suppressed: return policy.symbol
        case .structuralZero: return policy.structuralSymbol
        }
    }

    /// A published count as a plain number; empty when it is not published.
    func number(_ status: CellStatus) -> String {
        if case .published(let value) = status { return String(value) }
        return ""
    }

    /// Empty for a published count, else the policy's symbol.
    func status(_ status: CellStatus) -> String {
        if case .published = status { return "" }
        return text(status)
    }

    /// The rate of a cell: a percentage with the table's decimals, or a symbol.
    /// The mean or median of a cell: fixed decimals, or a symbol — `[z]` where it has no
    /// contributors (a zero or a structural zero), else `[c]`.
    func statisticText(_ cell: PublishedTable.Cell, decimals: Int) -> String {
        if let statistic = cell.statistic { return fixed(statistic, decimals: decimals) }
        return statisticStatus(cell)
    }

    /// Empty for a published statistic; `[z]` with no contributors; else `[c]`.
    func statisticStatus(_ cell: PublishedTable.Cell) -> String {
        if cell.statistic != nil { return "" }
        switch cell.count {
        case .published(0), .structuralZero: return policy.structuralSymbol
        default: return policy.symbol
        }
    }

    func rateText(_ cell: PublishedTable.Cell, decimals: Int) -> String {
        if let rate = cell.rate { return fixed(rate, decimals: decimals) }
        if cell.count == .suppressed || cell.denominator == .suppressed { return policy.symbol }
        return policy.structuralSymbol   // structural zero, or a zero denominator: not applicable
    }

    /// Fixed decimals, rounding half away from zero, without locale.
    func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded(.toNearestOrAwayFromZero))
        guard decimals > 0 else { return String(scaled) }
        let whole = abs(scaled) / Int(scale), fraction = abs(scaled) % Int(scale)
        let digits = String(fraction)
        return (scaled < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    /// 6457 → "6,457".
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    func base(of table: PublishedTable) -> String {
        let total = table.grandTotal
        let status = table.spec.kind.showsRate ? total.denominator ?? .suppressed : total.count
        switch status {
        case .published(let value): return "Base = " + Self.grouped(value)
        case .suppressed: return "Base = " + policy.symbol
        case .structuralZero: return "Base = " + policy.structuralSymbol
        }
    }
}
