import Disclosure
import Testing

/// The ACRO failure: tables protected one by one give hidden cells back when combined.
@Suite("Protection across tables (differencing)")
struct DifferencingTests {
    // Region × outcome: North has a single conviction.
    let data = makeGrid("region", ["North", "South", "East"], "outcome", ["Charged", "NFA"],
                        [[1, 4], [5, 6], [7, 3]])
    let byRegion = TableDefinition(id: "by-region", dimensions: ["region", "outcome"],
                                   categories: [["North", "South", "East"], ["Charged", "NFA"]])
    let regionTotals = TableDefinition(id: "region-totals", dimensions: ["region"],
                                       categories: [["North", "South", "East"]])
    /// Outcomes in North and East only: Charged here = North + East.
    let northAndEast = TableDefinition(id: "north-east", dimensions: ["outcome"],
                                       categories: [["Charged", "NFA"]], filter: ["region": ["North", "East"]])
    let independent = IndependentAudit(variables: ["region", "outcome"],
                                       universes: [["North", "South", "East"], ["Charged", "NFA"]], unboundedCap: 4)
    let policy = DisclosurePolicy()

    @Test("tables protected one by one give a hidden cell back by subtraction")
    func tableByTableFails() throws {
        // Each table protected on its own with the greedy method (the choice a
        // table-by-table tool makes here).
        let protector = ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
        let alone = try protector.protect(data, tables: [byRegion])
        let other = try protector.protect(data, tables: [northAndEast])
        #expect(alone.status("by-region", "North", "Charged") == .suppressed)
        #expect(alone.status("by-region", "East", "Charged") == .published(7))
        #expect(other.status("north-east", "Charged") == .published(8))
        // Published together, Charged(North) = 8 − 7: the independent audit pins it.
        let combined = ProtectedRelease(tables: alone.tables + other.tables, audit: [], warnings: [])
        let ranges = try #require(independent.ranges(of: combined, policy: policy))
        #expect(ranges["by-region|North|Charged"] == IndependentAudit.Range(lower: 1, upper: 1))
    }

    @Test("protected as one release, no combination of the tables pins a hidden cell")
    func jointProtectionHolds() throws {
        let release = try ReleaseProtector(policy: policy).protect(data, tables: [byRegion, regionTotals, northAndEast])
        #expect(release.status("by-region", "North", "Charged") == .suppressed)
        expectAuditHolds(release, threshold: 3)
        let ranges = try #require(independent.ranges(of: release, policy: policy))
        #expect(ranges.count == release.audit.count)
        for (key, range) in ranges {
            #expect(range.upper > range.lower, "\(key)")
            #expect(range.upper >= 3, "\(key)")
        }
        // The LP and the enumeration agree on every range.
        for entry in release.audit {
            let key = "\(entry.table)|\(entry.coordinates.joined(separator: "|"))"
            let range = try #require(ranges[key])
            #expect(range.lower == Int(entry.lower), "\(key)")
            if entry.isUnbounded { continue }   // the enumeration stops at its cap
            #expect(range.upper == Int(entry.upper), "\(key)")
        }
    }

    @Test("a margin of one table and the same count in another share their fate")
    func sameCountSameStatus() throws {
        // North's row total (2) is small: both its copies are hidden, and the pair does not
        // give North back through the region totals table.
        let small = makeGrid("region", ["North", "South", "East"], "outcome", ["Charged", "NFA"], [[1, 1], [5, 6], [7, 3]])
        let release = try ReleaseProtector(policy: policy).protect(small, tables: [byRegion, regionTotals])
        for region in ["North", "South", "East"] {
            #expect(release.status("by-region", region, "Total") == release.status("region-totals", region), "\(region)")
        }
        #expect(release.status("region-totals", "North") == .suppressed)
        #expect(release.status("region-totals", "Total") == .published(23))
        let ranges = try #require(independent.ranges(of: release, policy: policy))
        for (key, range) in ranges { #expect(range.upper > range.lower && range.upper >= 3, "\(key)") }
    }

    @Test("audit sidecar JSON writes an unbounded range as text")
    func auditJSON() throws {
        let tiny = makeMicrodata(["region"], [(["North"], 1), (["South"], 1)])
        let table = TableDefinition(id: "tiny", dimensions: ["region"], categories: [["North", "South"]])
        let release = try ReleaseProtector(policy: policy).protect(tiny, tables: [table])
        #expect(release.entry("tiny", "Total")?.isUnbounded == true)
        let json = String(decoding: try release.makeAuditJSON(), as: UTF8.self)
        #expect(json.contains("\"unbounded\""))
        #expect(json.contains("\"primary\""))
    }
}
