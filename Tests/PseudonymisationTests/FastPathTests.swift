import Testing
@testable import Pseudonymisation

/// The byte paths of the record loop must give exactly what the specification's `String`
/// normalisers give.
@Suite("Normaliser fast paths")
struct NormaliserFastPathTests {
    @Test("The ASCII text normaliser gives the same bytes (or missing) as text(_:)")
    func asciiText() {
        var inputs = ["", " ", "\t\n", "42/000001/23", " 42/000001/23 ", "ab  cd\t\tef", "\u{0B}x\u{0C}y\r",
                      "unknown", " Not Known ", "not  known", "n/a", "N/A ", "na", "-9", "no name", "NO NAME X",
                      "a\u{1C}b", "x\u{1F}y", "lower case ref", "MiXeD\u{0B}\u{0B}CaSe", String(repeating: "z", count: 40)]
        // Every printable ASCII byte and the ASCII controls around white space, in a value.
        for byte in UInt8(0x01)...UInt8(0x7F) { inputs.append("a" + String(decoding: [byte], as: UTF8.self) + "b") }
        for input in inputs {
            var bytes = Array(input.utf8)
            let output = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            defer { output.deallocate() }
            let count = bytes.withUnsafeMutableBufferPointer { TextNormalisation.asciiText(UnsafeBufferPointer($0), into: output) }
            switch TextNormalisation.text(input) {
            case .value(let text):
                #expect(count.map { String(decoding: UnsafeBufferPointer(start: output, count: $0), as: UTF8.self) } == text,
                        "input \(Array(input.utf8))")
            case .missing:
                #expect(count == 0, "input \(Array(input.utf8))")
            case .invalid:
                Issue.record("text never gives invalid")
            }
        }
    }

    @Test("The ASCII text normaliser declines non-ASCII input")
    func asciiTextDeclines() {
        for input in ["Zoë", "a\u{A0}b", "\u{2003}x"] {
            var bytes = Array(input.utf8)
            let output = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            defer { output.deallocate() }
            #expect(bytes.withUnsafeMutableBufferPointer { TextNormalisation.asciiText(UnsafeBufferPointer($0), into: output) } == nil)
        }
    }
}
