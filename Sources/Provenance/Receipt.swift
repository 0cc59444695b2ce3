import Foundation
import PathlinkCore
import Cryptography

/// The provenance record written beside every output `X` as `X.receipt.json`.
///
/// A receipt says which stage made the output, from which inputs and governing documents
/// (manifest, plan, spec, policy — each with its SHA-256), with which key (fingerprint
/// only), what happened to every column, how many values were missing or invalid, and
/// the hash and row count of every file. Paths are relative to the receipt's own folder,
/// so a run's output can be moved and still be verified.
///
/// A receipt never holds a data value or key material. See `governance/receipts.md`.
package struct Receipt: Codable, Equatable, Sendable {
    /// The receipt format version.
    package var receipt: Int = 1
    /// `extract`, `pseudonymise`, `link`, `report`, `synth` or `keygen`.
    package var stage: String
    package var tool: Tool = Tool()
    /// The dataset (`owner.table`) the output holds, when it is one dataset.
    package var dataset: String?
    /// Governing documents: manifest, plan, spec, policy, pipeline.
    package var documents: [Document] = []
    /// The fingerprint of the key used (pseudonymise only).
    package var keyFingerprint: String?
    package var inputs: [FileEntry] = []
    package var outputs: [FileEntry] = []
    /// What happened to each column, in output order then dropped ones.
    package var columns: [Column] = []
    /// Records excluded by each row condition (counts only, never which records).
    package var excluded: [Exclusion] = []
    /// Stage-specific counts (e.g. links by rule); numbers only.
    package var counts: [String: Int] = [:]
    package var warnings: [String] = []
    package var started: String
    package var finished: String

    package init(stage: String, started: Date = Date()) {
        self.stage = stage
        self.started = Receipt.timestamp(started)
        self.finished = self.started
    }

    package struct Tool: Codable, Equatable, Sendable {
        package var name = "pathlink"
        package var version = PathlinkVersion.current
        package var tokenDerivation = 1
        package init() {}
    }

    package struct Document: Codable, Equatable, Sendable {
        /// `manifest`, `plan`, `spec`, `policy`, `pipeline`.
        package var kind: String
        /// The document's own name (dataset, project, report id).
        package var name: String
        package var path: String
        package var sha256: String
        package init(kind: String, name: String, path: String, sha256: String) {
            self.kind = kind
            self.name = name
            self.path = path
            self.sha256 = sha256
        }
    }

    package struct FileEntry: Codable, Equatable, Sendable {
        package var path: String
        package var sha256: String
        /// Data rows (header excluded) for CSV files; nil for other files.
        package var rows: Int?
        /// The dataset a linker input holds, or the role of an input.
        package var dataset: String?
        package init(path: String, sha256: String, rows: Int? = nil, dataset: String? = nil) {
            self.path = path
            self.sha256 = sha256
            self.rows = rows
            self.dataset = dataset
        }
    }

    package struct Column: Codable, Equatable, Sendable {
        package var name: String
        /// The manifest class (`identifier`, `linkage`, `direct`, `free-text`, `quasi`,
        /// `attribute`), `derived`, or in a pseudonymised file `matchkey` / `confirmkey`.
        package var `class`: String
        /// `kept`, `dropped`, `generalised`, `derived`, `tokenised`, `consumed`
        /// (linkage fields turned into match keys and removed).
        package var action: String
        /// For tokens: the token domain (`crime-reference`, `person/MK1`, …).
        package var domain: String?
        /// For identifiers: `record` or `person` when declared.
        package var identifies: String?
        /// For linkage columns: the person field.
        package var field: String?
        /// How a quasi column was generalised (`month`, `age-band`, …).
        package var generalise: String?
        /// Empty or placeholder values.
        package var missing: Int?
        /// Non-empty values that fit no declared format (normalised to missing).
        package var invalid: Int?
        /// `true` for an attribute declared `open: true` (no closed value list); absent
        /// otherwise. The report stage tabulates such a column only through a recode into
        /// categories its spec declares, so that no category label is data text.
        package var open: Bool?
        package init(name: String, class columnClass: String, action: String, domain: String? = nil,
                    identifies: String? = nil, field: String? = nil, generalise: String? = nil,
                    missing: Int? = nil, invalid: Int? = nil, open: Bool? = nil) {
            self.name = name
            self.class = columnClass
            self.action = action
            self.domain = domain
            self.identifies = identifies
            self.field = field
            self.generalise = generalise
            self.missing = missing
            self.invalid = invalid
            self.open = open
        }
    }

    package struct Exclusion: Codable, Equatable, Sendable {
        package var condition: String
        package var count: Int
        package init(condition: String, count: Int) {
            self.condition = condition
            self.count = count
        }
    }

    // MARK: Paths

    /// The receipt path for an output: `X.receipt.json` beside `X`.
    package static func path(for output: String) -> String {
        var trimmed = output
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed + ".receipt.json"
    }

    /// Refuse to start a stage whose output's receipt exists already, unless forced, so that
    /// nothing is written before the refusal.
    /// - Throws: `.outputExists` naming the receipt.
    /// Refuse, before any work, an output or receipt that exists (without `force`) or
    /// that is unsafe to write: a link, FIFO or device, or one of `inputs` (or their
    /// receipts), a folder holding one, or a path inside one (``OutputSafety``).
    package static func refuseExisting(for output: String, force: Bool, inputs: [String] = []) throws {
        let receiptPath = path(for: output)
        let guarded = inputs + inputs.map { path(for: $0) }
        try OutputSafety.check(output: output, inputs: guarded)
        try OutputSafety.check(output: receiptPath, inputs: guarded)
        if !force && FilePath.exists(receiptPath) {
            throw PathlinkError(.outputExists, file: receiptPath, problem: "the output's receipt already exists",
                                remedy: "choose another output path, or add --force to replace it")
        }
    }

    package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    // MARK: Building entries

    /// An entry for `file`, with its path relative to the folder of `receiptPath`.
    package static func entry(for file: String, relativeTo receiptPath: String, rows: Int? = nil, dataset: String? = nil) throws -> FileEntry {
        let folder = FilePath.split(receiptPath).parent
        return FileEntry(path: FilePath.relative(file, to: folder), sha256: try SHA256.hex(ofFile: file), rows: rows, dataset: dataset)
    }

    /// A document entry for the file at `path`.
    package static func document(kind: String, name: String, path: String, relativeTo receiptPath: String) throws -> Document {
        let folder = FilePath.split(receiptPath).parent
        return Document(kind: kind, name: name, path: FilePath.relative(path, to: folder), sha256: try SHA256.hex(ofFile: path))
    }

    // MARK: Reading and writing

    /// Encode as stable, sorted, pretty JSON.
    package func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Write this receipt beside `output` atomically, stamping the finish time.
    package mutating func write(beside output: String, force: Bool, finished: Date = Date()) throws {
        self.finished = Receipt.timestamp(finished)
        try FilePath.writeAtomically(try encoded(), to: Receipt.path(for: output), force: force)
    }

    /// Read the receipt of `output` (or a receipt file given directly).
    /// - Throws: `.provenance` when it is missing or unreadable.
    package static func read(for output: String) throws -> Receipt {
        let path = output.hasSuffix(".receipt.json") ? output : Receipt.path(for: output)
        guard FilePath.exists(path) else {
            throw PathlinkError(.provenance, file: output, problem: "there is no receipt (\(FilePath.split(path).name)) beside this file",
                                remedy: "give the file exactly as the previous stage wrote it, with its .receipt.json beside it")
        }
        let bytes = try FilePath.readAll(path)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Receipt.self, from: Data(bytes))
        } catch {
            throw PathlinkError(.provenance, file: path, problem: "the receipt is not a valid Pathlink receipt",
                                remedy: "re-run the stage that produced it; receipts must not be edited by hand")
        }
    }
}

/// Pathlink's version, recorded in every receipt.
package enum PathlinkVersion {
    package static let current = "0.1.0"
}
