import Cryptography
import Foundation
import Governance

/// The measurements behind `Benchmarks/tokens/run` (hidden `pathlink benchmark-tokens`).
///
/// Every method MACs the same short identifiers with the same key on one thread; the
/// best of several passes is reported as tokens per second. The HMAC methods must agree
/// on a checksum of all digests before any figure is printed.
package enum TokenBenchmark {
    /// One line per method: `method<TAB>tokens/s<TAB>ns/token`.
    package static func run(valueCount: Int, passes: Int) -> [String] {
        let values = HMACBenchmark.Values.shortIdentifiers(count: valueCount)
        let key = Array(0..<32).map(UInt8.init)
        var lines: [String] = []
        var checksums: [UInt64] = []
        for method in HMACBenchmark.Method.allCases {
            var best = Double.infinity
            for _ in 0..<max(1, passes) {
                let start = HMACBenchmark.now()
                checksums.append(HMACBenchmark.run(method, key: key, values: values))
                best = min(best, HMACBenchmark.now() - start)
            }
            lines.append(line(method.rawValue, count: values.count, seconds: best))
        }
        precondition(Set(checksums).count == 1, "the HMAC methods disagree")

        // The whole token path as pseudonymise uses it: String in, 32 hex digits out.
        let master = try! MasterKey(bytes: key)
        let tokeniser = try! DomainTokeniser(key: master, project: "benchmark", domain: "crime-reference")
        let strings = (0..<min(valueCount, 1_000_000)).map { index in
            String(decoding: values.bytes[values.offsets[index]..<values.offsets[index + 1]], as: UTF8.self)
        }
        var best = Double.infinity
        var sink = 0
        for _ in 0..<max(1, passes) {
            let start = HMACBenchmark.now()
            for value in strings { sink &+= (try! tokeniser.token(value)).utf8.count }
            best = min(best, HMACBenchmark.now() - start)
        }
        lines.append(line("pathlink-token-string-to-hex", count: strings.count, seconds: best))

        // Normalisers (per value, before the HMAC): the reference pattern of the shared vectors.
        let pattern = try! ReferencePattern(pattern: #"^(?:\d{2}\D+|\d{2}(?=\d{8}$))?0*(\d{1,6})\D*(?:20)?(\d{2})$"#, template: "$1/$2")
        let sample = Array(strings.prefix(100_000))
        var start = HMACBenchmark.now()
        for value in sample { if case .value(let text) = pattern.normalise(value) { sink &+= text.utf8.count } }
        lines.append(line("normalise-pattern-swift-regex", count: sample.count, seconds: HMACBenchmark.now() - start))
        let names = sample.indices.map { ["Zoë O'Neill", "Jane Smith", "Mr John Smith-Jones", "Łukasz Nowak"][$0 % 4] }
        start = HMACBenchmark.now()
        for value in names { if case .value(let text) = NameNormalisation.name(value) { sink &+= text.utf8.count } }
        lines.append(line("normalise-name-mixed", count: names.count, seconds: HMACBenchmark.now() - start))
        if sink == 42 { lines.append("") }   // keeps the work observable
        return lines
    }

    static func line(_ name: String, count: Int, seconds: Double) -> String {
        let rate = Double(count) / seconds
        return "\(name)\t\(String(format: "%.2f", rate / 1e6))M tokens/s\t\(String(format: "%.0f", seconds / Double(count) * 1e9)) ns/token"
    }
}
