import PathlinkCore

extension Manifest {
    /// Load and validate a manifest. Every part is checked, whichever parts the calling
    /// command uses: classes, keys per class, regexes and templates, formats, value lists,
    /// references between columns.
    /// - Throws: `.invalidDocument` naming the file and YAML line, saying what to do.
    package static func load(path: String) throws -> Manifest {
        try parse(YAMLDocument(path: path))
    }

    static let topKeys = ["manifest", "dataset", "title", "owner", "input", "rows", "columns", "derive", "description"]
    static let columnKeys = ["name", "class", "description", "reviewed", "domain", "identifies", "normalise",
                             "field", "order", "format", "type", "generalise", "at", "values", "open", "missing"]

    package static func parse(_ document: YAMLDocument) throws -> Manifest {
        let top = try document.root.mapping(allowed: topKeys)
        let versionValue = try top.required("manifest")
        let version = try versionValue.int()
        guard version == 1 else {
            throw versionValue.error("manifest format version \(version) is not supported by this Pathlink (it reads version 1)",
                                     remedy: "use a Pathlink release that reads this version, or write the manifest in version 1")
        }
        let datasetValue = try top.required("dataset")
        let dataset = try datasetValue.string()
        guard Manifest.isValidDatasetName(dataset) else {
            throw datasetValue.error("\"\(dataset)\" is not <owner>.<table> in lower case letters, digits and hyphens",
                                     remedy: "for example police.crimes or support-service.cases")
        }
        var manifest = Manifest(
            version: version, dataset: dataset,
            title: try top.required("title").nonEmptyString(),
            owner: try top.required("owner").nonEmptyString(),
            input: InputOptions(), rows: nil, columns: [], derive: [], path: document.path)
        if let input = top["input"] { manifest.input = try parseInput(input) }

        let columnsValue = try top.required("columns")
        let columnItems = try columnsValue.sequence()
        guard !columnItems.isEmpty else { throw columnsValue.error("declares no columns", remedy: "declare every column of the export") }
        var seen: [String: Int?] = [:]
        for item in columnItems {
            let column = try parseColumn(item, inputMissing: manifest.input.missing)
            if let earlier = seen[column.name] {
                throw item.error("the column \"\(column.name)\" is declared twice (first on line \(earlier.map(String.init) ?? "?"))",
                                 remedy: "declare each export column once")
            }
            seen[column.name] = column.line
            manifest.columns.append(column)
        }
        let records = manifest.columns.filter { $0.identifies == .record }
        if records.count > 1 {
            throw columnsValue.error("more than one column is marked identifies: record",
                                     remedy: "mark only the dataset's own record key with identifies: record")
        }
        try validateReferences(&manifest, top: top)
        if let rows = top["rows"] { manifest.rows = try parseRows(rows, manifest: manifest) }
        return manifest
    }

    static func isValidDatasetName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        }
    }

    static func isValidDomain(_ domain: String) -> Bool {
        !domain.isEmpty && !domain.hasPrefix("person") &&
            domain.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    static func parseInput(_ value: YAMLValue) throws -> InputOptions {
        let map = try value.mapping(allowed: ["delimiter", "encoding", "undeclared-columns", "missing"])
        var input = InputOptions()
        if let delimiter = map["delimiter"] {
            let text = try delimiter.string()
            let bytes = Array(text.utf8)
            guard bytes.count == 1, bytes[0] != 0x22, bytes[0] != 0x0A, bytes[0] != 0x0D, bytes[0] < 0x80 else {
                throw delimiter.error("the delimiter must be one ASCII character other than a quote or line break",
                                      remedy: "use \",\", \";\", \"|\" or \"\\t\" (a tab, in double quotes)")
            }
            input.delimiter = bytes[0]
        }
        if let encoding = map["encoding"] {
            input.encoding = try encoding.choice(["utf-8", "windows-1252"])
        }
        if let undeclared = map["undeclared-columns"] {
            input.undeclaredColumns = InputOptions.UndeclaredColumns(rawValue: try undeclared.choice(["reject", "drop"]))!
        }
        if let missing = map["missing"] { input.missing = try parsePlaceholders(missing) }
        return input
    }

    /// A `missing:` list (one text or a list): each trimmed and upper-cased, none empty,
    /// none twice.
    static func parsePlaceholders(_ value: YAMLValue) throws -> [String] {
        let texts = try value.stringList()
        guard !texts.isEmpty else { throw value.error("the missing-value list is empty", remedy: "list the export's placeholder texts (e.g. [\"N/K\"]), or remove missing:") }
        var seen = Set<String>()
        var declared: [String] = []
        for text in texts {
            let placeholder = Placeholder.declared(text)
            guard !placeholder.isEmpty else {
                throw value.error("a missing-value placeholder is empty (an empty value is always missing)", remedy: "remove the empty entry")
            }
            guard seen.insert(placeholder).inserted else {
                throw value.error("the placeholder \"\(placeholder)\" is listed twice (placeholders are compared trimmed and upper-cased)",
                                  remedy: "list each placeholder once")
            }
            declared.append(placeholder)
        }
        return declared
    }

    static func parseColumn(_ item: YAMLValue, inputMissing: [String] = []) throws -> ColumnDeclaration {
        let map = try item.mapping(allowed: columnKeys)
        let nameValue = try map.required("name")
        let name = try nameValue.string()
        guard !name.isEmpty else { throw nameValue.error("a column name must not be empty") }
        let context = YAMLValue(node: item.node, path: item.path, context: "column \"\(name)\"")
        let named = try context.mapping(allowed: columnKeys)
        let classValue = try named.required("class")
        let columnClass = ColumnClass(rawValue: try classValue.choice(ColumnClass.allCases.map(\.rawValue)))!
        var column = ColumnDeclaration(
            name: name, columnClass: columnClass,
            description: try named["description"].map { try $0.string() },
            reviewed: try named["reviewed"].map { try $0.bool() } ?? false,
            line: item.line, domain: nil, identifies: nil, normalise: nil, field: nil, order: nil,
            formats: [], type: nil, generalise: nil, at: nil, values: nil)

        func forbid(_ keys: [String], because reason: String) throws {
            for key in keys {
                if let value = named[key] { throw value.error("\"\(key)\" does not apply: \(reason)", remedy: "remove \(key): from this column") }
            }
        }

        switch columnClass {
        case .identifier:
            let domainValue = try named.required("domain")
            let domain = try domainValue.string()
            guard isValidDomain(domain) else {
                throw domainValue.error("\"\(domain)\" is not a valid token domain (lower-case letters, digits, hyphens; not person…)",
                                        remedy: "name the kind of reference, e.g. crime-reference; the same domain in two datasets lets them join")
            }
            column.domain = domain
            if let identifies = named["identifies"] {
                column.identifies = ColumnDeclaration.Identifies(rawValue: try identifies.choice(["record", "person"]))!
            }
            if let normalise = named["normalise"] {
                column.normalise = try parseNormaliser(normalise)
            } else {
                column.normalise = .text
            }
            try forbid(["field", "order", "format", "type", "generalise", "at", "values"], because: "an identifier is tokenised whole")
        case .linkage:
            let fieldValue = try named.required("field")
            let field = PersonField(rawValue: try fieldValue.choice(PersonField.allCases.map(\.rawValue)))!
            column.field = field
            if field == .fullName {
                let orderValue = try named.required("order")
                column.order = ColumnDeclaration.NameOrder(rawValue: try orderValue.choice(["surname-first", "forename-first"]))!
            } else {
                try forbid(["order"], because: "only a full-name field has an order")
            }
            if field == .dateOfBirth {
                column.formats = try parseFormats(try named.required("format"))
            } else {
                try forbid(["format"], because: "only a date-of-birth field has a format")
            }
            try forbid(["domain", "identifies", "normalise", "type", "generalise", "at", "values"],
                       because: "a linkage column is used only for match keys")
        case .direct, .freeText:
            try forbid(["domain", "identifies", "normalise", "field", "order", "format", "type", "generalise", "at", "values", "missing"],
                       because: "this column is dropped at extract")
        case .quasi:
            let generaliseValue = try named.required("generalise")
            let generalise = Generalisation(rawValue: try generaliseValue.choice(Generalisation.allCases.map(\.rawValue)))!
            column.generalise = generalise
            let typeValue = named["type"]
            let type = try typeValue.map { ColumnDeclaration.QuasiType(rawValue: try $0.choice(["date", "integer", "postcode", "text"]))! }
            column.type = type
            switch generalise {
            case .month, .quarter, .year:
                guard type == .date else {
                    throw (typeValue ?? generaliseValue).error("generalise: \(generalise.rawValue) needs type: date", remedy: "add type: date and its format")
                }
            case .ageBand:
                guard type == .integer || type == .date else {
                    throw (typeValue ?? generaliseValue).error("generalise: age-band needs type: integer (an age) or type: date (a date of birth, with at:)")
                }
                if type == .date {
                    column.at = try named.required("at").string()
                }
            case .postcodeDistrict:
                guard type == .postcode else {
                    throw (typeValue ?? generaliseValue).error("generalise: postcode-district needs type: postcode")
                }
            }
            if type == .date {
                column.formats = try parseFormats(try named.required("format"))
            } else {
                try forbid(["format"], because: "only a date has a format")
            }
            if type != .date || generalise != .ageBand { try forbid(["at"], because: "at: is for the age band of a date of birth") }
            try forbid(["domain", "identifies", "normalise", "field", "order", "values"], because: "a quasi column is generalised")
        case .attribute:
            if let valuesNode = named["values"] {
                let values = try valuesNode.stringList()
                guard !values.isEmpty else { throw valuesNode.error("the value list is empty", remedy: "list the allowed values, or remove values:") }
                var seenValues = Set<String>()
                for value in values where !seenValues.insert(value).inserted {
                    throw valuesNode.error("the value \"\(value)\" is listed twice")
                }
                column.values = values
            }
            if let openValue = named["open"] {
                column.isOpen = try openValue.bool()
                if column.isOpen && column.values != nil {
                    throw openValue.error("open: true and a values: list contradict each other",
                                          remedy: "keep values: for a drop-down field, or open: true (and no values:) for one that takes any value")
                }
            }
            try forbid(["domain", "identifies", "normalise", "field", "order", "format", "type", "generalise", "at"],
                       because: "an attribute is kept as it is")
        }
        if columnClass != .attribute, let openValue = named["open"] {
            throw openValue.error("\"open\" applies only to an attribute column", remedy: "remove open: from this column")
        }
        if columnClass.leavesExtract {
            let own = try named["missing"].map { try parsePlaceholders($0) } ?? []
            column.missing = inputMissing + own.filter { !inputMissing.contains($0) }
            // A placeholder is not a value: one that a closed list also allows is a contradiction.
            if let values = column.values,
               let clash = column.missing.first(where: { placeholder in values.contains { Placeholder.declared($0) == placeholder } }) {
                throw (named["missing"] ?? named["values"]!).error(
                    "\"\(clash)\" is both a missing-value placeholder and one of the column's values",
                    remedy: "remove it from values: (it is missing, written empty) or from missing: (it is a category that leaves)")
            }
        }
        return column
    }

    static func parseNormaliser(_ value: YAMLValue) throws -> IdentifierNormaliser {
        if case .scalar = value.node {
            let name = try value.string()
            guard name == "text" else {
                throw value.error("unknown normaliser \"\(name)\"", remedy: "use normalise: text, or normalise: {pattern: '…', template: '…'}")
            }
            return .text
        }
        let map = try value.mapping(allowed: ["pattern", "template"])
        let patternValue = try map.required("pattern")
        let templateValue = try map.required("template")
        do {
            return .pattern(try ReferencePattern(pattern: try patternValue.string(), template: try templateValue.string()))
        } catch let error as ReferencePatternError {
            let at: YAMLValue
            if case .template = error { at = templateValue } else { at = patternValue }
            throw at.error(error.description, remedy: error.remedy)
        }
    }

    static func parseFormats(_ value: YAMLValue) throws -> [DateFormat] {
        let texts = try value.stringList()
        guard !texts.isEmpty else { throw value.error("no date format given") }
        return try texts.map { text in
            guard let format = DateFormat(text) else {
                throw value.error("\"\(text)\" is not a date format", remedy: "use YYYY, MM and DD once each with separators, e.g. DD/MM/YYYY, YYYY-MM-DD or YYYYMMDD")
            }
            return format
        }
    }

    /// Derived columns, and every reference from one column to another.
    static func validateReferences(_ manifest: inout Manifest, top: YAMLMapping) throws {
        func dateColumn(_ name: String, at value: YAMLValue, role: String) throws -> ColumnDeclaration {
            guard let column = manifest.column(named: name) else {
                throw value.error("\(role) names \"\(name)\", which is not a declared column", remedy: Suggestion.didYouMean(name, manifest.columns.map(\.name)))
            }
            let isDate = (column.columnClass == .linkage && column.field == .dateOfBirth) || (column.columnClass == .quasi && column.type == .date)
            guard isDate else {
                throw value.error("\(role) names \"\(name)\", which is not a date column (a linkage date-of-birth or a quasi date)")
            }
            return column
        }
        for column in manifest.columns where column.at != nil {
            let value = YAMLValue(node: top["columns"]!.node, path: manifest.path, context: "column \"\(column.name)\" at")
            _ = try dateColumn(column.at!, at: value, role: "at")
        }
        guard let deriveValue = top["derive"] else { return }
        var names = Set(manifest.columns.map(\.name))
        for item in try deriveValue.sequence() {
            let map = try item.mapping(allowed: ["name", "rule", "from", "at", "description"])
            let name = try map.required("name").nonEmptyString()
            guard names.insert(name).inserted else {
                throw item.error("the derived column \"\(name)\" has the name of another column", remedy: "give it a new name")
            }
            let rule = Derivation.Rule(rawValue: try map.required("rule").choice(Derivation.Rule.allCases.map(\.rawValue)))!
            let fromValue = try map.required("from")
            let atValue = try map.required("at")
            _ = try dateColumn(try fromValue.string(), at: fromValue, role: "from")
            _ = try dateColumn(try atValue.string(), at: atValue, role: "at")
            manifest.derive.append(Derivation(name: name, rule: rule, from: try fromValue.string(), at: try atValue.string(), line: item.line))
        }
    }

    static func parseRows(_ value: YAMLValue, manifest: Manifest) throws -> RowFilter {
        let map = try value.mapping(allowed: ["where", "age-at-least"])
        var filter = RowFilter(conditions: [], ageAtLeast: nil)
        if let whereValue = map["where"] {
            for (name, allowed) in try whereValue.freeMapping().entries {
                guard let column = manifest.column(named: name) else {
                    throw allowed.error("the row condition names \"\(name)\", which is not a declared column",
                                        remedy: Suggestion.didYouMean(name, manifest.columns.map(\.name)) ?? "declare the column, or fix its name")
                }
                guard column.columnClass == .attribute || column.columnClass == .quasi || column.columnClass == .direct else {
                    throw allowed.error("row conditions may test attribute, quasi or direct columns, not a \(column.columnClass.rawValue) column")
                }
                let values = try allowed.stringList()
                guard !values.isEmpty else { throw allowed.error("lists no allowed value: every record would be excluded") }
                filter.conditions.append((name, values))
            }
        }
        if let ageValue = map["age-at-least"] {
            let age = try ageValue.mapping(allowed: ["years", "from", "at"])
            let yearsValue = try age.required("years")
            let years = try yearsValue.int()
            guard (0...150).contains(years) else { throw yearsValue.error("must be between 0 and 150") }
            let from = try age.required("from").string()
            let at = try age.required("at").string()
            for (name, role) in [(from, "from"), (at, "at")] {
                guard let column = manifest.column(named: name),
                      (column.columnClass == .linkage && column.field == .dateOfBirth) || (column.columnClass == .quasi && column.type == .date)
                else {
                    throw ageValue.error("\(role): \"\(name)\" is not a declared date column (a linkage date-of-birth or a quasi date)")
                }
            }
            filter.ageAtLeast = AgeCondition(years: years, from: from, at: at)
        }
        return filter
    }
}
