import Governance
import PathlinkCore
import Tabular

extension Extractor {
    /// What the manifest's `rows` conditions exclude from `input`, counted again without
    /// writing anything: `verify` compares it with an extract receipt's per-condition
    /// counts (a count moved from one condition to another keeps the total).
    ///
    /// The conditions are applied as `run(input:output:)` applies them: in order, a record
    /// counted against the first it fails.
    /// - Returns: the records read and, per condition name, the records it excluded.
    /// - Throws: `PathlinkError` naming file, row and column (never a value).
    package func countExclusions(input: String) throws -> (recordsRead: Int, excluded: [(condition: String, count: Int)]) {
        let encoding = TextEncoding(rawValue: manifest.input.encoding) ?? .utf8
        let reader = try CSVReader(path: input, delimiter: manifest.input.delimiter, encoding: encoding)
        let layout = try HeaderCheck(manifest: manifest, header: reader.header, file: input).layout()
        var counts = Array(repeating: 0, count: layout.conditionNames.count)
        var read = 0
        while try reader.next() {
            read += 1
            if let failed = try layout.failedCondition(reader) { counts[failed] += 1 }
        }
        return (read, Array(zip(layout.conditionNames, counts)).map { (condition: $0.0, count: $0.1) })
    }
}
