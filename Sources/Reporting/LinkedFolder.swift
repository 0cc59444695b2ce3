import Foundation
import PathlinkCore
import Provenance
import Tabular

/// The folder `pathlink link` writes (docs/link.md, "Outputs"), as the report reads it:
/// one linked table (`journeys.csv` by default), the linkage-quality report and the
/// folder's receipt.
package struct LinkedFolder {
    package let path: String
    /// The table the spec names (`<source>.csv`).
    package let tablePath: String
    package let table: CSVTable
    /// `quality.json`, parsed as generic JSON, when present.
    package let quality: GenericJSON?
    /// The linked folder's receipt (`LINKED_DIR.receipt.json`), when present.
    package let receipt: Receipt?
    /// The SHA-256 of that receipt file.
    package let receiptSHA256: String?

    /// Read the linked folder.
    /// - Throws: `.io` when the folder or the table is missing; `.malformedCSV` for a damaged
    ///   table; `.invalidDocument` when it lacks `record_id` or `person_id`.
    package init(path: String, source: String) throws {
        guard FilePath.isDirectory(path) else {
            throw PathlinkError(.io, file: path, problem: "this is not a folder",
                                remedy: "give the folder that `pathlink link` wrote (it holds journeys.csv and quality.json)")
        }
        self.path = path
        tablePath = FilePath.join(path, source + ".csv")
        guard FilePath.isRegularFile(tablePath) else {
            throw PathlinkError(.io, file: tablePath, problem: "the linked folder has no table \(source).csv",
                                remedy: "check the spec's source: (default journeys) and that this is the folder `pathlink link` wrote")
        }
        table = try CSVTable(contentsOf: tablePath)
        for column in ["record_id", "person_id"] where table.index(of: column) == nil {
            throw PathlinkError(.invalidDocument, file: tablePath, row: 1, column: column,
                                problem: "the linked table has no \(column) column",
                                remedy: "give a table written by `pathlink link`: it starts with record_id and person_id")
        }
        let qualityPath = FilePath.join(path, "quality.json")
        if FilePath.isRegularFile(qualityPath) {
            do {
                quality = try JSONDecoder().decode(GenericJSON.self, from: Data(try FilePath.readAll(qualityPath)))
            } catch let error as PathlinkError {
                throw error
            } catch {
                throw PathlinkError(.invalidDocument, file: qualityPath, problem: "the linkage-quality report is not valid JSON",
                                    remedy: "give the quality.json that `pathlink link` wrote, unedited")
            }
        } else {
            quality = nil
        }
        let receiptPath = Receipt.path(for: path)
        if FilePath.isRegularFile(receiptPath) {
            receipt = try Receipt.read(for: path)
            receiptSHA256 = try Receipt.entry(for: receiptPath, relativeTo: receiptPath).sha256
        } else {
            receipt = nil
            receiptSHA256 = nil
        }
    }
}

/// A JSON document read generically (quality.json), with booleans kept apart from numbers.
package indirect enum GenericJSON: Decodable, Equatable, Sendable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([GenericJSON])
    case object([String: GenericJSON])
    case null

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([GenericJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: GenericJSON].self)) }
    }
}
