import Testing
import Foundation
import Cryptography
import PathlinkCore
import Governance
import Provenance
import Tabular
@testable import Extraction

/// The fast paths of extract (dates parsed once per record, hashes on a second thread,
/// ASCII fields skipped by the UTF-8 check) against a plain re-computation, on an export of
/// several MiB (several read and write blocks) with accented names, quoted free text and
/// line breaks.
@Suite("extract on a multi-MiB export")
struct ExtractLargeTests {
    struct Row { var crimeref, forename, dob, postcode, notes, consent, reported, outcome: String }

    static func rows(count: Int) -> [Row] {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let names = ["Jane", "Zoë", "Łucja", "O'Neill", "Amira", "Chloé"]
        let words = ["the", "victim", "said", "\"open the door\"", "neighbours,", "called", "23:40", "Zoë's"]
        return (0..<count).map { index in
            var notes = (0..<(5 + next(40))).map { _ in words[next(words.count)] }.joined(separator: " ")
            if next(5) == 0 { notes += "\nFurther: seen later" }
            return Row(crimeref: "42/\(index)/23", forename: names[next(names.count)],
                       dob: next(50) == 0 ? "" : String(format: "%02d/%02d/%04d", 1 + next(28), 1 + next(12), 1950 + next(60)),
                       postcode: next(10) == 0 ? "ZZ99 3VZ" : "MK\(1 + next(40)) \(next(9))AB", notes: notes,
                       consent: next(10) == 0 ? "No" : "Yes",
                       reported: String(format: "%02d/%02d/%04d", 1 + next(28), 1 + next(12), 2015 + next(10)),
                       outcome: ["1", "14", "15", "16", "18"][next(5)])
        }
    }

    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// What extract must write for `rows` under `policeManifest`, computed plainly.
    static func expected(_ rows: [Row]) -> String {
        func date(_ text: String) -> CalendarDate? {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            let date = CalendarDate(year: parts[2], month: parts[1], day: parts[0])
            return date.isValid ? date : nil
        }
        var lines = ["crimeref,victim_forename,victim_dob,victim_postcode,consent_to_share,date_reported,outcome_code,age_band"]
        for row in rows where row.consent == "Yes" {
            guard let birth = date(row.dob), let reported = date(row.reported), birth.age(at: reported) >= 18 else { continue }
            let district = row.postcode.hasPrefix("ZZ99") ? "" : String(row.postcode.split(separator: " ")[0])
            let month = String(format: "%04d-%02d", reported.year, reported.month)
            lines.append([row.crimeref, row.forename, row.dob, district, row.consent, month, row.outcome,
                          AgeBand.label(forAge: birth.age(at: reported)) ?? ""].map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func export(_ rows: [Row]) -> String {
        var text = policeHeader + "\r\n"
        for row in rows {
            text += [row.crimeref, row.forename, row.dob, row.postcode, "PC Smith", row.notes, row.consent, row.reported, row.outcome]
                .map(quoted).joined(separator: ",") + "\r\n"
        }
        return text
    }

    @Test("the extract equals a plain re-computation and the receipt's hashes are the files' SHA-256")
    func matchesPlainComputation() throws {
        let rows = Self.rows(count: 40_000)
        let fixture = try Fixture()
        let input = fixture.folder.write("raw.csv", Self.export(rows))
        let output = fixture.folder.file("out.csv")
        #expect((try FilePath.readAll(input)).count > 3 << 20, "the export spans several read blocks")
        let summary = try Extractor(manifest: fixture.manifest).run(input: input, output: output)
        #expect(summary.recordsRead == rows.count)
        let written = try FilePath.readAll(output)
        #expect(String(decoding: written, as: UTF8.self) == Self.expected(rows))
        let receipt = try Receipt.read(for: output)
        #expect(receipt.inputs.first?.sha256 == (try SHA256.hex(ofFile: input)))
        #expect(receipt.outputs.first?.sha256 == (try SHA256.hex(ofFile: output)))
    }

    @Test("invalid UTF-8 in free text is found in a record whose other fields are accented")
    func invalidUTF8BesideAccents() throws {
        var bytes = Array((policeHeader + "\r\n42/1/23,Zoë,01/02/1990,MK1 1AB,PC X,\"notes ").utf8)
        bytes += [0xC3, 0x28]   // an invalid two-byte sequence
        bytes += Array(" more\",Yes,01/02/2020,1\r\n".utf8)
        let fixture = try Fixture()
        let input = fixture.folder.write("raw.csv", bytes)
        #expect(throws: PathlinkError.self) { try Extractor(manifest: fixture.manifest).run(input: input, output: fixture.folder.file("out.csv")) }
        do {
            try Extractor(manifest: fixture.manifest).run(input: input, output: fixture.folder.file("out.csv"))
        } catch let error as PathlinkError {
            #expect(error.code == .malformedCSV && error.row == 2 && error.column == "mo_notes", "\(error)")
        }
    }
}
