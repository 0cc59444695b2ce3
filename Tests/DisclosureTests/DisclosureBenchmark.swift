import Disclosure
import Foundation
import Testing

/// A release the size of the example report, timed. Run by Benchmarks/disclosure
/// (`PATHLINK_BENCHMARK=1`); skipped in ordinary test runs, and it asserts only correctness.
@Suite("Disclosure benchmark", .enabled(if: ProcessInfo.processInfo.environment["PATHLINK_BENCHMARK"] == "1"))
struct DisclosureBenchmark {
    static let variables: [(String, [String])] = [
        ("incident", (1...8).map { "incident \($0)" }),
        ("age_band", ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]),
        ("gender", ["Female", "Male", "Other"]),
        ("source", (1...8).map { "source \($0)" }),
        ("closure", ["Planned", "Unexpected", "Open"]),
        ("police_outcome", ["1", "14", "15", "16", "18", "none"]),
        ("cps_outcome", ["charged", "convicted", "acquitted", "none"]),
        ("support", ["Yes", "No"]),
    ]

    /// Persons spread unevenly over the categories, as real data are (seeded).
    static func makeMicrodata(persons: Int, seed: UInt64) -> Microdata {
        var random = SeededGenerator(seed: seed)
        var counts: [[String]: Int] = [:]
        for _ in 0..<persons {
            let key = variables.map { _, categories in
                // Skewed: low indices far more likely.
                let u = Double.random(in: 0..<1, using: &random)
                return categories[min(categories.count - 1, Int(u * u * Double(categories.count)))]
            }
            counts[key, default: 0] += 1
        }
        return Microdata(variables: variables.map(\.0), counts: counts)
    }

    static func makeTables() -> [TableDefinition] {
        let categories = Dictionary(uniqueKeysWithValues: variables)
        func table(_ id: String, _ dimensions: [String], filter: [String: Set<String>] = [:]) -> TableDefinition {
            TableDefinition(id: id, dimensions: dimensions, categories: dimensions.map { categories[$0]! }, filter: filter)
        }
        return [
            table("incident-age-gender", ["incident", "age_band", "gender"]),
            table("source-closure", ["source", "closure"]),
            table("age-closure", ["age_band", "closure"]),
            table("police-support", ["police_outcome", "support"]),
            table("cps-support", ["cps_outcome", "support"]),
            table("incident-police", ["incident", "police_outcome"]),
            table("age-gender", ["age_band", "gender"]),
            table("source-age", ["source", "age_band"]),
            table("police-cps", ["police_outcome", "cps_outcome"]),
            table("closure-support-women", ["closure", "support"], filter: ["gender": ["Female"]]),
        ]
    }

    @Test("ten tables, a few thousand atoms: time to protect", arguments: [300, 2_000, 6_000])
    func protectRelease(persons: Int) throws {
        let microdata = Self.makeMicrodata(persons: persons, seed: 7)
        let tables = Self.makeTables()
        let start = Date()
        let release = try ReleaseProtector(policy: DisclosurePolicy()).protect(microdata, tables: tables)
        let seconds = Date().timeIntervalSince(start)
        let cells = release.tables.reduce(0) { $0 + $1.cells.count }
        let primary = release.audit.filter { $0.kind == .primary }.count
        let loss = release.suppression
        print("BENCHMARK persons=\(persons) atoms=\(microdata.counts.count) tables=\(tables.count) cells=\(cells) "
              + "primary=\(primary) secondary=\(release.audit.count - primary) seconds=\(String(format: "%.2f", seconds)) "
              + "method=\(loss.method.rawValue) secondary_units=\(loss.overall.secondaryUnits) "
              + "greedy_secondary=\(loss.greedySecondaryCells) greedy_units=\(loss.greedySecondaryUnits) "
              + "lower_bound=\(loss.lowerBound.map(String.init) ?? "none") (\(loss.reason))")
        expectAuditHolds(release, threshold: 3)
    }
}
