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
/// Jobs write disjoint results by index, so outputs never depend on the thread count or
/// the order in which jobs finish; tests run both `PATHLINK_THREADS=1` and `2` and
/// compare the bytes. Used by link (reading inputs, writing files) and by `pathlink run`
/// (the extracts and pseudonymisations of independent datasets).
package enum Parallel {
    /// `PATHLINK_THREADS` when it is a positive integer, else the number of active cores.
    package static var threads: Int {
        if let text = getenv("PATHLINK_THREADS").map({ String(cString: $0) }), let value = Int(text), value > 0 { return value }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Run every job and return their results in job order; the first error (by job
    /// order) is thrown after all jobs finished.
    package static func run<T>(_ jobs: [() throws -> T], threads: Int = Parallel.threads) throws -> [T] {
        let threads = min(threads, jobs.count)
        if threads <= 1 { return try jobs.map { try $0() } }
        let slots = Slots<T>(jobs.count)
        // `threads` workers take jobs in order until none is left.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let job: Int = slots.lock.withLock {
                    defer { slots.nextJob += 1 }
                    return slots.nextJob
                }
                guard job < jobs.count else { return }
                let result = Result { try jobs[job]() }
                slots.lock.withLock { slots.results[job] = result }
            }
        }
        return try slots.results.map { try $0!.get() }
    }
}

extension Parallel {
    /// A job on a thread of its own (not a dispatch worker, so the caller can still use
    /// both cores with ``run(_:threads:)`` or ``both(_:_:threads:)`` meanwhile); with one
    /// thread, the job runs at once on the calling thread.
    package final class Background<T>: @unchecked Sendable {
        private var result: T?
        private let done = DispatchSemaphore(value: 0)

        package init(threads: Int, _ job: @escaping () -> T) {
            if threads <= 1 {
                result = job()
                done.signal()
                return
            }
            let thread = Thread { [self] in
                result = job()
                done.signal()
            }
            thread.start()
        }

        /// The job's result, once it has finished (call once).
        package func wait() -> T {
            done.wait()
            return result!
        }
    }

    /// `job(0)`, …, `job(count - 1)` in order, on up to `threads` threads.
    package static func map<T>(_ count: Int, threads: Int = Parallel.threads, _ job: (Int) -> T) -> [T] {
        if threads <= 1 || count <= 1 { return (0..<count).map(job) }
        return withoutActuallyEscaping(job) { job in
            let results = (0..<count).map { _ in Box<T>() }
            let workers = min(threads, count)
            // Worker w takes jobs w, w + workers, …: each result lands in its own box.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: count, by: workers) { results[index].value = job(index) }
            }
            return results.map { $0.value! }
        }
    }

    /// `first()` and `second()`, at the same time when `threads` > 1.
    package static func both<A, B>(_ first: () -> A, _ second: () -> B, threads: Int = Parallel.threads) -> (A, B) {
        if threads <= 1 { return (first(), second()) }
        return withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let results = (Box<A>(), Box<B>())
                DispatchQueue.concurrentPerform(iterations: 2) { job in
                    if job == 0 { results.0.value = first() } else { results.1.value = second() }
                }
                return (results.0.value!, results.1.value!)
            }
        }
    }
}

/// Results by job index and the next job to take (guarded by `lock`).
private final class Slots<T>: @unchecked Sendable {
    var results: [Result<T, Error>?]
    let lock = Mutex()
    var nextJob = 0
    init(_ count: Int) { results = Array(repeating: nil, count: count) }
}

/// A result filled in by one job of ``Parallel/run(_:threads:)`` and read after it.
package final class Box<T>: @unchecked Sendable {
    package var value: T?
    package init() {}
}
