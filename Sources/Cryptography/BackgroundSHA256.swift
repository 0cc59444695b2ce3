import Dispatch
import Foundation
import PathlinkCore

/// SHA-256 of a byte stream computed on a second thread, so that a streaming stage
/// (extract, pseudonymise) spends its own core on parsing and writing.
///
/// ``update(_:)`` copies the block into one of a few pooled buffers and hands it to the
/// hashing thread; it blocks only when every buffer is still waiting to be hashed, so
/// memory stays bounded (``bufferCount`` × the largest block). The digest is exactly that
/// of the blocks in the order given: the same as ``SHA256`` fed the same blocks.
public final class BackgroundSHA256: @unchecked Sendable {
    private let state: State
    public var bufferCount: Int { state.bufferCount }

    /// - Parameter bufferCount: at most this many blocks are held at once.
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

    /// Wait for every queued block and return the 32-byte digest. Call once.
    public func finalize() -> [UInt8] { state.finalize() }

    private final class State: @unchecked Sendable {
        let bufferCount: Int
        private let hasher = SHA256()
        private let condition = NSCondition()
        /// Blocks waiting to be hashed, in order (guarded by `condition`).
        private var queue: [(pointer: UnsafeMutableRawPointer, count: Int, capacity: Int)] = []
        /// Buffers free for reuse, with their capacities (guarded by `condition`).
        private var free: [(pointer: UnsafeMutableRawPointer, capacity: Int)] = []
        private var allocated = 0
        private var isFinishing = false
        private var isDone = false
        private var digest: [UInt8] = []

        init(bufferCount: Int) { self.bufferCount = bufferCount }

        deinit {
            for buffer in free { buffer.pointer.deallocate() }
            for block in queue { block.pointer.deallocate() }
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
            queue.append((buffer.pointer, bytes.count, buffer.capacity))
            condition.broadcast()
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
                while queue.isEmpty && !isFinishing { condition.wait() }
                if queue.isEmpty {
                    digest = hasher.finalize()
                    isDone = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let block = queue.removeFirst()
                condition.unlock()
                hasher.update(UnsafeRawBufferPointer(start: block.pointer, count: block.count))
                condition.lock()
                free.append((block.pointer, block.capacity))
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
