/// A small, seeded pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// The synthesiser draws every choice from one `SplitMix64` stream started from the
/// user's seed, in a fixed order, so the same `--persons` and `--seed` give byte-identical
/// files on every machine. It is not cryptographic and must never be: nothing secret is
/// drawn from it. (Swift's `SystemRandomNumberGenerator` is never used here.)
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }
        let product = next().multipliedFullWidth(by: width)
        return range.lowerBound + Int(product.high)
    }

    /// A uniform integer in `0..<count`.
    mutating func index(_ count: Int) -> Int {
        int(in: 0...(count - 1))
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[index(items.count)]
    }

    /// Shuffle in place (Fisher–Yates), deterministically.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = int(in: 0...i)
            if i != j { items.swapAt(i, j) }
        }
    }
}

/// A categorical distribution: values with weights (percentages or any positive numbers).
struct Weighted<Value> {
    let values: [Value]
    private let cumulative: [Double]

    init(_ pairs: [(Value, Double)]) {
        values = pairs.map { $0.0 }
        var running = 0.0
        var sums: [Double] = []
        for (_, weight) in pairs {
            running += weight
            sums.append(running)
        }
        cumulative = sums.map { $0 / running }
    }

    func draw(_ random: inout SplitMix64) -> Value {
        let u = random.unit()
        for (index, bound) in cumulative.enumerated() where u < bound {
            return values[index]
        }
        return values[values.count - 1]
    }
}

extension Weighted: Sendable where Value: Sendable {}
