import Testing
import PathlinkCore
@testable import Governance

/// A manifest document with the given columns block (and extra top-level text).
func manifestText(columns: String, extra: String = "") -> String {
    """
    manifest: 1
    dataset: police.crimes
    title: Test
    owner: Test Police
    \(extra)
    columns:
    \(columns)
    """
}

/// Loading must fail with `.invalidDocument` on `line`, and the message must say `words`.
func expectInvalid(_ text: String, line: Int?, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try Manifest.parse(YAMLDocument(text: text, path: "m.yaml"))
        Issue.record("expected the manifest to be refused: \(words)", sourceLocation: sourceLocation)
    } catch let error as PathlinkError {
        #expect(error.code == .invalidDocument, sourceLocation: sourceLocation)
        #expect(error.file == "m.yaml", sourceLocation: sourceLocation)
        if let line { #expect(error.line == line, "\(error.description)", sourceLocation: sourceLocation) }
        #expect(error.description.contains(words), "\(error.description)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Schema manifests")
struct ManifestTests {
    @Test("The example manifest of schemas/README.md loads with every part understood")
    func example() throws {
        let text = manifestText(columns: """
          - name: crimeref
            class: identifier
            domain: crime-reference
            identifies: record
            normalise: {pattern: '^(\\d{2})\\D+0*(\\d{1,6})\\D+(\\d{2})$', template: '$1/$2/$3'}
          - {name: victim_forename, class: linkage, field: forename}
          - {name: victim_name, class: linkage, field: full-name, order: surname-first}
          - {name: victim_dob, class: linkage, field: date-of-birth, format: [DD/MM/YYYY, YYYY-MM-DD]}
          - {name: oic_name, class: direct}
          - {name: mo_notes, class: free-text}
          - {name: consent, class: attribute, values: ["Yes", "No"]}
          - {name: date_reported, class: quasi, type: date, format: DD/MM/YYYY, generalise: month}
          - {name: outcome_code, class: attribute, values: ["1", "14"], description: Home Office outcome, reviewed: true}
        derive:
          - {name: age_band, rule: age-band, from: victim_dob, at: date_reported}
        rows:
          where: {consent: ["Yes"]}
          age-at-least: {years: 18, from: victim_dob, at: date_reported}
        """, extra: "input: {delimiter: ';', encoding: windows-1252, undeclared-columns: drop}")
        let manifest = try Manifest.parse(YAMLDocument(text: text, path: "m.yaml"))
        #expect(manifest.dataset == "police.crimes")
        #expect(manifest.input.delimiter == UInt8(ascii: ";"))
        #expect(manifest.input.encoding == "windows-1252")
        #expect(manifest.input.undeclaredColumns == .drop)
        #expect(manifest.columns.count == 9)
        #expect(manifest.column(named: "crimeref")?.identifies == .record)
        #expect(manifest.column(named: "victim_dob")?.formats.map(\.text) == ["DD/MM/YYYY", "YYYY-MM-DD"])
        #expect(manifest.column(named: "victim_name")?.order == .surnameFirst)
        #expect(manifest.extractColumns == ["crimeref", "victim_forename", "victim_name", "victim_dob", "consent", "date_reported", "outcome_code", "age_band"])
        #expect(manifest.rows?.ageAtLeast?.years == 18)
        if case .pattern(let pattern) = manifest.column(named: "crimeref")?.normalise {
            #expect(pattern.fill("42/012345/21") == "42/12345/21")
            #expect(pattern.fill("not a ref") == nil)
        } else {
            Issue.record("expected a pattern normaliser")
        }
    }

    @Test("Unknown classes, keys and versions are refused on their line, with a suggestion")
    func unknownThings() {
        expectInvalid(manifestText(columns: "  - {name: a, class: identifer, domain: x}"), line: 7, "not one of")
        expectInvalid(manifestText(columns: "  - {name: a, class: direct, clas: x}"), line: 7, "did you mean \"class\"")
        expectInvalid("manifest: 2\ndataset: a.b\ntitle: t\nowner: o\ncolumns: []", line: 1, "version 2 is not supported")
        expectInvalid(manifestText(columns: "  - {name: a, class: direct}", extra: "colour: red"), line: 5, "unknown key \"colour\"")
    }

    @Test("A column declared twice is refused")
    func duplicateColumn() {
        expectInvalid(manifestText(columns: "  - {name: a, class: direct}\n  - {name: a, class: free-text}"), line: 8, "declared twice")
    }

    @Test("Bad regexes and templates naming a missing group make the manifest invalid")
    func patterns() {
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier, domain: ref, normalise: {pattern: '(', template: '$1'}}"), line: 7, "a ( is never closed")
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier, domain: ref, normalise: {pattern: '(\\d+)-(\\d+)', template: '$1/$3'}}"), line: 7, "uses $3 but the pattern has 2")
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier, domain: ref, normalise: soundex}"), line: 7, "unknown normaliser")
    }

    @Test("Class-specific keys: required ones must be there, foreign ones are refused")
    func classKeys() {
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier}"), line: 7, "\"domain\" is required")
        expectInvalid(manifestText(columns: "  - {name: d, class: linkage, field: date-of-birth}"), line: 7, "\"format\" is required")
        expectInvalid(manifestText(columns: "  - {name: n, class: linkage, field: full-name}"), line: 7, "\"order\" is required")
        expectInvalid(manifestText(columns: "  - {name: n, class: direct, values: [a]}"), line: 7, "does not apply")
        expectInvalid(manifestText(columns: "  - {name: q, class: quasi, generalise: month}"), line: 7, "needs type: date")
        expectInvalid(manifestText(columns: "  - {name: q, class: quasi, type: date, format: DD-MM, generalise: month}"), line: 7, "not a date format")
        expectInvalid(manifestText(columns: "  - {name: a, class: attribute, values: [x, x]}"), line: 7, "listed twice")
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier, domain: 'person/x'}"), line: 7, "not a valid token domain")
    }

    @Test("References to undeclared or non-date columns are refused")
    func references() {
        expectInvalid(manifestText(columns: "  - {name: a, class: attribute}\nderive:\n  - {name: age, rule: age-band, from: dob, at: a}"), line: nil, "not a declared column")
        expectInvalid(manifestText(columns: "  - {name: a, class: attribute}", extra: "rows: {where: {consnt: [Yes]}}"), line: nil, "not a declared column")
        expectInvalid(manifestText(columns: "  - {name: a, class: attribute}\n  - {name: b, class: attribute}", extra: "rows: {age-at-least: {years: 18, from: a, at: b}}"), line: nil, "not a declared date column")
    }

    @Test("YAML anchors and aliases are refused before composing (alias bombs)")
    func aliases() {
        let bomb = """
        manifest: 1
        dataset: a.b
        title: &t x
        owner: *t
        columns: []
        """
        expectInvalid(bomb, line: 3, "anchors and aliases")
        // A '*' or '&' inside a quoted regex or a block scalar is not an alias.
        let quoted = manifestText(columns: """
          - name: r
            class: identifier
            domain: ref
            description: |
              * a bullet & an ampersand
            normalise: {pattern: '^0*(\\d+)&?$', template: '$1'}
        """)
        #expect(throws: Never.self) { try Manifest.parse(YAMLDocument(text: quoted, path: "m.yaml")) }
    }

    @Test("Syntax errors name the line")
    func syntax() {
        expectInvalid("manifest: 1\ncolumns: [\n  - a: b", line: nil, "not valid YAML")
    }
}

@Suite("Dates, age bands and value patterns")
struct ValueTests {
    @Test("Fixed-width date formats tell shapes, impossible dates and mismatches apart")
    func dates() {
        let dmy = DateFormat("DD/MM/YYYY")!
        #expect(dmy.parse("01/02/1990") == .date(CalendarDate(year: 1990, month: 2, day: 1)))
        #expect(dmy.parse("31/02/2001") == .impossible)
        #expect(dmy.parse("29/02/2000") == .date(CalendarDate(year: 2000, month: 2, day: 29)))
        #expect(dmy.parse("29/02/1900") == .impossible)
        #expect(dmy.parse("1/2/1990") == .mismatch)
        #expect(dmy.parse("１９/02/1990") == .mismatch)
        #expect(DateFormat("YYYYMMDD")!.parse("19900201") == .date(CalendarDate(year: 1990, month: 2, day: 1)))
        #expect(DateFormat("YYYY-MM") == nil)
        #expect(DateFormat("DDxMMxYYYY") == nil)
    }

    @Test("Age bands are the MoJ report's")
    func ageBands() {
        let birth = CalendarDate(year: 2000, month: 6, day: 15)
        #expect(birth.age(at: CalendarDate(year: 2018, month: 6, day: 14)) == 17)
        #expect(birth.age(at: CalendarDate(year: 2018, month: 6, day: 15)) == 18)
        #expect(AgeBand.label(forAge: 17) == "Under 18")
        #expect(AgeBand.label(forAge: 18) == "18-24")
        #expect(AgeBand.label(forAge: 74) == "65-74")
        #expect(AgeBand.label(forAge: 75) == "75+")
        #expect(AgeBand.label(forAge: -1) == nil)
    }

    @Test("Templates: $$ is a dollar, an unmatched optional group is empty")
    func templates() throws {
        let pattern = try ReferencePattern(pattern: "(\\d+)(?:-([A-Z]))?", template: "$1$$$2")
        #expect(pattern.fill("12-A") == "12$A")
        #expect(pattern.fill("12") == "12$")
        #expect(pattern.fill("x12") == nil)
        // ASCII semantics: \d does not match Arabic-Indic digits.
        #expect(pattern.fill("١٢") == nil)
    }
}
