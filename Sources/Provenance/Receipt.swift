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
public struct Receipt: Codable, Equatable, Sendable {
    /// The receipt format version.
    public var receipt: Int = 1
    /// `extract`, `pseudonymise`, `link`, `report`, `synth` or `keygen`.
    public var stage: String
    public var tool: Tool = Tool()
    /// The dataset (`owner.table`) the output holds, when it is one dataset.
    public var dataset: String?
    /// Governing documents: manifest, plan, spec, policy, pipeline.
    public var documents: [Document] = []
    /// The fingerprint of the key used (pseudonymise only).
    public var keyFingerprint: String?
    public var inputs: [FileEntry] = []
    public var outputs: [FileEntry] = []
    /// What happened to each column, in output order then dropped ones.
    public var columns: [Column] = []
    /// Records excluded by each row condition (counts only, never which records).
    public var excluded: [Exclusion] = []
    /// Stage-specific counts (e.g. links by rule); numbers only.
    public var counts: [String: Int] = [:]
    public var warnings: [String] = []
    public var started: String
    public var finished: String

    public init(stage: String, started: Date = Date()) {
        self.stage = stage
        self.started = Receipt.timestamp(started)
        self.finished = self.started
    }

    public struct Tool: Codable, Equatable, Sendable {
        public var name = "pathlink"
        public var version = PathlinkVersion.current
        public var tokenDerivation = 1
        public init() {}
    }

    public struct Document: Codable, Equatable, Sendable {
        /// `manifest`, `plan`, `spec`, `policy`, `pipeline`.
        public var kind: String
        /// The document's own name (dataset, project, report id).
        public var name: String
        public var path: String
        public var sha256: String
        public init(kind: String, name: String, path: String, sha256: String) {
            self.kind = kind
            self.name = name
            self.path = path
            self.sha256 = sha256
        }
    }

    public struct FileEntry: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String
        /// Data rows (header excluded) for CSV files; nil for other files.
        public var rows: Int?
        /// The dataset a linker input holds, or the role of an input.
        public var dataset: String?
        public init(path: String, sha256: String, rows: Int? = nil, dataset: String? = nil) {
            self.path = path
            self.sha256 = sha256
            self.rows = rows
            self.dataset = dataset
        }
    }

    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        /// The manifest class (`identifier`, `linkage`, `direct`, `free-text`, `quasi`,
        /// `attribute`), `derived`, or in a pseudonymised file `matchkey` / `confirmkey`.
        public var `class`: String
        /// `kept`, `dropped`, `generalised`, `derived`, `tokenised`, `consumed`
        /// (linkage fields turned into match keys and removed).
        public var action: String
        /// For tokens: the token domain (`crime-reference`, `person/MK1`, …).
        public var domain: String?
        /// For identifiers: `record` or `person` when declared.
        public var identifies: String?
        /// For linkage columns: the person field.
        public var field: String?
        /// How a quasi column was generalised (`month`, `age-band`, …).
        public var generalise: String?
        /// Empty or placeholder values.
        public var missing: Int?
        /// Non-empty values that fit no declared format (normalised to missing).
        public var invalid: Int?
        public init(name: String, class columnClass: String, action: String, domain: String? = nil,
                    identifies: String? = nil, field: String? = nil, generalise: String? = nil,
                    missing: Int? = nil, invalid: Int? = nil) {
            self.name = name
            self.class = columnClass
            self.action = action
            self.domain = domain
            self.identifies = identifies
            self.field = field
            self.generalise = generalise
            self.missing = missing
            self.invalid = invalid
        }
    }

    public struct Exclusion: Codable, Equatable, Sendable {
        public var condition: String
        public var count: Int
        public init(condition: String, count: Int) {
            self.condition = condition
            self.count = count
        }
    }

    // MARK: Paths

    /// The receipt path for an output: `X.receipt.json` beside `X`.
    public static func path(for output: String) -> String {
        var trimmed = output
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed + ".receipt.json"
    }

    /// Refuse to start a stage whose output's receipt exists already, unless forced, so that
    /// nothing is written before the refusal.
    /// - Throws: `.outputExists` naming the receipt.
    public static func refuseExisting(for output: String, force: Bool) throws {
        let receiptPath = path(for: output)
        if !force && FilePath.exists(receiptPath) {
            throw PathlinkError(.outputExists, file: receiptPath, problem: "the output's receipt already exists",
                                remedy: "choose another output path, or add --force to replace it")
        }
    }

    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    // MARK: Building entries

    /// An entry for `file`, with its path relative to the folder of `receiptPath`.
    public static func entry(for file: String, relativeTo receiptPath: String, rows: Int? = nil, dataset: String? = nil) throws -> FileEntry {
        let folder = FilePath.split(receiptPath).parent
        return FileEntry(path: FilePath.relative(file, to: folder), sha256: try SHA256.hex(ofFile: file), rows: rows, dataset: dataset)
    }

    /// A document entry for the file at `path`.
    public static func document(kind: String, name: String, path: String, relativeTo receiptPath: String) throws -> Document {
        let folder = FilePath.split(receiptPath).parent
        return Document(kind: kind, name: name, path: FilePath.relative(path, to: folder), sha256: try SHA256.hex(ofFile: path))
    }

    // MARK: Reading and writing

    /// Encode as stable, sorted, pretty JSON.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Write this receipt beside `output` atomically, stamping the finish time.
    public mutating func write(beside output: String, force: Bool, finished: Date = Date()) throws {
        self.finished = Receipt.timestamp(finished)
        try FilePath.writeAtomically(try encoded(), to: Receipt.path(for: output), force: force)
    }

    /// Read the receipt of `output` (or a receipt file given directly).
    /// - Throws: `.provenance` when it is missing or unreadable.
    public static func read(for output: String) throws -> Receipt {
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
public enum PathlinkVersion {
    public static let current = "0.1.0"
}
