import Foundation
import Testing
import PathlinkCore
@testable import Governance

/// The plan vocabulary is one closed list in Governance: a plan's validity does not depend
/// on another module having run first (this test target does not link Pseudonymisation).
@Suite("Plan field vocabulary")
struct KeyFieldTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func plan(fields: String) throws -> LinkagePlan {
        try LinkagePlan.parse(YAMLDocument(text: """
            linkage: 1
            project: test
            person:
              matchkeys:
                - {name: MK1, fields: [\(fields)]}
            links:
              - {from: a.x, to: b.y, by: [person]}
            output:
              spine: a.x
            """, path: "plan.yaml"))
    }

    @Test("every field, error-tolerant ones included, is valid in a plan with nothing registered")
    func everyFieldLoads() throws {
        for field in KeyField.allCases {
            let loaded = try plan(fields: field.rawValue)
            #expect(loaded.matchKeys.first?.fields == [field])
        }
        #expect(try plan(fields: "forename-nickname, surname-soundex, full-name-sorted").matchKeys[0].fields
                == [.forenameNickname, .surnameSoundex, .fullNameSorted])
    }

    @Test("an unknown field is refused on its YAML line, naming a close field")
    func unknownField() {
        do {
            _ = try plan(fields: "surname-sondex")
            Issue.record("expected the plan to be refused")
        } catch let error as PathlinkError {
            #expect(error.code == .invalidDocument)
            #expect(error.line == 5, "\(error.description)")
            #expect(error.description.contains("surname-soundex"), "\(error.description)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the shipped plan loads without any registration")
    func shippedPlan() throws {
        let plan = try LinkagePlan.load(path: Self.repository + "/governance/linkage.yaml")
        #expect(plan.allKeys.flatMap(\.fields).contains(.forenameNickname))
    }

    @Test("every field is specified in governance/token-specification.md and has its sources")
    func specified() throws {
        let specification = try String(contentsOfFile: Self.repository + "/governance/token-specification.md", encoding: .utf8)
        for field in KeyField.allCases {
            #expect(specification.contains("`\(field.rawValue)`"), "\(field.rawValue) is not in the token specification")
            #expect(!field.sources.isEmpty)
        }
        #expect(KeyField.fullNameSorted.sources == [.forename, .surname])
        #expect(KeyField.surnameSoundex.sources == [.surname])
    }
}
