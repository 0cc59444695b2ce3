@testable import Linkage
import Testing

@Suite("Journeys: the packed keys and grouped tables it is built from")
struct JourneyStepsTests {
    @Test("a packed key keeps pairs apart up to its bounds and refuses what does not fit")
    func packedKeyBounds() {
        let limit = PackedKey.lowLimit
        #expect(limit == 65_536)
        // Inside the bounds, different pairs give different keys.
        let pairs = [(0, 0), (0, 1), (1, 0), (0, limit - 1), (1, limit - 1), (2, 0), (PackedKey.highLimit, limit - 1)]
        let keys = pairs.compactMap { PackedKey(checkedHigh: $0.0, low: $0.1) }
        #expect(keys.count == pairs.count)
        #expect(Set(keys).count == pairs.count)
        // (0, 65536) would pack to the key of (1, 0): refused rather than shared.
        #expect(PackedKey(checkedHigh: 0, low: limit) == nil)
        #expect(PackedKey(checkedHigh: 0, low: -1) == nil)
        #expect(PackedKey(checkedHigh: -1, low: 0) == nil)
        #expect(PackedKey(checkedHigh: PackedKey.highLimit + 1, low: 0) == nil)
    }

    @Test("a link or dataset number beyond 16 bits stops the run instead of sharing a key")
    func packedKeyPrecondition() async {
        await #expect(processExitsWith: .failure) {
            _ = PackedKey(high: 0, low: PackedKey.lowLimit)
        }
        await #expect(processExitsWith: .success) {
            _ = PackedKey(high: 0, low: PackedKey.lowLimit - 1)
        }
    }

    @Test("a grouped table gives each group its elements in the order given")
    func groupedTable() {
        let entries: [(Int, String)] = [(2, "a"), (0, "b"), (2, "c"), (3, "d"), (0, "e")]
        let table = GroupedTable(groupCount: 5, filler: "") { add in
            for (group, element) in entries { add(group, element) }
        }
        #expect(Array(table[0]) == ["b", "e"])
        #expect(Array(table[1]).isEmpty)
        #expect(Array(table[2]) == ["a", "c"])
        #expect(Array(table[3]) == ["d"])
        #expect(Array(table[4]).isEmpty)
    }

    @Test("a group outside the table stops the run instead of writing past it")
    func groupedTableBounds() async {
        await #expect(processExitsWith: .failure) {
            _ = GroupedTable(groupCount: 2, filler: 0) { add in add(2, 1) }
        }
    }
}
