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
///
/// The storage is raw memory behind one pointer that the block allocates and frees (as in
/// ``CSVReader``): stored `var`s of a class pay a run-time exclusivity check on every
/// access, which the threads reading records would pay per field.
package final class CSVRecordBlock {
    /// Fields per record (the reader's header count).
    package let columns: Int

    struct Storage {
        /// The fields' bytes, `byteCount` of `byteCapacity` used.
        var bytes: UnsafeMutablePointer<UInt8>
        var byteCapacity: Int
        var byteCount = 0
        /// Per field of every record, in order: the end of its bytes (a field starts where
        /// the one before it ends), and whether it was quoted; `fieldCapacity` fields.
        var ends: UnsafeMutablePointer<Int>
        var quoted: UnsafeMutablePointer<Bool>
        var fieldCapacity: Int
        /// Records in the block.
        var count = 0
    }
    private let storage: UnsafeMutablePointer<Storage>

    /// Records in the block.
    package var count: Int { storage.pointee.count }

    package init(columns: Int) {
        precondition(columns > 0, "a record has at least one field")
        self.columns = columns
        let fields = columns * 1024
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(bytes: .allocate(capacity: 1 << 16), byteCapacity: 1 << 16,
                                       ends: .allocate(capacity: fields), quoted: .allocate(capacity: fields),
                                       fieldCapacity: fields))
    }

    deinit {
        storage.pointee.bytes.deallocate()
        storage.pointee.ends.deallocate()
        storage.pointee.quoted.deallocate()
        storage.deinitialize(count: 1).deallocate()
    }

    /// Copy the reader's current record (which must have ``columns`` fields).
    /// - Complexity: O(the record's bytes).
    package func append(_ reader: CSVReader) {
        precondition(reader.count == columns, "the record has \(reader.count) fields, the block \(columns)")
        let first = storage.pointee.count * columns
        if first + columns > storage.pointee.fieldCapacity {
            let capacity = max(storage.pointee.fieldCapacity * 2, first + columns)
            let ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            let quoted = UnsafeMutablePointer<Bool>.allocate(capacity: capacity)
            ends.update(from: storage.pointee.ends, count: first)
            quoted.update(from: storage.pointee.quoted, count: first)
            storage.pointee.ends.deallocate()
            storage.pointee.quoted.deallocate()
            storage.pointee.ends = ends
            storage.pointee.quoted = quoted
            storage.pointee.fieldCapacity = capacity
        }
        for index in 0..<columns {
            let field = reader.bytes(index)
            let used = storage.pointee.byteCount
            if used + field.count > storage.pointee.byteCapacity {
                let capacity = max(storage.pointee.byteCapacity * 2, used + field.count)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: storage.pointee.bytes, count: used)
                storage.pointee.bytes.deallocate()
                storage.pointee.bytes = grown
                storage.pointee.byteCapacity = capacity
            }
            if let base = field.baseAddress, field.count > 0 { (storage.pointee.bytes + used).update(from: base, count: field.count) }
            storage.pointee.byteCount = used + field.count
            storage.pointee.ends[first + index] = used + field.count
            storage.pointee.quoted[first + index] = reader.isQuoted(index)
        }
        storage.pointee.count += 1
    }

    /// Empty the block, keeping its memory for the next one.
    package func removeAll() {
        storage.pointee.byteCount = 0
        storage.pointee.count = 0
    }

    /// Record `index` (0-based) of the block; valid while the block lives and is unchanged.
    package func record(_ index: Int) -> Record {
        precondition(index >= 0 && index < count, "record index out of range")
        return Record(storage: UnsafePointer(storage), columns: columns, first: index * columns)
    }

    /// One record of a block (a view: it holds no reference, so reading it costs no
    /// reference counting; the caller keeps the block alive).
    package struct Record: CSVRecordFields {
        let storage: UnsafePointer<Storage>
        let columns: Int
        /// The index of the record's first field in the block.
        let first: Int

        package func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            precondition(index >= 0 && index < columns, "field index out of range")
            let field = first + index
            let ends = storage.pointee.ends
            let start = field == 0 ? 0 : ends[field - 1]
            return UnsafeBufferPointer(start: storage.pointee.bytes + start, count: ends[field] - start)
        }

        package func string(_ index: Int) -> String {
            String(decoding: bytes(index), as: UTF8.self)
        }

        package func isQuoted(_ index: Int) -> Bool {
            precondition(index >= 0 && index < columns, "field index out of range")
            return storage.pointee.quoted[first + index]
        }
    }
}
