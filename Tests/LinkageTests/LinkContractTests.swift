import Foundation
import Linkage
import PathlinkCore
import Provenance
import Testing

@Suite("pathlink link: refusals, determinism, no token leaves")
struct LinkContractTests {
    static func sampleWorld() -> LinkWorld {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane, crime: "42/1/23", date: "2023-01")
        world.add(LinkWorld.support, "s-amy", amy, date: "2022-11")
        world.add(LinkWorld.support, "s-mother", mother, crime: "5/5/23", extra: "Secondary")
        world.add(LinkWorld.police, "p-jane", jane, crime: "42/1/23", date: "2023-02")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "5/5/23")
        world.add(LinkWorld.police, "p-amy", amy)
        world.add(LinkWorld.cps, "c-jane", jane, crime: "42/1/23")
        world.add(LinkWorld.cps, "c-maya", victim2)
        return world
    }

    func expectRefused(_ world: LinkWorld, inputs: [(dataset: String, path: String)], code: PathlinkError.Code, mentioning: String) {
        do {
            try Linker.link(LinkOptions(planPath: world.planPath, inputs: inputs, outputPath: world.outputPath, secret: LinkWorld.fixedSecret, force: true))
            Issue.record("the link was not refused")
        } catch let error as PathlinkError {
            #expect(error.code == code)
            #expect(error.description.contains(mentioning), "\(error)")
            for token in world.tokens { #expect(!error.description.contains(token)) }
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(!FilePath.exists(world.outputPath))
    }

    func prepared() throws -> (LinkWorld, [(dataset: String, path: String)]) {
        let world = Self.sampleWorld()
        let inputs = try world.writeInputs()
        try FilePath.writeAtomically(LinkWorld.planText, to: world.planPath, force: true)
        return (world, inputs)
    }

    @Test("an input without a receipt is refused")
    func refusesWithoutReceipt() throws {
        let (world, inputs) = try prepared()
        unlink(Receipt.path(for: inputs[1].path))
        expectRefused(world, inputs: inputs, code: .provenance, mentioning: "no receipt")
    }

    @Test("an input whose receipt is not from pseudonymise is refused")
    func refusesWrongStage() throws {
        let (world, inputs) = try prepared()
        var receipt = try Receipt.read(for: inputs[0].path)
        receipt.stage = "extract"
        try receipt.write(beside: inputs[0].path, force: true)
        expectRefused(world, inputs: inputs, code: .provenance, mentioning: "not pseudonymise")
    }

    @Test("an input given under another dataset's name is refused")
    func refusesWrongDataset() throws {
        let (world, inputs) = try prepared()
        var swapped = inputs
        swapped[0].path = inputs[1].path
        swapped[1].path = inputs[0].path
        expectRefused(world, inputs: swapped, code: .provenance, mentioning: "holds dataset")
    }

    @Test("an input changed since its receipt is refused")
    func refusesChangedFile() throws {
        let (world, inputs) = try prepared()
        let handle = FileHandle(forWritingAtPath: inputs[2].path)!
        handle.seekToEndOfFile()
        handle.write(Data(",,,,,,2023-01,x,extra\r\n".utf8))
        handle.closeFile()
        expectRefused(world, inputs: inputs, code: .provenance, mentioning: "SHA-256 differs")
    }

    @Test("a missing dataset of the plan is refused")
    func refusesMissingDataset() throws {
        let (world, inputs) = try prepared()
        expectRefused(world, inputs: Array(inputs.prefix(2)), code: .usage, mentioning: "no --input gives it")
    }

    @Test("a token that is not 32 lowercase hex digits is refused by row and column, without its value")
    func refusesBadToken() throws {
        let (world, inputs) = try prepared()
        var text = try String(contentsOfFile: inputs[1].path, encoding: .utf8)
        let token = world.tokens.first { text.contains($0) }!
        text = text.replacingOccurrences(of: token, with: token.uppercased())
        try text.write(toFile: inputs[1].path, atomically: true, encoding: .utf8)
        var receipt = try Receipt.read(for: inputs[1].path)
        receipt.outputs = [try Receipt.entry(for: inputs[1].path, relativeTo: Receipt.path(for: inputs[1].path))]
        try receipt.write(beside: inputs[1].path, force: true)
        expectRefused(world, inputs: inputs, code: .invalidValue, mentioning: "row ")
    }

    @Test("a secret file readable by others is refused")
    func refusesOpenSecret() throws {
        let world = LinkWorld()
        let path = FilePath.join(world.folder, "secret.hex")
        try FilePath.writeAtomically(String(repeating: "ab", count: 32) + "\n", to: path, force: true, mode: 0o644)
        #expect(throws: PathlinkError.self) { try LinkerSecret.load(path) }
        chmod(path, 0o600)
        _ = try LinkerSecret.load(path, allowTestKey: true)
    }

    @Test("no token from any input appears in any output, receipt included")
    func noTokenLeaves() throws {
        let world = Self.sampleWorld()
        let linked = try world.link()
        var files = FilePath.contents(of: linked.folder).map { FilePath.join(linked.folder, $0) }
        files.append(Receipt.path(for: linked.folder))
        #expect(files.count == 8)
        let hex = try NSRegularExpression(pattern: "[0-9a-f]{32}")
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for token in world.tokens { #expect(!text.contains(token), "a token leaked into \(file)") }
            if !file.hasSuffix(".receipt.json") {
                #expect(hex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "a 32-hex string in \(file)")
            }
        }
    }

    @Test("same inputs and secret give a byte-identical folder, whatever the order of --input")
    func deterministic() throws {
        let world = Self.sampleWorld()
        let first = try world.link(output: FilePath.join(world.folder, "one"))
        let second = try world.link(output: FilePath.join(world.folder, "two"), reversed: true)
        let names = FilePath.contents(of: first.folder)
        #expect(names == FilePath.contents(of: second.folder))
        for name in names {
            let a = try FilePath.readAll(FilePath.join(first.folder, name)), b = try FilePath.readAll(FilePath.join(second.folder, name))
            #expect(a == b, "\(name) differs")
        }
        let other = try world.link(output: FilePath.join(world.folder, "three"), secret: LinkerSecret(bytes: Array(repeating: 9, count: 32)))
        // Another secret: other ids, the same persons.
        #expect(other.personOf.count == first.personOf.count)
        #expect((first.samePerson("s-jane", "c-jane")) && other.samePerson("s-jane", "c-jane"))
    }

    @Test("the receipt beside the folder lists the plan, every input and every output with hashes")
    func receipt() throws {
        let world = Self.sampleWorld()
        let linked = try world.link()
        let receipt = try Receipt.read(for: linked.folder)
        #expect(receipt.stage == "link")
        #expect(receipt.documents.map(\.kind) == ["plan"])
        #expect(receipt.inputs.map(\.dataset) == [LinkWorld.cps, LinkWorld.police, LinkWorld.support])
        #expect(receipt.inputs.map(\.rows) == [2, 3, 3])
        #expect(receipt.outputs.map(\.path) == FilePath.contents(of: linked.folder).map { "linked/\($0)" })
        #expect(receipt.outputs.first { $0.path == "linked/journeys.csv" }?.rows == 3)
        for entry in receipt.outputs {
            #expect(try Receipt.entry(for: FilePath.join(world.folder, entry.path), relativeTo: Receipt.path(for: linked.folder)).sha256 == entry.sha256)
        }
    }

    @Test("an existing output is not replaced without --force")
    func noOverwrite() throws {
        let world = Self.sampleWorld()
        try world.link()
        let inputs = try world.writeInputs()
        #expect(throws: PathlinkError.self) {
            try Linker.link(LinkOptions(planPath: world.planPath, inputs: inputs, outputPath: world.outputPath, secret: LinkWorld.fixedSecret, force: false))
        }
    }

    @Test("quality.json gives link rates by the categories of each attribute")
    func linkRates() throws {
        let world = Self.sampleWorld()
        let linked = try world.link()
        let tables = linked.quality["link_rates"] as! [[String: Any]]
        let role = try #require(tables.first { $0["dataset"] as? String == LinkWorld.support && $0["attribute"] as? String == "role" })
        let categories = role["categories"] as! [[String: Any]]
        let secondary = try #require(categories.first { $0["value"] as? String == "Secondary" })
        #expect(secondary["records"] as? Int == 1)
        #expect((secondary["linked"] as! [String: Int])[LinkWorld.police] == 1)   // attached by the crime reference
        let other = try #require(categories.first { $0["value"] as? String == "x" })
        #expect(other["records"] as? Int == 2)
        #expect((other["linked"] as! [String: Int])[LinkWorld.cps] == 1)
    }
}
