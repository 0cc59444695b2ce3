/// The order in which journeys attaches the other datasets to a spine record.
///
/// Breadth-first over the plan's links from the spine: the datasets nearest the spine come
/// first, then plan order. A dataset reached through another comes after it, because its
/// chained reference links (`crime-reference-via-police.crimes`) start from the record
/// already attached in that one.
struct JourneyOrder {
    /// Other datasets in journeys order.
    let others: [Int]
    /// Per other dataset: the dataset through which it is reached.
    let via: [Int: Int]

    init(linker: PersonLinker, spine: Int) {
        let plan = linker.plan
        var others: [Int] = []
        var via: [Int: Int] = [:]
        var frontier = [spine]
        var seen: Set<Int> = [spine]
        while !frontier.isEmpty {
            var nextFrontier: [Int] = []
            for current in frontier {
                for link in plan.links {
                    let pair = [linker.index(of: link.from), linker.index(of: link.to)].compactMap { $0 }
                    guard pair.count == 2, pair.contains(current) else { continue }
                    let other = pair[0] == current ? pair[1] : pair[0]
                    if seen.insert(other).inserted {
                        others.append(other)
                        via[other] = current
                        nextFrontier.append(other)
                    }
                }
            }
            frontier = nextFrontier
        }
        self.others = others
        self.via = via
    }
}
