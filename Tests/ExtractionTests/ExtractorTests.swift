import Testing
import PathlinkTestSupport
import Foundation
import PathlinkCore
import Governance
import Provenance
import Tabular
@testable import Extraction

let policeManifest = """
manifest: 1
dataset: police.crimes
title: Sexual offences recorded by the police
owner: Example Police
rows:
  where: {consent_to_share: ["Yes"]}
  age-at-least: {years: 18, from: victim_dob, at: date_reported}
columns:
  - name: crimeref
    class: identifier
    domain: crime-reference
  - {name: victim_forename, class: linkage, field: forename}
  - {name: victim_dob, class: linkage, field: date-of-birth, format: [DD/MM/YYYY, YYYY-MM-DD]}
  - {name: victim_postcode, class: quasi, type: postcode, generalise: postcode-district, reviewed: true}
  - {name: oic_name, class: direct}
  - {name: mo_notes, class: free-text}
  - {name: consent_to_share, class: attribute, values: ["Yes", "No"]}
  - {name: date_reported, class: quasi, type: date, format: DD/MM/YYYY, generalise: month}
  - {name: outcome_code, class: attribute, values: ["1", "14", "15", "16", "18"]}
derive:
  - {name: age_band, rule: age-band, from: victim_dob, at: date_reported}
"""

let policeHeader = "crimeref,victim_forename,victim_dob,victim_postcode,oic_name,mo_notes,consent_to_share,date_reported,outcome_code"

/// Protected values planted in the test exports: none may appear in any error or output.
let canaries = ["CANARYREF", "Canaryjane", "CANARYOFFICER", "CANARYNOTES"]

struct Fixture {
    let folder = TestFolder()
    let manifest: Manifest

    init(manifest text: String = policeManifest) throws {
        let path = folder.write("manifest.yaml", text)
        manifest = try Manifest.load(path: path)
    }

    func extract(_ csv: String, force: Bool = false) throws -> CSVTable {
        let input = folder.write("raw.csv", csv)
        try Extractor(manifest: manifest, force: force).run(input: input, output: folder.file("out.csv"))
        return try CSVTable(contentsOf: folder.file("out.csv"))
    }

    /// The extract must be refused with `code` at `row`/`column`, leave no output, and
    /// the error must contain none of the canaries.
    func expectRefused(_ csv: String, code: PathlinkError.Code, row: Int?, column: String? = nil, because words: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try extract(csv)
            Issue.record("expected refusal: \(words)", sourceLocation: sourceLocation)
        } catch let error as PathlinkError {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.row == row, sourceLocation: sourceLocation)
            if let column { #expect(error.column == column, sourceLocation: sourceLocation) }
            #expect(error.description.contains(words), "\(error.description)", sourceLocation: sourceLocation)
            expectNoLeak(in: error.description, sourceLocation: sourceLocation)
            #expect(!FilePath.exists(folder.file("out.csv")), sourceLocation: sourceLocation)
            #expect(!FilePath.exists(folder.file("out.csv.receipt.json")), sourceLocation: sourceLocation)
            #expect(folder.contents.allSatisfy { !$0.contains("partial") }, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }
}

func expectNoLeak(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for canary in canaries {
        #expect(!text.localizedCaseInsensitiveContains(canary), "leaked \(canary)", sourceLocation: sourceLocation)
    }
}

@Suite("Extract")
struct ExtractorTests {
    let good = """
    \(policeHeader)\r
    CANARYREF1,Canaryjane,01/02/1990,ss1 1aa,CANARYOFFICER,"CANARYNOTES, with ""quotes""\r
    and a line",Yes,03/04/2021,14\r
    R2,Ann,1985-12-31,UNKNOWN,PC X,,Yes,15/06/2020,\r
    R3,Bea,01/02/2010,CM13 2AB,PC Y,,Yes,03/04/2021,1\r
    R4,Cat,01/02/1970,CM13 2AB,PC Z,,No,03/04/2021,1\r
    R5,Dee,,E1 6AN,PC Z,,Yes,03/04/2021,16\r
    R6,Eve,31/02/1980,not a postcode,PC Z,,Yes,03/04/2021,18\r

    """

    @Test("Direct and free-text columns are dropped, quasi generalised, others kept, derived added")
    func projection() throws {
        let fixture = try Fixture()
        let table = try fixture.extract(good)
        #expect(table.header == ["crimeref", "victim_forename", "victim_dob", "victim_postcode", "consent_to_share", "date_reported", "outcome_code", "age_band"])
        #expect(table.rows == [
            ["CANARYREF1", "Canaryjane", "01/02/1990", "SS1", "Yes", "2021-04", "14", "25-34"],
            ["R2", "Ann", "1985-12-31", "", "Yes", "2020-06", "", "25-34"],
        ])
        let text = String(decoding: try FilePath.readAll(fixture.folder.file("out.csv")), as: UTF8.self)
        #expect(!text.contains("CANARYOFFICER") && !text.contains("CANARYNOTES"))
    }

    @Test("Row conditions exclude records and the receipt counts them per condition, never which")
    func rowConditions() throws {
        let fixture = try Fixture()
        _ = try fixture.extract(good)
        let receipt = try Receipt.read(for: fixture.folder.file("out.csv"))
        #expect(receipt.stage == "extract")
        #expect(receipt.dataset == "police.crimes")
        #expect(receipt.inputs.first?.rows == 6)
        #expect(receipt.outputs.first?.rows == 2)
        #expect(receipt.excluded.map(\.count) == [1, 3])  // not consenting; under 18, unknown or impossible age
        #expect(receipt.columns.first { $0.name == "victim_postcode" }?.missing == 1)
        #expect(receipt.columns.first { $0.name == "oic_name" }?.action == "dropped")
        #expect(receipt.documents.first?.kind == "manifest")
        let receiptText = String(decoding: try receipt.encoded(), as: UTF8.self)
        expectNoLeak(in: receiptText)
        #expect(!receiptText.contains("Ann") && !receiptText.contains("Dee"))
    }

    @Test("Undeclared columns fail closed and nothing is written")
    func undeclared() throws {
        let fixture = try Fixture()
        fixture.expectRefused("\(policeHeader),victim_phone\nCANARYREF,Canaryjane,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,1,0700\n",
                              code: .header, row: 1, because: "does not declare: \"victim_phone\"")
    }

    @Test("A missing column, or one differing only in case or spaces, fails closed with a hint")
    func missingOrNearMiss() throws {
        let fixture = try Fixture()
        let renamed = policeHeader.replacingOccurrences(of: "outcome_code", with: "Outcome_Code ")
        fixture.expectRefused("\(renamed)\nCANARYREF,Canaryjane,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,1\n",
                              code: .header, row: 1, because: "names must match exactly")
        let dropped = policeHeader.replacingOccurrences(of: ",outcome_code", with: "")
        fixture.expectRefused("\(dropped)\nCANARYREF,Canaryjane,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021\n",
                              code: .header, row: 1, because: "lacks the declared column: \"outcome_code\"")
    }

    @Test("undeclared-columns: drop drops them unread and says so in the receipt")
    func dropUndeclared() throws {
        let fixture = try Fixture(manifest: policeManifest.replacingOccurrences(of: "rows:", with: "input: {undeclared-columns: drop}\nrows:"))
        let table = try fixture.extract("\(policeHeader),victim_phone\nR1,Jo,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,1,CANARYREF\n")
        #expect(!table.header.contains("victim_phone"))
        let receipt = try Receipt.read(for: fixture.folder.file("out.csv"))
        #expect(receipt.columns.last?.class == "undeclared")
        #expect(receipt.warnings.count == 1)
    }

    @Test("A value outside a closed list is an error naming row and column, not the value")
    func valueList() throws {
        let fixture = try Fixture()
        fixture.expectRefused("\(policeHeader)\nR1,Jo,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,CANARYREF\n",
                              code: .invalidValue, row: 2, column: "outcome_code", because: "not one of the 5 values")
    }

    @Test("A date that fits no declared format is an error; an impossible date is counted invalid")
    func dateFormats() throws {
        let fixture = try Fixture()
        fixture.expectRefused("\(policeHeader)\nR1,Jo,01/02/1990,SS1 1AA,x,y,Yes,2021/04/03,1\n",
                              code: .invalidValue, row: 2, column: "date_reported", because: "fits none of the declared date formats")
        fixture.expectRefused("\(policeHeader)\nR1,Jo,1.2.1990,SS1 1AA,x,y,Yes,03/04/2021,1\n",
                              code: .invalidValue, row: 2, column: "victim_dob", because: "fits none")
        // Placeholders are missing, not errors.
        let table = try fixture.extract("\(policeHeader)\nR1,Jo,01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,1\nR2,Al,01/02/1990,N/A,x,y,Yes,n/a,1\n", force: true)
        #expect(table.rows.count == 1)  // R2's reference date is missing: its age is unknown, so it is excluded
    }

    @Test("An export with a header and no records is refused")
    func headerOnly() throws {
        let fixture = try Fixture()
        fixture.expectRefused("\(policeHeader)\n", code: .malformedCSV, row: 2, because: "no records")
    }

    @Test("Damaged CSV is refused with the row, and nothing is written")
    func damage() throws {
        let fixture = try Fixture()
        fixture.expectRefused("\(policeHeader)\nR1,Jo,01/02/1990,SS1 1AA,x,\"CANARYNOTES,Yes,03/04/2021,1\n",
                              code: .malformedCSV, row: 2, because: "unbalanced quote")
    }

    @Test("An existing extract is kept unless --force")
    func existing() throws {
        let fixture = try Fixture()
        _ = try fixture.extract(good)
        #expect(throws: PathlinkError.self) { _ = try fixture.extract(good) }
        _ = try fixture.extract(good, force: true)
    }

    @Test("Windows-1252 exports are read as declared")
    func windows1252() throws {
        let fixture = try Fixture(manifest: policeManifest.replacingOccurrences(of: "rows:", with: "input: {encoding: windows-1252}\nrows:"))
        var bytes = Array("\(policeHeader)\r\nR1,Zo".utf8)
        bytes.append(0xEB)
        bytes += Array(",01/02/1990,SS1 1AA,x,y,Yes,03/04/2021,1\r\n".utf8)
        let input = fixture.folder.write("raw.csv", bytes)
        try Extractor(manifest: fixture.manifest).run(input: input, output: fixture.folder.file("out.csv"))
        #expect(try CSVTable(contentsOf: fixture.folder.file("out.csv")).rows[0][1] == "Zoë")
    }

    @Test("Same input gives byte-identical extracts")
    func determinism() throws {
        let fixture = try Fixture()
        _ = try fixture.extract(good)
        let first = try FilePath.readAll(fixture.folder.file("out.csv"))
        _ = try fixture.extract(good, force: true)
        #expect(try FilePath.readAll(fixture.folder.file("out.csv")) == first)
    }
}

@Suite("Generalisation rules")
struct GeneralisationTests {
    @Test("Postcode districts and the UK postcode shape")
    func postcodes() {
        func district(_ text: String) -> String? {
            var copy = text
            return copy.withUTF8 { Postcode.district(of: $0) }
        }
        #expect(district("ss1 1aa") == "SS1")
        #expect(district("CM13 2AB") == "CM13")
        #expect(district("EC1A 1BB") == "EC1A")
        #expect(district("ZZ99 3VZ") == nil)
        #expect(district("GIR 0AA") == nil)
        #expect(district("12345") == nil)
    }

    @Test("Month, quarter and year of a date")
    func dates() {
        var buffer = [UInt8](repeating: 0, count: 16)
        let date = CalendarDate(year: 2021, month: 8, day: 3)
        var count = DateText.write(date, .month, into: &buffer)
        #expect(String(decoding: buffer[0..<count], as: UTF8.self) == "2021-08")
        count = DateText.write(date, .quarter, into: &buffer)
        #expect(String(decoding: buffer[0..<count], as: UTF8.self) == "2021-Q3")
        count = DateText.write(date, .year, into: &buffer)
        #expect(String(decoding: buffer[0..<count], as: UTF8.self) == "2021")
    }
}
