/// Research ids (`R000123`, `P000045`) that carry nothing of the tokens or the input order.
///
/// Records are numbered in the order of a keyed hash (key derived from the linker's
/// secret, which is discarded) of their dataset name and row; persons in the order of
/// their first record under that numbering. Without the secret, the numbering is a random
/// permutation; with the same `--secret` and inputs it is the same.
struct ResearchIDs {
    /// Per global record: its rank (0-based) in research-id order.
    let recordRank: [Int32]
    /// Every global record, in research-id order (the inverse of `recordRank`).
    let recordsInOrder: [Int32]
    /// Per global record: its person's rank (0-based).
    let personRank: [Int32]
    let personCount: Int
    let recordWidth: Int
    let personWidth: Int

    /// The record numbering alone: it depends on the datasets' names and sizes, not on the
    /// links, so ``Linker`` computes it on a second thread while the persons are built.
    struct RecordOrder {
        let recordRank: [Int32]
        let recordsInOrder: [Int32]

        /// - Parameter datasets: name and rows of each dataset, in global record order.
        init(datasets: [(name: String, rows: Int)], hasher: Rekeyer) {
            let total = datasets.reduce(0) { $0 + $1.rows }
            var hashes = [UInt64](repeating: 0, count: total)
            var first = 0
            hashes.withUnsafeMutableBufferPointer { hashes in
                for dataset in datasets {
                    // Message: dataset name ‖ 0 ‖ row (8 bytes, big-endian).
                    var message = Array(dataset.name.utf8) + [UInt8](repeating: 0, count: 9)
                    let rowOffset = message.count - 8
                    message.withUnsafeMutableBytes { raw in
                        for row in 0..<dataset.rows {
                            raw.storeBytes(of: UInt64(row).bigEndian, toByteOffset: rowOffset, as: UInt64.self)
                            hashes[first + row] = hasher.hash64(UnsafeRawBufferPointer(raw))
                        }
                    }
                    first += dataset.rows
                }
            }
            let order = ResearchIDs.sortedIndices(hashes)
            var recordRank = [Int32](repeating: 0, count: total)
            recordRank.withUnsafeMutableBufferPointer { rank in
                for (position, record) in order.enumerated() { rank[Int(record)] = Int32(position) }
            }
            self.recordRank = recordRank
            recordsInOrder = order
        }
    }

    init(order: RecordOrder, roots: [Int32]) {
        let total = roots.count
        var personOfRoot = [Int32](repeating: -1, count: total)
        var personRank = [Int32](repeating: 0, count: total)
        var persons: Int32 = 0
        for record in order.recordsInOrder {
            let root = Int(roots[Int(record)])
            if personOfRoot[root] < 0 { personOfRoot[root] = persons; persons += 1 }
            personRank[Int(record)] = personOfRoot[root]
        }
        recordRank = order.recordRank
        recordsInOrder = order.recordsInOrder
        self.personRank = personRank
        personCount = Int(persons)
        recordWidth = max(6, String(total).count)
        personWidth = max(6, String(Int(persons)).count)
    }

    init(linker: PersonLinker, roots: [Int32], hasher: Rekeyer) {
        self.init(order: RecordOrder(datasets: linker.datasets.map { ($0.name, $0.rows) }, hasher: hasher), roots: roots)
    }

    /// The indices of `keys` sorted by (key, index): a stable least-significant-digit radix
    /// sort, 16 bits a pass, so equal keys keep index order.
    /// - Complexity: O(n), four passes.
    static func sortedIndices(_ keys: [UInt64]) -> [Int32] {
        let count = keys.count
        var order = (0..<Int32(count)).map { $0 }
        var spare = [Int32](repeating: 0, count: count)
        var currentKeys = keys
        var spareKeys = [UInt64](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            histogram.withUnsafeMutableBufferPointer { histogram in
                for index in 0..<histogram.count { histogram[index] = 0 }
                currentKeys.withUnsafeBufferPointer { source in
                    for key in source { histogram[Int((key >> shift) & 0xFFFF)] += 1 }
                }
                var sum = 0
                for index in 0..<histogram.count {
                    let value = histogram[index]
                    histogram[index] = sum
                    sum += value
                }
                currentKeys.withUnsafeBufferPointer { sourceKeys in
                    order.withUnsafeBufferPointer { sourceOrder in
                        spareKeys.withUnsafeMutableBufferPointer { targetKeys in
                            spare.withUnsafeMutableBufferPointer { targetOrder in
                                for index in 0..<count {
                                    let key = sourceKeys[index]
                                    let bucket = Int((key >> shift) & 0xFFFF)
                                    let target = histogram[bucket]
                                    histogram[bucket] = target + 1
                                    targetKeys[target] = key
                                    targetOrder[target] = sourceOrder[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&currentKeys, &spareKeys)
            swap(&order, &spare)
        }
        return order
    }

    func recordID(_ record: Int) -> String { Self.format("R", Int(recordRank[record]) + 1, width: recordWidth) }
    func personID(_ record: Int) -> String { Self.format("P", Int(personRank[record]) + 1, width: personWidth) }

    static func format(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Write `prefix` + zero-padded `number` into `buffer`, returning the byte count.
    @inline(__always)
    static func format(_ prefix: UInt8, _ number: Int, width: Int, into buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 0
        var rest = number
        repeat { digits += 1; rest /= 10 } while rest > 0
        let length = 1 + max(width, digits)
        buffer[0] = prefix
        var position = length - 1
        rest = number
        while position >= 1 {
            buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
        return length
    }
}
