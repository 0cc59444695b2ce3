/// The fields of one CSV record, as bytes: what a record loop reads, whether the record
/// comes straight from a ``CSVReader`` or from a ``CSVRecordBlock`` handed to a thread.
package protocol CSVRecordFields {
    /// The bytes of field `index` (UTF-8, quotes already unescaped).
    func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8>
    /// Field `index` as a `String`.
    func string(_ index: Int) -> String
    /// Whether field `index` was quoted in the file.
    func isQuoted(_ index: Int) -> Bool
}

extension CSVReader: CSVRecordFields {}

/// Records copied out of a ``CSVReader`` so that several threads can work on them at once
/// (pseudonymise on every core): each field's unescaped bytes, in one contiguous buffer,
/// with whether it was quoted.
///
/// Memory is bounded by the records the caller appends before ``removeAll()``: a block,
/// never the file. A block is filled on one thread, then only read (by any number of
/// threads) until it is emptied.
package final class CSVRecordBlock {
    /// Fields per record (the reader's header count).
    package let columns: Int
    /// Records in the block.
    package private(set) var count = 0
    /// The fields' bytes (``byteCount`` of ``byteCapacity`` used); memory the block owns, so
    /// a record's bytes can be lent as a pointer while the block is unchanged.
    private var storage: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private var byteCount = 0
    /// Per field of every record, in order: the end of its bytes in ``storage`` (a field
    /// starts where the one before it ends).
    private var ends: [Int] = []
    private var quoted: [Bool] = []

    package init(columns: Int) {
        precondition(columns > 0, "a record has at least one field")
        self.columns = columns
        byteCapacity = 1 << 16
        storage = .allocate(capacity: byteCapacity)
    }

    deinit { storage.deallocate() }

    /// Copy the reader's current record (which must have ``columns`` fields).
    /// - Complexity: O(the record's bytes).
    package func append(_ reader: CSVReader) {
        precondition(reader.count == columns, "the record has \(reader.count) fields, the block \(columns)")
        for index in 0..<columns {
            let field = reader.bytes(index)
            if byteCount + field.count > byteCapacity {
                let capacity = max(byteCapacity * 2, byteCount + field.count)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: storage, count: byteCount)
                storage.deallocate()
                storage = grown
                byteCapacity = capacity
            }
            if let base = field.baseAddress, field.count > 0 { (storage + byteCount).update(from: base, count: field.count) }
            byteCount += field.count
            ends.append(byteCount)
            quoted.append(reader.isQuoted(index))
        }
        count += 1
    }

    /// Empty the block, keeping its memory for the next one.
    package func removeAll() {
        byteCount = 0
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Record `index` (0-based) of the block; valid until the block changes.
    package func record(_ index: Int) -> Record {
        precondition(index >= 0 && index < count, "record index out of range")
        return Record(block: self, first: index * columns)
    }

    /// One record of a block.
    package struct Record: CSVRecordFields {
        let block: CSVRecordBlock
        /// The index of the record's first field in the block.
        let first: Int

        package func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            precondition(index >= 0 && index < block.columns, "field index out of range")
            let field = first + index
            let start = field == 0 ? 0 : block.ends[field - 1]
            return UnsafeBufferPointer(start: block.storage + start, count: block.ends[field] - start)
        }

        package func string(_ index: Int) -> String {
            String(decoding: bytes(index), as: UTF8.self)
        }

        package func isQuoted(_ index: Int) -> Bool {
            precondition(index >= 0 && index < block.columns, "field index out of range")
            return block.quoted[first + index]
        }
    }
}
