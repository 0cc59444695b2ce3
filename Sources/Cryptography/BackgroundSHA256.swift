import Dispatch
import Foundation
import PathlinkCore

/// SHA-256 of a byte stream computed on a second thread, so that a streaming stage
/// (extract, pseudonymise) spends its own core on parsing and writing.
///
/// Blocks are lent (``ByteObserver``), not copied: ``lend(_:)`` queues a block to be
/// hashed where it lies, and the lender keeps it unchanged until
/// ``waitUntilRead(through:)`` returns for its ticket. The CSV reader and writer lend their
/// buffers this way, so memory stays bounded by theirs. The digest is exactly that of the
/// blocks in the order given: the same as ``SHA256`` fed the same blocks.
package final class BackgroundSHA256: ByteObserver, Sendable {
    private let state = State()

    package init() {
        // The thread holds the state (not this object): dropping the hasher unfinished
        // lets the thread finish on its own.
        let state = self.state
        let thread = Thread { state.work() }
        thread.name = "pathlink-sha256"
        thread.start()
    }

    deinit { state.finish() }

    /// Hash `bytes` and return once they have been read (for memory the caller is about
    /// to reuse).
    package func update(_ bytes: UnsafeRawBufferPointer) { waitUntilRead(through: lend(bytes)) }

    /// Queue `bytes` for hashing without copying them; they must stay unchanged until
    /// ``waitUntilRead(through:)`` with the returned ticket has returned.
    package func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 { state.lend(bytes) }

    /// Wait until every block up to `ticket` has been hashed.
    package func waitUntilRead(through ticket: UInt64) { state.waitUntilRead(through: ticket) }

    /// Wait for every queued block and return the 32-byte digest. Call once.
    package func finalize() -> [UInt8] { state.finalize() }

    /// The hasher's state, shared by the caller's thread and the hashing thread.
    ///
    /// `@unchecked Sendable` (the one in this module) because the compiler cannot see the
    /// locking: every stored `var` is read and written only with `condition` locked, and the
    /// ``SHA256`` is used only by the hashing thread (`work()`). The lent pointers cross
    /// threads by contract: the lender keeps each block unchanged until
    /// ``waitUntilRead(through:)`` has returned for its ticket. (`Synchronization.Mutex`
    /// has no condition variable to wait on, which the lending protocol needs.)
    private final class State: @unchecked Sendable {
        private let hasher = SHA256()
        private let condition = NSCondition()
        /// Blocks lent and not yet hashed, in order from `head` (guarded by `condition`).
        private var queue: [(pointer: UnsafeRawPointer, count: Int, ticket: UInt64)] = []
        private var head = 0
        /// The last ticket given, and the last block hashed (guarded by `condition`).
        private var issued: UInt64 = 0
        private var hashedThrough: UInt64 = 0
        private var isFinishing = false
        private var isDone = false
        private var digest: [UInt8] = []

        func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            condition.lock()
            defer { condition.unlock() }
            guard let base = bytes.baseAddress, bytes.count > 0 else { return issued }
            issued &+= 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            queue.append((base, bytes.count, issued))
            condition.broadcast()
            return issued
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
                hashedThrough = block.ticket
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
