import Foundation
import Linkage
import PathlinkCore
import Provenance
import Testing

typealias P = LinkWorld.Person

let jane = P(forename: "JANE", surname: "SMITH", dob: "19900214", postcode: "CM131AA")
let amy = P(forename: "AMY", surname: "TWIN", dob: "20010503", postcode: "SS141BB")
let beth = P(forename: "BETH", surname: "TWIN", dob: "20010503", postcode: "SS141BB")
let neighbour = P(forename: "KATE", surname: "JONES", dob: "19850101", postcode: "CM131AA")
let victim1 = P(forename: "LUCY", surname: "GREEN", dob: "19990909", postcode: "RM201CC")
let victim2 = P(forename: "MAYA", surname: "BROWN", dob: "19980303", postcode: "RM201DD")
let mother = P(forename: "ANNE", surname: "GREEN", dob: "19700707", postcode: "RM201CC")

@Suite("pathlink link: persons, reference links and the cascade")
struct LinkerTests {
    @Test("a person in all three sources is one person, attached in journeys")
    func personInAllSources() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane, crime: "42/1/23")
        world.add(LinkWorld.police, "p-jane", jane, crime: "42/1/23")
        world.add(LinkWorld.cps, "c-jane", jane, crime: "42/1/23")
        world.add(LinkWorld.police, "p-other", neighbour)
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "p-jane"))
        #expect(linked.samePerson("p-jane", "c-jane"))
        #expect(!linked.samePerson("p-jane", "p-other"))
        #expect(linked.attached("s-jane", in: LinkWorld.police).label == "p-jane")
        #expect(linked.attached("s-jane", in: LinkWorld.police).rule == "crime-reference")
        #expect(linked.attached("s-jane", in: LinkWorld.cps).label == "c-jane")
        #expect(linked.attached("s-jane", in: LinkWorld.cps).rule == "crime-reference-via-police.crimes")
        #expect(linked.linkRules("s-jane", "p-jane").contains("crime-reference"))
        #expect(linked.linkRules("s-jane", "p-jane").contains("MK1") == false) // already one person before the cascade
    }

    @Test("the same person found without any reference number is linked by match key across all three")
    func personByMatchKeysOnly() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane)
        world.add(LinkWorld.police, "p-jane", jane)
        world.add(LinkWorld.cps, "c-jane", jane)
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "c-jane"))
        #expect(linked.attached("s-jane", in: LinkWorld.police).rule == "MK1")
        #expect(linked.attached("s-jane", in: LinkWorld.cps).label == "c-jane")
        #expect(linked.attached("s-jane", in: LinkWorld.cps).rule == "person-via-police.crimes")
        #expect(linked.linkRules("s-jane", "p-jane") == ["MK1"])
    }

    @Test("twins (same surname, date of birth and postcode) are never merged")
    func twins() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-amy", amy)
        world.add(LinkWorld.support, "s-beth", beth)
        world.add(LinkWorld.police, "p-beth", beth)
        let linked = try world.link()
        #expect(!linked.samePerson("s-amy", "s-beth"))
        #expect(linked.samePerson("s-beth", "p-beth"))
        #expect(!linked.samePerson("s-amy", "p-beth"))
        #expect(linked.attached("s-amy", in: LinkWorld.police).label == nil)
    }

    @Test("a token naming two clusters on one side is ambiguous: reported by research id, never guessed")
    func ambiguityReported() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-amy", amy)
        world.add(LinkWorld.support, "s-beth", beth)
        // The police misspelt the forename: only MK4 (surname, DOB, postcode) could link, and it names both twins.
        world.add(LinkWorld.police, "p-aimee", P(forename: "AIMEE", surname: "TWIN", dob: "20010503", postcode: "SS141BB"))
        let linked = try world.link()
        #expect(!linked.samePerson("s-amy", "p-aimee"))
        #expect(!linked.samePerson("s-beth", "p-aimee"))
        let ambiguous = linked.quality["ambiguous"] as! [[String: Any]]
        let mk4 = try #require(ambiguous.first { $0["rule"] as? String == "MK4" })
        #expect(mk4["tokens"] as? Int == 1)
        let ids = Set(mk4["record_ids"] as! [String])
        #expect(ids == Set(["s-amy", "s-beth", "p-aimee"].map { linked.recordOf[$0]! }))
    }

    @Test("two people sharing a postcode stay two people, each linked to their own records")
    func sharedPostcode() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane)
        world.add(LinkWorld.support, "s-kate", neighbour)
        world.add(LinkWorld.police, "p-kate", neighbour)
        world.add(LinkWorld.police, "p-jane", jane)
        let linked = try world.link()
        #expect(linked.samePerson("s-jane", "p-jane"))
        #expect(linked.samePerson("s-kate", "p-kate"))
        #expect(!linked.samePerson("s-jane", "s-kate"))
    }

    @Test("a returner's cases are one person; each support case gets the police record nearest its date")
    func returner() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane-2019", jane, date: "2019-03")
        world.add(LinkWorld.support, "s-jane-2023", jane, date: "2023-01")
        world.add(LinkWorld.police, "p-jane-2023", jane, date: "2023-02")
        world.add(LinkWorld.police, "p-jane-2019", jane, date: "2019-05")
        let linked = try world.link()
        #expect(Set(["s-jane-2019", "s-jane-2023", "p-jane-2023", "p-jane-2019"].map { linked.personOf[$0]! }).count == 1)
        #expect(linked.attached("s-jane-2019", in: LinkWorld.police).label == "p-jane-2019")
        #expect(linked.attached("s-jane-2023", in: LinkWorld.police).label == "p-jane-2023")
        let attach = (linked.quality["attach"] as! [[String: Any]]).first { $0["dataset"] as? String == LinkWorld.police }!
        #expect(attach["nearest_date"] as? Int == 2)
    }

    @Test("a reference number present in one source only links nothing by itself")
    func referenceInOneSourceOnly() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-jane", jane, crime: "99/9/23")
        world.add(LinkWorld.police, "p-kate", neighbour, crime: "11/1/23")
        let linked = try world.link()
        #expect(!linked.samePerson("s-jane", "p-kate"))
        #expect(linked.links.rows.isEmpty)
        #expect(linked.attached("s-jane", in: LinkWorld.police).label == nil)
    }

    @Test("a crime with two victims: the reference attaches both records, but persons merge only where confirmed")
    func crimeWithTwoVictims() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-lucy", victim1, crime: "7/7/23")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "7/7/23")
        world.add(LinkWorld.police, "p-maya", victim2, crime: "7/7/23")
        let linked = try world.link()
        #expect(linked.samePerson("s-lucy", "p-lucy"))
        #expect(!linked.samePerson("s-lucy", "p-maya"))
        #expect(!linked.samePerson("p-lucy", "p-maya"))
        #expect(linked.linkRules("s-lucy", "p-maya") == ["crime-reference"])
        #expect(linked.attached("s-lucy", in: LinkWorld.police).label == "p-lucy")
        let attach = (linked.quality["attach"] as! [[String: Any]]).first { $0["dataset"] as? String == LinkWorld.police }!
        #expect(attach["same_person"] as? Int == 1)
    }

    @Test("a relative (Secondary) carrying the victim's crime reference is attached, never merged")
    func relativeWithVictimsReference() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-mother", mother, crime: "5/5/23", extra: "Secondary")
        world.add(LinkWorld.support, "s-lucy", victim1, crime: "5/5/23", extra: "Primary")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "5/5/23")
        let linked = try world.link()
        #expect(!linked.samePerson("s-mother", "p-lucy"))
        #expect(!linked.samePerson("s-mother", "s-lucy"))
        #expect(linked.samePerson("s-lucy", "p-lucy"))
        #expect(linked.attached("s-mother", in: LinkWorld.police) == ("p-lucy", "crime-reference"))
    }

    @Test("a relative alone on the victim's reference is still not merged, and the victim is not stolen by match key")
    func relativeAlone() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-mother", mother, crime: "5/5/23", extra: "Secondary")
        world.add(LinkWorld.police, "p-lucy", victim1, crime: "5/5/23")
        let linked = try world.link()
        #expect(!linked.samePerson("s-mother", "p-lucy"))
        #expect(linked.journey("s-mother")["person_id"] != linked.personOf["p-lucy"])
    }
}
