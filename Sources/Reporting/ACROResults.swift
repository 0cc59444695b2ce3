import Disclosure
import Provenance

/// `results.json` in the release folder: the release's disclosure checks in the shape of the
/// `results.json` that ACRO (the SACRO project's output checker, `pip install acro`) writes,
/// so that an output checker can review a Pathlink release in SACRO-Viewer beside ACRO
/// outputs (governance/disclosure-control.md, "ACRO and SACRO").
///
/// One entry per published table, keyed by the table's id, with ACRO's keys: `uid`,
/// `status`, `type`, `properties`, `files` (`name`, `sdc` with `summary` and `cells` per
/// check), `outcome` (column → row → `ok` or the checks a cell raises), `command`, `summary`,
/// `timestamp`, `comments`, `exception`, `fair`. The checks are ACRO's four for frequency
/// tables, evaluated on the table **as published** (its `<id>.wide.csv`, whose rows and
/// columns the cell positions index):
///
/// * `MinimumThresholdCheck` — a published count from 1 to threshold − 1 (none, by construction);
/// * `PresenceOfZeroCheck` — a published zero;
/// * `RequiredZeroCheck` — zeros are suppressed by the policy (`zeros: suppress`) yet one is published;
/// * `PresenceOfLinkedTableCheck` — passes: every table of a release is protected and audited
///   together, as one system (docs/report-spec.md).
///
/// A suppressed cell's outcome is `suppressed; ` whether its suppression was primary or
/// secondary: the file never tells them apart (ACRO's own lists the cells under the
/// threshold, which here would be exactly that secret). Nothing in the file is not already
/// in the release: positions of published zeros and of `[c]` cells, the policy, the titles,
/// dimensions and notes of tables.json. `timestamp` is empty so that the release stays
/// byte-identical from run to run (its receipt says when it was made).
struct ACROResults {
    let spec: ReportSpec
    let policy: DisclosurePolicy
    let tables: [PublishedTable]
    let files: ReleaseFiles

    /// The ACRO version whose `results.json` this follows (its top-level `version`; the
    /// `tool` block names Pathlink).
    static let acroVersion = "1.0.2"
    static let checks = ["RequiredZeroCheck", "PresenceOfZeroCheck", "PresenceOfLinkedTableCheck", "MinimumThresholdCheck"]
    static let suppressedOutcome = "suppressed; "

    init(spec: ReportSpec, policy: DisclosurePolicy, tables: [PublishedTable]) {
        self.spec = spec
        self.policy = policy
        self.tables = tables
        files = ReleaseFiles(spec: spec, policy: policy, tables: tables)
    }

    func rendered() -> String {
        JSONValue.object([
            ("version", .string(Self.acroVersion)),
            ("tool", .object([
                ("@type", .string("SoftwareApplication")),
                ("name", .string("Pathlink")),
                ("url", .string("")),   // no public home yet: empty rather than invented
                ("version", .string(PathlinkVersion.current)),
            ])),
            ("results", .object(tables.map { ($0.spec.id, entry($0)) })),
        ]).rendered()
    }

    /// The checks of one cell of the wide table, as ACRO names them, from the statuses the
    /// cell shows (a rate: its numerator's and denominator's; a numerator or denominator
    /// column of a rate table: that part's alone); `nil` when the cell is shown as suppressed.
    private func checks(_ statuses: [CellStatus]) -> [String]? {
        if statuses.contains(.suppressed) { return nil }
        var raised: [String] = []
        let values = statuses.compactMap { status -> Int? in
            if case .published(let value) = status { return value }
            return nil
        }
        if values.contains(0) {
            if policy.zeros == .suppress { raised.append("RequiredZeroCheck") }
            raised.append("PresenceOfZeroCheck")
        }
        if values.contains(where: { $0 > 0 && $0 < policy.threshold }) { raised.append("MinimumThresholdCheck") }
        return raised
    }

    private func entry(_ table: PublishedTable) -> JSONValue {
        // The wide table: its data rows, and its value columns (the column variable's
        // categories then Total, or the single value/rate column).
        // A rate table's wide CSV has three columns per category: the rate, its numerator and
        // its denominator (ReleaseFiles.wide), each checked on what it shows.
        let rowKeys = files.rowKeys(table)
        enum Part { case count, rate, numerator, denominator, statistic, contributors }
        let columnKeys: [String?] = table.spec.column != nil ? (table.categories[table.spec.rows.count] + [totalCategory]).map { $0 } : [nil]
        var columns: [(head: String, key: String?, part: Part)] = []
        for key in columnKeys {
            if table.spec.kind.isMagnitude {
                let statistic = table.spec.kind.rawValue
                columns.append((key.map { "\($0) (\(statistic))" } ?? statistic, key, .statistic))
                columns.append((key.map { "\($0) contributors" } ?? "contributors", key, .contributors))
            } else if table.spec.kind.showsRate {
                columns.append((key.map { "\($0) (%)" } ?? "rate", key, .rate))
                columns.append((key.map { "\($0) numerator" } ?? "numerator", key, .numerator))
                columns.append((key.map { "\($0) denominator" } ?? "denominator", key, .denominator))
            } else {
                columns.append((key ?? "value", key, .count))
            }
        }
        let byCoordinates = Dictionary(table.cells.map { ($0.coordinates, $0) }, uniquingKeysWith: { a, _ in a })

        var cells: [String: [JSONValue]] = [:]
        var suppressed = 0
        var outcome: [(String, JSONValue)] = []
        for (columnIndex, (head, key, part)) in columns.enumerated() {
            var column: [(String, JSONValue)] = []
            for (rowIndex, rowKey) in rowKeys.enumerated() {
                let cell = byCoordinates[rowKey + (key.map { [$0] } ?? [])]
                let statuses: [CellStatus]
                switch part {
                case .count, .numerator, .contributors: statuses = [cell?.count ?? .suppressed]
                case .statistic:
                    // A hidden statistic is shown suppressed whatever its count; one with no
                    // contributors is not applicable and raises nothing.
                    if let cell, cell.statistic == nil, files.format.statisticStatus(cell) == policy.symbol {
                        statuses = [.suppressed]
                    } else {
                        statuses = [cell?.count ?? .suppressed]
                    }
                case .denominator: statuses = [cell?.denominator ?? .suppressed]
                case .rate: statuses = [cell?.count ?? .suppressed, cell?.denominator ?? .suppressed]
                }
                let text: String
                if let raised = checks(statuses) {
                    for check in raised { cells[check, default: []].append(.array([.int(rowIndex), .int(columnIndex)])) }
                    text = raised.isEmpty ? "ok" : raised.map { $0 + "; " }.joined()
                } else {
                    suppressed += 1
                    text = Self.suppressedOutcome
                }
                column.append((Self.rowLabel(rowKey), .string(text)))
            }
            outcome.append((head, .object(column)))
        }

        let failing = Self.checks.filter { !(cells[$0] ?? []).isEmpty }
        let status: String
        if failing.contains("MinimumThresholdCheck") || failing.contains("RequiredZeroCheck") {
            status = "fail"
        } else if suppressed > 0 || !failing.isEmpty {
            status = "review"
        } else {
            status = "pass"
        }
        let checkStatus: [(String, JSONValue)] = Self.checks.map { check in
            let count = cells[check]?.count ?? 0
            if count == 0 { return (check, .string("pass")) }
            return (check, .string(check == "PresenceOfZeroCheck" && policy.zeros == .show ? "review" : "fail"))
        }
        let sdc = JSONValue.object([
            ("summary", .object(Self.checks.map { ($0, .int(cells[$0]?.count ?? 0)) })),
            ("cells", .object(Self.checks.map { ($0, .array(cells[$0] ?? [])) })),
        ])
        return .object([
            ("uid", .string(table.spec.id)),
            ("status", .string(status)),
            ("type", .string("table")),
            ("properties", .object([
                ("method", .string(table.spec.kind.isMagnitude ? "crosstab (\(table.spec.kind.rawValue))" : "crosstab")),
                ("mitigation", .string(policy.rounding > 0 ? "suppress and round to \(policy.rounding)" : "suppress")),
            ])),
            ("files", .array([.object([("name", .string(table.spec.id + ".wide.csv")), ("sdc", sdc)])])),
            ("outcome", .object(outcome)),
            ("command", .string("pathlink report: table \(table.spec.id) of report \(spec.id)")),
            ("summary", .string(summary(table, cells: cells, suppressed: suppressed))),
            ("timestamp", .string("")),
            ("comments", .array(table.spec.notes.map { [.string($0)] } ?? [])),
            ("exception", .string(suppressed > 0
                ? "Suppression automatically applied where needed: \(suppressed) cell\(suppressed == 1 ? "" : "s") shown as \(policy.symbol), primary and secondary suppression not distinguished; every table of the release was audited together by linear programming"
                : "")),
            ("fair", .object([
                ("context", .string("https://w3id.org/statbarnsdc#")),
                ("statbarn", .string(table.spec.kind.isMagnitude ? "Summary statistics" : "Frequencies")),
                ("risks", .array((table.spec.kind.isMagnitude ? ["ClassDisclosure", "Differencing", "Dominance", "LowCount"]
                                                               : ["ClassDisclosure", "Differencing", "LowCount"]).map(JSONValue.string))),
                ("checks_needed", .array(Self.checks.map(JSONValue.string))),
                ("common_mitigations", .array(["Noise", "Suppression"].map(JSONValue.string))),
                ("check_status", .object(checkStatus)),
                ("dependent", .string(table.spec.kind.showsRate ? "rate" : table.spec.kind.isMagnitude ? table.spec.quantity!.description : "unknown")),
                ("independent", .array(table.spec.dimensions.map(JSONValue.string))),
            ])),
        ])
    }

    private func summary(_ table: PublishedTable, cells: [String: [JSONValue]], suppressed: Int) -> String {
        func count(_ check: String) -> Int { cells[check]?.count ?? 0 }
        var text = "FrequencyTable : \n"
        text += " PresenceOfLinkedTableCheck: pass - the release's tables were protected together and audited as one system (variables: [\(table.spec.dimensions.map(Self.pythonRepr).joined(separator: ", "))]).\n"
        text += count("MinimumThresholdCheck") == 0
            ? " MinimumThresholdCheck: pass - no published count is under the threshold of \(policy.threshold).\n"
            : " MinimumThresholdCheck: fail - \(count("MinimumThresholdCheck")) published cells are under the threshold of \(policy.threshold).\n"
        if count("PresenceOfZeroCheck") > 0 {
            text += " PresenceOfZeroCheck: \(policy.zeros == .show ? "review" : "fail") - \(count("PresenceOfZeroCheck")) published cells are zero.\n"
        }
        if suppressed > 0 {
            text += " Suppression: \(suppressed) cells shown as \(policy.symbol).\n"
        }
        return text
    }

    /// A row's key as ACRO writes it: the category for one row variable, else a Python
    /// tuple, `('25-44', 'Female')` (pandas' MultiIndex labels).
    static func rowLabel(_ key: [String]) -> String {
        guard key.count > 1 else { return key.first ?? "" }
        return "(" + key.map(pythonRepr).joined(separator: ", ") + ")"
    }

    /// Python's `repr` of a string: single quotes unless it holds one and no double quote.
    static func pythonRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case quote: out += "\\" + String(quote)
            default: out.append(character)
            }
        }
        out.append(quote)
        return out
    }
}
