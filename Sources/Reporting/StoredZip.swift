/// A ZIP archive whose entries are stored, not compressed (method 0), as the ODF package
/// of ``OpenDocumentWorkbook`` needs: the `mimetype` entry first and uncompressed, and
/// nothing else the format asks for. Written byte for byte here (APPNOTE.TXT 4.3: local
/// headers, the data, then the central directory and its end record) so that the release
/// needs no compression library, and so that the same entries always give the same bytes:
/// every entry carries the same fixed time (1980-01-01 00:00, the format's first date), no
/// extra fields and no comment.
struct StoredZip {
    private(set) var entries: [(name: String, bytes: [UInt8])] = []

    /// Adds an entry; names are ASCII paths (`META-INF/manifest.xml`).
    mutating func add(_ name: String, _ bytes: [UInt8]) {
        entries.append((name, bytes))
    }

    mutating func add(_ name: String, _ text: String) {
        add(name, Array(text.utf8))
    }

    /// The archive. Sizes and offsets are 32-bit (no ZIP64): a release's workbook is far
    /// below 4 GiB, and larger input traps rather than writing a broken archive.
    func bytes() -> [UInt8] {
        var output: [UInt8] = []
        var directory: [UInt8] = []
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            let crc = Self.crc32(data)
            let offset = UInt32(output.count)
            // Local file header.
            output.append(le32: 0x0403_4B50)
            output.append(le16: 10)             // version needed: 1.0 (stored)
            output.append(le16: 0)              // flags
            output.append(le16: 0)              // method: stored
            output.append(le16: Self.time)
            output.append(le16: Self.date)
            output.append(le32: crc)
            output.append(le32: UInt32(data.count))
            output.append(le32: UInt32(data.count))
            output.append(le16: UInt16(nameBytes.count))
            output.append(le16: 0)              // extra field length
            output += nameBytes
            output += data
            // Its central directory record.
            directory.append(le32: 0x0201_4B50)
            directory.append(le16: 20)          // made by: MS-DOS attributes, version 2.0
            directory.append(le16: 10)
            directory.append(le16: 0)
            directory.append(le16: 0)
            directory.append(le16: Self.time)
            directory.append(le16: Self.date)
            directory.append(le32: crc)
            directory.append(le32: UInt32(data.count))
            directory.append(le32: UInt32(data.count))
            directory.append(le16: UInt16(nameBytes.count))
            directory.append(le16: 0)           // extra
            directory.append(le16: 0)           // comment
            directory.append(le16: 0)           // disk number
            directory.append(le16: 0)           // internal attributes
            directory.append(le32: 0)           // external attributes
            directory.append(le32: offset)
            directory += nameBytes
        }
        let directoryOffset = UInt32(output.count)
        output += directory
        // End of central directory.
        output.append(le32: 0x0605_4B50)
        output.append(le16: 0)
        output.append(le16: 0)
        output.append(le16: UInt16(entries.count))
        output.append(le16: UInt16(entries.count))
        output.append(le32: UInt32(directory.count))
        output.append(le32: directoryOffset)
        output.append(le16: 0)                  // comment length
        return output
    }

    /// 1980-01-01 00:00 in MS-DOS form: date = (year − 1980) << 9 | month << 5 | day.
    static let date: UInt16 = 1 << 5 | 1
    static let time: UInt16 = 0

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP records it.
    /// - Complexity: O(n), one table look-up per byte.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }
}

private extension Array where Element == UInt8 {
    mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
