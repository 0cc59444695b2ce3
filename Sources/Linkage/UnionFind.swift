/// Disjoint sets over every record of the run (persons are its sets).
///
/// Each set's root also holds the bit mask of the datasets its records come from, so
/// "is this cluster already linked to dataset B?" is one load. A record's parent, set size
/// and mask share one 16-byte node: finding a root and reading its mask touch one cache
/// line, not three (the cascade does this for every record of every step).
/// - Complexity: near O(1) amortised per operation (union by size, path halving).
struct UnionFind {
    private struct Node {
        var parent: Int32
        /// Valid at roots: the number of records in the set.
        var size: Int32
        /// Valid at roots: bit d set when the set holds a record of dataset d.
        var mask: UInt64
    }
    private var nodes: [Node]

    init(datasetOfRecord: [Int]) {
        nodes = datasetOfRecord.enumerated().map { Node(parent: Int32($0.offset), size: 1, mask: UInt64(1) << UInt64($0.element)) }
    }

    var count: Int { nodes.count }

    /// Per record: the dataset mask of its node (valid at roots).
    var datasetMask: [UInt64] { nodes.map(\.mask) }

    @inline(__always)
    mutating func find(_ record: Int) -> Int {
        var node = record
        while Int(nodes[node].parent) != node {
            let grand = nodes[Int(nodes[node].parent)].parent
            nodes[node].parent = grand
            node = Int(grand)
        }
        return node
    }

    /// The root of `record`'s set, without shortening the path: safe to call from several
    /// threads at once while nothing changes the sets.
    @inline(__always)
    func root(of record: Int) -> Int {
        var node = record
        while Int(nodes[node].parent) != node { node = Int(nodes[node].parent) }
        return node
    }

    /// Join the sets of `a` and `b`; returns false when they were already one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var rootA = find(a), rootB = find(b)
        if rootA == rootB { return false }
        if nodes[rootA].size < nodes[rootB].size { swap(&rootA, &rootB) }
        nodes[rootB].parent = Int32(rootA)
        nodes[rootA].size += nodes[rootB].size
        nodes[rootA].mask |= nodes[rootB].mask
        return true
    }

    /// The dataset mask of a root.
    @inline(__always)
    func mask(ofRoot root: Int) -> UInt64 { nodes[root].mask }

    @inline(__always)
    mutating func mask(ofSetOf record: Int) -> UInt64 { nodes[find(record)].mask }
}
