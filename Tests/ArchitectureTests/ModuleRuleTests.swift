import Foundation
import Testing

/// The module rules of ARCHITECTURE.md, checked on the import lines of every Swift file
/// under `Sources`.
///
/// `scripts/test` also builds with `--explicit-target-dependency-import-check error`, but
/// SwiftPM's check only refuses an import of a module outside a target's *transitive*
/// dependencies: Linkage reaches COpenSSL through Cryptography, and Reporting reaches
/// Cryptography through Provenance, so that check alone would let either import them.
/// This test states the privacy rules themselves. It depends on no project module, so
/// it needs none of the modules it forbids.
@Suite("Module rules (ARCHITECTURE.md)")
struct ModuleRuleTests {
    @Test("every module a rule names is a folder of Sources with Swift files in it")
    func rulesNameRealModules() throws {
        let sources = try SourceTree.locate()
        for rule in ModuleRule.all {
            for module in rule.modules + rule.forbidden.sorted() where module != "COpenSSL" && module != "CCoinOR" {
                #expect(!sources.swiftFiles(of: module).isEmpty,
                        "\(rule.name): Sources/\(module) has no Swift files; update the rule in ModuleRuleTests.swift and ARCHITECTURE.md")
            }
        }
        #expect(FileManager.default.fileExists(atPath: sources.root + "/Sources/COpenSSL/module.modulemap"))
    }

    @Test("no module imports what its rule forbids", arguments: ModuleRule.all)
    func rule(_ rule: ModuleRule) throws {
        let sources = try SourceTree.locate()
        var checked = 0
        for module in rule.modules {
            for file in sources.swiftFiles(of: module) {
                checked += 1
                for found in try ImportReader.imports(inFile: file) where rule.forbidden.contains(found.module) {
                    Issue.record("""
                        \(sources.relative(file)):\(found.line) imports \(found.module), against the rule \
                        "\(rule.name)": \(rule.why) Remove the import (see ARCHITECTURE.md).
                        """)
                }
            }
        }
        #expect(checked > 0, "\(rule.name): no Swift file found to check")
    }

    /// Extraction imports Cryptography for SHA-256 only (receipts and input hashes): the
    /// stage holds no key, so it never names a keyed or secret-making type.
    @Test("Extraction uses only unkeyed hashing from Cryptography")
    func extractionHoldsNoKey() throws {
        let sources = try SourceTree.locate()
        let keyed = ["HMACKey", "SecureRandom", "MasterKey", "KeyFile"]
        for file in sources.swiftFiles(of: "Extraction") {
            let code = ImportReader.withoutComments(try String(contentsOfFile: file, encoding: .utf8))
            for (index, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for name in keyed where line.contains(name) {
                    Issue.record("\(sources.relative(file)):\(index + 1) names \(name): extraction needs no key (ARCHITECTURE.md).")
                }
            }
        }
    }

    @Test("the import reader sees every spelling of an import, and nothing else")
    func importReader() {
        let text = """
            import Foundation
              @preconcurrency import COpenSSL
            @testable import Pseudonymisation
            @_implementationOnly import Cryptography // the shim
            package import Linkage
            import struct Governance.Manifest
            import Glibc; import Tabular
            // import Extraction
            /* import Synthesis
               import Pipeline */
            let text = "import Reporting"
            func importer() {}
            """
        let found = ImportReader.imports(in: text)
        #expect(found.map(\.module) == ["Foundation", "COpenSSL", "Pseudonymisation", "Cryptography", "Linkage",
                                        "Governance", "Glibc", "Tabular"])
        #expect(found.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 7])
    }
}

/// One rule of the module graph: which modules may not import which, and why.
struct ModuleRule: Sendable, CustomTestStringConvertible {
    var name: String
    var modules: [String]
    var forbidden: Set<String>
    var why: String

    var testDescription: String { name }

    /// Every project module (a folder of Sources), the C shims included.
    static let projectModules: Set<String> = [
        "CCoinOR", "COpenSSL", "Cryptography", "Disclosure", "Extraction", "Governance", "Linkage", "PathlinkCore",
        "Pipeline", "Provenance", "Pseudonymisation", "Reporting", "Synthesis", "Tabular", "pathlink",
    ]

    /// The "must never import" column of ARCHITECTURE.md, one rule per reason.
    static let all: [ModuleRule] = [
        ModuleRule(
            name: "linking unit and researchers hold no owner key",
            modules: ["Linkage", "Disclosure", "Reporting"], forbidden: ["Pseudonymisation", "COpenSSL"],
            why: "the linking unit and the researchers never hold the owners' key, so their code cannot reach the code that turns a value into an owner's token, nor OpenSSL directly."),
        ModuleRule(
            name: "researcher side holds no secret",
            modules: ["Disclosure", "Reporting"], forbidden: ["Cryptography", "Linkage", "Extraction"],
            why: "the researcher side holds no secret of any kind and never sees a token; receipts are hashed through Provenance."),
        ModuleRule(
            name: "extraction needs no key",
            modules: ["Extraction"], forbidden: ["Pseudonymisation", "Linkage", "COpenSSL"],
            why: "stage 1 runs without the key; it uses only unkeyed SHA-256 (Cryptography), for receipts."),
        ModuleRule(
            name: "only pseudonymisation reads the owners' key",
            modules: projectModules.subtracting(["Pseudonymisation", "Pipeline", "pathlink", "COpenSSL", "CCoinOR"]).sorted(),
            forbidden: ["Pseudonymisation"],
            why: "the master key file is read only by Pseudonymisation, which only the two composition layers (Pipeline, pathlink) run."),
        ModuleRule(
            name: "the owners' stage knows nothing downstream",
            modules: ["Pseudonymisation"], forbidden: ["Linkage", "Disclosure", "Reporting", "Pipeline", "pathlink"],
            why: "the code that holds the key depends on no later stage."),
        ModuleRule(
            name: "Cryptography is the one module that calls OpenSSL",
            modules: projectModules.subtracting(["Cryptography", "COpenSSL", "CCoinOR"]).sorted(), forbidden: ["COpenSSL"],
            why: "one owner type per OpenSSL object lives in Cryptography, which checks every return code."),
        ModuleRule(
            name: "Disclosure is the one module that calls COIN-OR (CLP, CBC)",
            modules: projectModules.subtracting(["Disclosure", "COpenSSL", "CCoinOR"]).sorted(), forbidden: ["CCoinOR"],
            why: "the LP audit is part of disclosure control."),
        ModuleRule(
            name: "the core depends on nothing",
            modules: ["PathlinkCore"], forbidden: projectModules.subtracting(["PathlinkCore"]),
            why: "every module uses PathlinkCore, so it can use none of them."),
        ModuleRule(
            name: "tabular I/O knows nothing of policy",
            modules: ["Tabular"], forbidden: projectModules.subtracting(["Tabular", "PathlinkCore"]),
            why: "the CSV reader and writer know nothing of manifests, plans, keys or receipts."),
        ModuleRule(
            name: "governing documents are read without secrets or stages",
            modules: ["Governance"], forbidden: projectModules.subtracting(["Governance", "PathlinkCore"]),
            why: "manifests and plans are read the same way by every stage and by check."),
        ModuleRule(
            name: "hashing and receipts know no stage",
            modules: ["Cryptography", "Provenance"],
            forbidden: projectModules.subtracting(["Cryptography", "Provenance", "PathlinkCore", "COpenSSL"]),
            why: "every stage uses them, so they can use no stage."),
    ]
}


/// The repository's Sources folder, found from this file's own path.
struct SourceTree {
    var root: String

    static func locate(from file: String = #filePath) throws -> SourceTree {
        // Tests/ArchitectureTests/ModuleRuleTests.swift -> the repository root.
        var url = URL(fileURLWithPath: file)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let root = url.path
        guard FileManager.default.fileExists(atPath: root + "/Package.swift"),
              FileManager.default.fileExists(atPath: root + "/Sources") else {
            throw LocateError(message: "no Package.swift and Sources folder at \(root), three levels above \(file); the test file has moved: update SourceTree.locate")
        }
        return SourceTree(root: root)
    }

    struct LocateError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// Every `.swift` file under `Sources/<module>`, sorted; empty if there is none.
    func swiftFiles(of module: String) -> [String] {
        let folder = root + "/Sources/" + module
        guard let names = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] else { return [] }
        return names.filter { $0.hasSuffix(".swift") }.sorted().map { folder + "/" + $0 }
    }

    func relative(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}

/// Reads the `import` declarations of Swift source text: attributes (`@testable`,
/// `@preconcurrency`, …), an access level (`package import`), and a kind
/// (`import struct M.T`) are allowed; comments are ignored.
enum ImportReader {
    struct Found: Equatable { var module: String; var line: Int }

    static func imports(inFile path: String) throws -> [Found] {
        imports(in: try String(contentsOfFile: path, encoding: .utf8))
    }

    static func imports(in text: String) -> [Found] {
        var found: [Found] = []
        for (index, line) in withoutComments(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for statement in line.split(separator: ";") {
                if let module = module(importedBy: statement) { found.append(Found(module: module, line: index + 1)) }
            }
        }
        return found
    }

    /// The module a statement imports, or nil if it is not an import declaration.
    static func module(importedBy statement: Substring) -> String? {
        var words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })[...]
        while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
        if let first = words.first, ["public", "package", "internal", "fileprivate", "private"].contains(first) {
            words.removeFirst()
        }
        guard words.first == "import" else { return nil }
        words.removeFirst()
        if let first = words.first,
           ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"].contains(first) {
            words.removeFirst()
        }
        guard let path = words.first, let module = path.split(separator: ".").first else { return nil }
        return String(module)
    }

    /// The text with `//` and `/* */` comments blanked and string literals emptied, line
    /// breaks kept (so line numbers stay right).
    static func withoutComments(_ text: String) -> String {
        var result = ""
        var characters = Array(text)[...]
        var depth = 0           // nesting of /* */
        var inString = false
        while let character = characters.first {
            let next = characters.dropFirst().first
            if depth > 0 {
                if character == "*" && next == "/" { depth -= 1; characters.removeFirst(2); continue }
                if character == "/" && next == "*" { depth += 1; characters.removeFirst(2); continue }
                if character == "\n" { result.append("\n") }
                characters.removeFirst()
            } else if inString {
                if character == "\\" { characters.removeFirst(min(2, characters.count)); continue }
                if character == "\"" || character == "\n" { inString = false; result.append(character) }
                characters.removeFirst()
            } else if character == "/" && next == "/" {
                while let skipped = characters.first, skipped != "\n" { characters.removeFirst() }
            } else if character == "/" && next == "*" {
                depth = 1
                characters.removeFirst(2)
            } else {
                if character == "\"" { inString = true }
                result.append(character)
                characters.removeFirst()
            }
        }
        return result
    }
}
