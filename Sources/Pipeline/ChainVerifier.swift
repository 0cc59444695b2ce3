import Cryptography
import PathlinkCore
import Provenance
import Pseudonymisation

/// `pathlink verify`: checks that files still match their receipts, and that the chain
/// from raw export to report is unbroken.
///
/// For every receipt found (the receipt of a given output, or every `*.receipt.json`
/// under a given folder):
/// - each output listed must exist with the recorded SHA-256;
/// - each governing document (manifest, plan, spec, policy) must still have the recorded
///   SHA-256 — a changed or swapped manifest breaks the chain;
/// - each input must exist with the recorded SHA-256, and — except a raw export, where the
///   chain starts — must itself be an output listed by its own receipt, so every stage's
///   inputs are the previous stage's outputs.
/// - the receipt's contents hold together (``ReceiptContents``): row counts match the
///   files, an extract's counts add up, its column actions are its manifest's.
/// Findings name the receipt and the file; they hold hashes and paths, never data.
package struct ChainVerifier {
    package struct Finding: Sendable, Equatable, CustomStringConvertible {
        package var receipt: String
        package var file: String?
        package var problem: String
        package var description: String {
            "\(receipt): \(file.map { "\($0): " } ?? "")\(problem)"
        }
    }

    package struct Result: Sendable {
        package var receiptsChecked: [String] = []
        package var filesChecked = 0
        package var findings: [Finding] = []
        package var isIntact: Bool { findings.isEmpty && !receiptsChecked.isEmpty }
    }

    /// Stages whose inputs must come from an earlier stage's receipt.
    static let chainedStages: Set<String> = ["pseudonymise", "link", "report"]

    package init() {}

    package func verify(_ paths: [String]) throws -> Result {
        var result = Result()
        var receipts: [String] = []
        for path in paths {
            if path.hasSuffix(".receipt.json") {
                receipts.append(path)
            } else if FilePath.exists(Receipt.path(for: path)) {
                receipts.append(Receipt.path(for: path))
            } else if FilePath.isDirectory(path) {
                let found = Self.receipts(under: path)
                if found.isEmpty {
                    result.findings.append(Finding(receipt: path, file: nil, problem: "no receipt was found in this folder"))
                }
                receipts += found
            } else if FilePath.exists(path) {
                result.findings.append(Finding(receipt: Receipt.path(for: path), file: path,
                                               problem: "the receipt is missing: this file's origin cannot be shown"))
            } else {
                throw PathlinkError(.io, file: path, problem: "no such file or folder", remedy: "give an output, its receipt, or a run's folder")
            }
        }
        var cache: [String: String] = [:]
        func hash(_ file: String) throws -> String? {
            let key = FilePath.absolute(file)
            if let known = cache[key] { return known }
            guard FilePath.isRegularFile(file) else { return nil }
            let value = try SHA256.hex(ofFile: file)
            cache[key] = value
            return value
        }
        for receiptPath in Array(Set(receipts)).sorted() {
            let receipt = try Receipt.read(for: receiptPath)
            result.receiptsChecked.append(receiptPath)
            let folder = FilePath.split(receiptPath).parent
            func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : FilePath.join(folder, path) }
            func report(_ file: String, _ problem: String) {
                result.findings.append(Finding(receipt: receiptPath, file: file, problem: problem))
            }
            if receipt.stage == "keygen" {
                // A key's receipt holds its fingerprint, never a hash of it.
                for output in receipt.outputs {
                    result.filesChecked += 1
                    let keyPath = resolve(output.path)
                    guard FilePath.exists(keyPath) else { report(output.path, "the key file is missing"); continue }
                    if let key = try? KeyFile.load(keyPath, allowTestKey: true), key.fingerprint != receipt.keyFingerprint {
                        report(output.path, "the key file's fingerprint is not the one its receipt records")
                    }
                }
                continue
            }
            for output in receipt.outputs {
                result.filesChecked += 1
                guard let actual = try hash(resolve(output.path)) else { report(output.path, "the output is missing"); continue }
                if actual != output.sha256 { report(output.path, "the output has changed since its receipt was written (SHA-256 differs)") }
            }
            // The receipt's own contents: row counts against the files, counts against each
            // other, column actions against the manifest.
            for (file, problem) in ReceiptContents.problems(in: receipt, resolve: resolve) {
                result.filesChecked += 1
                report(file, problem)
            }
            for document in receipt.documents {
                result.filesChecked += 1
                guard let actual = try hash(resolve(document.path)) else {
                    report(document.path, "the \(document.kind) \(document.name) it was made with cannot be found"); continue
                }
                if actual != document.sha256 {
                    report(document.path, "the \(document.kind) \(document.name) has changed since the run (SHA-256 differs): the output was not made with this version")
                }
            }
            for input in receipt.inputs {
                result.filesChecked += 1
                let inputPath = resolve(input.path)
                guard let actual = try hash(inputPath) else { report(input.path, "the input is missing"); continue }
                if actual != input.sha256 { report(input.path, "the input has changed since the stage read it (SHA-256 differs)") }
                // A receipt read as an input is checked by its hash above and on its own.
                guard Self.chainedStages.contains(receipt.stage), !input.path.hasSuffix(".receipt.json") else { continue }
                // The input must be an output of an earlier stage, with the same hash.
                guard let previous = try Self.producer(of: inputPath) else {
                    report(input.path, "the chain is broken: this input has no receipt of the stage that produced it")
                    continue
                }
                if previous.entry.sha256 != input.sha256 {
                    report(input.path, "the chain is broken: the stage that produced this input recorded a different file")
                }
            }
        }
        return result
    }

    /// Every `*.receipt.json` under `folder`, sorted.
    static func receipts(under folder: String) -> [String] {
        var found: [String] = []
        for name in FilePath.contents(of: folder) where !name.hasPrefix(".") {
            let path = FilePath.join(folder, name)
            if name.hasSuffix(".receipt.json") { found.append(path) }
            else if FilePath.isDirectory(path) { found += receipts(under: path) }
        }
        return found.sorted()
    }

    /// The receipt that lists `file` as an output: beside it, or beside its folder (for
    /// files inside a linked or release folder).
    static func producer(of file: String) throws -> (receipt: String, entry: Receipt.FileEntry)? {
        let absolute = FilePath.absolute(file)
        var candidates = [Receipt.path(for: file)]
        let parent = FilePath.split(file).parent
        candidates.append(Receipt.path(for: parent))
        for candidate in candidates where FilePath.exists(candidate) {
            let receipt = try Receipt.read(for: candidate)
            let folder = FilePath.split(candidate).parent
            for entry in receipt.outputs where FilePath.absolute(entry.path.hasPrefix("/") ? entry.path : FilePath.join(folder, entry.path)) == absolute {
                return (candidate, entry)
            }
        }
        return nil
    }
}
