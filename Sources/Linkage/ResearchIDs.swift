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

    init(linker: PersonLinker, roots: [Int32], hasher: Rekeyer) {
        let total = linker.datasetOfRecord.count
        var hashes = [UInt64](repeating: 0, count: total)
        var message = [UInt8](repeating: 0, count: 8)
        for (index, dataset) in linker.datasets.enumerated() {
            let prefix = Array(dataset.name.utf8) + [0]
            message = prefix + [UInt8](repeating: 0, count: 8)
            for row in 0..<dataset.rows {
                let bigEndian = UInt64(row).bigEndian
                withUnsafeBytes(of: bigEndian) { raw in
                    for offset in 0..<8 { message[prefix.count + offset] = raw[offset] }
                }
                hashes[linker.base[index] + row] = message.withUnsafeBytes { hasher.hash64($0) }
            }
        }
        var order = Array(0..<total)
        order.sort { hashes[$0] != hashes[$1] ? hashes[$0] < hashes[$1] : $0 < $1 }
        var recordRank = [Int32](repeating: 0, count: total)
        for (rank, record) in order.enumerated() { recordRank[record] = Int32(rank) }

        var personOfRoot = [Int32](repeating: -1, count: total)
        var personRank = [Int32](repeating: 0, count: total)
        var persons: Int32 = 0
        for record in order {
            let root = Int(roots[record])
            if personOfRoot[root] < 0 { personOfRoot[root] = persons; persons += 1 }
            personRank[record] = personOfRoot[root]
        }
        self.recordRank = recordRank
        recordsInOrder = order.map { Int32($0) }
        self.personRank = personRank
        personCount = Int(persons)
        recordWidth = max(6, String(total).count)
        personWidth = max(6, String(Int(persons)).count)
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
