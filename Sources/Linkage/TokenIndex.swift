/// An open-addressing hash table from ``Token`` to a slot number, with a chain of the
/// records holding each token.
///
/// Slots are numbered in order of first insertion, so iterating slots is deterministic
/// (it follows record order, never a hash order). Each table entry carries 32 bits of its
/// token beside the slot number, so a probe past another token costs no look-up of that
/// token's key (one cache miss a probe instead of two). Memory: about 56 bytes per
/// distinct token plus 4 bytes per record.
/// - Complexity: insert and lookup O(1) expected; load factor at most 1/2.
struct TokenIndex {
    private var table: [UInt64]         // high 32 bits of the token << 32 | (slot + 1); 0 = empty
    private var mask: Int
    private(set) var keys: [Token] = []
    /// First record of each slot's chain (the most recently added).
    private(set) var head: [Int32] = []
    /// Per record: the next record of its chain, -1 at the end.
    private(set) var next: [Int32]

    /// - Parameters:
    ///   - expected: about how many distinct tokens.
    ///   - records: the number of records that may be added (chain length).
    init(expected: Int, records: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        table = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        keys.reserveCapacity(expected)
        head.reserveCapacity(expected)
        next = [Int32](repeating: -1, count: records)
    }

    var count: Int { keys.count }

    /// The part of a table entry that comes from the token.
    @inline(__always)
    private static func fingerprint(_ token: Token) -> UInt64 { token.high & 0xFFFF_FFFF_0000_0000 }

    /// The slot of `token`, or nil.
    @inline(__always)
    func slot(of token: Token) -> Int? {
        var position = token.bucketHash & mask
        let fingerprint = Self.fingerprint(token)
        while true {
            let entry = table[position]
            if entry == 0 { return nil }
            if entry & 0xFFFF_FFFF_0000_0000 == fingerprint {
                let slot = Int(entry & 0xFFFF_FFFF) - 1
                if keys[slot] == token { return slot }
            }
            position = (position + 1) & mask
        }
    }

    /// The slot of `token`, inserting it when new.
    @inline(__always)
    mutating func insert(_ token: Token) -> (slot: Int, isNew: Bool) {
        if keys.count * 2 >= table.count { grow() }
        var position = token.bucketHash & mask
        let fingerprint = Self.fingerprint(token)
        while true {
            let entry = table[position]
            if entry == 0 {
                keys.append(token)
                head.append(-1)
                table[position] = fingerprint | UInt64(keys.count)
                return (keys.count - 1, true)
            }
            if entry & 0xFFFF_FFFF_0000_0000 == fingerprint {
                let slot = Int(entry & 0xFFFF_FFFF) - 1
                if keys[slot] == token { return (slot, false) }
            }
            position = (position + 1) & mask
        }
    }

    /// Add `record` to the chain of `token`; returns the slot.
    @discardableResult
    @inline(__always)
    mutating func add(_ token: Token, record: Int) -> Int {
        let (slot, _) = insert(token)
        next[record] = head[slot]
        head[slot] = Int32(record)
        return slot
    }

    /// The records of a slot's chain (most recent first).
    func records(ofSlot slot: Int) -> [Int] {
        var result: [Int] = []
        var record = head[slot]
        while record >= 0 {
            result.append(Int(record))
            record = next[Int(record)]
        }
        return result
    }

    private mutating func grow() {
        let capacity = table.count * 2
        table = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for (index, key) in keys.enumerated() {
            var position = key.bucketHash & mask
            while table[position] != 0 { position = (position + 1) & mask }
            table[position] = Self.fingerprint(key) | UInt64(index + 1)
        }
    }
}
