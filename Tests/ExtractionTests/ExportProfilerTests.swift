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
