import Foundation
import Testing
import Cryptography
@testable import Pseudonymisation

/// The published token vectors, one test per case.
///
/// `Fixtures/shared-token-vectors.json` is the file computed by an independent
/// implementation of governance/token-specification.md (its cases unchanged; its `about`
/// line names the specification by its path in this repository); `governance/token-vectors.json` is
/// Pathlink's published file, which must contain every shared case unchanged.
@Suite("Token derivation v1 vectors")
struct TokenVectorTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/shared-token-vectors.json").path
    static let publishedPath = repository.appendingPathComponent("governance/token-vectors.json").path

    static func load(_ path: String) -> TokenVectorFile {
        let data = FileManager.default.contents(atPath: path)!
        return try! TokenVectorFile(json: data)
    }

    static let shared = load(sharedPath)
    static let published = load(publishedPath)

    @Test("the shared file holds 66 vectors with the documented key and fingerprint")
    func sharedFile() throws {
        #expect(Self.shared.cases.count == 66)
        let key = try MasterKey(bytes: Hex.decode(Array(Self.shared.keyHex.utf8))!)
        #expect(key.fingerprint == Self.shared.fingerprint)
    }

    @Test("shared vector", arguments: shared.cases)
    func sharedVector(_ vector: TokenVector) throws {
        try expectReproduced(vector, file: Self.shared)
    }

    @Test("published vector", arguments: published.cases)
    func publishedVector(_ vector: TokenVector) throws {
        try expectReproduced(vector, file: Self.published)
    }

    @Test("the published vectors include every shared vector unchanged")
    func publishedIncludesShared() {
        #expect(Self.published.keyHex == Self.shared.keyHex)
        #expect(Self.published.project == Self.shared.project)
        for vector in Self.shared.cases {
            #expect(Self.published.cases.contains(vector), "missing from governance/token-vectors.json: \(vector)")
        }
        #expect(Self.published.cases.count > Self.shared.cases.count)
    }

    func expectReproduced(_ vector: TokenVector, file: TokenVectorFile) throws {
        let key = try MasterKey(bytes: Hex.decode(Array(file.keyHex.utf8))!)
        let outcome = try vector.compute(key: key, project: file.project)
        #expect(outcome.normalised == vector.normalised)
        if let expected = vector.token { #expect(outcome.token == expected) }
        if let expected = vector.domainKeyHex, let domain = vector.domain {
            #expect(Hex.encode(try key.domainKeyBytes(project: file.project, domain: domain)) == expected)
        }
    }
}
