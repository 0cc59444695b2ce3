import Foundation
import Testing
import PathlinkCore

/// Every bad input is refused by the real `pathlink` binary: a non-zero exit, an error
/// naming the file and the row/column or YAML line, no output and no hidden temporary
/// left behind, and no canary (nor any other cell value) in what it prints.
@Suite("Hostile and broken inputs", .serialized)
struct BadInputTests {
    static func expectRefused(_ input: BadInput, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = TestFolder()
        for (name, bytes) in input.files { folder.write(name, bytes) }
        if input.name.hasSuffix("readable by others") { chmod(folder.file("owner.key"), 0o644) }
        if input.name.hasPrefix("key file:") && !input.name.hasSuffix("readable by others") { chmod(folder.file("owner.key"), 0o600) }
        let result = try pathlink(input.arguments, in: folder.path)
        let printed = result.standardError + result.standardOutput
        #expect(result.status != 0 && !result.signalled, "\(input.name): exit \(result.status), \(printed)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains("pathlink: error: "), "\(input.name): \(printed)", sourceLocation: sourceLocation)
        for word in input.mentions {
            #expect(result.standardError.contains(word), "\(input.name): the error should mention \(word): \(result.standardError)",
                    sourceLocation: sourceLocation)
        }
        #expect(!containsCanary(printed), "\(input.name): a cell value is in the message: \(printed)", sourceLocation: sourceLocation)
        #expect(!FilePath.exists(folder.file(input.output)), "\(input.name): \(input.output) was left behind", sourceLocation: sourceLocation)
        let inputs = Set(input.files.map(\.0))
        let extra = folder.allFiles.filter { !inputs.contains($0) }
        #expect(extra.isEmpty, "\(input.name): left behind \(extra)", sourceLocation: sourceLocation)
    }

    @Test("CSV damage is refused by extract", arguments: Corpus.csvDamage)
    func csvDamage(_ input: BadInput) throws { try Self.expectRefused(input) }

    @Test("Manifest mistakes are refused on their YAML line", arguments: Corpus.manifests)
    func manifests(_ input: BadInput) throws { try Self.expectRefused(input) }

    @Test("Key files of every wrong kind are refused by pseudonymise")
    func keyFiles() throws {
        for input in Corpus.keyFiles(try World.shared.ready()) { try Self.expectRefused(input) }
    }

    @Test("Bad linkage plans and token files are refused by link")
    func plans() throws {
        for input in Corpus.plans(try World.shared.ready()) { try Self.expectRefused(input) }
    }

    @Test("Bad report specs and policies are refused by report")
    func reports() throws {
        for input in Corpus.reports(try World.shared.ready()) { try Self.expectRefused(input) }
    }

    @Test("Bad pipeline files and inputs are refused by run, leaving no output folder")
    func pipelines() throws {
        for input in Corpus.pipelines(try World.shared.ready()) { try Self.expectRefused(input) }
    }

    @Test("The corpus is as large as docs/hardening.md says")
    func corpusSize() throws {
        let world = try World.shared.ready()
        let count = Corpus.csvDamage.count + Corpus.manifests.count + Corpus.keyFiles(world).count + Corpus.plans(world).count
            + Corpus.reports(world).count + Corpus.pipelines(world).count
        print("hardening: \(count) bad-input cases")
        #expect(count == 82)
    }
}
