#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long work, shown on stderr only when stderr is a terminal.
///
/// Updates are throttled to a few per second; the line is rewritten in place and
/// cleared by ``finish()``. It shows counts and rates only, never a value.
package final class Progress {
    private let label: String
    private let total: Int?
    @usableFromInline let isEnabled: Bool
    private var lastDraw: Double = 0
    private let started: Double

    /// - Parameters:
    ///   - label: what is being done, e.g. "extract police.crimes".
    ///   - total: the expected count (rows or bytes), if known.
    ///   - unit: shown after the count.
    package init(_ label: String, total: Int? = nil, unit: String = "rows", enabled: Bool? = nil) {
        self.label = label
        self.total = total
        self.unit = unit
        self.isEnabled = enabled ?? (isatty(STDERR_FILENO) == 1 && getenv("PATHLINK_NO_PROGRESS") == nil && Log.level >= .info)
        self.started = Progress.now()
    }
    private let unit: String

    /// Report that `done` units are finished. Cheap when nothing is drawn.
    @inlinable @inline(__always)
    package func update(_ done: Int) {
        guard isEnabled, done & 0x3FF == 0 else { return }
        draw(done)
    }

    @usableFromInline
    func draw(_ done: Int) {
        let now = Progress.now()
        guard now - lastDraw >= 0.2 else { return }
        lastDraw = now
        var line = "\r\u{1B}[K\(label): \(done) \(unit)"
        if let total, total > 0 { line += " (\(min(100, done * 100 / total))%)" }
        let elapsed = now - started
        if elapsed > 0.5 { line += ", \(Int(Double(done) / elapsed))/s" }
        StandardError.write(line)
    }

    /// Clear the progress line.
    package func finish() {
        guard isEnabled, lastDraw > 0 else { return }
        StandardError.write("\r\u{1B}[K")
    }

    package static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
