/// Interns the values of one attribute column: each distinct value once, records hold a
/// `UInt32` code.
///
/// Attribute columns of pseudonymised files are drop-downs, months and bands: few distinct
/// values, many records. Interning straight from the CSV reader's bytes avoids a `String`
/// per field. Codes are given in order of first appearance (deterministic).
/// - Complexity: O(field length) per value, expected.
struct ValueDictionary {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var table = [Int32](repeating: 0, count: 64)   // code + 1, 0 = empty
    private var hashes: [Int] = []

    var count: Int { hashes.count }

    /// The code of a value given as bytes, interning it when new.
    @inline(__always)
    mutating func code(of field: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in field { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let mixed = Int(truncatingIfNeeded: hash ^ (hash >> 29))
        let mask = table.count - 1
        var position = mixed & mask
        while true {
            let entry = table[position]
            if entry == 0 { break }
            let code = Int(entry) - 1
            if hashes[code] == mixed && equals(code, field) { return UInt32(code) }
            position = (position + 1) & mask
        }
        let code = hashes.count
        bytes.append(contentsOf: field)
        starts.append(bytes.count)
        hashes.append(mixed)
        table[position] = Int32(code + 1)
        if hashes.count * 2 > table.count { grow() }
        return UInt32(code)
    }

    /// The value of `code`.
    func value(_ code: UInt32) -> String {
        String(decoding: bytes[starts[Int(code)]..<starts[Int(code) + 1]], as: UTF8.self)
    }

    /// Every value, by code.
    var values: [String] { (0..<count).map { value(UInt32($0)) } }

    @inline(__always)
    private func equals(_ code: Int, _ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[code], end = starts[code + 1]
        guard end - start == field.count else { return false }
        var index = 0
        while index < field.count {
            if bytes[start + index] != field[index] { return false }
            index += 1
        }
        return true
    }

    private mutating func grow() {
        let capacity = table.count * 2
        table = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (code, hash) in hashes.enumerated() {
            var position = hash & mask
            while table[position] != 0 { position = (position + 1) & mask }
            table[position] = Int32(code + 1)
        }
    }
}
