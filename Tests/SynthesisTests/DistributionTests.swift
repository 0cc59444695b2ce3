import Testing
@testable import Synthesis

/// The published MoJ BOLD figures on the Essex rape crisis data, and our assumptions.
@Suite("Synthetic distributions follow the BOLD report")
struct DistributionTests {
    static let population: Population = {
        let run = try! synthesise(persons: 20_000, seed: 2024)
        return try! Population(folder: run.folder)
    }()

    static let tolerance = 0.025

    @Test("Primary incident: rape 52%, child sexual abuse 27%")
    func primaryIncident() {
        let cases = Self.population.support
        #expect(abs(Population.share(cases, "primary_incident", "Rape") - 0.52) < Self.tolerance)
        #expect(abs(Population.share(cases, "primary_incident", "Child sexual abuse") - 0.27) < Self.tolerance)
    }

    @Test("Referral source: police 33%, self 27%, healthcare 22%")
    func referralSource() {
        let cases = Self.population.support
        #expect(abs(Population.share(cases, "referral_source", "Police") - 0.33) < Self.tolerance)
        #expect(abs(Population.share(cases, "referral_source", "Self") - 0.27) < Self.tolerance)
        #expect(abs(Population.share(cases, "referral_source", "Healthcare") - 0.22) < Self.tolerance)
    }

    @Test("34% of closed cases end in a planned closure")
    func plannedClosure() {
        let share = Population.share(Self.population.support, "closure_reason", "Planned closure") { $0["case_status"] == "Closed" }
        #expect(abs(share - 0.34) < Self.tolerance)
    }

    @Test("57% waited more than two years between incident and referral (where known)")
    func delay() {
        let share = Population.share(Self.population.support, "time_incident_to_referral", "More than 2 years") {
            $0["time_incident_to_referral"] != "Not known"
        }
        #expect(abs(share - 0.57) < 0.03)
    }

    @Test("Mostly female; every MoJ age band occurs; some clients are under 18 and some do not consent")
    func demographics() {
        let support = Self.population.support
        #expect(Population.share(support, "gender", "Female") > 0.8)
        let truth = Self.population.truth(of: "support-service.cases")
        let underEighteen = truth.filter { $0["excluded"]!.contains("under-18") }.count
        let noConsent = truth.filter { $0["excluded"]!.contains("no-consent") }.count
        #expect(Double(underEighteen) / Double(truth.count) > 0.04)
        #expect(Double(noConsent) / Double(truth.count) > 0.1)
        #expect(Population.share(support, "consent_to_share", "Yes") > 0.8)
    }

    @Test("Every case's excluded mark agrees with its consent and recorded age")
    func exclusionsAgree() throws {
        let truth = Self.population.truth(of: "support-service.cases")
        let byKey = Dictionary(uniqueKeysWithValues: Self.population.support.map { ($0["case_id"]!, $0) })
        for record in truth {
            let row = try #require(byKey[record["record_key"]!])
            let marks = record["excluded"]!.split(separator: ";").map(String.init)
            #expect(marks.contains("no-consent") == (row["consent_to_share"] != "Yes"))
            if let born = PopulationGenerator.parseDayMonthYear(row["client_dob"]!),
               let referred = PopulationGenerator.parseDayMonthYear(row["referral_date"]!) {
                #expect(marks.contains("under-18") == (born.age(at: referred) < 18))
                #expect(!marks.contains("age-unknown"))
            } else {
                #expect(marks.contains("age-unknown"))
            }
        }
    }
}
