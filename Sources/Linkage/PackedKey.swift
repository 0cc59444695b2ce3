/// Two non-negative numbers packed into one dictionary key, `high << 16 | low`.
///
/// One `Int` hashes and compares faster than a pair, and the journeys tables look one up per
/// spine record and dataset. The packing is only sound while `low` fits in 16 bits (a plan
/// link number, a dataset number) and `high` fits in the rest: beyond that two different
/// pairs would share a key and a journey would silently take another cluster's rule, so
/// the bound is checked on every key.
struct PackedKey: Hashable {
    /// Bits kept for `low`.
    static let lowBits = 16
    /// `low` must be below this.
    static let lowLimit = 1 << lowBits
    /// `high` must be at most this.
    static let highLimit = Int.max >> lowBits

    let rawValue: Int

    /// The key of `(high, low)`, or nil when either is negative or too big to pack.
    init?(checkedHigh high: Int, low: Int) {
        guard low >= 0, low < Self.lowLimit, high >= 0, high <= Self.highLimit else { return nil }
        rawValue = high << Self.lowBits | low
    }

    /// The key of `(high, low)`.
    /// - Precondition: both fit (see ``init(checkedHigh:low:)``); a plan with 65,536 links
    ///   or datasets is far past anything the linkage plan format is meant for.
    @inline(__always)
    init(high: Int, low: Int) {
        guard let key = PackedKey(checkedHigh: high, low: low) else {
            preconditionFailure("journeys: \(low) does not fit in the \(Self.lowBits) bits a packed key allows (at most \(Self.lowLimit - 1))")
        }
        self = key
    }
}
