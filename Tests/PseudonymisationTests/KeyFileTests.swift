#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Cryptography
import PathlinkCore
@testable import Pseudonymisation

/// Key files: every refusal of docs/pseudonymise.md "Key-file refusals", with errors that say how to fix them
/// and never show the key.
@Suite("Key files and keygen")
struct KeyFileTests {
    static let goodHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    /// Write `contents` to a new key file with `mode` and return its path.
    func keyFile(_ contents: [UInt8], mode: mode_t = 0o600, in folder: TemporaryFolder) -> String {
        let path = folder.path("key.hex")
        FileManager.default.createFile(atPath: path, contents: Data(contents))
        chmod(path, mode)
        return path
    }

    /// Expect `KeyFile.load` to refuse, with a `.key` error naming the file, whose text
    /// contains `reason` and `remedy`, and never the key's hex digits.
    func expectRefused(_ contents: [UInt8], mode: mode_t = 0o600, because reason: String, remedy: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let folder = TemporaryFolder()
        let path = keyFile(contents, mode: mode, in: folder)
        do {
            _ = try KeyFile.load(path)
            Issue.record("the key file was accepted", sourceLocation: sourceLocation)
        } catch let error as PathlinkError {
            #expect(error.code == .key, sourceLocation: sourceLocation)
            #expect(error.file == path, sourceLocation: sourceLocation)
            #expect(error.description.contains(reason), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(remedy), "\(error)", sourceLocation: sourceLocation)
            let secret = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if secret.count >= 16 {
                #expect(!error.description.contains(String(secret.prefix(16))), sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a valid key file loads, with LF, CRLF or no line ending, in either case")
    func accepted() throws {
        for contents in [Self.goodHex, Self.goodHex + "\n", Self.goodHex + "\r\n", Self.goodHex.uppercased(), Self.goodHex + Self.goodHex + "\n"] {
            let folder = TemporaryFolder()
            let key = try KeyFile.load(keyFile(Array(contents.utf8), in: folder), allowTestKey: true)
            #expect(key.fingerprint.count == 16)
        }
        let folder = TemporaryFolder()
        let key = try KeyFile.load(keyFile(Array((Self.goodHex + "\n").utf8), in: folder), allowTestKey: true)
        #expect(key.fingerprint == "cfd225576937d90a")     // the shared vectors' fingerprint
        #expect(!key.description.contains(Self.goodHex.prefix(8)))
    }

    @Test("refused: readable or writable by group or others")
    func permissions() {
        for mode: mode_t in [0o640, 0o604, 0o620, 0o602, 0o644, 0o666, 0o610] {
            expectRefused(Array((Self.goodHex + "\n").utf8), mode: mode, because: "group or others", remedy: "chmod 600")
        }
    }

    @Test("refused: shorter than 32 bytes")
    func short() {
        expectRefused(Array(String(Self.goodHex.prefix(62)).utf8) + [0x0A], because: "shorter than 32 bytes", remedy: "pathlink keygen")
        expectRefused([0x0A], because: "shorter than 32 bytes", remedy: "pathlink keygen")
        expectRefused([], because: "shorter than 32 bytes", remedy: "pathlink keygen")
    }

    @Test("refused: not even hexadecimal text")
    func notHex() {
        expectRefused(Array((String(Self.goodHex.dropLast()) + "\n").utf8), because: "odd number", remedy: "pathlink keygen")
        expectRefused(Array((String(Self.goodHex.dropLast()) + "g\n").utf8), because: "not hexadecimal", remedy: "pathlink keygen")
        expectRefused(Array(("0x" + Self.goodHex).utf8), because: "not hexadecimal", remedy: "pathlink keygen")
        expectRefused(Array(("key=" + Self.goodHex).utf8), because: "not hexadecimal", remedy: "pathlink keygen")
        expectRefused([0xEF, 0xBB, 0xBF] + Array((Self.goodHex + "\n").utf8), because: "not hexadecimal", remedy: "pathlink keygen")
        expectRefused(Array(Self.goodHex.utf8) + [0x00], because: "not hexadecimal", remedy: "pathlink keygen")
    }

    @Test("refused: trailing bytes other than one LF or CRLF")
    func trailing() {
        for suffix in ["\n\n", "\r\n\r\n", " ", " \n", "\t", "\r", "\n\r", "\nabc"] {
            expectRefused(Array((Self.goodHex + suffix).utf8), because: "key file", remedy: "at most one line ending")
        }
        expectRefused(Array((" " + Self.goodHex).utf8), because: "white space", remedy: "at most one line ending")
    }

    @Test("refused: missing, a folder, unreadable")
    func missingOrUnreadable() throws {
        let folder = TemporaryFolder()
        #expect(throws: PathlinkError.self) { try KeyFile.load(folder.path("absent.key")) }
        do {
            _ = try KeyFile.load(folder.path("absent.key"))
        } catch let error as PathlinkError {
            #expect(error.code == .key)
            #expect(error.description.contains("does not exist"))
            #expect(error.description.contains("pathlink keygen"))
        }
        mkdir(folder.path("dir.key"), 0o700)
        do {
            _ = try KeyFile.load(folder.path("dir.key"))
            Issue.record("a folder was accepted as a key file")
        } catch let error as PathlinkError {
            #expect(error.code == .key)
            #expect(error.description.contains("not a regular file"))
        }
        // Unreadable: mode 0 refuses read for a normal user (root may still read it,
        // so only the outcome for non-root is checked).
        let path = keyFile(Array(Self.goodHex.utf8), mode: 0o000, in: folder)
        if geteuid() != 0 {
            #expect(throws: PathlinkError.self) { try KeyFile.load(path) }
        }
    }

    @Test("keygen writes 32 random bytes as hex + LF, mode 0600, and prints the fingerprint")
    func keygen() throws {
        let folder = TemporaryFolder()
        let previous = umask(0)        // the most permissive umask must still give 0600
        defer { umask(previous) }
        let path = folder.path("project.key")
        let fingerprint = try KeyGeneration.generate(output: path, force: false)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let text = try #require(FileManager.default.contents(atPath: path))
        #expect(text.count == 65)
        #expect(text.last == 0x0A)
        #expect(try KeyFile.load(path).fingerprint == fingerprint)
        // The receipt records the fingerprint, never the key.
        let receipt = try String(contentsOfFile: path + ".receipt.json", encoding: .utf8)
        #expect(receipt.contains(fingerprint))
        #expect(!receipt.contains(String(decoding: text.prefix(64), as: UTF8.self)))
        // No overwrite without --force; with it, a different key.
        #expect(throws: PathlinkError.self) { try KeyGeneration.generate(output: path, force: false) }
        let second = try KeyGeneration.generate(output: path, force: true)
        #expect(second != fingerprint)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // No temporary is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root).sorted() == ["project.key", "project.key.receipt.json"])
    }

    @Test("two generated keys differ")
    func keysDiffer() throws {
        #expect(try MasterKey.generate().fingerprint != MasterKey.generate().fingerprint)
    }
}

/// A fresh temporary folder, removed when released.
final class TemporaryFolder {
    let root: String
    init() {
        root = NSTemporaryDirectory() + "pathlink-pseudonymise-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }
    func path(_ name: String) -> String { root + "/" + name }
    func write(_ name: String, _ text: String) -> String {
        let path = self.path(name)
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}
