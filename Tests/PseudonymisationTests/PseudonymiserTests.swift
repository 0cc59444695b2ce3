import Foundation
import Testing
import Cryptography
import Governance
import PathlinkCore
import Provenance
import Tabular
@testable import Pseudonymisation

@Suite("pseudonymise on a synthetic extract")
struct PseudonymiserTests {
    static let tokenColumns: Set<String> = ["crimeref", "nominal", "MK1", "MK2", "MK3", "MK4", "MK6", "MK7", "CK1", "CK2"]

    /// No protected value of the input appears anywhere in `text` (case-sensitive, for
    /// forms that a lowercase hex token could not contain) or in any non-token cell of
    /// `table` (case-insensitive); token cells are 32 lowercase hex digits or empty.
    func expectNoLeak(of extract: SyntheticExtract, in outputPath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let table = try CSVTable(contentsOf: outputPath)
        let text = try String(contentsOfFile: outputPath, encoding: .utf8)
            + (try String(contentsOfFile: Receipt.path(for: outputPath), encoding: .utf8))
        let candidates = extract.protectedValues.filter { $0.count >= 3 }
        #expect(candidates.count > 100, sourceLocation: sourceLocation)
        for value in candidates where !value.allSatisfy({ "0123456789abcdef".contains($0) }) {
            #expect(!text.contains(value), "output contains a protected value", sourceLocation: sourceLocation)
        }
        for (index, name) in table.header.enumerated() {
            for row in table.rows {
                let cell = row[index]
                if Self.tokenColumns.contains(name) {
                    #expect(cell.isEmpty || (cell.count == 32 && cell.allSatisfy { "0123456789abcdef".contains($0) }),
                            "column \(name) holds something other than a token", sourceLocation: sourceLocation)
                } else {
                    for value in candidates {
                        #expect(!cell.lowercased().contains(value.lowercased()), "column \(name) leaks", sourceLocation: sourceLocation)
                    }
                }
            }
        }
    }

    @Test("the output holds tokens, match keys and attributes, and none of the raw names, dates, postcodes or references")
    func noLeak() throws {
        let extract = try SyntheticExtract()
        let output = extract.folder.path("police.crimes.tokens.csv")
        let summary = try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        #expect(summary.records == extract.rows.count)
        let table = try CSVTable(contentsOf: output)
        #expect(table.header == ["crimeref", "nominal", "month_reported", "outcome_code", "MK1", "MK2", "MK3", "MK4", "MK6", "MK7", "CK1", "CK2"])
        #expect(table.rows.count == extract.rows.count)
        try expectNoLeak(of: extract, in: output)
        // Attributes pass through unchanged.
        #expect(table.rows.map { $0[3] } == extract.rows.map { $0[8] })
        // Every reference layout normalises to the same form: a row's token equals the
        // token of "<number>/21".
        let tokeniser = try DomainTokeniser(key: try KeyFile.load(extract.keyPath, allowTestKey: true), project: "synthetic-test", domain: "crime-reference")
        for (row, input) in zip(table.rows, extract.rows) {
            let serial = Int(Whitespace.trim(input[0]).split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 || $0.count == 10 }
                .map { $0.count == 10 ? String($0.dropFirst(2).prefix(6)) : String($0) }!)!
            #expect(try row[0] == tokeniser.token("\(serial)/21"))
        }
        // Blank match keys where a part is missing; present otherwise.
        let mk1 = table.rows.map { $0[4] }
        #expect(mk1.contains(""))
        #expect(mk1.filter { !$0.isEmpty }.count > extract.rows.count / 3)
    }

    @Test("the receipt lists every output column with class and domain, the key fingerprint and counts")
    func receipt() throws {
        let extract = try SyntheticExtract()
        let output = extract.folder.path("out.csv")
        try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        let receipt = try Receipt.read(for: output)
        #expect(receipt.stage == "pseudonymise")
        #expect(receipt.dataset == "police.crimes")
        #expect(receipt.keyFingerprint == (try KeyFile.load(extract.keyPath, allowTestKey: true)).fingerprint)
        #expect(receipt.documents.map(\.kind) == ["manifest", "plan"])
        #expect(receipt.documents[0].sha256 == (try sha256(ofFile: extract.manifestPath)))
        #expect(receipt.inputs.first?.path == "police.crimes.extract.csv")
        #expect(receipt.inputs.first?.rows == extract.rows.count)
        #expect(receipt.outputs.first?.path == "out.csv")
        #expect(receipt.outputs.first?.sha256 == (try sha256(ofFile: output)))
        func column(_ name: String) -> Receipt.Column? { receipt.columns.first { $0.name == name } }
        let crimeref = try #require(column("crimeref"))
        #expect(crimeref.class == "identifier")
        #expect(crimeref.domain == "crime-reference")
        #expect(crimeref.identifies == "record")
        #expect(crimeref.action == "tokenised")
        #expect(column("MK1")?.class == "matchkey")
        #expect(column("MK1")?.domain == "person/MK1")
        #expect(column("MK6")?.domain == "person/MK6")
        #expect(column("CK1")?.class == "confirmkey")
        #expect(column("CK1")?.domain == "person/CK1")
        #expect(column("outcome_code")?.class == "attribute")
        #expect(column("outcome_code")?.domain == nil)
        let dob = try #require(column("victim_dob"))
        #expect(dob.class == "linkage")
        #expect(dob.action == "consumed")
        #expect(dob.invalid == extract.impossibleDates)
        #expect(extract.impossibleDates > 0)
        let expectedMissingDates = extract.rows.filter { $0[4].isEmpty || $0[4] == "1900-01-01" }.count
        #expect(dob.missing == expectedMissingDates)
        let blankCK1 = try CSVTable(contentsOf: output).rows.filter { $0[10].isEmpty }.count
        #expect(column("CK1")?.missing == blankCK1)
        // Output columns come first, in output order; linkage columns after.
        let nominal = try #require(column("nominal"))
        #expect(nominal.identifies == "person")
        #expect(nominal.domain == "police-nominal")
        #expect(nominal.missing == extract.rows.filter { $0[1] == "Unknown" }.count)
        #expect(receipt.columns.prefix(12).map(\.name) == ["crimeref", "nominal", "month_reported", "outcome_code", "MK1", "MK2", "MK3", "MK4", "MK6", "MK7", "CK1", "CK2"])
        #expect(receipt.warnings.isEmpty)
    }

    @Test("two runs give byte-identical outputs and receipts apart from timestamps")
    func determinism() throws {
        let extract = try SyntheticExtract()
        let output = extract.folder.path("out.csv")
        try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        let first = try Data(contentsOf: URL(fileURLWithPath: output))
        let firstReceipt = try String(contentsOfFile: Receipt.path(for: output), encoding: .utf8)
        try extract.pseudonymiser(force: true).run(input: extract.extractPath, output: output)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == first)
        func withoutTimes(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.contains("\"started\"") && !$0.contains("\"finished\"") }.joined(separator: "\n")
        }
        #expect(withoutTimes(try String(contentsOfFile: Receipt.path(for: output), encoding: .utf8)) == withoutTimes(firstReceipt))
    }

    @Test("an existing output is not replaced without force")
    func noOverwrite() throws {
        let extract = try SyntheticExtract(rows: 8)
        let output = extract.folder.write("out.csv", "keep me")
        #expect(throws: PathlinkError.self) { try extract.pseudonymiser().run(input: extract.extractPath, output: output) }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me")
    }

    @Test("a swapped manifest is refused: the extract's receipt names another manifest")
    func swappedManifest() throws {
        let extract = try SyntheticExtract(rows: 8)
        // Same columns, different document: the hash in the extract's receipt no longer matches.
        _ = extract.folder.write("police.crimes.yaml", SyntheticExtract.manifest + "\n# edited after extract\n")
        let output = extract.folder.path("out.csv")
        do {
            try extract.pseudonymiser().run(input: extract.extractPath, output: output)
            Issue.record("a swapped manifest was accepted")
        } catch let error as PathlinkError {
            #expect(error.code == .provenance)
            #expect(error.description.contains("different version of the manifest"))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: Receipt.path(for: output)))
    }

    @Test("an extract without its receipt, or changed after extract, is refused")
    func extractReceipt() throws {
        let extract = try SyntheticExtract(rows: 8)
        let output = extract.folder.path("out.csv")
        let receipt = Receipt.path(for: extract.extractPath)
        let saved = try Data(contentsOf: URL(fileURLWithPath: receipt))
        try FileManager.default.removeItem(atPath: receipt)
        #expect(throws: PathlinkError.self) { try extract.pseudonymiser().run(input: extract.extractPath, output: output) }
        FileManager.default.createFile(atPath: receipt, contents: saved)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: extract.extractPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("42/000001/21,nm1,Extra,Row,,,,2021-01,1\r\n".utf8))
        try handle.close()
        do {
            try extract.pseudonymiser().run(input: extract.extractPath, output: output)
            Issue.record("a changed extract was accepted")
        } catch let error as PathlinkError {
            #expect(error.code == .provenance)
            #expect(!error.description.contains("Extra"))
        }
    }

    @Test("a malformed extract row fails naming row and column, without its content, and leaves no output")
    func malformedRow() throws {
        let extract = try SyntheticExtract(rows: 20)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: extract.extractPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("42/000777/21,Secretname,\"Unclosed,01/01/1990\r\n".utf8))
        try handle.close()
        try extract.writeExtractReceipt()
        let output = extract.folder.path("out.csv")
        do {
            try extract.pseudonymiser().run(input: extract.extractPath, output: output)
            Issue.record("a malformed extract was accepted")
        } catch let error as PathlinkError {
            #expect(error.code == .malformedCSV)
            #expect(error.row == 22)
            #expect(!error.description.contains("Secretname") && !error.description.contains("000777"))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: Receipt.path(for: output)))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: extract.folder.root).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test("a dataset without a field gets a blank key column and a warning in the receipt")
    func missingField() throws {
        let manifest = SyntheticExtract.manifest.replacingOccurrences(
            of: "  - {name: victim_postcode, class: linkage, field: postcode}\n",
            with: "  - {name: victim_postcode, class: attribute, open: true, reviewed: true}\n")
        let extract = try SyntheticExtract(rows: 12, manifestText: manifest)
        let output = extract.folder.path("out.csv")
        let summary = try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        let table = try CSVTable(contentsOf: output)
        let mk1 = try #require(table.index(of: "MK1"))
        let mk2 = try #require(table.index(of: "MK2"))
        #expect(table.rows.allSatisfy { $0[mk1].isEmpty })
        #expect(table.rows.contains { !$0[mk2].isEmpty })
        let receipt = try Receipt.read(for: output)
        #expect(receipt.warnings.contains { $0.contains("MK1") && $0.contains("postcode") })
        #expect(receipt.warnings.contains { $0.contains("MK3") } && receipt.warnings.contains { $0.contains("MK4") })
        #expect(summary.warnings == receipt.warnings)
        #expect(receipt.columns.first { $0.name == "MK1" }?.missing == 12)
    }

    @Test("canonically equivalent spellings are each normalised from their own bytes, never remembered as one")
    func canonicalEquivalents() throws {
        var extract = try SyntheticExtract(rows: 4)
        let postcode = try #require(SyntheticExtract.header.firstIndex(of: "victim_postcode"))
        var composed = extract.rows[0]
        for (column, value) in [("victim_forename", "Jane"), ("victim_surname", "Smith"), ("victim_dob", "1990-05-17")] {
            composed[try #require(SyntheticExtract.header.firstIndex(of: column))] = value
        }
        var decomposed = composed
        composed[postcode] = "SW1\u{C1} 1AA"           // Á: not A–Z, dropped → SW11AA
        decomposed[postcode] = "SW1A\u{301} 1AA"       // A + combining accent → SW1A1AA
        #expect(composed[postcode] == decomposed[postcode])   // one value to Swift's String ==
        try extract.replaceRows([composed, decomposed, composed, decomposed])
        let output = extract.folder.path("out.csv")
        try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        let table = try CSVTable(contentsOf: output)
        let mk1 = try #require(table.index(of: "MK1"))
        #expect(!table.rows[0][mk1].isEmpty && !table.rows[1][mk1].isEmpty)
        #expect(table.rows[0][mk1] != table.rows[1][mk1])
        #expect(table.rows[0][mk1] == table.rows[2][mk1] && table.rows[1][mk1] == table.rows[3][mk1])
        // And each agrees with the independent recomputation.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/pathlink_tokens.py").path
        let (status, text) = try runPython([script, "check", try extract.pythonSpec(), extract.extractPath, output, "--every", "1"])
        #expect(status == 0 && text.contains(" 0 differences"), "\(text)")
    }

    @Test("an independent Python recomputation (stdlib hmac/hashlib) agrees bit for bit with pseudonymise")
    func pythonAgrees() throws {
        let extract = try SyntheticExtract()
        let output = extract.folder.path("out.csv")
        try extract.pseudonymiser().run(input: extract.extractPath, output: output)
        let spec = try extract.pythonSpec()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/pathlink_tokens.py").path
        let (status, text) = try runPython([script, "check", spec, extract.extractPath, output, "--every", "1"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("\(extract.rows.count * Self.tokenColumns.count) tokens compared, 0 differences"), "\(text)")
        // And on the published vectors.
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("governance/token-vectors.json").path
        let (vectorStatus, vectorText) = try runPython([script, "vectors", vectors])
        #expect(vectorStatus == 0, "\(vectorText)")
        #expect(vectorText.contains("0 differences"))
    }

    /// Run `python3` with `arguments`; returns the exit status and stdout + stderr.
    func runPython(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The SHA-256 of a file, as receipts record it.
func sha256(ofFile path: String) throws -> String { try SHA256.hex(ofFile: path) }
