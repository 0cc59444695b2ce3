import Foundation
import Governance
import Linkage
import Testing

/// Reference links confirmed by names (CK2) when a date of birth is missing, and refuted
/// by the date of birth when both records have one (docs/link.md "Persons").
@Suite("pathlink link: confirm and refute keys of a reference link")
struct ConfirmRefuteTests {
    static let daughter = P(forename: "MICHELLE", surname: "SIMPSON", dob: "20051223", postcode: "CO47WY")
    static let mother = P(forename: "MICHELLE", surname: "SIMPSON", dob: "19670603", postcode: "CO47WY")
    static let undated = P(forename: "JANE", surname: "SMITH", dob: "", postcode: "CM131AA")

    @Test("a crime-reference pair whose date of birth is missing on one side is merged by the names (CK2)")
    func missingDateConfirmedByNames() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane, crime: "42/7/23")
        world.add(LinkWorld.police, "p-jane", LinkWorldTestsHelper.without(dob: jane), crime: "42/7/23")
        world.add(LinkWorld.cps, "c-jane", LinkWorldTestsHelper.without(dob: jane), crime: "42/7/23")
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "p-jane"))
        #expect(linked.samePerson("p-jane", "c-jane"))
        #expect(linked.attached("s-jane", in: LinkWorld.police) == ("p-jane", "crime-reference"))
    }

    @Test("without a date of birth on either side, names alone never link records that share no reference")
    func namesAloneNeverLink() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", Self.undated, crime: "42/8/23")
        world.add(LinkWorld.police, "p-jane", Self.undated, crime: "42/9/23")
        let linked = try world.link()
        #expect(!linked.samePerson("s-jane", "p-jane"))
    }

    @Test("a namesake mother supported under her daughter's crime reference is attached, never merged: the dates of birth refute it")
    func namesakeRelativeRefuted() throws {
        let world = LinkWorld()
        // The daughter is not a support client (e.g. under 18, filtered out at extract).
        world.add(LinkWorld.police, "p-daughter", Self.daughter, crime: "42/5/23")
        world.add(LinkWorld.support, "s-mother", Self.mother, crime: "42/5/23", extra: "Secondary")
        let linked = try world.link()
        #expect(!linked.samePerson("s-mother", "p-daughter"))
        #expect(linked.attached("s-mother", in: LinkWorld.police) == ("p-daughter", "crime-reference"))
        // quality.json counts the refuted pair under the confirmed rule of that link.
        let rules = linked.quality["rules"] as! [[String: Any]]
        let confirmed = try #require(rules.first { $0["rule"] as? String == "crime-reference+confirm" && $0["link"] as? String == "\(LinkWorld.support) -> \(LinkWorld.police)" })
        #expect(confirmed["refuted_pairs"] as? Int == 1)
        #expect(rules.filter { $0["kind"] as? String == "matchkey" }.allSatisfy { $0["refuted_pairs"] == nil })

        // The same world without `refute` merges them: the refute key is what protects.
        let careless = LinkWorld.planText.replacingOccurrences(of: ", refute: [CK1, CK3, CK4, CK5]", with: "")
        #expect(careless != LinkWorld.planText)
        let merged = try world.link(output: world.folder + "/careless", plan: careless)
        #expect(merged.samePerson("s-mother", "p-daughter"))
    }

    @Test("a missing date of birth refutes nothing; a date on both sides that agrees is no refutation either")
    func refuteNeedsTwoDifferentDates() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", Self.undated, crime: "42/6/23")
        world.add(LinkWorld.police, "p-jane", Self.undated, crime: "42/6/23")
        world.add(LinkWorld.support, "s-lucy", victim1, crime: "42/4/23")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "42/4/23")
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "p-jane"))
        #expect(linked.samePerson("s-lucy", "p-lucy"))
    }

    @Test("a one-part typo in the date of birth does not refute names: another part still agrees")
    func oneTypoDoesNotRefute() throws {
        let world = LinkWorld()
        var dayTypo = jane
        dayTypo.dob = "19900215"      // 14 → 15: year-month agrees
        var yearTypo = victim1
        yearTypo.dob = "19980909"     // 1999 → 1998: month-day agrees
        world.add(LinkWorld.support, "s-jane", jane, crime: "42/2/23")
        world.add(LinkWorld.police, "p-jane", dayTypo, crime: "42/2/23")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "42/3/23")
        world.add(LinkWorld.cps, "c-lucy", yearTypo, crime: "42/3/23")
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "p-jane"))
        #expect(linked.samePerson("p-lucy", "c-lucy"))

        // With the whole date as the only refute key, both typos refute the names.
        let strict = LinkWorld.planText.replacingOccurrences(of: "refute: [CK1, CK3, CK4, CK5]", with: "refute: [CK1]")
        let refuted = try world.link(output: world.folder + "/strict", plan: strict)
        #expect(!refuted.samePerson("s-jane", "p-jane"))
        #expect(!refuted.samePerson("p-lucy", "c-lucy"))
    }

    @Test("a refute key a dataset lacks refutes nothing, and quality.json warns so")
    func missingRefuteColumnWarns() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-mother", Self.mother, crime: "42/5/23", extra: "Secondary")
        world.add(LinkWorld.police, "p-daughter", Self.daughter, crime: "42/5/23")
        let plan = LinkWorld.planText
            .replacingOccurrences(of: "    - {name: CK5, fields: [date-of-birth-year-day]}\n", with: "    - {name: CK5, fields: [date-of-birth-year-day]}\n    - {name: CK9, fields: [sex]}\n")
            .replacingOccurrences(of: "refute: [CK1, CK3, CK4, CK5]", with: "refute: [CK9]")
        #expect(plan.contains("refute: [CK9]") && plan.contains("name: CK9"))
        let linked = try world.link(plan: plan)
        let warnings = linked.quality["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("has no CK9 column; CK9 refutes nothing") }, "\(warnings)")
        // With no refute key to compare, the names confirm: exactly why the shipped plan refutes by the date.
        #expect(linked.samePerson("s-mother", "p-daughter"))
    }

    @Test("a plan's refute must name a defined key and needs confirm keys")
    func refuteValidated() throws {
        let unknown = LinkWorld.planText.replacingOccurrences(of: "refute: [CK1, CK3, CK4, CK5]}\n  - {from: police", with: "refute: [CK1, CK7]}\n  - {from: police")
        #expect(unknown != LinkWorld.planText)
        expectRefused(unknown, mentioning: ["plan.yaml", "line 15", "refute names CK7"])
        let unconfirmed = LinkWorld.planText.replacingOccurrences(of: "confirm: [CK1, CK2], refute", with: "refute")
        #expect(unconfirmed != LinkWorld.planText)
        expectRefused(unconfirmed, mentioning: ["plan.yaml", "line 16", "refute applies only to a link with confirm keys"])
        let plan = try LinkagePlan.parse(YAMLDocument(text: LinkWorld.planText, path: "plan.yaml"))
        #expect(plan.links.map(\.refute) == [["CK1", "CK3", "CK4", "CK5"], ["CK1", "CK3", "CK4", "CK5"]])
    }
}

/// The plan text is refused with an error that mentions every one of `words`.
private func expectRefused(_ plan: String, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try LinkagePlan.parse(YAMLDocument(text: plan, path: "plan.yaml"))
        Issue.record("the plan was accepted", sourceLocation: sourceLocation)
    } catch {
        let message = String(describing: error)
        for word in words { #expect(message.contains(word), "\(message)", sourceLocation: sourceLocation) }
    }
}

enum LinkWorldTestsHelper {
    static func without(dob person: P) -> P {
        var copy = person
        copy.dob = ""
        return copy
    }
}
