import Foundation
import PathlinkCore
import Tabular

/// The numeric quantities of a release's mean and median tables, read from the linked table
/// (docs/report-spec.md, "Means and medians").
///
/// Before counting, the linked table gets one yes/no column per quantity
/// (``TableSpec/Quantity/presenceColumn``): whether the row has a value. The contributor
/// counts of every mean and median are then count tables filtered on it, sums of the
/// release's atoms like every other count, and protected in the same system. The values
/// themselves never become categories: they are summed, sorted and checked per cell only.
enum QuantityColumns {
    /// Every quantity of the spec's magnitude tables, once each, in table order.
    static func quantities(of spec: ReportSpec) -> [TableSpec.Quantity] {
        var result: [TableSpec.Quantity] = []
        for table in spec.tables { if let quantity = table.quantity, !result.contains(quantity) { result.append(quantity) } }
        return result
    }

    /// The linked table with a presence column (`Yes`/`No`) per quantity.
    /// - Throws: an error naming the spec line when a quantity reads a column the table
    ///   lacks; an error naming file, row and column when a value is not a number or a date.
    static func augment(_ spec: ReportSpec, table: CSVTable, tablePath: String, specPath: String) throws -> CSVTable {
        var result = table
        for quantity in quantities(of: spec) {
            let values = try self.values(quantity, in: table, tablePath: tablePath, specPath: specPath,
                                         line: spec.tables.first { $0.quantity == quantity }?.line)
            guard result.index(of: quantity.presenceColumn) == nil else { continue }
            result.header.append(quantity.presenceColumn)
            for row in result.rows.indices { result.rows[row].append(values[row] == nil ? "No" : "Yes") }
        }
        return result
    }

    /// The quantity of every row: nil where it has no value (an empty column, or an empty date).
    static func values(_ quantity: TableSpec.Quantity, in table: CSVTable, tablePath: String, specPath: String,
                       line: Int?) throws -> [Double?] {
        let positions = try quantity.columns.map { column -> Int in
            guard let index = table.index(of: column) else {
                throw PathlinkError(.invalidDocument, file: specPath, line: line,
                                    problem: "of: reads the column \"\(column)\", which \(FilePath.split(tablePath).name) does not have",
                                    remedy: "name a numeric column of the linked table (columns of attached datasets are written <dataset>.<column>)")
            }
            return index
        }
        return try table.rows.enumerated().map { offset, row -> Double? in
            let fields = positions.map { row[$0].trimmingCharacters(in: .whitespaces) }
            if fields.contains(where: \.isEmpty) { return nil }
            func refuse(_ column: Int, _ what: String) -> PathlinkError {
                // The value is never printed: it may be any attribute of a person.
                PathlinkError(.invalidValue, file: tablePath, row: offset + 2, column: quantity.columns[column],
                              problem: "the value is not \(what), so it cannot be summarised by of: (spec line \(line.map(String.init) ?? "?"))",
                              remedy: "correct the value, or leave it empty (no value: the row does not contribute)")
            }
            switch quantity {
            case .column:
                guard let value = Double(fields[0]), value.isFinite, fields[0].allSatisfy({ "0123456789.-+".contains($0) }) else {
                    throw refuse(0, "a number")
                }
                return value
            case .daysBetween:
                let days = try fields.indices.map { index -> Int in
                    guard let day = Self.dayNumber(fields[index]) else { throw refuse(index, "a date written YYYY-MM-DD") }
                    return day
                }
                return Double(days[1] - days[0])
            case .monthsBetween:
                let months = try fields.indices.map { index -> Int in
                    guard let month = Self.monthNumber(fields[index]) else { throw refuse(index, "a month or date written YYYY-MM or YYYY-MM-DD") }
                    return month
                }
                return Double(months[1] - months[0])
            }
        }
    }

    /// Days since 1970-01-01 of a valid `YYYY-MM-DD` date (ASCII digits), else nil.
    static func dayNumber(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
              (1...12).contains(month), day >= 1 else { return nil }
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        // Days from civil (H. Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Months since year 0 of `YYYY-MM` or a valid `YYYY-MM-DD`, else nil.
    static func monthNumber(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        if bytes.count == 10 { guard dayNumber(text) != nil else { return nil } } else if bytes.count != 7 { return nil }
        guard bytes[4] == UInt8(ascii: "-"), let year = number(bytes[0..<4]), let month = number(bytes[5..<7]),
              (1...12).contains(month) else { return nil }
        return year * 12 + month - 1
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
