import PathlinkCore

/// A whole CSV file in memory, for the small files of later stages (linked tables,
/// report inputs) and for tests. Large inputs are streamed with ``CSVReader`` instead.
package struct CSVTable: Sendable, Equatable {
    package var header: [String]
    package var rows: [[String]]

    package init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Read all of `path`.
    package init(contentsOf path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8) throws {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        header = reader.header
        rows = []
        while try reader.next() { rows.append(reader.strings()) }
    }

    /// The index of a column, or nil.
    package func index(of column: String) -> Int? { header.firstIndex(of: column) }

    /// Write the table atomically.
    package func write(to path: String, force: Bool) throws {
        let writer = try CSVWriter(path: path, force: force)
        try writer.writeRecord(header)
        for row in rows { try writer.writeRecord(row) }
        try writer.close()
    }
}
