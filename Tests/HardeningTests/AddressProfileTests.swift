import Foundation
import Testing
import PathlinkCore

/// Issue 14: "`check --data` does not flag … street addresses". An open column holding a
/// street address stops extract, and `check --data` flags it, by one rule
/// (`ExportProfiler.looksLikeAddress`); no legitimate value of the synthetic exports is
/// taken for one.
@Suite("Street addresses in open columns are found", .serialized)
struct AddressProfileTests {
    @Test("A street address in an open column stops extract and is flagged by check --data, without printing it",
          arguments: ["12 Xqcanary Avenue", "Flat 3, 45 Xqcanary St", "1a Xqcanary Lane", "Apartment 7 Xqcanary House",
                      "63 Xqcanary Gardens, Billericay", "14-16 Xqcanary Road"])
    func addressStopsExtract(_ value: String) throws {
        let folder = TestFolder()
        let manifest = try OneRuleTests.manifest(folder) {
            $0.replacingOccurrences(of: "  - name: mo_notes\n    class: free-text",
                                    with: "  - name: mo_notes\n    class: attribute\n    open: true\n    reviewed: true")
        }
        OneRuleTests.export(folder, notes: value)
        let extract = try pathlink(["extract", "--manifest", manifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        OneRuleTests.expectRefused(extract, mentioning: ["police.csv", "row 2", "mo_notes", "street addresses"], folder: folder, inputs: 2)
        let check = try pathlink(["check", "crimes.yaml", "--data", "police.csv"], in: folder.path)
        #expect(check.status == 1 && check.standardOutput.contains("street addresses"), "\(value): \(check.standardOutput)")
        #expect(!containsCanary(check.standardOutput + check.standardError))
    }

    @Test("No value of a synthetic export's attribute or quasi columns is taken for an address; its address columns are")
    func noFalseAddresses() throws {
        let folder = TestFolder()
        let synth = try pathlink(["synth", "--persons", "300", "--seed", "14", "--output", "raw"], in: folder.path)
        try #require(synth.status == 0, "\(synth.standardError)")
        for (dataset, manifestPath, raw) in LeakTests.datasets {
            // Every closed list opened (so every attribute value is profiled as an open
            // column's), and the direct address column, if any, declared an open attribute.
            var text = try FilePath.readText(repositoryRoot + "/schemas/" + manifestPath)
            text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.trimmingCharacters(in: .whitespaces).hasPrefix("values:") ? "    open: true" : String(line)
            }.joined(separator: "\n")
            var addressColumns: [String] = []
            for name in ["victim_address", "address_line"] where text.contains("  - name: \(name)\n    class: direct") {
                text = text.replacingOccurrences(of: "  - name: \(name)\n    class: direct", with: "  - name: \(name)\n    class: attribute\n    open: true")
                addressColumns.append(name)
            }
            let manifest = folder.write(dataset + ".yaml", text)
            let check = try pathlink(["check", manifest, "--data", "raw/" + raw, "--format", "json"], in: folder.path)
            let document = try JSONSerialization.jsonObject(with: Data(check.standardOutput.utf8)) as? [String: Any]
            let findings = document?["findings"] as? [[String: Any]] ?? []
            try #require(document != nil, "\(dataset): \(check.standardError)")
            let flagged = findings.filter { ($0["message"] as? String ?? "").contains("street addresses") }.compactMap { $0["column"] as? String }
            #expect(flagged.sorted() == addressColumns.sorted(), "\(dataset): addresses found in \(flagged), expected \(addressColumns)")
        }
    }
}
