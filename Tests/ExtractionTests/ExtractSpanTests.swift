import Testing
import PathlinkTestSupport
import Foundation
import PathlinkCore
import Governance
import Provenance
@testable import Extraction

/// Kept columns that sit side by side in both the export and the extract are copied as one
/// span when none of their fields is quoted. The same records read from a semicolon-
/// separated export are never copied that way (the delimiters differ), so the two extracts
/// and their receipts' counts must be identical.
@Suite("extract: runs of kept columns copied as one span")
struct ExtractSpanTests {
    func manifest(delimiter: String) -> String {
        """
        manifest: 1
        dataset: police.crimes
        title: Span test
        owner: Example Police
        input: {delimiter: "\(delimiter)"}
        columns:
          - {name: crimeref, class: identifier, domain: crime-reference}
          - {name: victim_forename, class: linkage, field: forename}
          - {name: victim_surname, class: linkage, field: surname}
          - {name: victim_dob, class: linkage, field: date-of-birth, format: [DD/MM/YYYY, YYYY-MM-DD]}
          - {name: mo_notes, class: free-text}
          - {name: victim_postcode, class: linkage, field: postcode}
          - {name: outcome_code, class: attribute, values: ["1", "14"]}
        """
    }

    @Test("Spans give the bytes and counts that column-by-column writing gives")
    func sameAsColumnByColumn() throws {
        let forenames = ["Ann", "UNKNOWN", "", " N/A ", "Renée", "Jo, Jr", "Say \"Jo\"", "  Kim  "]
        let surnames = ["Smith", "O'Brien", "", "NOT KNOWN", "Ng", "Lee, Smith", "Bell"]
        let births = ["08/08/2004", "", "31/02/2001", "2001-02-03", "UNKNOWN", "01/01/1900", "29/02/2024"]
        var comma = "crimeref,victim_forename,victim_surname,victim_dob,mo_notes,victim_postcode,outcome_code\r\n"
        var semicolon = "crimeref;victim_forename;victim_surname;victim_dob;mo_notes;victim_postcode;outcome_code\r\n"
        func quoted(_ field: String, _ delimiter: Character) -> String {
            field.contains(delimiter) || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        for index in 0..<400 {
            let fields = ["42/\(index)/23", forenames[index % forenames.count], surnames[index % surnames.count],
                          births[index % births.count], "notes; with, both", index % 3 == 0 ? "" : "SW1A 1AA", index % 2 == 0 ? "1" : "14"]
            // Quote some fields that need no quoting, too (as Excel does).
            let forceQuote = index % 5 == 0
            comma += fields.enumerated().map { forceQuote && $0.offset == 2 ? "\"\($0.element)\"" : quoted($0.element, ",") }
                .joined(separator: ",") + "\r\n"
            semicolon += fields.map { quoted($0, ";") }.joined(separator: ";") + "\r\n"
        }
        let folder = TestFolder()
        var outputs: [[UInt8]] = []
        var columns: [[Receipt.Column]] = []
        for (delimiter, text) in [(",", comma), (";", semicolon)] {
            let manifest = try Manifest.load(path: folder.write("manifest-\(delimiter).yaml", manifest(delimiter: delimiter)))
            let header = ["crimeref", "victim_forename", "victim_surname", "victim_dob", "mo_notes", "victim_postcode", "outcome_code"]
            let layout = try HeaderCheck(manifest: manifest, header: header, file: "raw.csv").layout()
            let runs = layout.steps.filter { if case .run = $0 { return true } else { return false } }.count
            #expect(runs == (delimiter == "," ? 1 : 0), "delimiter \(delimiter)")
            let input = folder.write("raw-\(delimiter).csv", text)
            let output = folder.file("out-\(delimiter).csv")
            try Extractor(manifest: manifest).run(input: input, output: output)
            outputs.append(try FilePath.readAll(output))
            columns.append(try Receipt.read(for: output).columns)
        }
        #expect(outputs[0] == outputs[1])
        #expect(columns[0].map(\.missing) == columns[1].map(\.missing))
        #expect(columns[0].map(\.invalid) == columns[1].map(\.invalid))
        // The counts are the data's: forenames missing when empty or a placeholder, and so on.
        #expect(columns[0].first { $0.name == "victim_forename" }?.missing == 150)
        #expect(columns[0].first { $0.name == "victim_dob" }?.invalid == 57)
    }
}
