import Foundation
import Linkage
import Testing

/// The contract's cascade for repeat victims (issue 16; docs/link.md "Persons"): a confirmed,
/// unrefuted reference pair merges its persons even when a person thereby joins two
/// clusters of the other dataset; relatives and co-victims under one reference stay apart.
@Suite("pathlink link: repeat victims, relatives and co-victims under a crime reference")
struct RepeatVictimTests {
    /// One woman: her first police record has a forename typo and an old postcode, her
    /// second (a new nominal after a move) a new postcode, so the police records share no
    /// match key with each other and form two clusters.
    static let client = P(forename: "HANNAH", surname: "MORRIS", dob: "19880517", postcode: "SS143AB")
    static let firstCrime = P(forename: "HANAH", surname: "MORRIS", dob: "19880517", postcode: "CM11AA")
    static let secondCrime = P(forename: "HANNA", surname: "MORRIS", dob: "19880517", postcode: "RM99ZZ")

    @Test("a returner with two police crimes that do not cluster is linked to both, by each crime reference")
    func returnerWithTwoUnclusteredCrimes() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-first", Self.client, crime: "42/100/21", date: "2021-03")
        world.add(LinkWorld.support, "s-second", Self.client, crime: "42/200/23", date: "2023-06")
        world.add(LinkWorld.police, "p-first", Self.firstCrime, crime: "42/100/21", date: "2021-02")
        world.add(LinkWorld.police, "p-second", Self.secondCrime, crime: "42/200/23", date: "2023-05")
        let linked = try world.link()
        // The two support cases are one person (the first match key) …
        #expect(linked.samePerson("s-first", "s-second"))
        // … and both crimes join her, though her support cluster thereby meets two police clusters.
        #expect(linked.samePerson("s-first", "p-first"))
        #expect(linked.samePerson("s-first", "p-second"))
        #expect(linked.attached("s-first", in: LinkWorld.police) == ("p-first", "crime-reference"))
        #expect(linked.attached("s-second", in: LinkWorld.police) == ("p-second", "crime-reference"))
        let rules = linked.quality["rules"] as! [[String: Any]]
        let confirmed = try #require(rules.first { $0["rule"] as? String == "crime-reference+confirm" && $0["link"] as? String == "\(LinkWorld.support) -> \(LinkWorld.police)" })
        #expect(confirmed["persons_joined"] as? Int == 2)
    }

    @Test("a split cluster is recovered: her second crime, not referenced by the service, joins her by a forename key")
    func splitClusterRecovered() throws {
        let world = LinkWorld()
        world.add(LinkWorld.support, "s-first", Self.client, crime: "42/100/21", date: "2021-03")
        world.add(LinkWorld.support, "s-second", Self.client, date: "2023-06")
        world.add(LinkWorld.police, "p-first", Self.firstCrime, crime: "42/100/21", date: "2021-02")
        world.add(LinkWorld.police, "p-second", Self.client, crime: "42/200/23", date: "2023-05")
        let linked = try world.link()
        #expect(linked.samePerson("s-first", "s-second"))
        #expect(linked.samePerson("s-first", "p-first"))
        // Her support cluster is already linked to the police by the first crime, so the
        // cascade's "clusters not yet linked" never offers it; MK1 names it and the second
        // police cluster, one cluster on each side, so they join.
        #expect(linked.samePerson("s-second", "p-second"))
        #expect(linked.linkRules("s-second", "p-second") == ["MK1"])
    }

    @Test("one person rejoined from both sides in one pass: a support case and a police crime, each at the other address")
    func splitClustersOnBothSides() throws {
        let world = LinkWorld()
        var moved = Self.client
        moved.postcode = "RM99ZZ"
        // Her first case and crime, linked by the reference, were recorded at different addresses…
        world.add(LinkWorld.support, "s-first", Self.client, crime: "42/100/21", date: "2021-03")
        world.add(LinkWorld.police, "p-first", moved, crime: "42/100/21", date: "2021-02")
        // …and her later case and crime, without a shared reference, at one each.
        world.add(LinkWorld.support, "s-later", moved, date: "2023-06")
        // Three later crimes at her first address form one police cluster, larger than her
        // linked pair, so the first join of the pass moves that pair under a new root.
        for number in 1...3 { world.add(LinkWorld.police, "p-later-\(number)", Self.client, crime: "42/20\(number)/23", date: "2023-05") }
        let linked = try world.link()
        #expect(Set(["s-first", "p-first", "s-later", "p-later-1", "p-later-3"].map { linked.personOf[$0]! }).count == 1)
    }

    @Test("a namesake born the same day is not joined to a person already linked, though the token names only the two")
    func namesakeNotJoinedToALinkedPerson() throws {
        let world = LinkWorld()
        // Two women of one name and birthday: one supported and reported, one only reported,
        // at another address. MK2 (forename, surname, date of birth) names the first
        // woman's support and police records and the second woman's police record.
        var other = Self.client
        other.postcode = "RM99ZZ"
        world.add(LinkWorld.support, "s-first", Self.client, crime: "42/100/21", date: "2021-03")
        world.add(LinkWorld.police, "p-first", Self.client, crime: "42/100/21", date: "2021-02")
        world.add(LinkWorld.police, "p-other", other, crime: "42/200/23", date: "2023-05")
        let linked = try world.link()
        #expect(linked.samePerson("s-first", "p-first"))
        // Joining would make MK2 a within-police key: at 200,000 persons it joined namesakes.
        #expect(!linked.samePerson("s-first", "p-other"))
    }

    @Test("a twin already linked to the police is not given her sister's police record by a key without the forename")
    func splitClusterRecoveryNeedsTheForename() throws {
        let world = LinkWorld()
        let first = P(forename: "DEMI", surname: "COLE", dob: "20010304", postcode: "SS143AB")
        let second = P(forename: "ERIN", surname: "COLE", dob: "20010304", postcode: "SS143AB")
        var firstInPolice = first
        firstInPolice.postcode = "CM11AA"   // an old address on her police record
        world.add(LinkWorld.support, "s-demi", first, crime: "42/300/22")
        world.add(LinkWorld.police, "p-demi", firstInPolice, crime: "42/300/22")
        world.add(LinkWorld.police, "p-erin", second, crime: "42/301/22")
        let linked = try world.link()
        #expect(linked.samePerson("s-demi", "p-demi"))
        // MK4 (surname, date of birth, postcode) names only Demi's support cluster and Erin's
        // police record: the forename-free key must not join them.
        #expect(!linked.samePerson("s-demi", "p-erin"))
    }

    @Test("a relative under the victim's crime reference stays apart, though she shares surname and address")
    func relativeStaysApart() throws {
        let world = LinkWorld()
        let victim = P(forename: "AMY", surname: "PRICE", dob: "20040812", postcode: "CO47WY")
        let relative = P(forename: "KAREN", surname: "PRICE", dob: "19750221", postcode: "CO47WY")
        world.add(LinkWorld.support, "s-victim", victim, crime: "42/400/23", extra: "Primary")
        world.add(LinkWorld.support, "s-relative", relative, crime: "42/400/23", extra: "Secondary")
        world.add(LinkWorld.police, "p-victim", victim, crime: "42/400/23")
        world.add(LinkWorld.cps, "c-victim", victim, crime: "42/400/23")
        let linked = try world.link()
        #expect(linked.samePerson("s-victim", "p-victim"))
        #expect(linked.samePerson("p-victim", "c-victim"))
        #expect(!linked.samePerson("s-relative", "p-victim"))
        #expect(!linked.samePerson("s-relative", "s-victim"))
        #expect(linked.attached("s-relative", in: LinkWorld.police) == ("p-victim", "crime-reference"))
    }

    @Test("a crime with three victims, all supported, keeps three persons")
    func multiVictimCrimeStaysApart() throws {
        let world = LinkWorld()
        let victims = [
            P(forename: "LUCY", surname: "GREEN", dob: "19990909", postcode: "RM201CC"),
            P(forename: "MAYA", surname: "BROWN", dob: "19980303", postcode: "RM201DD"),
            P(forename: "ZARA", surname: "GREEN", dob: "20000101", postcode: "RM201CC"),
        ]
        for (index, victim) in victims.enumerated() {
            world.add(LinkWorld.support, "s-\(index)", victim, crime: "42/500/23")
            world.add(LinkWorld.police, "p-\(index)", victim, crime: "42/500/23")
            world.add(LinkWorld.cps, "c-\(index)", victim, crime: "42/500/23")
        }
        let linked = try world.link()
        for index in victims.indices {
            #expect(linked.samePerson("s-\(index)", "p-\(index)"))
            #expect(linked.samePerson("p-\(index)", "c-\(index)"))
            #expect(linked.attached("s-\(index)", in: LinkWorld.police).label == "p-\(index)")
        }
        #expect(Set(victims.indices.map { linked.personOf["p-\($0)"]! }).count == 3)
    }
}
