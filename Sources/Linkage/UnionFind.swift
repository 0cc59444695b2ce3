/// Disjoint sets over every record of the run (persons are its sets).
///
/// Each set's root also holds the bit mask of the datasets its records come from, so
/// "is this cluster already linked to dataset B?" is one load.
/// - Complexity: near O(1) amortised per operation (union by size, path halving).
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]
    /// Valid at roots: bit d set when the set holds a record of dataset d.
    private(set) var datasetMask: [UInt64]

    init(datasetOfRecord: [Int]) {
        parent = (0..<Int32(datasetOfRecord.count)).map { $0 }
        size = [Int32](repeating: 1, count: datasetOfRecord.count)
        datasetMask = datasetOfRecord.map { UInt64(1) << UInt64($0) }
    }

    var count: Int { parent.count }

    @inline(__always)
    mutating func find(_ record: Int) -> Int {
        var node = record
        while Int(parent[node]) != node {
            let grand = parent[Int(parent[node])]
            parent[node] = grand
            node = Int(grand)
        }
        return node
    }

    /// Join the sets of `a` and `b`; returns false when they were already one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var rootA = find(a), rootB = find(b)
        if rootA == rootB { return false }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] += size[rootB]
        datasetMask[rootA] |= datasetMask[rootB]
        return true
    }

    @inline(__always)
    mutating func mask(ofSetOf record: Int) -> UInt64 { datasetMask[find(record)] }
}
