import Foundation
import Testing
import PathlinkCore

/// A data owner's stage 2 without Pathlink (issue 18 item 3; governance/receipts.md): the
/// owner fixture's token file and receipt were written by the independent Python
/// implementation, and the built `pathlink` must accept them exactly as it accepts its own.
@Suite("Owner fixture: an independently produced token file")
struct OwnerFixtureTests {
    static let script = repositoryRoot + "/Tests/PseudonymisationTests/python/pathlink_tokens.py"

    func run(_ arguments: [String], in folder: TestFolder) throws -> Invocation {
        let result = try pathlink(arguments, in: folder.path)
        #expect(result.status == 0, "pathlink \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        return result
    }

    func python(_ arguments: [String], in folder: TestFolder) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The other owner's stages with Pathlink: `ss.tokens.csv`.
    func supportServiceTokens(in folder: TestFolder) throws {
        try run(["extract", "--manifest", "support-service-cases.manifest.yaml", "--input", "support-service-cases.csv",
                 "--output", "ss.extract.csv"], in: folder)
        try run(["pseudonymise", "--manifest", "support-service-cases.manifest.yaml", "--plan", "linkage.yaml", "--key", "key",
                 "--input", "ss.extract.csv", "--output", "ss.tokens.csv"] + (try testKeyFlag("pseudonymise", in: folder)), in: folder)
    }

    @Test("pseudonymise with the test key writes a token file byte-identical to the independent one")
    func pathlinkAgreesWithIndependentTokens() throws {
        let folder = try ownerFixtureCopy()
        try run(["pseudonymise", "--manifest", "police-crimes.manifest.yaml", "--plan", "linkage.yaml", "--key", "key",
                 "--input", "police-crimes.extract.csv", "--output", "own.tokens.csv"] + (try testKeyFlag("pseudonymise", in: folder)), in: folder)
        let own = try FilePath.readAll(folder.file("own.tokens.csv"))
        let independent = try FilePath.readAll(folder.file("police-crimes.tokens.csv"))
        #expect(own.count > 1000)
        #expect(own == independent)
    }

    @Test("the committed token file and receipt are what the Python implementation writes today")
    func fixtureIsReproducible() throws {
        let folder = try ownerFixtureCopy()
        #expect(try python(["pseudonymise", "police-crimes.spec.json", "police-crimes.extract.csv", "again.tokens.csv",
                            "--started", "2026-12-01T09:00:00Z"], in: folder) == 0)
        #expect(try FilePath.readAll(folder.file("again.tokens.csv")) == FilePath.readAll(folder.file("police-crimes.tokens.csv")))
        // The receipts differ only in the file's own name.
        let again = try String(contentsOfFile: folder.file("again.tokens.csv.receipt.json"), encoding: .utf8)
        let committed = try String(contentsOfFile: folder.file("police-crimes.tokens.csv.receipt.json"), encoding: .utf8)
        #expect(again.replacingOccurrences(of: "again.tokens.csv", with: "police-crimes.tokens.csv") == committed)
    }

    @Test("link joins the independent police file with the support service's Pathlink file")
    func independentFileLinks() throws {
        let folder = try ownerFixtureCopy()
        try supportServiceTokens(in: folder)
        try run(["link", "--plan", "linkage.yaml", "--input", "support-service.cases=ss.tokens.csv",
                 "--input", "police.crimes=police-crimes.tokens.csv", "--output", "linked"], in: folder)

        let quality = try JSONSerialization.jsonObject(with: Data(FilePath.readAll(folder.file("linked/quality.json")))) as? [String: Any]
        let datasets = quality?["datasets"] as? [[String: Any]] ?? []
        let police = try #require(datasets.first { $0["dataset"] as? String == "police.crimes" })
        #expect(police["records"] as? Int == 7)
        #expect(police["linked_records"] as? Int == 7, "every police record of the fixture has a support-service record of the same person")
        let links = try String(contentsOfFile: folder.file("linked/links.csv"), encoding: .utf8)
        let rules = Set(links.split(whereSeparator: \.isNewline).dropFirst().compactMap { $0.split(separator: ",").last.map(String.init) })
        #expect(rules.contains("crime-reference"))
        #expect(rules.contains { $0.hasPrefix("MK") }, "some pair is joined by a match key made from the full-name column: \(rules.sorted())")
    }

    @Test("a receipt that calls a token column linkage is refused with exit status 4, naming the column")
    func editedReceiptRefused() throws {
        let folder = try ownerFixtureCopy()
        let path = folder.file("police-crimes.tokens.csv.receipt.json")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let before = "\"class\": \"matchkey\",\n      \"domain\": \"person/MK1\""
        #expect(text.contains(before))
        text = text.replacingOccurrences(of: before, with: "\"class\": \"linkage\",\n      \"domain\": \"person/MK1\"")
        try FilePath.writeAtomically(Array(text.utf8), to: path, force: true)
        try supportServiceTokens(in: folder)
        let result = try pathlink(["link", "--plan", "linkage.yaml", "--input", "support-service.cases=ss.tokens.csv",
                                   "--input", "police.crimes=police-crimes.tokens.csv", "--output", "linked"], in: folder.path)
        #expect(result.status == 4, "\(result.standardError)")
        #expect(result.standardError.contains("police-crimes.tokens.csv"))
        #expect(result.standardError.contains("\"MK1\"") && result.standardError.contains("must not leave the data owner"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("linked")))
    }
}
