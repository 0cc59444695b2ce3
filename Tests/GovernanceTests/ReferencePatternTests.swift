import Testing
import PathlinkCore
@testable import Governance

/// The reference-pattern dialect (schemas/README.md "Reference patterns"): what is
/// accepted, what is refused and why. The same type serves check, extract and
/// pseudonymise; HardeningTests' PatternAgreementTests runs the three commands.
@Suite("Reference pattern dialect")
struct ReferencePatternTests {
    /// (pattern, template, nil when accepted or a fragment of the refusal).
    static let cases: [(String, String, String?)] = [
        (#"^(\d{2})\D*0*(\d{1,6})\D*(?:20)?(\d{2})$"#, "$1/$2/$3", nil),
        (#"^(?:\d{2}\D+|\d{2}(?=\d{8}$))?0*(\d{1,6})\D*(?:20)?(\d{2})$"#, "$1/$2", nil),
        (#"^(?<force>\d{2})/(\d+)$"#, "$2 ($1)", nil),
        (#"^(\d{2})(?!0)(\d+)$"#, "$1-$2", nil),
        (#"^([A-Z]{2})-(\d+)(X)?$"#, "$$$1$3:$2", nil),
        (#"[-/\]a-z\d]+"#, "$$", nil),
        (#"(?:\d{2})+"#, "$$", nil),
        (#"^(?P<serial>\d{2,6})$"#, "$1", "(?P<name>…) is Python syntax"),
        (#"^((\d{2})$"#, "$1", "a ( is never closed"),
        (#"^(\d{2}))$"#, "$1", "closes no group"),
        (#"^(\d)\1$"#, "$1", "back-reference"),
        (#"^(?<x>\d)\k<x>$"#, "$1", "the escape \\k"),
        (#"(\d+)+$"#, "$1", "exponential"),
        (#"^(?:A|AA)*B$"#, "$$", "alternatives"),
        ("", "$$", "it is empty"),
        (#"^(\d+)-(\d+)$"#, "$7", "uses $7 but the pattern has 2 capture groups"),
        (#"^(\d+)$"#, "$", "lone $"),
        (#"^(\d+)$"#, "$0", "digit 1–9"),
        (#"(?<=A)\d+"#, "$$", "lookbehind"),
        (#"(?i)abc"#, "$$", "the group (?i"),
        (#"[]"#, "$$", "empty class"),
        (#"[z-a]"#, "$$", "backwards"),
        (#"\p{L}+"#, "$$", "the escape \\p"),
        (#"a{2,1}"#, "$$", "backwards"),
        (#"a{1001}"#, "$$", "above 1000"),
        (#"^\d++$"#, "$$", "follows a quantifier"),
        (#"*a"#, "$$", "nothing to repeat"),
        (#"^*"#, "$$", "cannot repeat"),
    ]

    @Test("each pattern is accepted or refused for the stated reason", arguments: 0..<cases.count)
    func verdict(_ index: Int) {
        let (pattern, template, refusal) = Self.cases[index]
        do {
            let compiled = try ReferencePattern(pattern: pattern, template: template)
            #expect(refusal == nil, "accepted \(pattern) / \(template), expected: \(refusal ?? "")")
            #expect(compiled.pattern == pattern)
        } catch let error as ReferencePatternError {
            #expect(refusal != nil && error.description.contains(refusal!), "\(pattern) / \(template): \(error.description)")
            // The template is blamed only for template faults (the manifest points at its line).
            if case .template = error { #expect(pattern.hasPrefix("^(\\d+)")) }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("matching: whole value, ASCII digits, optional groups empty, $$ a dollar")
    func matching() throws {
        let pattern = try ReferencePattern(pattern: #"(\d+)(?:-([A-Z]))?"#, template: "$1$$$2")
        #expect(pattern.fill("12-A") == "12$A")
        #expect(pattern.fill("12") == "12$")
        #expect(pattern.fill("x12") == nil)
        #expect(pattern.fill("١٢") == nil)
        // Only (…) and (?<name>…) capture; (?:…), lookahead, [(] and \( do not.
        #expect(try ReferencePattern(pattern: #"^(?<force>\d{2})/(\d+)(?=\d)(?:x)[(]\($"#, template: "$$").groupCount == 2)
        let lookahead = try ReferencePattern(pattern: #"^(?:\d{2}\D+|\d{2}(?=\d{8}$))?0*(\d{1,6})\D*(?:20)?(\d{2})$"#, template: "$1/$2")
        #expect(lookahead.fill("4201234521") == "12345/21")
        #expect(lookahead.fill("42/012345/21") == "12345/21")
    }

    @Test("a refused pattern in a manifest names the pattern's YAML line")
    func manifestLine() {
        expectInvalid(manifestText(columns: "  - {name: r, class: identifier, domain: ref, normalise: {pattern: '^(?P<serial>\\d{2,6})$', template: '$1'}}"),
                      line: 7, "(?P<name>…) is Python syntax")
    }
}
