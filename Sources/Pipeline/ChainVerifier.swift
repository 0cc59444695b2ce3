#if canImport(Glibc)
import Glibc
#endif
import Cryptography
import PathlinkCore
import Provenance
import Pseudonymisation

/// `pathlink verify`: checks that files still match their receipts, and that the chain
/// from raw export to report is unbroken.
///
/// `verify` reads only inside its roots: the outputs, receipts and folders it is given
/// (an output and its `X.receipt.json` go together) and the folders given with `--root`,
/// compared after resolving symbolic links (``VerifiedRoots``). For every receipt found
/// (the receipt of a given output, or every `*.receipt.json` under a given folder):
/// - each output listed must lie inside the roots and exist with the recorded SHA-256;
/// - each governing document (manifest, plan, spec, policy) must still have the recorded
///   SHA-256 — a changed or swapped manifest breaks the chain;
/// - each input must exist with the recorded SHA-256, and — except a raw export, where the
///   chain starts — must itself be an output listed by its own receipt, so every stage's
///   inputs are the previous stage's outputs;
/// - the receipt's contents hold together (``ReceiptContents``): row counts and headers
///   match the files, an extract's counts add up and its exclusions per condition are the
///   raw export's, its column actions are its manifest's, a token file's token columns are
///   its plan's.
/// A document or input outside the roots is not read: it is reported as not checked (not
/// available here), so a release folder verifies on its own, upstream inputs being named
/// hashes it cannot see. Findings name the receipt and the file; they hold hashes and
/// paths, never data.
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
        /// What breaks the chain.
        package var findings: [Finding] = []
        /// Upstream files (documents, inputs) outside the roots: not read, not checked.
        package var notChecked: [Finding] = []
        /// The verified roots, links resolved.
        package var roots: [String] = []
        package var isIntact: Bool { findings.isEmpty && !receiptsChecked.isEmpty }
    }

    /// Stages whose inputs must come from an earlier stage's receipt.
    static let chainedStages: Set<String> = ["pseudonymise", "link", "report"]

    /// Folders `verify` may read besides the paths it is given (`--root`).
    package var extraRoots: [String]

    package init(roots: [String] = []) {
        extraRoots = roots
    }

    static let outsideRoots = "outside the verified roots; not read"

    package func verify(_ paths: [String]) throws -> Result {
        var result = Result()
        var roots = VerifiedRoots()
        for root in extraRoots {
            guard FilePath.isDirectory(root) else {
                throw PathlinkError(.io, file: root, problem: "a --root must be an existing folder",
                                    remedy: "give the folder that holds the documents or inputs the chain spans")
            }
            roots.add(root)
        }
        var receipts: [String] = [], folders: [String] = []
        for path in paths {
            if path.hasSuffix(".receipt.json") {
                guard FilePath.exists(path) else {
                    throw PathlinkError(.io, file: path, problem: "no such receipt", remedy: "give an output, its receipt, or a run's folder")
                }
                receipts.append(path)
                roots.add(path)
                roots.add(String(path.dropLast(".receipt.json".count)))
            } else if FilePath.exists(Receipt.path(for: path)) {
                receipts.append(Receipt.path(for: path))
                roots.add(path)
                roots.add(Receipt.path(for: path))
            } else if FilePath.isDirectory(path) {
                roots.add(path)
                folders.append(path)
            } else if FilePath.exists(path) {
                result.findings.append(Finding(receipt: Receipt.path(for: path), file: path,
                                               problem: "the receipt is missing: this file's origin cannot be shown"))
            } else {
                throw PathlinkError(.io, file: path, problem: "no such file or folder", remedy: "give an output, its receipt, or a run's folder")
            }
        }
        // Folders are searched once every root is known (a link from one given folder
        // into another is inside the roots).
        for folder in folders {
            let found = Self.receipts(under: folder, roots: roots, result: &result)
            if found.isEmpty {
                result.findings.append(Finding(receipt: folder, file: nil, problem: "no receipt was found in this folder"))
            }
            receipts += found
        }
        result.roots = roots.resolved
        var cache: [String: String] = [:]
        /// The SHA-256 of a regular file already confined to the roots (`real`), or nil.
        func hash(_ real: String) throws -> String? {
            if let known = cache[real] { return known }
            guard FilePath.isRegularFile(real) else { return nil }
            let value = try SHA256.hex(ofFile: real)
            cache[real] = value
            return value
        }
        for receiptPath in Array(Set(receipts)).sorted() {
            let receipt = try Receipt.read(for: receiptPath)
            result.receiptsChecked.append(receiptPath)
            let folder = FilePath.split(receiptPath).parent
            /// A path of the receipt, links resolved, when inside the roots; nil outside.
            func resolve(_ path: String) -> String? { roots.confined(path.hasPrefix("/") ? path : FilePath.join(folder, path)) }
            func report(_ file: String, _ problem: String) {
                result.findings.append(Finding(receipt: receiptPath, file: file, problem: problem))
            }
            func skip(_ file: String, _ what: String) {
                result.notChecked.append(Finding(receipt: receiptPath, file: file,
                                                 problem: "\(Self.outsideRoots): \(what) is not available here (add --root FOLDER to check it)"))
            }
            func ownOutsideRoots(_ file: String) {
                report(file, "the receipt names this output \(Self.outsideRoots) (an output lies beside its receipt; add --root FOLDER if it really is elsewhere)")
            }
            if receipt.stage == "keygen" {
                // A key's receipt holds its fingerprint, never a hash of it.
                for output in receipt.outputs {
                    result.filesChecked += 1
                    guard let keyPath = resolve(output.path) else { ownOutsideRoots(output.path); continue }
                    guard FilePath.exists(keyPath) else { report(output.path, "the key file is missing"); continue }
                    if let key = try? KeyFile.load(keyPath, allowTestKey: true), key.fingerprint != receipt.keyFingerprint {
                        report(output.path, "the key file's fingerprint is not the one its receipt records")
                    }
                }
                continue
            }
            for output in receipt.outputs {
                result.filesChecked += 1
                guard let real = resolve(output.path) else { ownOutsideRoots(output.path); continue }
                guard let actual = try hash(real) else { report(output.path, "the output is missing"); continue }
                if actual != output.sha256 { report(output.path, "the output has changed since its receipt was written (SHA-256 differs)") }
            }
            for document in receipt.documents {
                result.filesChecked += 1
                guard let real = resolve(document.path) else { skip(document.path, "the \(document.kind) \(document.name)"); continue }
                guard let actual = try hash(real) else {
                    report(document.path, "the \(document.kind) \(document.name) it was made with cannot be found"); continue
                }
                if actual != document.sha256 {
                    report(document.path, "the \(document.kind) \(document.name) has changed since the run (SHA-256 differs): the output was not made with this version")
                }
            }
            for input in receipt.inputs {
                result.filesChecked += 1
                guard let inputPath = resolve(input.path) else { skip(input.path, "the input"); continue }
                guard let actual = try hash(inputPath) else {
                    report(input.path, "the input is missing (it would lie inside the verified roots; to verify this output without its upstream files, name only the output or its folder)")
                    continue
                }
                if actual != input.sha256 { report(input.path, "the input has changed since the stage read it (SHA-256 differs)") }
                // A receipt read as an input is checked by its hash above and on its own.
                guard Self.chainedStages.contains(receipt.stage), !input.path.hasSuffix(".receipt.json") else { continue }
                // The input must be an output of an earlier stage, with the same hash.
                guard let previous = try Self.producer(of: inputPath, roots: roots) else {
                    report(input.path, "the chain is broken: this input has no receipt of the stage that produced it")
                    continue
                }
                if previous.entry.sha256 != input.sha256 {
                    report(input.path, "the chain is broken: the stage that produced this input recorded a different file")
                }
            }
            // The receipt's own contents: row counts and headers against the files, counts
            // against each other and the raw export, column actions against the manifest,
            // token columns against the plan — each read only when inside the roots and
            // as recorded (a changed file is reported above already).
            let problems = ReceiptContents.problems(in: receipt) { path, sha256 in
                guard let real = resolve(path), let actual = try? hash(real), actual == sha256 else { return nil }
                return real
            }
            for (file, problem) in problems {
                result.filesChecked += 1
                report(file, problem)
            }
        }
        return result
    }

    /// Every `*.receipt.json` under `folder` (inside `roots`), sorted. Links are not
    /// followed into folders; a receipt that is a link out of the roots is not read.
    static func receipts(under folder: String, roots: VerifiedRoots, result: inout Result) -> [String] {
        var found: [String] = []
        for name in FilePath.contents(of: folder) where !name.hasPrefix(".") {
            let path = FilePath.join(folder, name)
            let isLink = FilePath.kind(path) == S_IFLNK
            if name.hasSuffix(".receipt.json") {
                if roots.confined(path) != nil { found.append(path) }
                else { result.notChecked.append(Finding(receipt: path, file: nil, problem: "a receipt \(outsideRoots) (a link out of the folder)")) }
            } else if FilePath.isDirectory(path) {
                if !isLink { found += receipts(under: path, roots: roots, result: &result) }
                // A link to a folder is not followed: inside the roots it is reached (or
                // given) on its own; outside them it is said.
                else if roots.confined(path) == nil {
                    result.notChecked.append(Finding(receipt: path, file: nil, problem: "a link to a folder \(outsideRoots) (not followed)"))
                }
            }
        }
        return found.sorted()
    }

    /// The receipt that lists `file` as an output: beside it, or beside its folder (for
    /// files inside a linked or release folder). Only receipts inside `roots` are read.
    static func producer(of file: String, roots: VerifiedRoots) throws -> (receipt: String, entry: Receipt.FileEntry)? {
        let absolute = OutputSafety.resolved(file)
        var candidates = [Receipt.path(for: file)]
        let parent = FilePath.split(file).parent
        candidates.append(Receipt.path(for: parent))
        for candidate in candidates where FilePath.exists(candidate) {
            guard roots.confined(candidate) != nil else { continue }
            let receipt = try Receipt.read(for: candidate)
            let folder = FilePath.split(candidate).parent
            for entry in receipt.outputs {
                let named = entry.path.hasPrefix("/") ? entry.path : FilePath.join(folder, entry.path)
                if roots.confined(named) == absolute { return (candidate, entry) }
            }
        }
        return nil
    }
}
