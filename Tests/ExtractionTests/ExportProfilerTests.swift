import Testing
import PathlinkTestSupport
import PathlinkCore
import Governance
@testable import Extraction

@Suite("check: lints and the export profile")
struct ExportProfilerTests {
    let manifest = """
    manifest: 1
    dataset: support-service.cases
    title: Cases
    owner: Centre
    columns:
      - {name: case_id, class: identifier, domain: case-reference}
      - {name: referral_source, class: attribute, open: true}
      - {name: outcome, class: attribute, open: true}
      - {name: referral_date, class: quasi, type: date, format: DD/MM/YYYY, generalise: month}
    """

    func profile(_ csv: String) throws -> [ReviewSheet.Finding] {
        let folder = TestFolder()
        let manifest = try Manifest.load(path: folder.write("m.yaml", self.manifest))
        return try ExportProfiler(manifest: manifest).profile(input: folder.write("raw.csv", csv))
    }

    @Test("E-mail addresses, phone numbers, postcodes, NHS numbers, free text and dates in leaving columns are errors, reported without values")
    func personalDataIsFound() throws {
        let csv = """
        case_id,referral_source,outcome,referral_date
        1,jane.canary@example.org,Planned,01/02/2021
        2,07700 900123,Planned,01/02/2021
        3,SS1 1AA,Planned,01/02/2021
        4,943 476 5919,Planned,01/02/2021
        5,she told us that her neighbour had been following her home from work,Planned,01/02/2021
        6,Police,14/07/1988,01/02/2021

        """
        let findings = try profile(csv)
        let messages = findings.filter { $0.severity == .error && $0.column == "referral_source" }.map(\.message)
        #expect(messages.contains { $0.contains("e-mail") })
        #expect(messages.contains { $0.contains("phone") })
        #expect(messages.contains { $0.contains("postcode") })
        #expect(messages.contains { $0.contains("NHS") })
        #expect(messages.contains { $0.contains("free text") })
        let dateFinding = findings.first { $0.column == "outcome" && $0.message.contains("dates") }
        #expect(dateFinding?.firstRow == 7)
        #expect(!findings.contains { $0.column == "referral_date" })  // a declared date may look like a date
        for finding in findings {
            #expect(!finding.message.contains("canary") && !finding.message.contains("07700") && !finding.message.contains("neighbour"))
        }
    }

    @Test("Clean drop-down values give no error; a near-unique column is a warning")
    func cleanAndUnique() throws {
        var csv = "case_id,referral_source,outcome,referral_date\n"
        for index in 0..<30 { csv += "\(index),Police,X\(index),01/02/2021\n" }
        let findings = try profile(csv)
        #expect(!findings.contains { $0.severity == .error })
        #expect(findings.contains { $0.severity == .warning && $0.column == "outcome" })
    }

    @Test("Street addresses: a house or flat number and a street word; phrases with numbers and street words alone are not")
    func addresses() {
        for address in ["12 Acacia Avenue", "Flat 3, 45 High St", "1a Mill Lane", "63 Windsor Gardens, Billericay", "Apartment 12b",
                        "14-16 London Road", "7 The Grove", "2 St. Mary's Close", "Flat 2 Ashdown Court", "101 Harley Dr."] {
            #expect(ExportProfiler.looksLikeAddress(address), "\(address) should look like an address")
        }
        for phrase in ["Crown Court", "Magistrates Court", "1-2 years", "More than 2 years", "3 weeks to Crown Court", "Court 2",
                       "Section 18 wounding", "Under 1 month", "2 way radio", "6-12 months", "Park", "Referred on", "Unit 4 Park",
                       "Level 3 Green", "1 in 4 Street"] {
            #expect(!ExportProfiler.looksLikeAddress(phrase), "\(phrase) should not look like an address")
        }
        #expect(ExportProfiler.patterns(in: "12 Acacia Avenue", open: true).contains(.address))
        #expect(!ExportProfiler.patterns(in: "12 Acacia Avenue", open: false).contains(.address))
    }

    @Test("Declared and built-in placeholders are missing values, not profiled")
    func placeholdersNotProfiled() throws {
        let folder = TestFolder()
        let text = manifest.replacingOccurrences(of: "{name: outcome, class: attribute, open: true}",
                                                 with: "{name: outcome, class: attribute, open: true, missing: [\"Not Stated\"]}")
        let manifest = try Manifest.load(path: folder.write("m.yaml", text))
        #expect(manifest.column(named: "outcome")?.missing == ["NOT STATED"])
        // "Not Stated" and "Not Known" would look like personal names if they were values.
        let csv = "case_id,referral_source,outcome,referral_date\n1,Police,  not stated ,01/02/2021\n2,Not Known,Not Stated,01/02/2021\n"
        let findings = try ExportProfiler(manifest: manifest).profile(input: folder.write("raw.csv", csv))
        #expect(!findings.contains { $0.severity == .error }, "\(findings)")
        let undeclared = try ExportProfiler(manifest: manifest).profile(input: folder.write("raw2.csv", csv.replacingOccurrences(of: "2,Not Known", with: "2,Not Declared")))
        #expect(undeclared.contains { $0.severity == .error && $0.column == "referral_source" && $0.message.contains("names") })
    }

    @Test("Declared placeholders match raw bytes exactly as their trimmed, upper-cased text does")
    func declaredPlaceholderBytes() {
        let lists = [["N/K", "NOT STATED"], ["NÃO SABE", "N/K"], ["SS"], ["-"]].map { $0.map(Placeholder.declared) }
        let values = ["N/K", "n/k", " N/K ", "\tn/K\r", "N/K\u{00A0}", "\u{3000}n/k", "N/KX", "XN/K", "N/", "", " ", "not stated",
                      "Not  Stated", "NOT STATED ", "não sabe", "NÃO SABE", "nao sabe", "ß", "ss", "SS", "Ss", "-", " - ", "--", "No", "N",
                      "Ñ/K", "N/K\u{200B}", "\u{FB00}"]
        for list in lists {
            let matcher = DeclaredPlaceholders(list)
            for value in values {
                let expected = Set(list).contains(Placeholder.declared(value))
                let bytes = Array(value.utf8)
                let actual = bytes.withUnsafeBufferPointer { matcher.contains($0) }
                #expect(actual == expected, "\(list) and \(value.debugDescription): \(actual), expected \(expected)")
            }
        }
    }

    @Test("NHS check digits are checked")
    func nhsCheckDigit() {
        #expect(ExportProfiler.isNHSNumber(Array("9434765919".utf8)))
        #expect(!ExportProfiler.isNHSNumber(Array("9434765918".utf8)))
    }

    @Test("An attribute whose name suggests personal data needs reviewed: true")
    func lint() throws {
        let folder = TestFolder()
        let text = manifest + "\n  - {name: client_postcode_area, class: attribute}\n  - {name: notes_flag, class: attribute, reviewed: true, open: true}"
        let manifest = try Manifest.load(path: folder.write("m.yaml", text))
        let findings = ManifestLint.findings(manifest)
        #expect(findings.contains { $0.severity == .error && $0.column == "client_postcode_area" })
        #expect(!findings.contains { $0.severity == .error && $0.column == "notes_flag" })
        let sheet = ReviewSheet(manifest: manifest, sha256: "abc")
        #expect(sheet.hasErrors)
        #expect(sheet.markdown().contains("| case\\_id | identifier |"))
        #expect(sheet.json().contains("\"sha256\" : \"abc\""))
    }
}
