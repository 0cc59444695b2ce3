import Foundation
import Testing
import PathlinkCore

/// Issue 14: "a manifest cannot declare extra missing-value placeholders, so a data team has
/// to edit its export by hand". A manifest now declares them (`input.missing` for every
/// column that leaves, `missing` on a column); `check --data` and `extract` agree on them.
@Suite("Manifests declare their own missing-value placeholders", .serialized)
struct DeclaredPlaceholderTests {
    /// The shipped police manifest declaring `N/K` for every column and `NOT STATED` for
    /// `offence_date` (written in lower case: placeholders are compared upper-cased).
    static func manifest(_ folder: TestFolder) throws -> String {
        try OneRuleTests.manifest(folder) {
            $0.replacingOccurrences(of: "  undeclared-columns: reject\n", with: "  undeclared-columns: reject\n  missing: [\"N/K\"]\n")
                .replacingOccurrences(of: "    generalise: year\n", with: "    generalise: year\n    missing: [\"not stated\"]\n")
        }
    }

    @Test("Declared placeholders are missing at extract: written empty, counted in the receipt, not flagged by check --data")
    func declaredPlaceholdersAreMissing() throws {
        let folder = TestFolder()
        let manifest = try Self.manifest(folder)
        // Row 3: N/K (any case, padded) in a date of birth, an identifier, a closed list and
        // a quasi date; NOT STATED in offence_date.
        let placeholderRow = World.policeRow(1, dob: " n/k ")
            .replacingOccurrences(of: ",N1,", with: ",N/K,")
            .replacingOccurrences(of: ",Rape,1,2021-03-01,", with: ",Rape,N/K,n/K,")
            .replacingOccurrences(of: ",2021-01-05,", with: ", Not Stated,")
        folder.write("police.csv", World.policeHeader + "\n" + World.policeRow(0) + "\n" + placeholderRow + "\n" + World.policeRow(2) + "\n")

        let check = try pathlink(["check", "crimes.yaml", "--data", "police.csv"], in: folder.path)
        #expect(check.status == 0, "check --data should accept declared placeholders: \(check.standardOutput)\(check.standardError)")
        #expect(!check.standardOutput.contains("error:"), "\(check.standardOutput)")
        // The review sheet shows them: for every column, and the column's own.
        #expect(check.standardOutput.contains("Missing-value placeholders") && check.standardOutput.contains("\"N/K\""), "\(check.standardOutput)")
        let offenceDate = check.standardOutput.split(separator: "\n").first { $0.contains("offence_date") } ?? ""
        #expect(offenceDate.contains("\"NOT STATED\""), "\(offenceDate)")
        let json = try pathlink(["check", "crimes.yaml", "--format", "json"], in: folder.path)
        #expect(json.standardOutput.contains("\"placeholders\" : [\n    \"N/K\"\n  ]"), "\(json.standardOutput)")

        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        try #require(extract.status == 0, "\(extract.standardError)")
        let rows = try FilePath.readText(folder.file("out.csv")).split(whereSeparator: \.isNewline).map(String.init)
        let header = Self.fields(rows[0])
        let cells = Self.fields(rows[2])
        func cell(_ name: String) -> String { header.firstIndex(of: name).map { cells[$0] } ?? "?" }
        for name in ["victim_nominal_id", "victim_dob", "offence_date", "outcome_code", "outcome_date", "age_band"] {
            #expect(cell(name) == "", "\(name) should be written empty, is \(cell(name))")
        }
        #expect(!rows.joined().uppercased().contains("N/K") && !rows.joined().uppercased().contains("NOT STATED"))

        let receipt = try JSONSerialization.jsonObject(with: Data(try FilePath.readAll(folder.file("out.csv.receipt.json")))) as? [String: Any]
        let columns = receipt?["columns"] as? [[String: Any]] ?? []
        func missing(_ name: String) -> Int? { columns.first { $0["name"] as? String == name }?["missing"] as? Int }
        for name in ["victim_nominal_id", "victim_dob", "offence_date", "outcome_code", "outcome_date"] {
            #expect(missing(name) == 1, "\(name): missing \(String(describing: missing(name)))")
        }
        #expect(missing("date_reported") == 0)

        // An identifier that was a placeholder has an empty token, never the HMAC of "N/K".
        let world = try SmallWorld.shared.ready()
        try copyFile(world.key, folder.file("owner.key"))
        chmod(folder.file("owner.key"), 0o600)
        let tokens = try pathlink(["pseudonymise", "--manifest", manifest, "--plan", world.plan, "--key", "owner.key",
                                   "--input", "out.csv", "--output", "tokens.csv"], in: folder.path)
        try #require(tokens.status == 0, "\(tokens.standardError)")
        let tokenRows = try FilePath.readText(folder.file("tokens.csv")).split(whereSeparator: \.isNewline).map { Self.fields(String($0)) }
        let nominal = try #require(tokenRows[0].firstIndex(of: "victim_nominal_id"))
        #expect(tokenRows[2][nominal].isEmpty && tokenRows[1][nominal].count == 32 && tokenRows[3][nominal].count == 32)
    }

    @Test("A placeholder the manifest does not declare still stops extract, and check --data flags it, naming row and column")
    func undeclaredPlaceholderRefused() throws {
        let folder = TestFolder()
        let manifest = try Self.manifest(folder)
        folder.write("police.csv", World.policeHeader + "\n" + World.policeRow(0) + "\n" + World.policeRow(1, dob: "XQCANARY-NK") + "\n")
        let check = try pathlink(["check", "crimes.yaml", "--data", "police.csv"], in: folder.path)
        #expect(check.status == 1 && check.standardOutput.contains("extract would refuse") && check.standardOutput.contains("row 3")
                && check.standardOutput.contains("victim_dob"), "\(check.standardOutput)")
        #expect(!containsCanary(check.standardOutput + check.standardError))
        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        OneRuleTests.expectRefused(extract, mentioning: ["police.csv", "row 3", "victim_dob", "missing:"], folder: folder, inputs: 2)
    }

    @Test("A wrong missing: list is refused on its YAML line", arguments: [
        ("an empty list", "  missing: [\"N/K\"]\n", "  missing: []\n", "empty"),
        ("a placeholder twice", "    missing: [\"not stated\"]\n", "    missing: [\"not stated\", \" NOT STATED \"]\n", "listed twice"),
        ("missing: on a dropped column", "    class: free-text\n", "    class: free-text\n    missing: [\"x\"]\n", "does not apply"),
        ("a placeholder that is also a value", "values: [\"Rape\", ", "values: [\"n/k\", \"Rape\", ", "both a missing-value placeholder"),
    ])
    func wrongDeclarations(_ label: String, _ find: String, _ replace: String, _ reason: String) throws {
        let folder = TestFolder()
        let declared = try FilePath.readText(try Self.manifest(folder))
        let edited = declared.replacingOccurrences(of: find, with: replace)
        #expect(edited != declared, "\(label): the edit changed nothing")
        folder.write("crimes.yaml", edited)
        // The refusal names the first line the edit changed (or added).
        let before = declared.split(separator: "\n", omittingEmptySubsequences: false)
        let after = edited.split(separator: "\n", omittingEmptySubsequences: false)
        let editedLine = (after.indices.first { $0 >= before.count || after[$0] != before[$0] } ?? 0) + 1
        Self.export(folder)
        for arguments in [["check", "crimes.yaml"], ["extract", "--manifest", "crimes.yaml", "--input", "police.csv", "--output", "out.csv"]] {
            let result = try pathlink(arguments, in: folder.path)
            OneRuleTests.expectRefused(result, mentioning: ["crimes.yaml", reason], folder: folder, inputs: 2)
            #expect(result.standardError.contains("line \(editedLine):"), "\(label): should name line \(editedLine): \(result.standardError)")
        }
    }

    /// The fields of one CSV line (quoted fields may hold commas; no line breaks here).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() } else if character == "," && !quoted { fields.append(field); field = "" } else { field.append(character) }
        }
        return fields + [field]
    }

    static func export(_ folder: TestFolder) {
        folder.write("police.csv", World.policeHeader + "\n" + World.policeRow(0) + "\n")
    }
}
