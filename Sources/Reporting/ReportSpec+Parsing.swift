import PathlinkCore

extension ReportSpec {
    /// Read and validate a report spec file.
    package static func load(path: String) throws -> ReportSpec {
        try parse(try FilePath.readText(path), file: path)
    }

    /// Parse a report spec. Every error names the file, the YAML line and the field.
    package static func parse(_ text: String, file: String) throws -> ReportSpec {
        let root = try YAMLField.document(text, file: file, kind: "report spec")
        try root.expectKeys(["report", "id", "title", "source", "count", "person-record", "missing", "policy",
                             "variables", "tables", "notes", "linkage-quality"])
        let version = try root.required("report", what: "1 (the report spec format version)")
        guard (try? version.int()) == 1 else {
            throw version.error("this report spec format version is not supported", remedy: "write report: 1")
        }
        let idField = try root.required("id", what: "a short name for the release, e.g. victims-pathway")
        let id = try idField.string()
        try checkIdentifier(id, field: idField)
        var spec = ReportSpec(id: id, title: try root.optional("title")?.string() ?? id, tables: [])
        if let source = root.optional("source") {
            spec.source = try source.string()
            try checkIdentifier(spec.source, field: source)
        }
        if let count = root.optional("count") { spec.unit = try parseUnit(count) }
        if let field = root.optional("person-record") {
            try field.expectKeys(["earliest-by"])
            let columns = try field.required("earliest-by", what: "the columns whose smallest values pick a person's record")
            spec.personRecordOrder = try columns.strings()
            guard !spec.personRecordOrder.isEmpty else {
                throw columns.error("no column is listed", remedy: "name a column such as referral_month, or leave person-record out")
            }
            if let name = spec.personRecordOrder.first(where: ReportSpec.isResearchIDColumn) {
                throw columns.error("\"\(name)\" is a research id, which is redrawn by every linkage run, so it cannot order a person's records",
                                    remedy: "name data columns such as a referral date")
            }
        }
        if let missing = root.optional("missing") { spec.missingLabel = try missing.string() }
        if let policy = root.optional("policy") {
            try policy.expectKeys(PolicyDocument.fieldNames)
            spec.policy = try PolicyDocument.settings(policy)
        }
        spec.notes = try root.optional("notes")?.string()
        if let quality = root.optional("linkage-quality") { spec.linkageQuality = try quality.bool() }

        for (name, field) in try root.optional("variables")?.entries() ?? [] {
            try checkIdentifier(name, field: field)
            let variable = try parseVariable(name: name, field: field, missingLabel: spec.missingLabel)
            guard !spec.variables.contains(where: { $0.name == name }) else {
                throw field.error("the variable is declared twice", remedy: "give each variable one declaration")
            }
            spec.variables.append(variable)
        }

        let tablesField = try root.required("tables", what: "the list of tables to publish")
        var ids = Set<String>()
        for item in try tablesField.items() {
            let table = try parseTable(item, unit: spec.unit, missingLabel: spec.missingLabel)
            guard ids.insert(table.id).inserted else {
                throw item.error("the table id \"\(table.id)\" is used twice", remedy: "give every table its own id: it names its files")
            }
            spec.tables.append(table)
        }
        guard !spec.tables.isEmpty else {
            throw tablesField.error("there are no tables", remedy: "declare at least one table")
        }
        return spec
    }

    private static func parseUnit(_ field: YAMLField) throws -> CountUnit {
        guard let unit = CountUnit(rawValue: try field.string()) else {
            throw field.error("count must be persons or records", remedy: "write count: persons (the default) or count: records")
        }
        return unit
    }

    /// Ids name files, and variable names become CSV headers: keep them plain.
    static func checkIdentifier(_ text: String, field: YAMLField) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }), !text.hasPrefix("."), text != totalName else {
            throw field.error("\"\(text)\" is not a usable name",
                              remedy: "use letters, digits, '-', '_' and '.', not starting with '.' and not \"Total\"")
        }
    }

    static let totalName = "Total"

    private static func parseVariable(name: String, field: YAMLField, missingLabel: String) throws -> VariableDefinition {
        try field.expectKeys(["from", "label", "categories", "map", "other", "cases", "else", "order"])
        var variable = try parseRule(name: name, field: field, missingLabel: missingLabel)
        if let orderField = field.optional("order") {
            let order = try orderField.strings()
            var known: [String]?
            switch variable.rule {
            case .map(_, let groups, let other): known = groups.map(\.0) + (other.map { [$0] } ?? []) + [missingLabel]
            case .cases(let cases, let otherwise): known = cases.map(\.1) + [otherwise]
            case .column(_, let categories): known = categories.map { $0 + [missingLabel] }
            }
            if let known, let unknown = order.first(where: { !known.contains($0) }) {
                throw orderField.error("\"\(unknown)\" is not a category of \(name)", remedy: "order lists categories the rule gives: \(known.joined(separator: ", "))")
            }
            variable.order = order
        }
        return variable
    }

    private static func parseRule(name: String, field: YAMLField, missingLabel: String) throws -> VariableDefinition {
        let label = try field.optional("label")?.string()
        let source = try field.optional("from")?.string() ?? name
        func noTotal(_ values: [String], _ at: YAMLField) throws -> [String] {
            if values.contains(totalName) {
                throw at.error("\"Total\" cannot be a category: it is the literal of margins", remedy: "call the category something else")
            }
            return values
        }
        if let map = field.optional("map") {
            guard field.optional("cases") == nil, field.optional("categories") == nil else {
                throw field.error("a variable has one rule: map, cases, or categories", remedy: "keep only one of them")
            }
            var groups: [(String, [String])] = []
            var seen: [String: String] = [:]
            for (group, members) in try map.entries() {
                let values = try members.strings().map { $0.isEmpty ? missingLabel : $0 }
                for value in values {
                    if let earlier = seen[value], earlier != group {
                        throw members.error("\"\(value)\" is in two groups (\(earlier) and \(group))", remedy: "put each category in one group")
                    }
                    seen[value] = group
                }
                groups.append((group, values))
            }
            _ = try noTotal(groups.map(\.0), map)
            guard !groups.isEmpty else { throw map.error("the map has no groups", remedy: "write Group: [category, …] lines") }
            let other = try field.optional("other")?.string()
            if let other { _ = try noTotal([other], field) }
            return VariableDefinition(name: name, label: label, rule: .map(source: source, groups: groups, other: other), line: field.line)
        }
        if let casesField = field.optional("cases") {
            guard field.optional("categories") == nil, field.optional("from") == nil else {
                throw field.error("a cases rule reads several variables: it takes no from or categories", remedy: "name the variables in each case's when:")
            }
            var cases: [(Condition, String)] = []
            for item in try casesField.items() {
                try item.expectKeys(["when", "value"])
                let condition = try parseCondition(try item.required("when", what: "{variable: [categories]}"), missingLabel: missingLabel)
                let value = try item.required("value", what: "the category this case gives").string()
                _ = try noTotal([value], item)
                cases.append((condition, value))
            }
            let otherwise = try field.required("else", what: "the category when no case holds").string()
            _ = try noTotal([otherwise], field)
            return VariableDefinition(name: name, label: label, rule: .cases(cases, otherwise: otherwise), line: field.line)
        }
        if field.optional("other") != nil || field.optional("else") != nil {
            throw field.error("other: goes with map:, else: with cases:", remedy: "add the map or cases rule, or remove it")
        }
        let categories = try field.optional("categories").map { try noTotal(try $0.strings(), $0) }
        return VariableDefinition(name: name, label: label, rule: .column(source: source, categories: categories), line: field.line)
    }

    /// `{variable: [categories]}` (a single category may be written without brackets).
    static func parseCondition(_ field: YAMLField, missingLabel: String) throws -> Condition {
        var condition: Condition = [:]
        for (variable, values) in try field.entries() {
            let list = try values.strings().map { $0.isEmpty ? missingLabel : $0 }
            guard !list.isEmpty else {
                throw values.error("the list of categories is empty: no unit could pass", remedy: "list at least one category")
            }
            condition[variable] = list
        }
        return condition
    }

    private static func parseTable(_ field: YAMLField, unit: CountUnit, missingLabel: String) throws -> TableSpec {
        try field.expectKeys(["id", "title", "kind", "rows", "columns", "filter", "numerator", "denominator",
                              "structural-zeros", "decimals", "notes", "count", "of", "responses", "yes"])
        let idField = try field.required("id", what: "a short name; it names the table's files")
        let id = try idField.string()
        try checkIdentifier(id, field: idField)
        var table = TableSpec(id: id, title: try field.optional("title")?.string() ?? id, rows: [], line: field.line)
        if let count = field.optional("count"), try parseUnit(count) != unit {
            throw count.error("every table of a release counts the same unit (this spec counts \(unit.rawValue))",
                              remedy: "a release is protected as one system of counts of one unit: put tables of \(try count.string()) in a report spec of their own")
        }
        if let kind = field.optional("kind") {
            guard let parsed = TableSpec.Kind(rawValue: try kind.string()) else {
                throw kind.error("kind must be count, rate, mean, median or multi-response",
                                 remedy: "write kind: count (the default), rate, mean, median or multi-response")
            }
            table.kind = parsed
        }
        if table.kind == .multiResponse {
            if let rows = field.optional("rows") {
                throw rows.error("a multi-response table has one row per response, listed under responses:",
                                 remedy: "remove rows:; list the yes/no variables under responses: and use columns: for a breakdown")
            }
            let responses = try field.required("responses", what: "the yes/no variables, one per response, e.g. [risk_housing, risk_self_harm]")
            table.responses = try responses.strings()
            guard !table.responses.isEmpty else {
                throw responses.error("no response is listed", remedy: "list at least one yes/no variable")
            }
            guard Set(table.responses).count == table.responses.count else {
                throw responses.error("a response is listed twice", remedy: "list each yes/no variable once")
            }
            if let yes = field.optional("yes") { table.yes = try yes.string() }
        } else {
            for key in ["responses", "yes"] where field.optional(key) != nil {
                throw field.optional(key)!.error("only a multi-response table has \(key)", remedy: "add kind: multi-response, or remove \(key)")
            }
            let rows = try field.required("rows", what: "one or two variables, e.g. [age_band]")
            table.rows = try rows.strings()
            guard (1...2).contains(table.rows.count) else {
                throw rows.error("a table has one or two row variables", remedy: "list one or two variables; use columns: for a third")
            }
        }
        table.column = try field.optional("columns")?.string()
        guard Set(table.dimensions + table.responses).count == table.dimensions.count + table.responses.count else {
            throw (field.optional("rows") ?? field).error("a variable is used twice in one table", remedy: "use each variable once among rows, columns and responses")
        }
        if let filter = field.optional("filter") { table.filter = try parseCondition(filter, missingLabel: missingLabel) }
        if let notes = field.optional("notes") { table.notes = try notes.string() }
        if let zeros = field.optional("structural-zeros") {
            guard table.kind != .multiResponse else {
                throw zeros.error("a multi-response table takes no structural zeros", remedy: "remove structural-zeros")
            }
            for item in try zeros.items() {
                let cell = try item.strings()
                guard cell.count == table.dimensions.count else {
                    throw item.error("a structural zero names one category per dimension (\(table.dimensions.joined(separator: ", ")))",
                                     remedy: "write [category, …] in the order rows then columns")
                }
                table.structuralZeros.append(cell)
            }
        }
        if table.kind != .rate {
            for key in ["numerator", "denominator"] where field.optional(key) != nil {
                throw field.optional(key)!.error("only a rate table has \(key)", remedy: "add kind: rate, or remove \(key)")
            }
        }
        if table.kind.isMagnitude {
            table.quantity = try parseQuantity(try field.required("of", what: "the numeric column, or {days-between: [FROM_DATE, TO_DATE]}"))
        } else if let of = field.optional("of") {
            throw of.error("only a mean or median table has of:", remedy: "add kind: mean or kind: median, or remove of:")
        }
        if table.kind == .count, let decimals = field.optional("decimals") {
            throw decimals.error("a count table has no decimals", remedy: "remove decimals, or add kind: rate, mean, median or multi-response")
        }
        if table.kind == .rate {
            let numerator = try field.required("numerator", what: "{variable: [categories]}: the units counted above the line")
            table.numerator = try parseCondition(numerator, missingLabel: missingLabel)
            if let denominator = field.optional("denominator") { table.denominator = try parseCondition(denominator, missingLabel: missingLabel) }
        }
        if let decimals = field.optional("decimals") {
            table.decimals = try decimals.int()
            guard (0...4).contains(table.decimals) else {
                throw decimals.error("decimals must be 0 to 4", remedy: "write decimals: 1")
            }
        }
        return table
    }

    /// `of:` — a numeric column, or `{days-between: [FROM, TO]}` / `{months-between: [FROM, TO]}`.
    /// Research ids and link columns are refused: they are not quantities, and a summary of
    /// an identifier is never published.
    private static func parseQuantity(_ field: YAMLField) throws -> TableSpec.Quantity {
        let quantity: TableSpec.Quantity
        if field.node.mapping != nil {
            let entries = try field.entries()
            guard entries.count == 1, let (key, value) = entries.first, ["days-between", "months-between"].contains(key) else {
                throw field.error("of: is a column name, or one of days-between: [FROM, TO] and months-between: [FROM, TO]",
                                  remedy: "write of: COLUMN, or of: {days-between: [referral_date, assessment_date]}")
            }
            let columns = try value.strings()
            guard columns.count == 2, columns[0] != columns[1] else {
                throw value.error("\(key) names two different date columns, the earlier first", remedy: "write \(key): [FROM_DATE, TO_DATE]")
            }
            quantity = key == "days-between" ? .daysBetween(columns[0], columns[1]) : .monthsBetween(columns[0], columns[1])
        } else {
            quantity = .column(try field.string())
        }
        for column in quantity.columns where ReportSpec.isResearchIDColumn(column) || column.hasSuffix(".link") || column.isEmpty {
            throw field.error("of: names \"\(column)\", which is \(column.hasSuffix(".link") ? "a link column" : "a research id"), not a numeric quantity; a statistic of an identifier is never published",
                              remedy: "name a numeric attribute column, such as a score, or two date columns")
        }
        return quantity
    }
}
