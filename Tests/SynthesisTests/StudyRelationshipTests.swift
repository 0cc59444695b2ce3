import Testing
@testable import Synthesis

/// The typical profile carries the MoJ Victims Pathway report's relationships, not only
/// its margins, and police and CPS attrition from published statistics (issue 17;
/// docs/synthetic-data.md "The study's relationships"). Measured on the files of 20,000
/// persons, as a researcher would count them from the raw exports.
@Suite("Synthetic journeys carry the MoJ report's relationships")
struct StudyRelationshipTests {
    static let measured = StudyFigures(DistributionTests.population)

    /// Percentage points for shares of thousands of cases.
    static let tolerance = 0.02

    @Test("Planned closure: police-referred 26%, self-referred 43%, 34% of all closed cases")
    func plannedByRoute() {
        let m = Self.measured
        #expect(abs(m.planned - StudyModel.publishedPlanned) < Self.tolerance, "planned \(m.planned)")
        #expect(abs(m.plannedPolice - StudyModel.publishedPlannedPolice) < Self.tolerance, "police \(m.plannedPolice)")
        #expect(abs(m.plannedSelf - StudyModel.publishedPlannedSelf) < Self.tolerance, "self \(m.plannedSelf)")
    }

    @Test("Closed before assessment (drop-out): 34% of cases, 52% of police referrals")
    func dropOut() {
        let m = Self.measured
        #expect(abs(m.dropOut - StudyModel.publishedDropOut) < Self.tolerance, "drop-out \(m.dropOut)")
        #expect(abs(m.dropOutPolice - StudyModel.publishedDropOutPolice) < Self.tolerance, "police \(m.dropOutPolice)")
    }

    @Test("Planned closure rises with age: 32% under 45, 40% at 45 and over")
    func plannedByAge() {
        let m = Self.measured
        #expect(abs(m.plannedUnder45 - StudyModel.publishedPlannedUnder45) < Self.tolerance, "under 45 \(m.plannedUnder45)")
        #expect(abs(m.planned45Plus - StudyModel.publishedPlanned45Plus) < Self.tolerance, "45+ \(m.planned45Plus)")
        #expect(m.planned45Plus > m.plannedUnder45 + 0.04)
    }

    @Test("Services: therapy only 38%, both 20%, advocacy only 5% of cases")
    func services() {
        let m = Self.measured
        #expect(abs(m.therapyOnly - StudyModel.publishedTherapyOnly) < Self.tolerance, "therapy only \(m.therapyOnly)")
        #expect(abs(m.both - StudyModel.publishedBoth) < Self.tolerance, "both \(m.both)")
        #expect(abs(m.advocacyOnly - StudyModel.publishedAdvocacyOnly) < Self.tolerance, "advocacy only \(m.advocacyOnly)")
    }

    @Test("Waited more than two years to seek support: 57%, police-referred 41%, self-referred 64%")
    func waited() {
        let m = Self.measured
        #expect(abs(m.waited - StudyModel.publishedWaited) < Self.tolerance, "overall \(m.waited)")
        #expect(abs(m.waitedPolice - StudyModel.publishedWaitedPolice) < Self.tolerance, "police \(m.waitedPolice)")
        #expect(abs(m.waitedSelf - StudyModel.publishedWaitedSelf) < Self.tolerance, "self \(m.waitedSelf)")
    }

    @Test("1.22 support cases per client; 8% of clients are secondary victim-survivors")
    func casesAndSecondary() {
        let m = Self.measured
        #expect(abs(m.casesPerClient - StudyModel.publishedCasesPerClient) / StudyModel.publishedCasesPerClient < 0.03, "cases per client \(m.casesPerClient)")
        #expect(abs(m.secondary - StudyModel.publishedSecondary) < 0.01, "secondary \(m.secondary)")
    }

    @Test("Police and CPS attrition follow the published statistics")
    func attrition() {
        let m = Self.measured
        // Home Office outcomes: about 3% charged/summonsed, 43% victim does not support action.
        #expect(abs(m.policeCharged - 0.03) < 0.01, "charged \(m.policeCharged)")
        #expect(abs(m.policeVictimWithdrew - 0.43) < 0.025, "outcome 16 \(m.policeVictimWithdrew)")
        #expect(m.policeUnderInvestigation > 0.01 && m.policeUnderInvestigation < 0.15, "under investigation \(m.policeUnderInvestigation)")
        // CPS: about 52% of referrals charged; 65% of completed prosecutions convicted.
        #expect(abs(m.cpsCharged - 0.52) < 0.08, "CPS charged \(m.cpsCharged)")
        #expect(abs(m.convicted - 0.65) < 0.08, "convicted \(m.convicted)")
    }

    @Test("Issue 17 defects: no service without an assessment, no referral after the export date")
    func defects() {
        let m = Self.measured
        #expect(m.unassessed > 1000)
        #expect(m.serviceWithoutAssessment == 0)
        #expect(m.referralsAfterWindow == 0)
        #expect(m.referralsAfterExport == 0)
    }

    @Test("The checks find the defects in the older journey model (still the hard profile's)")
    func checksCanFail() throws {
        var older = PopulationRates.typical
        older.studyJourneys = false
        let m = StudyFigures(try Population(folder: try synthesise(persons: 3000, seed: 2024, population: older).folder))
        #expect(m.serviceWithoutAssessment > 0)
        #expect(m.referralsAfterWindow > 0)
        #expect(!m.inconsistentDates.isEmpty)
        #expect(abs(m.plannedPolice - m.plannedSelf) < 0.05)
    }

    @Test("Dates follow one another: incident, report, referral, assessment, closure, CPS, court; none after the export")
    func consistentDates() {
        let m = Self.measured
        #expect(m.checkedDates > 10_000)
        #expect(m.inconsistentDates == [], "\(m.inconsistentDates.prefix(5))")
    }
}

/// Every figure the tests check, counted from the files.
struct StudyFigures {
    var dropOut = 0.0, dropOutPolice = 0.0
    var planned = 0.0, plannedPolice = 0.0, plannedSelf = 0.0, plannedUnder45 = 0.0, planned45Plus = 0.0
    var therapyOnly = 0.0, both = 0.0, advocacyOnly = 0.0
    var waited = 0.0, waitedPolice = 0.0, waitedSelf = 0.0
    var casesPerClient = 0.0, secondary = 0.0
    var policeCharged = 0.0, policeVictimWithdrew = 0.0, policeUnderInvestigation = 0.0
    var cpsCharged = 0.0, convicted = 0.0
    var unassessed = 0, serviceWithoutAssessment = 0, referralsAfterWindow = 0, referralsAfterExport = 0
    var checkedDates = 0
    var inconsistentDates: [String] = []

    init(_ population: Population) {
        let cases = population.support
        func share(_ rows: [[String: String]], _ test: ([String: String]) -> Bool) -> Double {
            Double(rows.filter(test).count) / Double(max(1, rows.count))
        }
        let closedBeforeAssessment: ([String: String]) -> Bool = { $0["case_status"] == "Closed" && $0["assessment_date"] == "" }
        let police = cases.filter { $0["referral_source"] == "Police" }
        let selfReferred = cases.filter { $0["referral_source"] == "Self" }
        dropOut = share(cases, closedBeforeAssessment)
        dropOutPolice = share(police, closedBeforeAssessment)
        let isPlanned: ([String: String]) -> Bool = { $0["closure_reason"] == "Planned closure" }
        let closed: ([String: String]) -> Bool = { $0["case_status"] == "Closed" }
        planned = share(cases.filter(closed), isPlanned)
        plannedPolice = share(police.filter(closed), isPlanned)
        plannedSelf = share(selfReferred.filter(closed), isPlanned)
        func age(_ row: [String: String]) -> Int? {
            guard let born = PopulationGenerator.parseDayMonthYear(row["client_dob"]!),
                  let referred = PopulationGenerator.parseDayMonthYear(row["referral_date"]!) else { return nil }
            return born.age(at: referred)
        }
        plannedUnder45 = share(cases.filter { closed($0) && (age($0).map { $0 < 45 } ?? false) }, isPlanned)
        planned45Plus = share(cases.filter { closed($0) && (age($0).map { $0 >= 45 } ?? false) }, isPlanned)
        therapyOnly = share(cases) { $0["service_counselling"] == "Yes" && $0["service_isva"] == "No" }
        both = share(cases) { $0["service_counselling"] == "Yes" && $0["service_isva"] == "Yes" }
        advocacyOnly = share(cases) { $0["service_counselling"] == "No" && $0["service_isva"] == "Yes" }
        let known: ([String: String]) -> Bool = { $0["time_incident_to_referral"] != "Not known" }
        let long: ([String: String]) -> Bool = { $0["time_incident_to_referral"] == "More than 2 years" }
        waited = share(cases.filter(known), long)
        waitedPolice = share(police.filter(known), long)
        waitedSelf = share(selfReferred.filter(known), long)

        let truth = population.truth(of: "support-service.cases")
        var roles: [String: [String]] = [:]
        for row in truth { roles[row["person_id"]!, default: []].append(row["role"]!) }
        casesPerClient = Double(truth.count) / Double(roles.count)
        secondary = Double(roles.values.filter { $0.allSatisfy { $0 == "Secondary" } }.count) / Double(roles.count)

        let assigned = population.police.filter { $0["outcome_code"] != "" }
        policeCharged = share(assigned) { $0["outcome_code"] == "1" }
        policeVictimWithdrew = share(assigned) { $0["outcome_code"] == "16" }
        policeUnderInvestigation = share(population.police) { $0["outcome_code"] == "" }
        cpsCharged = share(population.cps) { $0["charge_decision"] == "Charge" }
        let completed = population.cps.filter { ["Guilty plea", "Convicted after trial", "Acquitted", "Discontinued"].contains($0["outcome"]!) }
        convicted = share(completed) { ["Guilty plea", "Convicted after trial"].contains($0["outcome"]!) }

        let windowEnd = CalendarDate(2024, 3, 31), export = PopulationGenerator.extractDate
        let services = ["service_isva", "service_counselling", "service_helpline", "service_group_work"]
        for row in cases {
            let referral = PopulationGenerator.parseDayMonthYear(row["referral_date"]!)!
            if referral > windowEnd { referralsAfterWindow += 1 }
            if referral > export { referralsAfterExport += 1 }
            let assessment = PopulationGenerator.parseDayMonthYear(row["assessment_date"]!)
            if assessment == nil {
                unassessed += 1
                if services.contains(where: { row[$0] == "Yes" }) { serviceWithoutAssessment += 1 }
            }
            let closure = PopulationGenerator.parseDayMonthYear(row["closure_date"]!)
            check(assessment.map { $0 >= referral && $0 <= export }, "assessment before referral or after export, \(row["case_id"]!)")
            check(closure.map { $0 >= (assessment ?? referral) && $0 <= export }, "closure out of order, \(row["case_id"]!)")
            check((row["case_status"] == "Closed") == (closure != nil), "status and closure date disagree, \(row["case_id"]!)")
        }
        // Police and CPS rows of one crime, joined through the ground truth.
        let policeTruth = population.truth(of: "police.crimes"), cpsTruth = population.truth(of: "cps.cases")
        var reportedOn: [String: CalendarDate] = [:], policeOutcome: [String: (code: String, day: CalendarDate?)] = [:]
        for (row, truthRow) in zip(population.police, policeTruth) {
            let reported = Self.iso(row["date_reported"]!)!
            reportedOn[truthRow["crime_id"]!] = reported
            let outcomeDay = Self.iso(row["outcome_date"]!)
            policeOutcome[truthRow["crime_id"]!] = (row["outcome_code"]!, outcomeDay)
            check(reported <= export, "police report after the export, \(truthRow["crime_id"]!)")
            check(Self.iso(row["offence_date"]!).map { $0 <= reported }, "offence after its report, \(truthRow["crime_id"]!)")
            check(outcomeDay.map { $0 >= reported && $0 <= export }, "police outcome out of order, \(truthRow["crime_id"]!)")
            check((row["outcome_code"] == "") == (outcomeDay == nil), "police outcome code and date disagree, \(truthRow["crime_id"]!)")
        }
        for (row, truthRow) in zip(population.cps, cpsTruth) {
            let crime = truthRow["crime_id"]!
            let received = Self.iso(row["date_received"]!)!, decided = Self.iso(row["decision_date"]!)!
            let finished = Self.iso(row["outcome_date"]!)
            check(reportedOn[crime].map { received >= $0 }, "CPS received before the report, \(crime)")
            check(decided >= received && decided <= export, "CPS decision out of order, \(crime)")
            check(finished.map { $0 >= decided && $0 <= export }, "court outcome out of order, \(crime)")
            check((row["outcome"] == "Pending" || row["outcome"] == "No prosecution") == (finished == nil), "court outcome and date disagree, \(crime)")
            if row["charge_decision"] == "Charge" {
                check(policeOutcome[crime].map { $0.code == "1" && $0.day == decided }, "a charge without police outcome 1 on its day, \(crime)")
            } else {
                check(policeOutcome[crime].map { $0.day.map { $0 >= decided } ?? false }, "police closed before the CPS decided, \(crime)")
            }
        }
    }

    private mutating func check(_ holds: Bool?, _ problem: String) {
        guard let holds else { return }
        checkedDates += 1
        if !holds { inconsistentDates.append(problem) }
    }

    static func iso(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 && text.count == 10 && parts[0] > 1900 ? CalendarDate(parts[0], parts[1], parts[2]) : nil
    }
}
