/// The character encodings an export may declare (manifest `input.encoding`).
package enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a byte-order mark. The default.
    case utf8 = "utf-8"
    /// Windows-1252 ("ANSI"), as Excel on Windows often saves CSV. Transcoded to UTF-8 on read.
    case windows1252 = "windows-1252"
}

/// Windows-1252 to Unicode for bytes 0x80–0x9F (the rest are ISO-8859-1, i.e. the byte
/// value is the code point). Bytes undefined in Windows-1252 map to the C1 control of the
/// same value, as the WHATWG Encoding Standard does.
let windows1252High: [UInt32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
]

/// Append the UTF-8 form of Windows-1252 `bytes` to `output`.
func transcodeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
    var written = 0
    for byte in bytes {
        if byte < 0x80 {
            output[written] = byte
            written += 1
            continue
        }
        let scalar = byte < 0xA0 ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
        if scalar < 0x800 {
            output[written] = UInt8(0xC0 | (scalar >> 6))
            output[written + 1] = UInt8(0x80 | (scalar & 0x3F))
            written += 2
        } else {
            output[written] = UInt8(0xE0 | (scalar >> 12))
            output[written + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[written + 2] = UInt8(0x80 | (scalar & 0x3F))
            written += 3
        }
    }
    return written
}

/// Validation of UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    /// True when every byte is ASCII and none is NUL.
    /// - Complexity: O(n), eight bytes per step.
    @inline(__always)
    static func isCleanASCII(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        // 32 bytes a step: any byte >= 0x80, or any zero byte, in four words at once.
        while index + 32 <= count {
            let a = UnalignedLoad.uint64(start + index)
            let b = UnalignedLoad.uint64(start + index + 8)
            let c = UnalignedLoad.uint64(start + index + 16)
            let d = UnalignedLoad.uint64(start + index + 24)
            let nonASCII = (a | b | c | d) & high
            let zero = ((a &- ones) & ~a) | ((b &- ones) & ~b) | ((c &- ones) & ~c) | ((d &- ones) & ~d)
            if nonASCII | (zero & high) != 0 { return false }
            index += 32
        }
        while index + 8 <= count {
            let word = UnalignedLoad.uint64(start + index)
            if (word & high) != 0 || ((word &- ones) & ~word & high) != 0 { return false }
            index += 8
        }
        while index < count {
            let byte = start[index]
            if byte >= 0x80 || byte == 0 { return false }
            index += 1
        }
        return true
    }

    enum Problem { case nul, invalid, byteOrderMark }

    /// The first problem in `count` bytes, or nil when they are clean UTF-8 text.
    static func problem(_ start: UnsafePointer<UInt8>, _ count: Int) -> Problem? {
        var index = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index < count {
            // Skip clean ASCII (no byte >= 0x80, no NUL) 32 bytes a step, then eight; in
            // the first unclean word, go straight to its first unclean byte (the lowest
            // flagged lane is exact: a borrow only marks lanes above a zero byte).
            while index + 32 <= count {
                let a = UnalignedLoad.uint64(start + index)
                let b = UnalignedLoad.uint64(start + index + 8)
                let c = UnalignedLoad.uint64(start + index + 16)
                let d = UnalignedLoad.uint64(start + index + 24)
                let zero = ((a &- ones) & ~a) | ((b &- ones) & ~b) | ((c &- ones) & ~c) | ((d &- ones) & ~d)
                if ((a | b | c | d) | zero) & high != 0 { break }
                index += 32
            }
            if index + 8 <= count {
                let word = UnalignedLoad.uint64(start + index)
                let unclean = (word | ((word &- ones) & ~word)) & high
                if unclean == 0 { index += 8; continue }
                index += unclean.trailingZeroBitCount >> 3
            }
            let byte = start[index]
            if byte == 0 { return .nul }
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07)
            default: return .invalid
            }
            guard index + length <= count else { return .invalid }
            for offset in 1..<length {
                let next = start[index + offset]
                guard next & 0xC0 == 0x80 else { return .invalid }
                scalar = (scalar << 6) | UInt32(next & 0x3F)
            }
            switch length {
            case 3 where scalar < 0x800 || (0xD800...0xDFFF).contains(scalar): return .invalid
            case 4 where scalar < 0x10000 || scalar > 0x10FFFF: return .invalid
            default: break
            }
            if scalar == 0xFEFF { return .byteOrderMark }
            index += length
        }
        return nil
    }
}

enum UnalignedLoad {
    @inline(__always)
    static func uint64(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }
}
