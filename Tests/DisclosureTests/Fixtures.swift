import Disclosure
import PathlinkCore
import Testing

/// Microdata from rows of (categories, count); zero counts are left out as the contract says.
func makeMicrodata(_ variables: [String], _ rows: [([String], Int)]) -> Microdata {
    var counts: [[String]: Int] = [:]
    for (key, count) in rows where count > 0 { counts[key, default: 0] += count }
    return Microdata(variables: variables, counts: counts)
}

/// Microdata for a two-variable grid given row by row.
func makeGrid(_ rowVariable: String, _ rows: [String], _ columnVariable: String, _ columns: [String],
              _ values: [[Int]]) -> Microdata {
    var entries: [([String], Int)] = []
    for (r, row) in rows.enumerated() {
        for (c, column) in columns.enumerated() { entries.append(([row, column], values[r][c])) }
    }
    return makeMicrodata([rowVariable, columnVariable], entries)
}

extension ProtectedRelease {
    func table(_ id: String) -> ProtectedTable { tables.first { $0.definition.id == id }! }

    func status(_ id: String, _ coordinates: String...) -> CellStatus {
        table(id).cells.first { $0.coordinates == coordinates }!.status
    }

    func entry(_ id: String, _ coordinates: String...) -> AuditEntry? {
        audit.first { $0.table == id && $0.coordinates == coordinates }
    }

    /// The coordinates of the hidden cells of a table.
    func hidden(_ id: String) -> Set<[String]> {
        Set(table(id).cells.filter { $0.status == .suppressed }.map(\.coordinates))
    }
}

/// Every audit entry is a range a reader cannot narrow to one value or below the threshold.
func expectAuditHolds(_ release: ProtectedRelease, threshold: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    let hiddenCount = release.tables.reduce(0) { $0 + $1.cells.filter { $0.status == .suppressed }.count }
    #expect(release.audit.count == hiddenCount, "one audit entry per hidden cell", sourceLocation: sourceLocation)
    // A zero hidden against class disclosure is judged with its line, not alone.
    for entry in release.audit where entry.kind != .zero {
        #expect(entry.upper > entry.lower, "\(entry.table) \(entry.coordinates) pinned", sourceLocation: sourceLocation)
        #expect(entry.upper >= Double(threshold), "\(entry.table) \(entry.coordinates) below threshold",
                sourceLocation: sourceLocation)
    }
}

/// Expects a `PathlinkError` with the given code.
func expectPathlinkError<T>(_ code: PathlinkError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> T) -> PathlinkError? {
    do {
        _ = try body()
        Issue.record("expected a \(code) error", sourceLocation: sourceLocation)
        return nil
    } catch let error as PathlinkError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A deterministic generator for the property tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
