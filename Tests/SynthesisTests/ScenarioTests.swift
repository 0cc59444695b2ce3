import Testing
@testable import Synthesis

/// The special cases issue 4's linkage tests need, found in the ground truth.
@Suite("Special cases are present in the ground truth")
struct ScenarioTests {
    /// Small on purpose: every special case is made near the start, so even a tiny run has one.
    static let population: Population = {
        let run = try! synthesise(persons: 40, seed: 99)
        return try! Population(folder: run.folder)
    }()

    func persons(tagged tag: String, in population: Population = Self.population) -> Set<String> {
        Set(population.truth.filter { $0["scenarios"]!.split(separator: ";").contains(Substring(tag)) }.map { $0["person_id"]! })
    }

    func rows(of person: String, in dataset: String) -> [[String: String]] {
        Self.population.truth.filter { $0["person_id"] == person && $0["dataset"] == dataset }
    }

    @Test("Twins: two persons with one surname, date of birth and postcode, and different forenames")
    func twins() throws {
        // Without mess, so the shared fields can be compared as written.
        let clean = try Population(folder: try synthesise(persons: 40, seed: 99, rates: .none).folder)
        let twins = persons(tagged: "twins", in: clean).sorted()
        try #require(twins.count == 2)
        #expect(persons(tagged: "twins").count == 2)
        let records = twins.map { person in
            clean.truth.first { $0["person_id"] == person && $0["dataset"] == "support-service.cases" }!
        }.map { truth in clean.support.first { $0["case_id"] == truth["record_key"] }! }
        #expect(records[0]["client_surname"] == records[1]["client_surname"])
        #expect(records[0]["client_dob"] == records[1]["client_dob"])
        #expect(records[0]["client_postcode"] == records[1]["client_postcode"])
        #expect(records[0]["client_forename"] != records[1]["client_forename"])
    }

    @Test("Two people share a postcode (and a name), a generation apart")
    func sharedPostcode() throws {
        let clean = try Population(folder: try synthesise(persons: 40, seed: 99, rates: .none).folder)
        // The pair made on purpose comes first (the lowest person ids); the population may
        // hold another pair drawn at random, so count pairs, not persons.
        let tagged = persons(tagged: "shared-postcode", in: clean).sorted()
        try #require(tagged.count >= 2 && tagged.count % 2 == 0)
        #expect(persons(tagged: "shared-postcode").count == tagged.count)
        let people = Array(tagged.prefix(2))
        let records = people.map { person in
            clean.truth.first { $0["person_id"] == person && $0["dataset"] == "support-service.cases" }!
        }.map { truth in clean.support.first { $0["case_id"] == truth["record_key"] }! }
        #expect(records[0]["client_postcode"] == records[1]["client_postcode"])
        #expect(records[0]["client_dob"] != records[1]["client_dob"])
    }

    @Test("A returner has several support cases")
    func returner() {
        let returners = persons(tagged: "returner")
        #expect(!returners.isEmpty)
        for person in returners {
            #expect(rows(of: person, in: "support-service.cases").count >= 2)
        }
    }

    @Test("A person is in all three sources")
    func allThree() {
        let people = persons(tagged: "all-three-sources")
        #expect(!people.isEmpty)
        for person in people {
            #expect(!rows(of: person, in: "support-service.cases").isEmpty)
            #expect(!rows(of: person, in: "police.crimes").isEmpty)
            #expect(!rows(of: person, in: "cps.cases").isEmpty)
        }
    }

    @Test("A crime reference is present in one source only")
    func referenceInOneSource() throws {
        let people = persons(tagged: "reference-one-source")
        try #require(!people.isEmpty)
        let policeCrimes = Set(Self.population.truth(of: "police.crimes").map { $0["crime_id"]! })
        for person in people {
            let cases = rows(of: person, in: "support-service.cases").filter { !$0["crime_id"]!.isEmpty }
            #expect(!cases.isEmpty)
            #expect(cases.allSatisfy { !policeCrimes.contains($0["crime_id"]!) })
            let recorded = cases.map { truth in Self.population.support.first { $0["case_id"] == truth["record_key"] }!["crime_reference"]! }
            #expect(recorded.allSatisfy { !$0.isEmpty })
        }
    }

    @Test("A crime has two victims: one reference, two persons in the police export")
    func twoVictims() throws {
        let people = persons(tagged: "two-victim-crime")
        try #require(people.count == 2)
        let crimes = people.map { person in Set(rows(of: person, in: "police.crimes").map { $0["crime_id"]! }) }
        #expect(!crimes[0].intersection(crimes[1]).isEmpty)
    }

    @Test("A relative (role Secondary) carries the victim's crime reference and is another person")
    func secondaryRelative() throws {
        let secondary = Self.population.truth.filter {
            $0["dataset"] == "support-service.cases" && $0["role"] == "Secondary" && $0["scenarios"]!.contains("secondary-relative")
        }
        let relative = try #require(secondary.first)
        let crime = relative["crime_id"]!
        #expect(!crime.isEmpty)
        let victims = Self.population.truth(of: "police.crimes").filter { $0["crime_id"] == crime }
        #expect(!victims.isEmpty)
        #expect(victims.allSatisfy { $0["person_id"] != relative["person_id"] })
        #expect(rows(of: relative["person_id"]!, in: "police.crimes").isEmpty)
        let row = Self.population.support.first { $0["case_id"] == relative["record_key"] }!
        #expect(row["role"] == "Secondary")
        #expect(!row["crime_reference"]!.isEmpty)
    }

    @Test("Clients under 18 and clients who did not consent are in the ground truth, marked excluded")
    func excludedClients() {
        let marks = Self.population.truth(of: "support-service.cases").map { $0["excluded"]! }
        #expect(marks.contains { $0.contains("under-18") })
        #expect(marks.contains { $0.contains("no-consent") })
        #expect(marks.contains { $0.isEmpty })
    }
}
