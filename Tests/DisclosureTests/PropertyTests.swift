import Disclosure
import PathlinkCore
import Testing

/// Random small releases, checked by an audit that shares no code with the protector.
@Suite("Random releases")
struct PropertyTests {
    struct Case {
        var microdata: Microdata
        var universes: [[String]]
        var tables: [TableDefinition]
        var policy: DisclosurePolicy
    }

    static func makeCase(seed: UInt64) -> Case {
        var random = SeededGenerator(seed: seed)
        let a = (1...Int.random(in: 2...3, using: &random)).map { "a\($0)" }
        let b = (1...Int.random(in: 2...3, using: &random)).map { "b\($0)" }
        let hasC = a.count * b.count <= 4 && Bool.random(using: &random)
        let c = hasC ? ["c1", "c2"] : ["c1"]
        var rows: [([String], Int)] = []
        for x in a { for y in b { for z in c {
            let count = Int.random(in: 0...9, using: &random) < 3 ? 0 : Int.random(in: 1...4, using: &random)
            rows.append(([x, y, z], count))
        } } }
        let microdata = makeMicrodata(["a", "b", "c"], rows)

        var main = TableDefinition(id: "main", dimensions: ["a", "b"], categories: [a, b])
        if a.count == 3 && Int.random(in: 0...4, using: &random) == 0 {
            main.categories[0] = Array(a.dropLast())
        }
        if Int.random(in: 0...4, using: &random) == 0 {
            let empty = a.flatMap { x in b.map { [x, $0] } }.filter { pair in
                main.categories[0].contains(pair[0])
                    && !rows.contains { $0.0[0] == pair[0] && $0.0[1] == pair[1] && $0.1 > 0 }
            }
            if let zero = empty.first { main.structuralZeros = [zero] }
        }
        if Bool.random(using: &random) { main = TableDefinition(id: "main", dimensions: main.dimensions.reversed(),
                                                                 categories: main.categories.reversed(),
                                                                 structuralZeros: Set(main.structuralZeros.map { $0.reversed() })) }
        var tables = [main]
        var options = [
            TableDefinition(id: "by-a", dimensions: ["a"], categories: [a]),
            TableDefinition(id: "by-b", dimensions: ["b"], categories: [b]),
            TableDefinition(id: "b-where-a", dimensions: ["b"], categories: [b],
                            filter: ["a": Set(a.filter { _ in Bool.random(using: &random) } + [a[0]])]),
        ]
        if hasC {
            options.append(TableDefinition(id: "a-by-c", dimensions: ["a", "c"], categories: [a, c]))
            options.append(TableDefinition(id: "c-where-b", dimensions: ["c"], categories: [c], filter: ["b": [b[0]]]))
        }
        options.shuffle(using: &random)
        tables += options.prefix(Int.random(in: 0...2, using: &random))

        let policy = DisclosurePolicy(threshold: Int.random(in: 3...5, using: &random),
                                      zeros: Bool.random(using: &random) ? .show : .suppress,
                                      rounding: Int.random(in: 0...3, using: &random) == 0 ? 5 : 0)
        return Case(microdata: microdata, universes: [a, b, c], tables: tables, policy: policy)
    }

    /// The true count of a cell, straight from the microdata.
    static func trueCount(_ microdata: Microdata, _ definition: TableDefinition, _ coordinates: [String]) -> Int {
        microdata.counts.filter { key, _ in
            for (variable, allowed) in definition.filter where !allowed.contains(key[microdata.variables.firstIndex(of: variable)!]) {
                return false
            }
            for (d, dimension) in definition.dimensions.enumerated() {
                let category = key[microdata.variables.firstIndex(of: dimension)!]
                if coordinates[d] == "Total" ? !definition.categories[d].contains(category) : coordinates[d] != category {
                    return false
                }
            }
            return true
        }.values.reduce(0, +)
    }

    @Test("after protection no published count is small, and enumeration finds every hidden cell wide",
          arguments: 0..<4)
    func randomReleases(batch: Int) throws {
        var refused = 0
        for seed in UInt64(batch * 50)..<UInt64(batch * 50 + 50) {
            let release: ProtectedRelease
            let example = Self.makeCase(seed: seed)
            do {
                release = try ReleaseProtector(policy: example.policy).protect(example.microdata, tables: example.tables)
            } catch let error as PathlinkError where error.code == .disclosure {
                refused += 1
                continue
            }
            let threshold = example.policy.threshold
            var hidden = 0
            for table in release.tables {
                for cell in table.cells {
                    let count = Self.trueCount(example.microdata, table.definition, cell.coordinates)
                    switch cell.status {
                    case .published(let value):
                        #expect(count == 0 || count >= threshold, "seed \(seed): \(table.definition.id) \(cell.coordinates)")
                        if count == 0 { #expect(example.policy.zeros == .show, "seed \(seed)") }
                        #expect(value == example.policy.published(count), "seed \(seed)")
                    case .structuralZero:
                        #expect(count == 0, "seed \(seed)")
                    case .suppressed:
                        hidden += 1
                    }
                }
            }
            #expect(release.audit.count == hidden, "seed \(seed)")
            let independent = IndependentAudit(variables: ["a", "b", "c"], universes: example.universes,
                                               unboundedCap: threshold + 1)
            let ranges = try #require(independent.ranges(of: release, policy: example.policy), "seed \(seed)")
            for entry in release.audit where entry.kind != .zero {
                let key = "\(entry.table)|\(entry.coordinates.joined(separator: "|"))"
                let range = try #require(ranges[key], "seed \(seed)")
                #expect(range.upper > range.lower, "seed \(seed): \(key) pinned")
                #expect(range.upper >= threshold, "seed \(seed): \(key) below threshold")
                #expect(range.lower == Int(entry.lower), "seed \(seed): \(key) lower")
                if !entry.isUnbounded { #expect(range.upper == Int(entry.upper), "seed \(seed): \(key) upper") }
            }
            let again = try ReleaseProtector(policy: example.policy).protect(example.microdata, tables: example.tables)
            #expect(again == release, "seed \(seed): not deterministic")
        }
        // Failing closed is allowed, but it must stay the exception.
        #expect(refused <= 5, "\(refused) of 50 releases refused")
    }
}
