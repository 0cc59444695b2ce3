import Foundation
import PathlinkCore
import Testing

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = FilePath.split(path).parent }
    return path
}()

/// The `pathlink` binary SwiftPM built beside this test bundle.
let pathlinkBinary: String = {
    let bundle = Bundle.main.bundlePath
    for folder in [bundle, FilePath.split(bundle).parent, repositoryRoot + "/.build/debug"] {
        let candidate = folder + "/pathlink"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return repositoryRoot + "/.build/debug/pathlink"
}()

/// Runs the built binary in `folder`; returns its exit status and standard error.
func runPathlink(_ arguments: [String], in folder: String) throws -> (status: Int32, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pathlinkBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    var environment = ProcessInfo.processInfo.environment
    environment["PATHLINK_PROGRESS"] = "0"
    process.environment = environment
    let errorFile = folder + "/.stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorFile) }
    process.standardError = FileHandle(forWritingAtPath: errorFile)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
}

/// A scratch folder removed when released.
final class ScratchFolder {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-attack-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        try! FileManager.default.createDirectory(atPath: FilePath.split(target).parent, withIntermediateDirectories: true)
        try! text.write(toFile: target, atomically: false, encoding: .utf8)
        return target
    }

    /// A linked folder (`journeys.csv` only) with a record and a person per row.
    func linked(_ header: [String], _ persons: [[String]], name: String = "linked") -> String {
        var text = (["record_id", "person_id"] + header).joined(separator: ",") + "\n"
        for (index, person) in persons.enumerated() {
            text += (["\(index + 1)", "p\(index + 1)"] + person).joined(separator: ",") + "\n"
        }
        write(name + "/journeys.csv", text)
        return file(name)
    }
}

/// How a reader maps a published table of the release onto atoms: for each value column
/// (`value`, or a rate's `numerator` and `denominator`) the units it counts, and for each
/// dimension how an atom falls into its categories. Built from the spec by the test.
struct TableReading {
    var id: String
    var scope: [String: ([String]) -> Bool]
    var dimensions: [String: ([String]) -> String]
}

/// Reads a release folder's tidy CSVs into the attacker's cells (no rounding).
func readRelease(_ folder: String, space: AtomSpace, tables: [TableReading]) throws -> [WholeNumberAttacker.Cell] {
    var cells: [WholeNumberAttacker.Cell] = []
    for reading in tables {
        let text = try String(contentsOfFile: folder + "/" + reading.id + ".csv", encoding: .utf8)
        let records = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { field -> String in
                let trimmed = field.trimmingCharacters(in: .init(charactersIn: "\r"))
                return trimmed.hasPrefix("\"") ? String(trimmed.dropFirst().dropLast()) : trimmed
            }
        }
        let header = records[0]
        let valueColumns = header.indices.filter { reading.scope[header[$0]] != nil }
        let dimensionColumns = header.indices.filter { reading.dimensions[header[$0]] != nil }
        // The tidy CSV (docs/report-spec.md): numbers in the value columns, empty when not
        // published with the symbol in `status`; `is_margin` flags margins.
        let statusColumn = header.firstIndex(of: "status")
        let extra = ["rate", "status", "is_margin"].filter(header.contains).count
        #expect(valueColumns.count + dimensionColumns.count + extra == header.count,
                "\(reading.id): every column is read")
        var shown: [Int: Set<String>] = [:]
        for record in records.dropFirst() {
            for d in dimensionColumns where record[d] != "Total" { shown[d, default: []].insert(record[d]) }
        }
        for record in records.dropFirst() {
            for v in valueColumns {
                let scope = reading.scope[header[v]]!
                let atoms = space.atoms { atom in
                    guard scope(atom) else { return false }
                    for d in dimensionColumns {
                        let category = reading.dimensions[header[d]]!(atom)
                        if record[d] == "Total" ? !shown[d]!.contains(category) : record[d] != category { return false }
                    }
                    return true
                }
                let known: ClosedRange<Int>?
                switch record[v].isEmpty ? statusColumn.map { record[$0] } ?? "" : record[v] {
                case "[c]": known = nil
                case "[z]": known = 0...0
                default:
                    let value = try #require(Int(record[v]), "\(reading.id): \(record)")
                    known = value...value
                }
                let name = "\(reading.id)[\(header[v])](\(dimensionColumns.map { record[$0] }.joined(separator: ", ")))"
                cells.append(.init(name: name, atoms: atoms, known: known))
            }
        }
    }
    return cells
}
