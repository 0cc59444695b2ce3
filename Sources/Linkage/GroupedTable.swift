/// Elements grouped by a small whole-number key in one flat array (a counting sort): the
/// elements of group `g` are `elements[start[g]..<start[g + 1]]`, in the order given.
///
/// Journeys needs, for every record, the members of its cluster and its reference
/// neighbours. One array of elements and one of 32-bit offsets cost a few bytes a record;
/// an array per record would cost an allocation each, tens of millions of them at scale.
struct GroupedTable<Element> {
    /// Offsets into ``elements``, `groupCount + 1` of them; 32-bit to halve the table.
    private let start: [Int32]
    private let elements: [Element]

    /// - Parameters:
    ///   - groupCount: groups are `0..<groupCount`.
    ///   - filler: any value (the slots are all overwritten).
    ///   - entries: gives each `(group, element)` to its argument, in order. It is called
    ///     twice, to count and then to place, and must give the same entries both times.
    /// - Precondition: every group is in `0..<groupCount`, and there are fewer than
    ///   `Int32.max` elements (what the offsets can hold).
    init(groupCount: Int, filler: Element, entries: ((_ group: Int, _ element: Element) -> Void) -> Void) {
        var start = [Int32](repeating: 0, count: groupCount + 1)
        var total = 0
        entries { group, _ in
            precondition(group >= 0 && group < groupCount, "journeys: group \(group) outside 0..<\(groupCount)")
            start[group + 1] += 1
            total += 1
        }
        precondition(total < Int(Int32.max), "journeys: \(total) entries are more than 32-bit offsets can hold")
        for index in 0..<groupCount { start[index + 1] += start[index] }
        var fill = start
        var elements = [Element](repeating: filler, count: total)
        entries { group, element in
            elements[Int(fill[group])] = element
            fill[group] += 1
        }
        self.start = start
        self.elements = elements
    }

    /// The elements of `group`, in the order they were given.
    @inline(__always)
    subscript(group: Int) -> ArraySlice<Element> {
        elements[Int(start[group])..<Int(start[group + 1])]
    }
}
