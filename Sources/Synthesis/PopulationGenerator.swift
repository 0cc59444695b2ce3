/// The world model: persons, their support cases, crimes and prosecutions, rendered into
/// the three exports' records.
///
/// Persons are made in groups (usually of one; a group of two for the special cases such
/// as twins or a crime with two victims) and every choice is drawn from one seeded stream
/// in a fixed order, so the output depends only on the seed and the number of persons.
/// The generator keeps only the records of the current block; the caller drains them.
struct PopulationGenerator {
    /// Support-service referrals fall in this window (five financial years).
    static let windowStart = CalendarDate(2019, 4, 1)
    static let windowDays = 1826
    /// The day the exports were taken: later closures are still open, later outcomes pending.
    static let extractDate = CalendarDate(2024, 9, 30)

    /// The special cases issue 4 asks for; each is made once near the start (so small runs
    /// have them) and then now and again.
    enum Scenario: String, CaseIterable {
        case twins
        case sharedPostcode = "shared-postcode"
        case returner
        case allThreeSources = "all-three-sources"
        case referenceOneSource = "reference-one-source"
        case twoVictimCrime = "two-victim-crime"
        case secondaryRelative = "secondary-relative"
        case underEighteen = "under-18"
        case noConsent = "no-consent"
    }

    var random: SplitMix64
    let mess: MessRenderer
    let population: PopulationRates
    let supportCases: Weighted<Int>
    /// The last person's address, for ``PopulationRates/sharedAddress``.
    private var lastAddress: (postcode: String, town: String, street: String, houseNumber: Int)?
    /// The realised rates so far.
    private(set) var statistics = PopulationStatistics()
    /// Persons made so far (the next person's index).
    private(set) var personCount = 0
    var crimeSerials: [Int: Int] = [:]
    var prosecutionSerials: [Int: Int] = [:]
    private var scheduled: [Scenario] = Scenario.allCases.reversed()
    /// Scenario tags of the current group's persons, by person index.
    var groupTags: [(index: Int, tags: [String])] = []

    var support: [SyntheticRecord] = []
    var police: [SyntheticRecord] = []
    var cps: [SyntheticRecord] = []

    init(seed: UInt64, rates: MessRates, population: PopulationRates = .typical) {
        random = SplitMix64(seed: seed)
        mess = MessRenderer(rates: rates)
        self.population = population
        supportCases = population.supportCases
    }

    // MARK: Groups

    /// Make the next group of persons, appending their records.
    /// - Parameter maximumPersons: the group must not exceed this many persons (≥ 1).
    mutating func makeGroup(maximumPersons: Int) {
        let starts = (support.count, police.count, cps.count)
        groupTags = []
        var scenario: Scenario?
        if let next = scheduled.last, maximumPersons >= 2 || !next.needsTwoPersons {
            scenario = scheduled.removeLast()
        } else if maximumPersons >= 2 {
            let u = random.unit()
            let rates = population
            switch u {
            case ..<rates.twins: scenario = .twins
            case ..<(rates.twins + rates.sharedPostcode): scenario = .sharedPostcode
            case ..<(rates.twins + rates.sharedPostcode + rates.twoVictimCrime): scenario = .twoVictimCrime
            case ..<(rates.twins + rates.sharedPostcode + rates.twoVictimCrime + rates.secondaryRelative): scenario = .secondaryRelative
            default: scenario = nil
            }
        }
        switch scenario {
        case .twins?: makeTwins()
        case .sharedPostcode?: makeSharedPostcode()
        case .twoVictimCrime?: makeTwoVictimCrime()
        case .secondaryRelative?: makeSecondaryRelative()
        case .returner?:
            var person = makePerson(anchor: randomReferralDate())
            person.scenarios.append(Scenario.returner.rawValue)
            _ = victimJourney(&person, Journey(inSupport: true, supportCases: 3))
        case .allThreeSources?:
            var person = makePerson(anchor: randomReferralDate(), ages: 18...60)
            _ = victimJourney(&person, Journey(inSupport: true, referralSource: "Police", charged: true, recordsReference: true, consent: "Yes"))
        case .referenceOneSource?:
            var person = makePerson(anchor: randomReferralDate(), ages: 18...60)
            person.scenarios.append(Scenario.referenceOneSource.rawValue)
            _ = victimJourney(&person, Journey(inSupport: true, supportCases: 1, referralSource: "Self", reportsToPolice: false, otherForceReference: true, consent: "Yes"))
        case .underEighteen?:
            var person = makePerson(anchor: randomReferralDate(), ages: 14...16)
            _ = victimJourney(&person, Journey(inSupport: true, supportCases: 1, consent: "Yes"))
        case .noConsent?:
            var person = makePerson(anchor: randomReferralDate(), ages: 20...60)
            _ = victimJourney(&person, Journey(inSupport: true, supportCases: 1, consent: "No"))
        case nil:
            var person = makePerson(anchor: randomReferralDate())
            _ = victimJourney(&person, Journey())
        }
        finishGroup(starts: starts)
    }

    /// Tag each record of the group with its person's scenarios (including the ones that
    /// can only be seen once the group is made: returner, all three sources).
    private mutating func finishGroup(starts: (Int, Int, Int)) {
        for entry in groupTags {
            var tags = entry.tags
            let supportPrimary = support[starts.0...].filter { $0.personIndex == entry.index && $0.role == "Primary" }.count
            let inPolice = police[starts.1...].contains { $0.personIndex == entry.index }
            let inCPS = cps[starts.2...].contains { $0.personIndex == entry.index }
            if supportPrimary >= 2 && !tags.contains(Scenario.returner.rawValue) { tags.append(Scenario.returner.rawValue) }
            if supportPrimary >= 1 && inPolice && inCPS && !tags.contains(Scenario.allThreeSources.rawValue) {
                tags.append(Scenario.allThreeSources.rawValue)
            }
            statistics.count(support: support[starts.0...].filter { $0.personIndex == entry.index },
                             police: police[starts.1...].filter { $0.personIndex == entry.index })
            let joined = tags.joined(separator: ";")
            for i in starts.0..<support.count where support[i].personIndex == entry.index { support[i].scenarios = joined }
            for i in starts.1..<police.count where police[i].personIndex == entry.index { police[i].scenarios = joined }
            for i in starts.2..<cps.count where cps[i].personIndex == entry.index { cps[i].scenarios = joined }
        }
    }

    private mutating func makeTwins() {
        let anchor = randomReferralDate()
        var first = makePerson(anchor: anchor, ages: 18...40, sex: .female)
        var second = makePerson(anchor: anchor.adding(days: random.int(in: -400...400)), ages: 18...40, sex: .female)
        second.surname = first.surname
        second.previousSurname = nil
        first.previousSurname = nil
        second.dateOfBirth = first.dateOfBirth
        second.postcode = first.postcode
        second.previousPostcode = nil
        first.previousPostcode = nil
        second.street = first.street
        second.houseNumber = first.houseNumber
        second.town = first.town
        while second.givenName.name == first.givenName.name || second.givenName.nicknames.contains(where: first.givenName.nicknames.contains) {
            second.givenName = random.pick(Vocabulary.femaleNames)
        }
        first.scenarios.append(Scenario.twins.rawValue)
        second.scenarios.append(Scenario.twins.rawValue)
        _ = victimJourney(&first, Journey(inSupport: true, reportsToPolice: true))
        _ = victimJourney(&second, Journey(inSupport: true, reportsToPolice: true))
    }

    /// A mother and daughter of the same name at one address, a generation apart.
    private mutating func makeSharedPostcode() {
        let anchor = randomReferralDate()
        var daughter = makePerson(anchor: anchor, ages: 18...30, sex: .female)
        var mother = makePerson(anchor: anchor, ages: 45...60, sex: .female)
        mother.givenName = daughter.givenName
        mother.surname = daughter.surname
        mother.previousSurname = nil
        daughter.previousSurname = nil
        mother.postcode = daughter.postcode
        mother.previousPostcode = nil
        daughter.previousPostcode = nil
        mother.street = daughter.street
        mother.houseNumber = daughter.houseNumber
        mother.town = daughter.town
        daughter.scenarios.append(Scenario.sharedPostcode.rawValue)
        mother.scenarios.append(Scenario.sharedPostcode.rawValue)
        _ = victimJourney(&daughter, Journey(inSupport: true, reportsToPolice: true))
        _ = victimJourney(&mother, Journey(inSupport: true))
    }

    /// One crime, two victims: both in the police export under one reference, both
    /// supported by the service, and both in the CPS case when it is charged.
    private mutating func makeTwoVictimCrime() {
        var first = makePerson(anchor: randomReferralDate(), ages: 16...35)
        first.scenarios.append(Scenario.twoVictimCrime.rawValue)
        let summary = victimJourney(&first, Journey(inSupport: true, supportCases: 1, reportsToPolice: true, charged: random.chance(0.5), recordsReference: true))
        guard let crime = summary.crimes.first, let referral = summary.firstReferral else { return }
        var second = makePerson(anchor: referral, ages: 16...35)
        second.scenarios.append(Scenario.twoVictimCrime.rawValue)
        groupTags.append((second.index, second.scenarios))
        addPoliceRecord(second, crime)
        addProsecutionRecord(second, crime)
        addSupportCase(second, referral: studyBounded(referral.adding(days: random.int(in: 0...45))), source: Distributions.referralSource.draw(&random), incident: summary.incident,
                       crime: crime, recordsReference: random.chance(0.8), role: "Primary", clientID: second.clientID)
    }

    /// A victim and a relative who is supported too (role Secondary) under the victim's
    /// crime reference; the relative is never in the police or CPS exports.
    private mutating func makeSecondaryRelative() {
        var victim = makePerson(anchor: randomReferralDate(), ages: 13...30)
        victim.scenarios.append(Scenario.secondaryRelative.rawValue)
        let summary = victimJourney(&victim, Journey(inSupport: true, supportCases: 1, reportsToPolice: true, recordsReference: true))
        guard let crime = summary.crimes.first, let referral = summary.firstReferral else { return }
        var relative = makePerson(anchor: referral, ages: 38...65)
        if random.chance(0.7) {
            relative.surname = victim.surname
            relative.postcode = victim.postcode
            relative.previousPostcode = nil
            relative.street = victim.street
            relative.houseNumber = victim.houseNumber
            relative.town = victim.town
        }
        if random.maybe(population.namesakeRelative) {
            relative.givenName = victim.givenName
            relative.surname = victim.surname
            relative.sex = victim.sex
        }
        relative.scenarios.append(Scenario.secondaryRelative.rawValue)
        groupTags.append((relative.index, relative.scenarios))
        addSupportCase(relative, referral: studyBounded(referral.adding(days: random.int(in: 0...60))), source: Distributions.referralSource.draw(&random),
                       incident: summary.incident, crime: crime, recordsReference: true, role: "Secondary", clientID: relative.clientID)
    }

    /// Add a scenario tag to a person of the current group.
    mutating func tag(_ index: Int, _ scenario: Scenario) {
        guard let position = groupTags.firstIndex(where: { $0.index == index }) else { return }
        if !groupTags[position].tags.contains(scenario.rawValue) { groupTags[position].tags.append(scenario.rawValue) }
    }

    // MARK: Persons

    mutating func randomReferralDate() -> CalendarDate {
        PopulationGenerator.windowStart.adding(days: random.int(in: 0...(PopulationGenerator.windowDays - 1)))
    }

    /// A new person whose age on `anchor` is drawn from the age bands (or from `ages`).
    mutating func makePerson(anchor: CalendarDate, ages: ClosedRange<Int>? = nil, sex: SyntheticPerson.Sex? = nil) -> SyntheticPerson {
        let ageRange = ages ?? Distributions.ageBand.draw(&random)
        let age = random.int(in: ageRange)
        let birthday = CalendarDate(anchor.year - age - 1, anchor.month, min(anchor.day, 28)).adding(days: random.int(in: 1...364))
        let personSex = sex ?? (random.chance(0.89) ? .female : .male)
        let gender: String
        let g = random.unit()
        switch personSex {
        case .female: gender = g < 0.97 ? "Female" : (g < 0.985 ? "Non-binary" : "Prefer not to say")
        case .male: gender = g < 0.96 ? "Male" : (g < 0.98 ? "Non-binary" : "Prefer not to say")
        }
        let given = random.pick(personSex == .female ? Vocabulary.femaleNames : Vocabulary.maleNames)
        var surname = random.pick(Vocabulary.surnames)
        if random.chance(0.05) {
            var other = random.pick(Vocabulary.surnames)
            if other == surname { other = "Hart" }
            surname += "-" + other
        }
        var previousSurname: String?
        if personSex == .female && age >= 25 && random.chance(population.formerSurname) {
            previousSurname = surname
            surname = random.pick(Vocabulary.surnames)
            if surname == previousSurname { surname = "Hart" }
        }
        var (postcode, town) = makePostcode()
        let previous = random.chance(0.15) ? makePostcode().code : nil
        // Drawn in the order they always were (the middle name first), so that the typical
        // profile's stream is unchanged.
        let middleName = random.chance(0.4) ? random.pick(Vocabulary.middleNames) : nil
        var street = random.pick(Vocabulary.streets), houseNumber = random.int(in: 1...180)
        if random.maybe(population.sharedAddress), let earlier = lastAddress {
            (postcode, town, street, houseNumber) = earlier
        }
        if population.sharedAddress > 0 { lastAddress = (postcode, town, street, houseNumber) }
        let person = SyntheticPerson(
            index: personCount, sex: personSex, gender: gender, givenName: given,
            middleName: middleName,
            surname: surname, previousSurname: previousSurname, dateOfBirth: birthday,
            postcode: postcode, town: town, street: street, houseNumber: houseNumber,
            previousPostcode: previous,
            ethnicity: Distributions.ethnicity.draw(&random), disability: Distributions.disability.draw(&random),
            anchor: anchor)
        personCount += 1
        return person
    }

    mutating func makePostcode() -> (code: String, town: String) {
        let district = random.pick(Vocabulary.districts)
        let unit = "\(random.int(in: 0...9))\(random.pick(Vocabulary.unitLetters))\(random.pick(Vocabulary.unitLetters))"
        return (district.district + " " + unit, district.town)
    }

    // MARK: Journeys

    /// What a person's journey must include; nil fields are drawn at random.
    struct Journey {
        var inSupport: Bool?
        var supportCases: Int?
        var referralSource: String?
        var reportsToPolice: Bool?
        var charged: Bool?
        var recordsReference: Bool?
        var otherForceReference = false
        var consent: String?
    }

    struct JourneySummary {
        var crimes: [SyntheticCrime] = []
        var firstReferral: CalendarDate?
        var incident = "Rape"
    }

    /// A victim-survivor's support cases, crimes and prosecutions.
    mutating func victimJourney(_ person: inout SyntheticPerson, _ journey: Journey) -> JourneySummary {
        if population.studyJourneys { return studyVictimJourney(&person, journey) }
        groupTags.append((person.index, person.scenarios))
        var summary = JourneySummary()
        let inSupport = journey.inSupport ?? random.chance(0.72)
        // The anchor is the first referral (support clients) or the report (police only).
        let anchor = person.anchor
        let birth = person.dateOfBirth
        let incidentKind = Distributions.primaryIncident.draw(&random)
        summary.incident = incidentKind
        let incidentDate = makeIncidentDate(kind: incidentKind, birth: birth, before: anchor)
        if !inSupport {
            var crime = makeCrime(reported: anchor, committed: incidentDate, incident: incidentKind, birth: birth, charged: journey.charged)
            addPoliceRecord(person, crime)
            addProsecutionRecord(person, crime)
            summary.crimes.append(crime)
            if random.chance(population.secondPoliceCrime) {
                crime = makeCrime(reported: anchor.adding(days: random.int(in: 200...900)), committed: nil,
                                  incident: Distributions.primaryIncident.draw(&random), birth: birth, charged: nil)
                let nominal = changeBeforeRepeat(&person)
                addPoliceRecord(person, crime, nominalID: nominal)
                addProsecutionRecord(person, crime)
            }
            return summary
        }
        let source = journey.referralSource ?? Distributions.referralSource.draw(&random)
        var crime: SyntheticCrime?
        if source == "Police" || (journey.reportsToPolice ?? random.chance(0.3)) {
            let reported = source == "Police" ? anchor.adding(days: -random.int(in: 3...90)) : anchor.adding(days: random.int(in: -180...180))
            let made = makeCrime(reported: reported, committed: incidentDate, incident: incidentKind, birth: birth, charged: journey.charged)
            addPoliceRecord(person, made)
            addProsecutionRecord(person, made)
            summary.crimes.append(made)
            crime = made
        }
        let caseCount = journey.supportCases ?? supportCases.draw(&random)
        var referral = anchor
        summary.firstReferral = anchor
        let duplicateClientID = "C" + pad(((person.index + 5_000_000) &* 7_654_321 &+ 1_234_567) % 10_000_000, 7)
        for number in 0..<caseCount {
            let caseSource = number == 0 ? source : Distributions.referralSource.draw(&random)
            var caseCrime = number == 0 || random.chance(population.laterCaseSameCrime) ? crime : nil
            if number > 0 && caseCrime == nil && random.maybe(population.laterCaseNewCrime) {
                // A repeat victim: a new crime, reported shortly before this referral.
                let repeated = makeCrime(reported: referral.adding(days: -random.int(in: 3...120)), committed: nil,
                                         incident: Distributions.primaryIncident.draw(&random), birth: birth, charged: nil)
                let nominal = changeBeforeRepeat(&person)
                addPoliceRecord(person, repeated, nominalID: nominal)
                addProsecutionRecord(person, repeated)
                caseCrime = repeated
            }
            let recordsReference = journey.recordsReference ?? random.chance(0.75)
            let clientID = number > 0 && random.chance(0.15) ? duplicateClientID : person.clientID
            addSupportCase(person, referral: referral, source: caseSource, incident: number == 0 ? incidentKind : Distributions.primaryIncident.draw(&random),
                           crime: caseCrime, recordsReference: recordsReference, role: "Primary", clientID: clientID,
                           incidentDate: number == 0 ? incidentDate : nil, consent: journey.consent,
                           otherForceReference: journey.otherForceReference || (crime == nil && random.chance(0.02)))
            referral = referral.adding(days: random.int(in: 180...900))
        }
        return summary
    }

    /// What changed since a repeat victim's earlier crime: perhaps a move or a new surname
    /// (on this and every later record), and perhaps a new police nominal number.
    /// - Returns: the nominal number to record the repeat crime under (nil = the usual one).
    mutating func changeBeforeRepeat(_ person: inout SyntheticPerson) -> String? {
        if random.maybe(population.movedBeforeRepeat) {
            person.previousPostcode = person.postcode
            person.postcode = makePostcode().code
        }
        if random.maybe(population.surnameChangedBeforeRepeat) {
            person.previousSurname = person.surname
            var surname = random.pick(Vocabulary.surnames)
            if surname == person.surname { surname = "Hart" }
            person.surname = surname
        }
        return random.maybe(population.newNominal) ? person.secondNominalID : nil
    }

    /// When the incident happened: in childhood for child sexual abuse, else by the delay
    /// distribution (bounded by the person's age).
    mutating func makeIncidentDate(kind: String, birth: CalendarDate, before referral: CalendarDate) -> CalendarDate {
        let ageDays = referral.dayNumber - birth.dayNumber
        if kind == "Child sexual abuse" {
            let latest = min(16 * 365, ageDays - 30)
            let earliest = min(4 * 365, latest)
            return birth.adding(days: random.int(in: earliest...latest))
        }
        var range = Distributions.delayNonCSA.draw(&random)
        let longest = max(0, ageDays - 12 * 365)
        if range.lowerBound > longest { range = 0...min(729, max(0, ageDays - 1)) }
        let delay = random.int(in: range.lowerBound...min(range.upperBound, max(range.lowerBound, longest)))
        return referral.adding(days: -delay)
    }

    // MARK: Crimes

    /// The next crime serial of `year`: a bijective scramble of the year's counter, so
    /// serials look issued, not sequential. Draws no random number.
    mutating func nextCrimeSerial(year: Int) -> Int {
        let count = (crimeSerials[year] ?? 0) + 1
        crimeSerials[year] = count
        return (count &* 395_737) % 999_983 + 1
    }

    /// The police offence group of an incident type (child sexual abuse by the age at the offence).
    static func offenceGroup(_ incident: String, committed: CalendarDate?, birth: CalendarDate) -> String {
        switch incident {
        case "Rape": return "Rape"
        case "Child sexual abuse": return (committed.map { birth.age(at: $0) < 16 } ?? true) ? "Sexual activity with a child" : "Rape"
        case "Sexual assault": return "Sexual assault"
        default: return "Other sexual offences"
        }
    }

    mutating func makeCrime(reported: CalendarDate, committed: CalendarDate?, incident: String, birth: CalendarDate, charged: Bool?) -> SyntheticCrime {
        let year = reported.year
        let serial = nextCrimeSerial(year: year)
        let group = Self.offenceGroup(incident, committed: committed, birth: birth)
        var outcome = Distributions.outcomeCode.draw(&random)
        if let charged { outcome = charged ? "1" : (outcome == "1" ? "16" : outcome) }
        let outcomeDate = min(reported.adding(days: random.int(in: 20...600)), PopulationGenerator.extractDate)
        var crime = SyntheticCrime(force: 42, serial: serial, year: year, committed: random.chance(0.08) ? nil : committed,
                                   reported: reported, offenceGroup: group, outcomeCode: outcome, outcomeDate: outcomeDate)
        if outcome == "1" {
            crime.prosecution = makeProsecution(after: reported, charged: true)
        } else if outcome == "15" && random.chance(0.25) {
            crime.prosecution = makeProsecution(after: reported, charged: false)
        }
        return crime
    }

    mutating func makeProsecution(after reported: CalendarDate, charged: Bool) -> SyntheticProsecution {
        let received = reported.adding(days: random.int(in: 30...400))
        let year = received.year
        let count = (prosecutionSerials[year] ?? 0) + 1
        prosecutionSerials[year] = count
        let station = random.pick(["CB", "SD", "BA", "CO", "HA", "GR", "CH", "RL"])
        let urn = "42\(station)\(pad((count &* 7_919) % 99_991 + 1, 5))\(pad(year % 100, 2))"
        let decisionDate = received.adding(days: random.int(in: 0...90))
        if !charged {
            let decision = random.chance(0.9) ? "No further action" : "Administratively finalised"
            return SyntheticProsecution(urn: urn, received: received, decision: decision, decisionDate: decisionDate,
                                        outcome: "No prosecution", outcomeDate: nil)
        }
        var outcome = Distributions.chargedOutcome.draw(&random)
        var outcomeDate: CalendarDate? = decisionDate.adding(days: random.int(in: 90...600))
        if outcome == "Pending" || outcomeDate! > PopulationGenerator.extractDate {
            outcome = "Pending"
            outcomeDate = nil
        }
        return SyntheticProsecution(urn: urn, received: received, decision: "Charge", decisionDate: decisionDate,
                                    outcome: outcome, outcomeDate: outcomeDate)
    }
}

extension PopulationGenerator.Scenario {
    var needsTwoPersons: Bool {
        switch self {
        case .twins, .sharedPostcode, .twoVictimCrime, .secondaryRelative: return true
        default: return false
        }
    }
}
