#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Running independent jobs on both cores, with the thread count fixed by the
/// environment variable `PATHLINK_THREADS` (1 = everything on the calling thread).
///
/// Every entry point is *fork-join*: it returns only when every job it started has
/// returned, so nothing a job captured is used after the call, and each job writes only its
/// own result slot. Outputs therefore never depend on the thread count or on the order in
/// which jobs finish; tests run `PATHLINK_THREADS=1` and `2` and compare the bytes. Used by
/// link (reading inputs, linking, writing files), synth (generating while writing) and
/// `pathlink run` (the extracts and pseudonymisations of independent datasets).
///
/// The jobs themselves need not be `Sendable`: the caller's contract is that jobs running
/// at the same time share no mutable state (each reads shared immutable inputs and writes
/// its own output). That contract is the one thing the compiler cannot check here; it is
/// stated once, on ``ForkJoinJob``.
package enum Parallel {
    /// `PATHLINK_THREADS` when it is a positive integer, else the number of active cores.
    package static var threads: Int {
        if let text = getenv("PATHLINK_THREADS").map({ String(cString: $0) }), let value = Int(text), value > 0 { return value }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Run `body(0)`, …, `body(workers - 1)` at the same time and return when all have.
    private static func fork(_ workers: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let job = ForkJoinJob(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in job.body(worker) }
        }
    }

    /// Run every job and return their results in job order; the first error (by job
    /// order) is thrown after all jobs finished.
    package static func run<T>(_ jobs: [() throws -> T], threads: Int = Parallel.threads) throws -> [T] {
        try map(jobs.count, threads: threads) { index in Result { try jobs[index]() } }.map { try $0.get() }
    }

    /// `job(0)`, …, `job(count - 1)` in order, on up to `threads` threads.
    package static func map<T>(_ count: Int, threads: Int = Parallel.threads, _ job: (Int) -> T) -> [T] {
        if threads <= 1 || count <= 1 { return (0..<count).map(job) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize().deallocate() }
        let workers = min(threads, count)
        // Worker w takes jobs w, w + workers, …: each result lands in its own slot.
        fork(workers) { worker in
            for index in stride(from: worker, to: count, by: workers) { results[index] = job(index) }
        }
        return results.map { $0! }
    }

    /// `first()` and `second()`, at the same time when `threads` > 1.
    package static func both<A, B>(_ first: () -> A, _ second: () -> B, threads: Int = Parallel.threads) -> (A, B) {
        if threads <= 1 { return (first(), second()) }
        var a: A?, b: B?
        withUnsafeMutablePointer(to: &a) { a in
            withUnsafeMutablePointer(to: &b) { b in
                fork(2) { job in
                    if job == 0 { a.pointee = first() } else { b.pointee = second() }
                }
            }
        }
        return (a!, b!)
    }

    /// `foreground()` on the calling thread while `background()` runs on a second thread
    /// (when `threads` > 1), for work that does not depend on the foreground's; returns
    /// both results when both are done. The foreground rethrows after the background ended.
    package static func alongside<B, F>(threads: Int = Parallel.threads, background: () -> B,
                                        _ foreground: () throws -> F) throws -> (background: B, foreground: F) {
        let (b, f) = both(background, { Result { try foreground() } }, threads: threads)
        return (b, try f.get())
    }

    /// A two-stage pipeline with at most `capacity` items in flight: `produce` runs on the
    /// calling thread and hands items to `submit`; `consume` takes them, in order, on a
    /// second thread (with one thread, `submit` consumes at once). The first error of
    /// `consume` stops the pipeline and is thrown by the next `submit` and by this call;
    /// memory stays bounded by `capacity` items.
    package static func pipeline<Item>(threads: Int = Parallel.threads, capacity: Int = 2,
                                       produce: (_ submit: (Item) throws -> Void) throws -> Void,
                                       consume: (Item) throws -> Void) throws {
        if threads <= 1 {
            try withoutActuallyEscaping(consume) { consume in try produce { try consume($0) } }
            return
        }
        let channel = PipelineChannel<Item>(capacity: capacity)
        let (consumed, produced): (Error?, Result<Void, Error>) = both({
            while let item = channel.take() {
                do { try consume(item) } catch {
                    channel.fail()
                    return error
                }
            }
            return nil
        }, {
            let result = Result {
                try produce { item in
                    guard channel.put(item) else { throw PipelineStopped() }
                }
            }
            channel.close()
            return result
        }, threads: 2)
        if let consumed { throw consumed }
        try produced.get()
    }
}

/// The body of a fork-join: called from several threads while the forking call waits.
///
/// Safety of the `@unchecked Sendable`: ``Parallel`` calls `body` only inside
/// `DispatchQueue.concurrentPerform`, which returns after every call has returned, so the
/// closure and what it captures never outlive the call that made them; each worker writes
/// only its own result slot, and callers pass jobs that share no mutable state (documented
/// on ``Parallel``). The compiler cannot see that a non-escaping closure used by several
/// threads at once is safe under that contract; this wrapper is the one place that says so.
private struct ForkJoinJob: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

/// Thrown to the producer of ``Parallel/pipeline(threads:capacity:produce:consume:)`` when
/// the consumer failed; the consumer's error is what the pipeline throws.
private struct PipelineStopped: Error {}

/// The bounded queue between a pipeline's producer and its consumer (used only inside a
/// fork-join of ``Parallel``; its state is guarded by `lock`).
private final class PipelineChannel<Item> {
    private var items: [Item] = []
    private var isFailed = false
    private let lock = NSLock()
    private let spaces: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)

    init(capacity: Int) { spaces = DispatchSemaphore(value: max(1, capacity)) }

    /// Queue `item`; false when the consumer has failed.
    func put(_ item: Item) -> Bool {
        spaces.wait()
        lock.lock()
        let accepted = !isFailed
        if accepted { items.append(item) }
        lock.unlock()
        if accepted { ready.signal() } else { spaces.signal() }
        return accepted
    }

    /// The next item, or nil when the producer has closed the channel and all were taken.
    func take() -> Item? {
        ready.wait()
        lock.lock()
        let item: Item? = items.isEmpty ? nil : items.removeFirst()
        lock.unlock()
        if item != nil { spaces.signal() }
        return item
    }

    /// No more items (wakes the consumer once more).
    func close() { ready.signal() }

    /// The consumer stops: further puts are refused (and never block).
    func fail() {
        lock.lock()
        isFailed = true
        lock.unlock()
        spaces.signal()
    }
}
