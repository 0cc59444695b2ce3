/// The MoJ Victims Pathway report's relationships, drawn by the `typical` profile
/// (``PopulationRates/studyJourneys``; docs/synthetic-data.md "The study's relationships").
///
/// The report (MoJ BOLD programme, 2024, on the South and West Essex Rape Crisis Centres'
/// case data) publishes findings *by* referral route and age, not only margins: police
/// referrals drop out before assessment more often and end in a planned closure less
/// often; planned closure rises with age; most clients had waited more than two years,
/// police referrals less often. Police and CPS attrition follow published
/// criminal-justice statistics for rape and sexual offences. Every date of a journey
/// follows from the one before it and none is after the export date.
enum StudyModel {
    // MARK: Published figures (MoJ 2024), the targets a test checks

    /// Of all cases: closed before an assessment (drop-out).
    static let publishedDropOut = 0.34
    static let publishedDropOutPolice = 0.52
    /// Of closed cases: planned closure.
    static let publishedPlanned = 0.34
    static let publishedPlannedPolice = 0.26
    static let publishedPlannedSelf = 0.43
    static let publishedPlannedUnder45 = 0.32
    static let publishedPlanned45Plus = 0.40
    /// Of all cases: therapy (counselling) only, both, advocacy (ISVA) only.
    static let publishedTherapyOnly = 0.38
    static let publishedBoth = 0.20
    static let publishedAdvocacyOnly = 0.05
    /// Of cases where the time is known: more than two years from incident to referral.
    static let publishedWaited = 0.57
    static let publishedWaitedPolice = 0.41
    static let publishedWaitedSelf = 0.64
    /// Support cases per client, and secondary victim-survivors among clients.
    static let publishedCasesPerClient = 1.22
    static let publishedSecondary = 0.08

    // MARK: Published criminal-justice statistics (docs/synthetic-data.md lists the sources)

    /// Police outcomes (Home Office outcomes framework) of crimes with an outcome assigned:
    /// charged/summonsed 3% (rape 1.6%, sexual offences about 6%), victim does not support
    /// action (16) 43% (rape: more than 40%), evidential difficulties (14, 15) 32%, no
    /// suspect identified (18) 9%, the rest other outcomes. A crime whose outcome would be
    /// after the export date has none yet (under investigation).
    static let policeOutcome = Weighted([
        ("1", 2.5), ("14", 4), ("15", 28), ("16", 43), ("18", 9), ("10", 2), ("20", 2), ("21", 5), ("8", 1), ("9", 1), ("17", 1), ("22", 1),
    ])
    /// Share of outcome-15 crimes the police referred to the CPS, which did not charge:
    /// with 3% charged, the CPS charges about 52% of the suspects referred (CPS VAWG data,
    /// rape, rolling year to June 2023: 3,278 charged of 6,303 referrals).
    static let referredNotCharged = 0.10
    /// Not charged: administratively finalised about two in three (2,018 of the 3,025
    /// referrals not charged in the same CPS figures), no further action the rest.
    static let administrativelyFinalised = 0.67
    /// Completed prosecutions after a charge: conviction 65% (CPS rape conviction rate
    /// 62–69%, 2022/23–2023/24). A prosecution not finished by the export date is Pending.
    static let completedProsecution = Weighted([
        ("Guilty plea", 30.0), ("Convicted after trial", 35), ("Acquitted", 22), ("Discontinued", 13),
    ])

    // MARK: The model (rates chosen so that the published figures come out)

    /// Support cases per client: one, two, three (with later referrals only after the
    /// earlier case closed and not after the window, this gives about 1.22 per client).
    static let supportCaseWeights: [Double] = [66, 21, 13]
    /// Per group: a victim and a relative supported under the victim's reference (about 8%
    /// of clients secondary).
    static let secondaryRelativeGroups = 0.066

    /// The last day a referral can be dated (the window's end), and the last day of police
    /// reports (a month before the export).
    static let windowEnd = PopulationGenerator.windowStart.adding(days: PopulationGenerator.windowDays - 1)
    static let lastReport = PopulationGenerator.extractDate.adding(days: -30)

    /// Drop-out (closed before assessment) by referral route: police 52% (published); the
    /// others assumed so that the overall share is 34%.
    static func dropOut(route: String) -> Double {
        switch route {
        case "Police": return 0.52
        case "Self": return 0.22
        case "Healthcare": return 0.26
        default: return 0.28
        }
    }

    /// Planned closure, share of closed cases, by route: police 26%, self 43% (published);
    /// the others assumed so that the overall share is 34%.
    static func plannedOfClosed(route: String) -> Double {
        switch route {
        case "Police": return 0.26
        case "Self": return 0.425
        default: return 0.352
        }
    }

    /// Planned closure rises with age: 32% under 45, 40% at 45 and over (of 34% overall).
    static func ageFactor(age: Int) -> Double { age < 45 ? 0.32 / 0.34 : 0.40 / 0.34 }

    /// Of assessed cases, the share closed by the export date (measured on the model's
    /// dates: five years of referrals, closures 35–780 days later, 5% long-running).
    static let assessedClosedShare = 0.82

    /// The service mix of an assessed case: therapy only, both, advocacy only, neither —
    /// 38 / 20 / 5 / 3 of every 66 assessed cases (of all cases, with 34% drop-out:
    /// 38% / 20% / 5% / 3%).
    enum Mix { case therapyOnly, both, advocacyOnly, neither }
    static let services = Weighted([(Mix.therapyOnly, 38.0), (.both, 20), (.advocacyOnly, 5), (.neither, 3)])
    static let neitherShare = 3.0 / 66

    /// Probability that a closed, assessed case with a service ends in a planned closure,
    /// so that planned closures are `plannedOfClosed × ageFactor` of all closed cases
    /// (drop-outs are closed, never planned).
    static func planned(route: String, age: Int) -> Double {
        let d = dropOut(route: route), c = assessedClosedShare
        let target = plannedOfClosed(route: route) * ageFactor(age: age)
        return min(1, target * (d + (1 - d) * c) / ((1 - d) * c) / (1 - neitherShare))
    }

    /// Why a case closed before assessment (assumption).
    static let closedBeforeAssessment = Weighted([
        ("Unable to contact", 40.0), ("Client disengaged", 30), ("Client withdrew", 20), ("Referred on", 6), ("Moved away", 2), ("Other", 2),
    ])
    /// Why an assessed case closed, when not planned (assumption).
    static let closedAfterAssessment = Weighted([
        ("Client disengaged", 30.0), ("Referred on", 20), ("Unable to contact", 20), ("Client withdrew", 15), ("Moved away", 8), ("Other", 7),
    ])

    /// Days from incident to referral for incidents other than child sexual abuse, by
    /// route: the shape of the old margins-only model below two years, with the share over
    /// two years set so that, with child sexual abuse (nearly always over two years), 41%
    /// of police referrals, 64% of self-referrals and 57% overall waited more than two years.
    static func delay(route: String) -> Weighted<ClosedRange<Int>> {
        switch route {
        case "Police": return delays(over2Years: 0.14)
        case "Self": return delays(over2Years: 0.53)
        default: return delays(over2Years: 0.545)
        }
    }

    private static func delays(over2Years long: Double) -> Weighted<ClosedRange<Int>> {
        let short = (1 - long) / 58
        return Weighted([(0...30, 16 * short), (31...182, 19 * short), (183...364, 12 * short), (365...729, 11 * short), (730...10_950, long)])
    }
}

extension PopulationGenerator {
    /// What a support case's journey recorded (``StudyModel``).
    struct StudyCase {
        var delayLabel: String
        var assessment: CalendarDate?
        var therapy = false
        var advocacy = false
        var helpline = false
        var groupWork = false
        /// The closure day; nil while open.
        var closure: CalendarDate?
        var closureReason = "Not applicable"
    }

    /// A referral date no later than the window's end (study journeys only; draws nothing).
    func studyBounded(_ referral: CalendarDate) -> CalendarDate {
        population.studyJourneys ? min(referral, StudyModel.windowEnd) : referral
    }

    /// The journey of one support case from referral: drop-out before assessment, or an
    /// assessment, services and perhaps a (planned) closure; dates in order and never
    /// after the export date. A case without an assessment received no service.
    mutating func studyCase(_ person: SyntheticPerson, referral: CalendarDate, source: String, incident: String,
                            incidentDate: CalendarDate?, crime: SyntheticCrime?) -> StudyCase {
        let firstContact = crime.map { min($0.reported, referral) } ?? referral
        let incidentDay = incidentDate ?? crime?.committed
            ?? studyIncidentDate(kind: incident, birth: person.dateOfBirth, before: firstContact, route: source)
        var journey = StudyCase(delayLabel: random.chance(0.03) ? "Not known"
            : Distributions.delayLabel(days: max(0, referral.dayNumber - incidentDay.dayNumber)))
        let age = person.dateOfBirth.age(at: referral)
        if random.chance(StudyModel.dropOut(route: source)) {
            // Referrals end by 31 March 2024, so this closure is before the export date.
            journey.closure = min(referral.adding(days: random.int(in: 14...120)), PopulationGenerator.extractDate)
            journey.closureReason = StudyModel.closedBeforeAssessment.draw(&random)
            return journey
        }
        let assessment = min(referral.adding(days: random.int(in: 5...60)), PopulationGenerator.extractDate)
        journey.assessment = assessment
        let mix = StudyModel.services.draw(&random)
        journey.therapy = mix == .therapyOnly || mix == .both
        journey.advocacy = mix == .advocacyOnly || mix == .both
        journey.helpline = random.chance(0.3)
        journey.groupWork = random.chance(0.1)
        let closure = assessment.adding(days: random.int(in: 30...720))
        if closure > PopulationGenerator.extractDate || random.chance(0.05) { return journey }
        journey.closure = closure
        journey.closureReason = mix != .neither && random.chance(StudyModel.planned(route: source, age: age))
            ? "Planned closure" : StudyModel.closedAfterAssessment.draw(&random)
        return journey
    }

    /// When the incident happened, before `day`: in childhood for child sexual abuse, else
    /// by the route's delay distribution (bounded by the person's age).
    mutating func studyIncidentDate(kind: String, birth: CalendarDate, before day: CalendarDate, route: String) -> CalendarDate {
        let ageDays = day.dayNumber - birth.dayNumber
        if kind == "Child sexual abuse" {
            let latest = min(16 * 365, ageDays - 30)
            let earliest = min(4 * 365, latest)
            return birth.adding(days: random.int(in: earliest...latest))
        }
        var range = StudyModel.delay(route: route).draw(&random)
        let longest = max(0, ageDays - 12 * 365)
        if range.lowerBound > longest { range = 0...min(729, max(0, ageDays - 1)) }
        let delay = random.int(in: range.lowerBound...min(range.upperBound, max(range.lowerBound, longest)))
        return day.adding(days: -delay)
    }

    /// ``victimJourney(_:_:)`` for study journeys: the referral route is drawn before the
    /// incident (the time to seek support depends on it), a police report is never before
    /// the incident nor after the export, a returner is referred again only after the
    /// earlier case closed and within the window, and a police referral always has a
    /// police record.
    mutating func studyVictimJourney(_ person: inout SyntheticPerson, _ journey: Journey) -> JourneySummary {
        groupTags.append((person.index, person.scenarios))
        var summary = JourneySummary()
        let inSupport = journey.inSupport ?? random.chance(0.72)
        let forcedReturner = (journey.supportCases ?? 1) > 1
        // A returner made on purpose starts early, so that every case fits in the window.
        let anchor = forcedReturner ? PopulationGenerator.windowStart.adding(days: random.int(in: 0...180))
            : max(PopulationGenerator.windowStart, min(person.anchor, StudyModel.windowEnd))
        let birth = person.dateOfBirth
        let incidentKind = Distributions.primaryIncident.draw(&random)
        summary.incident = incidentKind
        if !inSupport {
            let reported = min(anchor, StudyModel.lastReport)
            let incidentDate = makeIncidentDate(kind: incidentKind, birth: birth, before: reported)
            let crime = makeStudyCrime(reported: reported, committed: incidentDate, incident: incidentKind, birth: birth, charged: journey.charged)
            addPoliceRecord(person, crime)
            addProsecutionRecord(person, crime)
            summary.crimes.append(crime)
            if random.chance(population.secondPoliceCrime) {
                let later = anchor.adding(days: random.int(in: 200...900))
                if later <= StudyModel.lastReport {
                    let second = makeStudyCrime(reported: later, committed: nil, incident: Distributions.primaryIncident.draw(&random),
                                                birth: birth, charged: nil)
                    let nominal = changeBeforeRepeat(&person)
                    addPoliceRecord(person, second, nominalID: nominal)
                    addProsecutionRecord(person, second)
                }
            }
            return summary
        }
        let source = journey.referralSource ?? Distributions.referralSource.draw(&random)
        var crime: SyntheticCrime?
        let incidentDate: CalendarDate
        if source == "Police" {
            let reported = anchor.adding(days: -random.int(in: 3...90))
            incidentDate = studyIncidentDate(kind: incidentKind, birth: birth, before: reported, route: source)
            crime = makeStudyCrime(reported: reported, committed: incidentDate, incident: incidentKind, birth: birth, charged: journey.charged)
        } else {
            incidentDate = studyIncidentDate(kind: incidentKind, birth: birth, before: anchor, route: source)
            if journey.reportsToPolice ?? random.chance(0.3) {
                var reported = anchor.adding(days: random.int(in: -180...180))
                if reported < incidentDate { reported = incidentDate.adding(days: random.int(in: 0...30)) }
                crime = makeStudyCrime(reported: min(reported, StudyModel.lastReport), committed: incidentDate, incident: incidentKind,
                                       birth: birth, charged: journey.charged)
            }
        }
        if let crime {
            addPoliceRecord(person, crime)
            addProsecutionRecord(person, crime)
            summary.crimes.append(crime)
        }
        let caseCount = journey.supportCases ?? supportCases.draw(&random)
        var referral = anchor
        summary.firstReferral = anchor
        let duplicateClientID = "C" + pad(((person.index + 5_000_000) &* 7_654_321 &+ 1_234_567) % 10_000_000, 7)
        for number in 0..<caseCount {
            let caseSource = number == 0 ? source : Distributions.referralSource.draw(&random)
            var caseCrime = number == 0 || random.chance(population.laterCaseSameCrime) ? crime : nil
            if number > 0 && caseCrime == nil && (caseSource == "Police" || random.maybe(population.laterCaseNewCrime)) {
                // A police referral has a police record: a new crime, reported shortly before.
                let repeated = makeStudyCrime(reported: referral.adding(days: -random.int(in: 3...120)), committed: nil,
                                              incident: Distributions.primaryIncident.draw(&random), birth: birth, charged: nil)
                let nominal = changeBeforeRepeat(&person)
                addPoliceRecord(person, repeated, nominalID: nominal)
                addProsecutionRecord(person, repeated)
                caseCrime = repeated
            }
            let recordsReference = journey.recordsReference ?? random.chance(0.75)
            let clientID = number > 0 && random.chance(0.15) ? duplicateClientID : person.clientID
            let closed = addSupportCase(person, referral: referral, source: caseSource,
                                        incident: number == 0 ? incidentKind : Distributions.primaryIncident.draw(&random),
                                        crime: caseCrime, recordsReference: recordsReference, role: "Primary", clientID: clientID,
                                        incidentDate: number == 0 ? incidentDate : nil, consent: journey.consent,
                                        otherForceReference: journey.otherForceReference || (crime == nil && random.chance(0.02)))
            // The next referral comes after this case closed (a returner made on purpose
            // may be referred again while a case is open), and within the window.
            guard let after = closed ?? (forcedReturner ? referral.adding(days: 150) : nil) else { break }
            let next = after.adding(days: random.int(in: 30...540))
            guard next <= StudyModel.windowEnd else { break }
            referral = next
        }
        return summary
    }

    // MARK: Crimes and prosecutions

    /// A crime with a police outcome from ``StudyModel/policeOutcome`` (none yet when it
    /// would be after the export date) and, when charged or reviewed, a CPS case whose
    /// dates follow the report: received, decided (the police outcome of a charge is the
    /// CPS decision's day), and a court outcome or Pending.
    mutating func makeStudyCrime(reported: CalendarDate, committed: CalendarDate?, incident: String, birth: CalendarDate, charged: Bool?) -> SyntheticCrime {
        let extract = PopulationGenerator.extractDate
        let year = reported.year
        let serial = nextCrimeSerial(year: year)
        let group = PopulationGenerator.offenceGroup(incident, committed: committed, birth: birth)
        var outcome = StudyModel.policeOutcome.draw(&random)
        if let charged { outcome = charged ? "1" : (outcome == "1" ? "16" : outcome) }
        var crime = SyntheticCrime(force: 42, serial: serial, year: year, committed: random.chance(0.08) ? nil : committed,
                                   reported: reported, offenceGroup: group, outcomeCode: outcome, outcomeDate: nil)
        let span = max(0, extract.dayNumber - reported.dayNumber)
        if outcome == "1" {
            var received = reported.adding(days: random.int(in: 30...400))
            var decided = received.adding(days: random.int(in: 0...90))
            if decided > extract {
                guard charged == true else { crime.outcomeCode = ""; return crime }   // still under investigation
                received = reported.adding(days: random.int(in: 0...(span / 2)))
                decided = received.adding(days: random.int(in: 0...max(0, extract.dayNumber - received.dayNumber)))
            }
            crime.outcomeDate = decided
            crime.prosecution = makeStudyProsecution(received: received, decided: decided, charged: true)
            return crime
        }
        let outcomeDay = reported.adding(days: random.int(in: 20...600))
        guard outcomeDay <= extract else { crime.outcomeCode = ""; return crime }
        crime.outcomeDate = outcomeDay
        if outcome == "15" && random.chance(StudyModel.referredNotCharged) {
            // Reviewed by the CPS before the police closed it.
            let received = reported.adding(days: random.int(in: 10...max(10, (outcomeDay.dayNumber - reported.dayNumber) / 2)))
            let decided = min(received.adding(days: random.int(in: 0...60)), outcomeDay)
            crime.prosecution = makeStudyProsecution(received: min(received, decided), decided: decided, charged: false)
        }
        return crime
    }

    private mutating func makeStudyProsecution(received: CalendarDate, decided: CalendarDate, charged: Bool) -> SyntheticProsecution {
        let year = received.year
        let count = (prosecutionSerials[year] ?? 0) + 1
        prosecutionSerials[year] = count
        let station = random.pick(["CB", "SD", "BA", "CO", "HA", "GR", "CH", "RL"])
        let urn = "42\(station)\(pad((count &* 7_919) % 99_991 + 1, 5))\(pad(year % 100, 2))"
        guard charged else {
            let decision = random.chance(StudyModel.administrativelyFinalised) ? "Administratively finalised" : "No further action"
            return SyntheticProsecution(urn: urn, received: received, decision: decision, decisionDate: decided,
                                        outcome: "No prosecution", outcomeDate: nil)
        }
        let outcome = StudyModel.completedProsecution.draw(&random)
        let finished = decided.adding(days: random.int(in: 90...720))
        if finished > PopulationGenerator.extractDate {
            return SyntheticProsecution(urn: urn, received: received, decision: "Charge", decisionDate: decided, outcome: "Pending", outcomeDate: nil)
        }
        return SyntheticProsecution(urn: urn, received: received, decision: "Charge", decisionDate: decided, outcome: outcome, outcomeDate: finished)
    }
}
