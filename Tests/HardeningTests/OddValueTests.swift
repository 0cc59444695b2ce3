import Foundation
import Testing
import PathlinkCore
import Tabular

/// Values that break normalisers are not errors: extract and pseudonymise succeed, the
/// tokens built from them are empty, and the receipt counts them as invalid or missing.
@Suite("Values that break the normalisers", .serialized)
struct OddValueTests {
    /// (name, date of birth, postcode) of each odd row, and what its keys must be.
    static let rows: [(name: String, dob: String, postcode: String)] = [
        ("\"SMITH, Jane\"", "2001-02-31", "AB1 2CD"),           // 31 February: invalid date
        ("\"SMITH, Jane\"", "1990-02-03", "ab1    2cd"),        // lower case, spaced postcode: valid
        ("\"!!!, ...\"", "1990-02-03", "AB1 2CD"),              // a name of punctuation only: missing
        ("\"😀😀, 🙂\"", "1990-02-03", "AB1 2CD"),                // emoji only: missing
        ("\"محمد, علي\"", "1990-02-03", "AB1 2CD"),             // right-to-left text
        ("\"Zoe\u{0301}, Ame\u{0301}lie\"", "1990-02-03", "AB1 2CD"),   // combining accents
        ("\"\u{202E}HTIMS, Jane\"", "1990-02-03", "AB1 2CD"),   // a right-to-left override
        ("\"SMITH, Jane\"", "1990-02-03", "NOT A POSTCODE 123"), // postcode of the wrong shape: invalid
        ("\"SMITH, Jane\"", "1900-01-01", "ZZ99 3VZ"),          // placeholders: missing
        ("\"\u{200B}\"", "1990-02-03", "AB1 2CD"),             // a zero-width space only
    ]

    @Test("31/02/2001, spaced lower-case postcodes, punctuation, emoji, RTL and combining marks give empty tokens and counts")
    func oddValues() throws {
        let world = try World.shared.ready()
        let folder = TestFolder()
        let csv = ([World.policeHeader] + Self.rows.enumerated().map { index, row in
            World.policeRow(index, name: row.name, dob: row.dob, postcode: row.postcode)
        }).joined(separator: "\n") + "\n"
        folder.write("police.csv", csv)
        let extract = try pathlink(["extract", "--manifest", world.policeManifest, "--input", "police.csv", "--output", "extract.csv"],
                                   in: folder.path)
        try #require(extract.status == 0, "\(extract.standardError)")
        let tokens = try pathlink(["pseudonymise", "--manifest", world.policeManifest, "--plan", world.plan, "--key", world.key,
                                   "--input", "extract.csv", "--output", "tokens.csv"], in: folder.path)
        try #require(tokens.status == 0, "\(tokens.standardError)")
        let table = try CSVTable(contentsOf: folder.file("tokens.csv"))
        let mk1 = try #require(table.index(of: "MK1"))
        let mk2 = try #require(table.index(of: "MK2"))
        #expect(table.rows.count == Self.rows.count)
        // MK1 = forename, surname, date of birth, postcode; MK2 = forename, surname, date of birth.
        #expect(table.rows[0][mk2].isEmpty, "an impossible date gives no key")
        #expect(!table.rows[1][mk1].isEmpty, "a lower-case spaced postcode is a postcode")
        #expect(table.rows[2][mk2].isEmpty, "a name of punctuation only gives no key")
        #expect(table.rows[3][mk2].isEmpty, "a name of emoji only gives no key")
        #expect(table.rows[7][mk1].isEmpty && !table.rows[7][mk2].isEmpty, "a bad postcode spoils only the keys that use it")
        #expect(table.rows[8][mk2].isEmpty, "placeholders give no key")
        #expect(table.rows[9][mk2].isEmpty, "a zero-width space is no name")
        for row in table.rows { for cell in row where !cell.isEmpty && cell.count == 32 { #expect(cell.allSatisfy { $0.isHexDigit }) } }
        // The receipt counts them, per column, without saying which rows.
        let receipt = try String(contentsOfFile: folder.file("tokens.csv.receipt.json"), encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(receipt.utf8)) as? [String: Any])
        let columns = try #require(json["columns"] as? [[String: Any]])
        func count(_ column: String, _ kind: String) -> Int {
            columns.first { $0["name"] as? String == column }?[kind] as? Int ?? -1
        }
        #expect(count("victim_dob", "invalid") == 1)
        #expect(count("victim_dob", "missing") == 1)
        #expect(count("victim_postcode", "invalid") == 1)
        #expect(count("victim_postcode", "missing") == 1)
        #expect(count("victim_name", "missing") + count("victim_name", "invalid") >= 4)
        #expect(!receipt.contains("محمد") && !receipt.lowercased().contains("smith"))
    }
}
