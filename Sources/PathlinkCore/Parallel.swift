#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Running independent jobs on both cores, with the thread count fixed by the
/// environment variable `PATHLINK_THREADS` (1 = everything on the calling thread).
///
/// Jobs write disjoint results by index, so outputs never depend on the thread count or
/// the order in which jobs finish; tests run both `PATHLINK_THREADS=1` and `2` and
/// compare the bytes. Used by link (reading inputs, writing files) and by `pathlink run`
/// (the extracts and pseudonymisations of independent datasets).
public enum Parallel {
    /// `PATHLINK_THREADS` when it is a positive integer, else the number of active cores.
    public static var threads: Int {
        if let text = getenv("PATHLINK_THREADS").map({ String(cString: $0) }), let value = Int(text), value > 0 { return value }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Run every job and return their results in job order; the first error (by job
    /// order) is thrown after all jobs finished.
    public static func run<T>(_ jobs: [() throws -> T], threads: Int = Parallel.threads) throws -> [T] {
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

/// Results by job index and the next job to take (guarded by `lock`).
private final class Slots<T>: @unchecked Sendable {
    var results: [Result<T, Error>?]
    let lock = Mutex()
    var nextJob = 0
    init(_ count: Int) { results = Array(repeating: nil, count: count) }
}
