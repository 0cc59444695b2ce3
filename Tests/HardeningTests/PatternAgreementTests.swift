import Foundation
import Testing
import PathlinkCore

/// `check`, `extract` and `pseudonymise` give one verdict on a reference pattern: the
/// built binary runs all three on a copy of the police manifest whose crime-reference
/// pattern is replaced, for every pattern in the docs, schemas, examples and token
/// vectors and a set of hostile ones. A manifest a reviewer passes is one the data team
/// can use, and one refused is refused everywhere with the same message and YAML line.
@Suite("Reference patterns: one verdict in check, extract and pseudonymise", .serialized)
struct PatternAgreementTests {
    /// (pattern, template, whether the dialect accepts it).
    static let hostile: [(String, String, Bool)] = [
        (#"^(?P<serial>\d{2,6})$"#, "$1", false),
        (#"^((\d{2})$"#, "$1", false),
        (#"^(\d{2}))$"#, "$1", false),
        (#"^(\d)\2$"#, "$1", false),
        (#"^(\d)\k<x>$"#, "$1", false),
        (#"(\d+)+$"#, "$1", false),
        (#"^(?:A|AA)*B$"#, "$$", false),
        ("", "$$", false),
        (#"^(\d+)\D(\d+)$"#, "$7", false),
        (#"^(\d+)$"#, "$", false),
        (#"^(\d+)$"#, "$0", false),
        (#"(?<=A)\d+"#, "$$", false),
        (#"(?i)abc"#, "$$", false),
        (#"[z-a]"#, "$$", false),
        (#"\p{L}+"#, "$$", false),
        (#"^\d++$"#, "$$", false),
        (#"a{1001}"#, "$$", false),
        (#"^(\d+)$"#, "$$$1", true),
        (#"^(?<force>\d{2})/(\d+)/(\d{2})$"#, "$2 ($1)", true),
        (#"^(\d{2})\D*(?=\d)(\d+)\D(\d{2})$"#, "$1/$2/$3", true),
        (#"^(\d{2})(?!0)\D*(\d+)\D(\d{2})?$"#, "$1/$2/$3", true),
    ]

    /// Every `pattern: '…', template: '…'` in the repository's docs, schemas and examples,
    /// and every pattern case of the token vectors.
    static func documented() throws -> [(String, String)] {
        var found: [(String, String)] = []
        let expression = try NSRegularExpression(pattern: #"pattern: '((?:[^']|'')*)', template: '((?:[^']|'')*)'"#)
        var files = ["README.md"]
        for folder in ["docs", "schemas", "governance", "examples"] {
            let entries = FileManager.default.enumerator(atPath: repositoryRoot + "/" + folder)?.allObjects as? [String] ?? []
            files += entries.filter { $0.hasSuffix(".md") || $0.hasSuffix(".yaml") }.map { folder + "/" + $0 }
        }
        for file in files {
            guard let text = try? String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for match in expression.matches(in: text, range: range) {
                let pattern = String(text[Range(match.range(at: 1), in: text)!]).replacingOccurrences(of: "''", with: "'")
                let template = String(text[Range(match.range(at: 2), in: text)!]).replacingOccurrences(of: "''", with: "'")
                found.append((pattern, template))
            }
        }
        let vectors = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/governance/token-vectors.json")))
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let pattern = object["pattern"] as? String, let template = object["template"] as? String { found.append((pattern, template)) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(vectors)
        var seen = Set<String>()
        return found.filter { seen.insert($0.0 + "\u{1F}" + $0.1).inserted }
    }

    /// The police manifest with its crime-reference normaliser replaced.
    static func manifest(pattern: String, template: String) throws -> String {
        let shipped = try String(contentsOfFile: repositoryRoot + "/schemas/police/crimes.yaml", encoding: .utf8)
        var lines = shipped.components(separatedBy: "\n")
        guard let at = lines.firstIndex(where: { $0.contains("normalise: {pattern:") }) else { throw PathlinkError(.io, problem: "no pattern in the police manifest") }
        let quote = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        lines[at] = String(lines[at].prefix { $0 == " " }) + "normalise: {pattern: \(quote(pattern)), template: \(quote(template))}"
        return lines.joined(separator: "\n")
    }

    /// "accepted", or the refusal's message line (the same file and YAML line everywhere).
    static func verdict(_ result: Invocation) -> String {
        if result.status == 0 { return "accepted" }
        let lines = result.standardError.components(separatedBy: "\n")
        return lines.first { $0.contains("normalise") } ?? "refused without naming the normaliser: \(result.standardError)"
    }

    static func verdicts(pattern: String, template: String, world: World) throws -> (check: String, extract: String, pseudonymise: String) {
        let folder = TestFolder()
        folder.write("crimes.yaml", try manifest(pattern: pattern, template: template))
        folder.write("police.csv", ([World.policeHeader] + (0..<3).map { World.policeRow($0) }).joined(separator: "\n") + "\n")
        let check = try pathlink(["check", "crimes.yaml"], in: folder.path)
        let extract = try pathlink(["extract", "--manifest", "crimes.yaml", "--input", "police.csv", "--output", "extract.csv"], in: folder.path)
        // With the extract refused there is none made with this manifest: the shared run's
        // stands in (its receipt names the shipped manifest, checked after the manifest loads).
        let input = extract.status == 0 ? "extract.csv" : world.policeExtract
        let pseudonymise = try pathlink(["pseudonymise", "--manifest", "crimes.yaml", "--plan", world.plan, "--key", world.key,
                                         "--input", input, "--output", "tokens.csv"], in: folder.path)
        return (verdict(check), verdict(extract), verdict(pseudonymise))
    }

    @Test("every documented pattern is accepted by all three")
    func documentedPatterns() throws {
        let world = try World.shared.ready()
        let patterns = try Self.documented()
        #expect(patterns.count >= 3, "found only \(patterns.count) documented patterns")
        for (pattern, template) in patterns {
            let result = try Self.verdicts(pattern: pattern, template: template, world: world)
            #expect(result.check == "accepted" && result.extract == "accepted" && result.pseudonymise == "accepted",
                    "\(pattern) / \(template): \(result)")
        }
    }

    @Test("hostile patterns get one verdict, the expected one, from all three", arguments: 0..<hostile.count)
    func hostilePatterns(_ index: Int) throws {
        let world = try World.shared.ready()
        let (pattern, template, accepted) = Self.hostile[index]
        let result = try Self.verdicts(pattern: pattern, template: template, world: world)
        #expect(result.check == result.extract && result.extract == result.pseudonymise, "\(pattern) / \(template): \(result)")
        #expect((result.check == "accepted") == accepted, "\(pattern) / \(template): \(result.check)")
        if !accepted { #expect(result.check.contains("line 18"), "\(result.check)") }
    }
}
