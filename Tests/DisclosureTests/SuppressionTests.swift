import Disclosure
import PathlinkCore
import Testing

/// Hand-made tables whose protected form is known.
@Suite("Primary and secondary suppression")
struct SuppressionTests {
    let protector = ReleaseProtector(policy: DisclosurePolicy())
    let regionByOutcome = TableDefinition(id: "outcomes", dimensions: ["region", "outcome"],
                                          categories: [["North", "South"], ["A", "B", "C"]])

    @Test("a single small cell is hidden with the three cells that complete its rectangle")
    func singleSmallCell() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[5, 1, 7], [6, 8, 9]])
        let release = try protector.protect(data, tables: [regionByOutcome])
        #expect(release.hidden("outcomes") == [["North", "A"], ["North", "B"], ["South", "A"], ["South", "B"]])
        #expect(release.entry("outcomes", "North", "B")?.kind == .primary)
        #expect(release.entry("outcomes", "North", "A")?.kind == .secondary)
        // NA + NB = 6, SA + SB = 14, NA + SA = 11, NB + SB = 9, every hidden cell ≥ 1.
        let expected: [[String]: (Double, Double)] = [
            ["North", "A"]: (1, 5), ["North", "B"]: (1, 5), ["South", "A"]: (6, 10), ["South", "B"]: (4, 8),
        ]
        for (coordinates, range) in expected {
            let entry = try #require(release.audit.first { $0.coordinates == coordinates })
            #expect(entry.lower == range.0 && entry.upper == range.1, "\(coordinates)")
        }
        // Published totals are the true totals.
        #expect(release.status("outcomes", "North", "Total") == .published(13))
        #expect(release.status("outcomes", "Total", "B") == .published(9))
        #expect(release.status("outcomes", "Total", "Total") == .published(36))
        #expect(release.status("outcomes", "North", "C") == .published(7))
    }

    @Test("two small cells in one line still need complements: their sum alone is small")
    func twoSmallCellsInOneLine() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[1, 2, 9], [7, 6, 8]])
        let release = try protector.protect(data, tables: [regionByOutcome])
        let hidden = release.hidden("outcomes")
        #expect(hidden.isSuperset(of: [["North", "A"], ["North", "B"]]))
        // Hidden cells 1 and 2 with their row shown would give NA + NB = 3, so NA ≤ 2: not enough.
        #expect(hidden.count > 4)
        #expect(release.status("outcomes", "North", "Total") == .published(12))
        expectAuditHolds(release, threshold: 3)
    }

    @Test("a small total is hidden and protected like any cell; the grand total stays")
    func smallTotal() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[1, 1, 0], [5, 6, 7]])
        let release = try protector.protect(data, tables: [regionByOutcome])
        #expect(release.status("outcomes", "North", "Total") == .suppressed)
        #expect(release.entry("outcomes", "North", "Total")?.kind == .primary)
        #expect(release.status("outcomes", "Total", "Total") == .published(20))
        // Column C's 7 persons are all in South: a group under the class size in one
        // category, so its zero is hidden (class disclosure).
        #expect(release.status("outcomes", "North", "C") == .suppressed)
        #expect(release.entry("outcomes", "North", "C")?.kind == .zero)
        expectAuditHolds(release, threshold: 3)
    }

    @Test("a lone small count in a one-dimensional table is hidden with the next smallest")
    func oneDimension() throws {
        let data = makeMicrodata(["region"], [(["North"], 2), (["South"], 10), (["East"], 4)])
        let table = TableDefinition(id: "regions", dimensions: ["region"], categories: [["North", "South", "East"]])
        let release = try protector.protect(data, tables: [table])
        #expect(release.hidden("regions") == [["North"], ["East"]])
        #expect(release.status("regions", "Total") == .published(16))
        #expect(release.entry("regions", "North") == AuditEntry(table: "regions", coordinates: ["North"], kind: .primary,
                                                                 lower: 1, upper: 5))
    }

    @Test("two row variables with all margins: every line has zero or several hidden cells")
    func twoRowVariables() throws {
        var rows: [([String], Int)] = []
        let values = [3, 1, 6, 4, 0, 9, 2, 8, 5, 7, 3, 4, 6, 5, 1, 9, 8, 7]
        var i = 0
        for region in ["North", "South", "East"] {
            for sex in ["F", "M"] {
                for outcome in ["A", "B", "C"] {
                    rows.append(([region, sex, outcome], values[i])); i += 1
                }
            }
        }
        let data = makeMicrodata(["region", "sex", "outcome"], rows)
        let table = TableDefinition(id: "cube", dimensions: ["region", "sex", "outcome"],
                                    categories: [["North", "South", "East"], ["F", "M"], ["A", "B", "C"]])
        let release = try protector.protect(data, tables: [table])
        let cells = release.table("cube").cells
        #expect(cells.count == 4 * 3 * 4)
        #expect(cells.first?.coordinates == ["North", "F", "A"])
        #expect(cells.last?.coordinates == ["Total", "Total", "Total"])
        #expect(cells[3].coordinates == ["North", "F", "Total"])
        #expect(release.status("cube", "North", "F", "B") == .suppressed)
        #expect(release.status("cube", "South", "F", "A") == .suppressed)
        #expect(release.status("cube", "Total", "Total", "Total") == .published(values.reduce(0, +)))
        for cell in cells {
            if case .published(let value) = cell.status { #expect(value == 0 || value >= 3) }
        }
        expectAuditHolds(release, threshold: 3)
        // Along every line of the cube, a hidden cell never stands alone.
        for region in ["North", "South", "East", "Total"] {
            for sex in ["F", "M", "Total"] {
                let line = ["A", "B", "C", "Total"].map { release.status("cube", region, sex, $0) }
                #expect(line.filter { $0 == .suppressed }.count != 1, "\(region) \(sex)")
            }
        }
    }

    @Test("zeros shown: a zero is published and never a complement; hidden cells are at least 1")
    func zerosShown() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[0, 1, 7], [0, 8, 9]])
        let release = try protector.protect(data, tables: [regionByOutcome])
        #expect(release.status("outcomes", "North", "A") == .published(0))
        #expect(release.status("outcomes", "South", "A") == .published(0))
        #expect(release.status("outcomes", "North", "B") == .suppressed)
        for entry in release.audit { #expect(entry.lower >= 1) }
        expectAuditHolds(release, threshold: 3)
    }

    @Test("zeros suppressed: a zero is hidden as primary and its range reaches the threshold")
    func zerosSuppressed() throws {
        let policy = DisclosurePolicy(zeros: .suppress)
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[0, 4, 7], [5, 8, 9]])
        let release = try ReleaseProtector(policy: policy).protect(data, tables: [regionByOutcome])
        #expect(release.status("outcomes", "North", "A") == .suppressed)
        let entry = try #require(release.entry("outcomes", "North", "A"))
        #expect(entry.kind == .primary)
        #expect(entry.lower == 0 && entry.upper >= 3)
        expectAuditHolds(release, threshold: 3)
        let independent = IndependentAudit(variables: ["region", "outcome"],
                                           universes: [["North", "South"], ["A", "B", "C"]], unboundedCap: 4)
        let ranges = try #require(independent.ranges(of: release, policy: policy))
        #expect(ranges["outcomes|North|A"] == IndependentAudit.Range(lower: Int(entry.lower), upper: Int(entry.upper)))
    }

    @Test("structural zeros are [z], fixed at zero and never complements")
    func structuralZeros() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[0, 2, 7], [6, 8, 9]])
        var table = regionByOutcome
        table.structuralZeros = [["North", "A"]]
        let release = try protector.protect(data, tables: [table])
        #expect(release.status("outcomes", "North", "A") == .structuralZero)
        #expect(release.status("outcomes", "North", "B") == .suppressed)
        // With North–A impossible, North's row can only hide B with C.
        #expect(release.status("outcomes", "North", "C") == .suppressed)
        #expect(release.entry("outcomes", "North", "A") == nil)
        expectAuditHolds(release, threshold: 3)
    }

    @Test("a structural zero that holds units is refused")
    func structuralZeroWithUnits() {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[4, 2, 7], [6, 8, 9]])
        var table = regionByOutcome
        table.structuralZeros = [["North", "A"]]
        let error = expectPathlinkError(.invalidDocument) { try protector.protect(data, tables: [table]) }
        #expect(error?.problem.contains("outcomes") == true)
    }

    @Test("rounding publishes multiples of the base; decisions are made on true counts")
    func rounding() throws {
        let policy = DisclosurePolicy(rounding: 5)
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[5, 1, 7], [6, 8, 12]])
        let release = try ReleaseProtector(policy: policy).protect(data, tables: [regionByOutcome])
        #expect(release.status("outcomes", "North", "B") == .suppressed)
        #expect(release.status("outcomes", "North", "C") == .published(5))     // 7 → 5
        #expect(release.status("outcomes", "South", "C") == .published(10))    // 12 → 10
        #expect(release.status("outcomes", "Total", "Total") == .published(40)) // 39 → 40
        for table in release.tables {
            for cell in table.cells { if case .published(let value) = cell.status { #expect(value % 5 == 0) } }
        }
        expectAuditHolds(release, threshold: 3)
        let independent = IndependentAudit(variables: ["region", "outcome"],
                                           universes: [["North", "South"], ["A", "B", "C"]], unboundedCap: 4)
        let ranges = try #require(independent.ranges(of: release, policy: policy))
        for (key, range) in ranges { #expect(range.upper > range.lower && range.upper >= 3, "\(key)") }
    }

    @Test("rounding rule: half up to the base, and the true counts behind each published value")
    func roundingRule() {
        let policy = DisclosurePolicy(rounding: 10)
        #expect([0, 4, 5, 14, 15, 25].map(policy.published) == [0, 0, 10, 10, 20, 30])
        #expect(policy.trueRange(ofPublished: 10) == 5...14)
        #expect(policy.trueRange(ofPublished: 0) == 0...4)
        #expect(DisclosurePolicy(rounding: 5).trueRange(ofPublished: 5) == 3...7)
        #expect(DisclosurePolicy().trueRange(ofPublished: 7) == 7...7)
    }

    @Test("without secondary suppression a lone small cell cannot be protected: the release is refused")
    func secondaryOffFailsClosed() {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[5, 1, 7], [6, 8, 9]])
        let protector = ReleaseProtector(policy: DisclosurePolicy(secondary: false))
        let error = expectPathlinkError(.disclosure) { try protector.protect(data, tables: [regionByOutcome]) }
        #expect(error?.remedy?.contains("secondary: true") == true)
    }

    @Test("class disclosure is protected: the zeros of a small line all in one category are hidden, a large line's are not")
    func classDisclosure() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[0, 0, 9], [6, 8, 9]])
        let release = try protector.protect(data, tables: [regionByOutcome])
        // North's 9 are all in C; A's 6 and B's 8 are all in South: every such zero is hidden.
        #expect(release.status("outcomes", "North", "A") == .suppressed)
        #expect(release.status("outcomes", "North", "B") == .suppressed)
        #expect(release.warnings.isEmpty)
        expectAuditHolds(release, threshold: 3)
        // Lines of 10 or more may be all in one category.
        let large = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[0, 0, 12], [16, 18, 9]])
        let published = try protector.protect(large, tables: [regionByOutcome])
        #expect(published.status("outcomes", "North", "A") == .published(0))
        #expect(published.hidden("outcomes").isEmpty)
        // A larger class size in the policy protects them too.
        let strict = ReleaseProtector(policy: DisclosurePolicy(classSize: 20))
        #expect(try strict.protect(large, tables: [regionByOutcome]).status("outcomes", "North", "A") == .suppressed)
    }

    @Test("same inputs give the same release")
    func deterministic() throws {
        let data = makeGrid("region", ["North", "South"], "outcome", ["A", "B", "C"], [[1, 2, 9], [7, 6, 8]])
        let first = try protector.protect(data, tables: [regionByOutcome])
        let second = try protector.protect(data, tables: [regionByOutcome])
        #expect(first == second)
    }
}
