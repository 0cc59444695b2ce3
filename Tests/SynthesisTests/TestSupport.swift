import Foundation
import Tabular
@testable import Synthesis

/// A fresh, empty temporary folder for one test.
func makeTemporaryFolder() -> String {
    let path = NSTemporaryDirectory() + "synthesis-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The repository root (Tests/SynthesisTests/… → ../..).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()
    url.deleteLastPathComponent()
    url.deleteLastPathComponent()
    return url.path
}()

/// Generate a population into a new folder.
func synthesise(persons: Int, seed: UInt64, rates: MessRates = .default, population: PopulationRates = .typical) throws -> (folder: String, summary: Synthesiser.Summary) {
    let folder = makeTemporaryFolder() + "/out"
    let summary = try Synthesiser.run(.init(persons: persons, seed: seed, output: folder, rates: rates, population: population, showsProgress: false))
    return (folder, summary)
}

/// Every record of a CSV file, read with Tabular's reader, as dictionaries by column name.
func readRecords(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
    let reader = try CSVReader(path: path)
    var rows: [[String: String]] = []
    while try reader.next() {
        var row: [String: String] = [:]
        for (index, name) in reader.header.enumerated() { row[name] = reader.string(index) }
        rows.append(row)
    }
    return (reader.header, rows)
}

func bytes(_ path: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path) ?? Data())
}

/// A generated population read back: the ground truth and the three exports.
struct Population {
    let folder: String
    let truth: [[String: String]]
    let support: [[String: String]]
    let police: [[String: String]]
    let cps: [[String: String]]

    init(folder: String) throws {
        self.folder = folder
        truth = try readRecords(folder + "/ground-truth.csv").rows
        support = try readRecords(folder + "/support-service-cases.csv").rows
        police = try readRecords(folder + "/police-crimes.csv").rows
        cps = try readRecords(folder + "/cps-cases.csv").rows
    }

    func truth(of dataset: String) -> [[String: String]] { truth.filter { $0["dataset"] == dataset } }

    /// The share of `rows` whose `column` is `value`, among rows where `include` holds.
    static func share(_ rows: [[String: String]], _ column: String, _ value: String,
                      where include: ([String: String]) -> Bool = { _ in true }) -> Double {
        let considered = rows.filter(include)
        return Double(considered.filter { $0[column] == value }.count) / Double(max(1, considered.count))
    }
}
