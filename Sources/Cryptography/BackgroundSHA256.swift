import Dispatch
import Foundation
import PathlinkCore

/// SHA-256 of a byte stream computed on a second thread, so that a streaming stage
/// (extract, pseudonymise) spends its own core on parsing and writing.
///
/// Blocks arrive in one of two ways, and may be mixed:
/// - ``lend(_:)`` (``ByteObserver``): the block is hashed where it lies, with no copy; the
///   lender keeps it unchanged until ``waitUntilRead(through:)`` returns for its ticket.
///   The CSV reader and writer lend their buffers this way.
/// - ``update(_:)``: the block is copied into one of a few pooled buffers; it blocks only
///   when every buffer is still waiting to be hashed, so memory stays bounded
///   (``bufferCount`` × the largest block).
///
/// The digest is exactly that of the blocks in the order given: the same as ``SHA256``
/// fed the same blocks.
public final class BackgroundSHA256: ByteObserver, @unchecked Sendable {
    private let state: State
    public var bufferCount: Int { state.bufferCount }

    /// - Parameter bufferCount: at most this many copied blocks are held at once.
    public init(bufferCount: Int = 4) {
        state = State(bufferCount: max(bufferCount, 1))
        // The thread holds the state (not this object): dropping the hasher unfinished
        // lets the thread finish on its own.
        let state = self.state
        let thread = Thread { state.work() }
        thread.name = "pathlink-sha256"
        thread.start()
    }

    deinit { state.finish() }

    /// Queue a copy of `bytes` for hashing (blocks while all buffers are in use).
    public func update(_ bytes: UnsafeRawBufferPointer) { state.update(bytes) }

    /// Queue `bytes` for hashing without copying them; they must stay unchanged until
    /// ``waitUntilRead(through:)`` with the returned ticket has returned.
    public func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 { state.lend(bytes) }

    /// Wait until every block up to `ticket` has been hashed.
    public func waitUntilRead(through ticket: UInt64) { state.waitUntilRead(through: ticket) }

    /// Wait for every queued block and return the 32-byte digest. Call once.
    public func finalize() -> [UInt8] { state.finalize() }

    private final class State: @unchecked Sendable {
        struct Block {
            let pointer: UnsafeRawPointer
            let count: Int
            /// The pooled buffer's capacity for a copy; nil for a lent block.
            let capacity: Int?
            let ticket: UInt64
        }

        let bufferCount: Int
        private let hasher = SHA256()
        private let condition = NSCondition()
        /// Blocks waiting to be hashed, in order (guarded by `condition`).
        private var queue: [Block] = []
        private var head = 0
        /// Buffers free for reuse, with their capacities (guarded by `condition`).
        private var free: [(pointer: UnsafeMutableRawPointer, capacity: Int)] = []
        private var allocated = 0
        /// The last ticket given, and the last block hashed (guarded by `condition`).
        private var issued: UInt64 = 0
        private var hashedThrough: UInt64 = 0
        private var isFinishing = false
        private var isDone = false
        private var digest: [UInt8] = []

        init(bufferCount: Int) { self.bufferCount = bufferCount }

        deinit {
            for buffer in free { buffer.pointer.deallocate() }
            for block in queue[head...] where block.capacity != nil { UnsafeMutableRawPointer(mutating: block.pointer).deallocate() }
        }

        private func enqueue(_ pointer: UnsafeRawPointer, _ count: Int, capacity: Int?) -> UInt64 {
            // Called with `condition` locked.
            issued &+= 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            queue.append(Block(pointer: pointer, count: count, capacity: capacity, ticket: issued))
            condition.broadcast()
            return issued
        }

        func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            condition.lock()
            while free.isEmpty && allocated >= bufferCount { condition.wait() }
            var buffer: (pointer: UnsafeMutableRawPointer, capacity: Int)
            if let index = free.firstIndex(where: { $0.capacity >= bytes.count }) {
                buffer = free.remove(at: index)
            } else {
                // A free buffer too small for this block is replaced by a larger one.
                if let small = free.popLast() { small.pointer.deallocate() } else { allocated += 1 }
                buffer = (.allocate(byteCount: bytes.count, alignment: 64), bytes.count)
            }
            condition.unlock()
            buffer.pointer.copyMemory(from: base, byteCount: bytes.count)
            condition.lock()
            _ = enqueue(buffer.pointer, bytes.count, capacity: buffer.capacity)
            condition.unlock()
        }

        func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            condition.lock()
            defer { condition.unlock() }
            guard let base = bytes.baseAddress, bytes.count > 0 else { return issued }
            return enqueue(base, bytes.count, capacity: nil)
        }

        func waitUntilRead(through ticket: UInt64) {
            condition.lock()
            while hashedThrough < ticket && !isDone { condition.wait() }
            condition.unlock()
        }

        func finish() {
            condition.lock()
            isFinishing = true
            condition.broadcast()
            condition.unlock()
        }

        func finalize() -> [UInt8] {
            finish()
            condition.lock()
            while !isDone { condition.wait() }
            let result = digest
            condition.unlock()
            return result
        }

        func work() {
            while true {
                condition.lock()
                while head == queue.count && !isFinishing { condition.wait() }
                if head == queue.count {
                    digest = hasher.finalize()
                    isDone = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let block = queue[head]
                head += 1
                condition.unlock()
                hasher.update(UnsafeRawBufferPointer(start: block.pointer, count: block.count))
                condition.lock()
                if let capacity = block.capacity { free.append((UnsafeMutableRawPointer(mutating: block.pointer), capacity)) }
                hashedThrough = block.ticket
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
