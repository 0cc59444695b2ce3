import Foundation
import Testing
import PathlinkCore

/// Issue 14, "fail-closed is only advisory" and "documents and review": what `check`
/// calls an error stops `extract`; open columns are profiled; names cannot hide behind
/// look-alike letters; YAML numbers are read one way; review sheets cannot be forged.
@Suite("check errors stop extract; documents are read one way and shown escaped", .serialized)
struct OneRuleTests {
    static let shipped = repositoryRoot + "/schemas/police/crimes.yaml"

    /// The shipped police manifest with `edit` applied, written to `folder`.
    static func manifest(_ folder: TestFolder, _ name: String = "crimes.yaml", _ edit: (String) -> String) throws -> String {
        let text = try FilePath.readText(shipped)
        let edited = edit(text)
        #expect(edited != text, "the edit changed nothing")
        return folder.write(name, edited)
    }

    /// A police export whose `mo_notes` cell of the first row is `notes` (every other cell valid).
    static func export(_ folder: TestFolder, notes: String, header: String = World.policeHeader) -> String {
        let quoted = "\"" + notes.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return folder.write("police.csv", header + "\n" + World.policeRow(0, notes: quoted) + "\n" + World.policeRow(1, notes: "Burglary") + "\n")
    }

    static func expectRefused(_ result: Invocation, mentioning words: [String], folder: TestFolder, inputs: Int,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0 && !result.signalled, "exit \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
        for word in words {
            #expect(result.standardError.contains(word), "should mention \(word): \(result.standardError)", sourceLocation: sourceLocation)
        }
        #expect(!containsCanary(result.standardError + result.standardOutput), "a value was printed: \(result.standardError)",
                sourceLocation: sourceLocation)
        #expect(folder.allFiles.count == inputs, "left behind: \(folder.allFiles)", sourceLocation: sourceLocation)
    }

    @Test("A manifest check calls wrong (victim_address as attribute) is refused by extract and run, nothing written")
    func lintErrorStopsExtract() throws {
        let folder = TestFolder()
        let manifest = try Self.manifest(folder) { $0.replacingOccurrences(of: "  - name: victim_address\n    class: direct",
                                                                           with: "  - name: victim_address\n    class: attribute") }
        Self.export(folder, notes: "fine")
        let check = try pathlink(["check", "crimes.yaml"], in: folder.path)
        #expect(check.status == 1 && check.standardOutput.contains("victim_address"))
        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        Self.expectRefused(extract, mentioning: ["crimes.yaml", "line 43", "victim_address", "pathlink check"], folder: folder, inputs: 2)
    }

    @Test("An attribute without values: must say open: true")
    func openMustBeDeclared() throws {
        let folder = TestFolder()
        let manifest = try Self.manifest(folder) {
            $0.replacingOccurrences(of: "  - name: mo_notes\n    class: free-text", with: "  - name: mo_notes\n    class: attribute\n    reviewed: true")
        }
        Self.export(folder, notes: "fine")
        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        Self.expectRefused(extract, mentioning: ["crimes.yaml", "mo_notes", "open: true"], folder: folder, inputs: 2)
        let check = try pathlink(["check", "crimes.yaml"], in: folder.path)
        #expect(check.status == 1 && check.standardOutput.contains("open: true"))
    }

    @Test("Every value of an open column is profiled at extract: e-mail, names, dates in text, formulas, markup stop it",
          arguments: [
              ("an e-mail address", "xqcanary.jane@example.org", "e-mail"),
              ("a name with a title", "Mrs J Xqcanary", "personal names"),
              ("a forename and surname", "Jane Xqcanary", "personal names"),
              ("a spreadsheet formula", "=HYPERLINK(\"http://example.org\",\"xqcanary\")", "formula"),
              ("a script tag", "<script>xqcanary()</script>", "markup"),
              ("a date of birth in text", "DOB 01/02/1990 xqcanary", "date inside the text"),
              ("a UK phone number", "07700 900123", "phone"),
              ("free text", "xqcanary told us that the man had followed her home from work twice", "free text"),
          ])
    func openColumnProfiled(_ name: String, _ value: String, _ kind: String) throws {
        let folder = TestFolder()
        let manifest = try Self.manifest(folder) {
            $0.replacingOccurrences(of: "  - name: mo_notes\n    class: free-text",
                                    with: "  - name: mo_notes\n    class: attribute\n    open: true\n    reviewed: true")
        }
        Self.export(folder, notes: value)
        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        Self.expectRefused(extract, mentioning: ["police.csv", "row 2", "mo_notes", kind], folder: folder, inputs: 2)
        let check = try pathlink(["check", "crimes.yaml", "--data", "police.csv"], in: folder.path)
        #expect(check.status == 1, "\(name): check --data should flag it too")
        #expect(!containsCanary(check.standardOutput + check.standardError))

        // A clean value passes, and the open column is flagged on the review sheet.
        Self.export(folder, notes: "Burglary")
        let clean = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        #expect(clean.status == 0, "\(clean.standardError)")
        let sheet = try pathlink(["check", "crimes.yaml"], in: folder.path)
        #expect(sheet.standardOutput.contains("OPEN"))
    }

    @Test("Column names with look-alike letters or invisible characters are refused by check and extract")
    func confusableNames() throws {
        for (label, spoofed) in [("a Cyrillic o", "mo_n\u{043E}tes"), ("a zero-width space", "mo_\u{200B}notes")] {
            let folder = TestFolder()
            let manifest = try Self.manifest(folder) {
                $0.replacingOccurrences(of: "  - name: mo_notes\n    class: free-text",
                                        with: "  - name: \(spoofed)\n    class: attribute\n    open: true")
            }
            Self.export(folder, notes: "fine", header: World.policeHeader.replacingOccurrences(of: "mo_notes", with: spoofed))
            let check = try pathlink(["check", "crimes.yaml"], in: folder.path)
            #expect(check.status == 1, "\(label): \(check.standardOutput)")
            let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
            Self.expectRefused(extract, mentioning: ["crimes.yaml", "line 75", label.contains("Cyrillic") ? "U+043E" : "U+200B"],
                               folder: folder, inputs: 2)
        }
    }

    @Test("YAML 1.1 numbers (010, 1:00, 3_0) are refused on their line; duplicate keys name the second line")
    func yamlNumbers() throws {
        let policy = try FilePath.readText(repositoryRoot + "/governance/disclosure-policy.yaml")
        let spec = repositoryRoot + "/examples/victims-pathway/report.yaml"
        for number in ["010", "1:00", "3_0", "0x10"] {
            let folder = TestFolder()
            folder.write("policy.yaml", policy.replacingOccurrences(of: "threshold: 3 ", with: "threshold: \(number) "))
            let result = try pathlink(["report", "--spec", spec, "--policy", "policy.yaml", "--input", "linked", "--output", "release"],
                                      in: folder.path)
            Self.expectRefused(result, mentioning: ["policy.yaml", "line 5", number], folder: folder, inputs: 1)
        }
        // A manifest number (the age condition) the same way.
        let folder = TestFolder()
        try Self.manifest(folder) { $0 + "\nrows:\n  age-at-least: {years: 018, from: victim_dob, at: offence_date}\n" }
        let check = try pathlink(["check", "crimes.yaml"], in: folder.path)
        #expect(check.status != 0 && check.standardError.contains("leading zero") && check.standardError.contains("line"),
                "\(check.standardError)")

        let duplicate = TestFolder()
        try Self.manifest(duplicate) { $0.replacingOccurrences(of: "title: ", with: "dataset: police.crimes\ntitle: ") }
        let lines = try FilePath.readText(duplicate.file("crimes.yaml")).split(separator: "\n", omittingEmptySubsequences: false)
        let second = (lines.indices.filter { lines[$0].hasPrefix("dataset:") }.last ?? 0) + 1
        let refused = try pathlink(["check", "crimes.yaml"], in: duplicate.path)
        #expect(refused.status != 0 && refused.standardError.contains("line \(second)") && refused.standardError.contains("\"dataset\""),
                "\(refused.standardError)")
    }

    @Test("The markdown review sheet escapes what the manifest's author wrote")
    func reviewSheetEscaped() throws {
        let folder = TestFolder()
        let hostile = "fine | APPROVED | yes |\\n| forged_column | attribute | nothing | <script>alert(1)</script> [click](javascript:alert(1)) | yes"
        try Self.manifest(folder) {
            $0.replacingOccurrences(of: "description: Modus operandi and investigation notes; may name the victim. Never leaves the force.",
                                    with: "description: \"\(hostile)\"")
                .replacingOccurrences(of: "title: ", with: "title: <img src=x onerror=alert(1)> ")
        }
        let result = try pathlink(["check", "crimes.yaml", "--format", "markdown"], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        let sheet = result.standardOutput
        let columns = try FilePath.readText(Self.shipped).components(separatedBy: "\n  - name: ").count - 1
        let tableRows = sheet.split(separator: "\n").filter { $0.hasPrefix("|") }
        #expect(tableRows.count == columns + 2, "\(tableRows.count) table lines for \(columns) columns")
        #expect(!sheet.contains("<script") && !sheet.contains("<img"))
        // A link needs an unescaped "](": every "]" the author wrote is escaped as "\]".
        #expect(!sheet.replacingOccurrences(of: "\\]", with: "").contains("](javascript:"))
        #expect(!tableRows.contains { $0.contains("forged_column") && $0.hasPrefix("| forged") })
    }

    @Test("check gives a review sheet with the SHA-256 for a plan, a report spec, a policy and a pipeline")
    func documentReviewSheets() throws {
        let folder = TestFolder()
        for document in ["governance/linkage.yaml", "examples/victims-pathway/report.yaml", "governance/disclosure-policy.yaml",
                         "examples/victims-pathway/pipeline.yaml"] {
            let path = repositoryRoot + "/" + document
            let hash = try SHA256Hex.ofFile(path)
            for format in ["text", "markdown", "json"] {
                let result = try pathlink(["check", path, "--format", format], in: folder.path)
                #expect(result.status == 0, "\(document) \(format): \(result.standardError)")
                #expect(result.standardOutput.contains(hash), "\(document) \(format): no SHA-256")
            }
        }
        let plan = try pathlink(["check", repositoryRoot + "/governance/linkage.yaml"], in: folder.path)
        #expect(plan.standardOutput.contains("match key MK1: forename + surname + date-of-birth + postcode"))
        // A broken plan is refused with its line, as link would.
        let broken = folder.write("plan.yaml", try FilePath.readText(repositoryRoot + "/governance/linkage.yaml")
            .replacingOccurrences(of: "linkage: 1", with: "linkage: 7"))
        let refused = try pathlink(["check", broken], in: folder.path)
        #expect(refused.status != 0 && refused.standardError.contains("line 2"))
    }
}

/// SHA-256 of a file as lowercase hex, through `sha256sum` (independent of Pathlink's code).
enum SHA256Hex {
    static func ofFile(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}

extension OneRuleTests {
    @Test("check --data flags what extract refuses: a value outside a closed list, an undeclared placeholder in a date column")
    func checkDataFlagsExtractRefusals() throws {
        for (label, row) in [
            ("a value outside the outcome list", World.policeRow(5).replacingOccurrences(of: ",Rape,1,", with: ",Rape,99,")),
            ("N/K as a date of birth", World.policeRow(5, dob: "N/K")),
        ] {
            let folder = TestFolder()
            folder.write("police.csv", World.policeHeader + "\n" + World.policeRow(1) + "\n" + row + "\n")
            let check = try pathlink(["check", Self.shipped, "--data", "police.csv"], in: folder.path)
            #expect(check.status == 1, "\(label): \(check.standardOutput)")
            #expect(check.standardOutput.contains("extract would refuse") && check.standardOutput.contains("row 3"),
                    "\(label): \(check.standardOutput)")
            let extract = try pathlink(["extract", "--manifest", Self.shipped, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
            #expect(extract.status != 0, "\(label): extract should refuse it")
            #expect(folder.allFiles == ["police.csv"], "\(label): \(folder.allFiles)")
        }
    }
}
