/// Rendering a person's case, crime or prosecution as one row of a raw export.
extension PopulationGenerator {
    /// A support-service case (DPMS-style row, `SupportColumn` order).
    /// - Returns: the day the case was closed (nil while open; always nil without
    ///   ``PopulationRates/studyJourneys``).
    @discardableResult
    mutating func addSupportCase(
        _ person: SyntheticPerson, referral: CalendarDate, source: String, incident: String,
        crime: SyntheticCrime?, recordsReference: Bool, role: String, clientID: String,
        incidentDate: CalendarDate? = nil, consent: String? = nil, otherForceReference: Bool = false
    ) -> CalendarDate? {
        var fields = [String](repeating: "", count: SupportColumn.allCases.count)
        func set(_ column: SupportColumn, _ value: String) { fields[column.rawValue] = value }

        var crimeID = crime?.canonical ?? ""
        if let crime, recordsReference {
            var form = crime.supportForm(&random)
            if random.maybe(population.referenceSlip) { form = slipped(form) }
            set(.crimeReference, form)
        } else if otherForceReference {
            // Reported to another force: a reference no export here holds.
            let other = SyntheticCrime(force: random.pick([1, 20, 35, 43, 46]), serial: random.int(in: 1...999_999),
                                       year: referral.year - random.int(in: 0...3), committed: nil, reported: referral,
                                       offenceGroup: "Rape", outcomeCode: "", outcomeDate: nil)
            set(.crimeReference, other.supportForm(&random))
            crimeID = other.canonical
            tag(person.index, .referenceOneSource)
        } else if crime != nil {
            set(.crimeReference, random.pick(["", "", "UNKNOWN", "TBC"]))
        } else {
            set(.crimeReference, random.chance(0.85) ? "" : random.pick(["N/A", "Not reported"]))
        }
        set(.clientID, clientID)
        set(.forename, mess.forename(person, allGivenNames: false, random: &random))
        set(.surname, mess.surname(person, random: &random))
        let dateOfBirth = mess.dateOfBirth(person, format: { $0.dayMonthYear }, placeholder: "01/01/1900", random: &random)
        set(.dateOfBirth, dateOfBirth)
        set(.postcode, mess.postcode(person, random: &random))
        set(.sex, person.sex == .female ? "Female" : "Male")
        set(.addressLine, person.addressLine)
        set(.phone, random.chance(0.9) ? person.phone : "")
        set(.email, random.chance(0.7) ? person.email : "")
        set(.referralDate, referral.dayMonthYear)
        set(.referralSource, source)
        set(.primaryIncident, incident)
        var closedOn: CalendarDate?
        if population.studyJourneys {
            let journey = studyCase(person, referral: referral, source: source, incident: incident, incidentDate: incidentDate, crime: crime)
            set(.incidentToReferral, journey.delayLabel)
            set(.role, role)
            set(.assessmentDate, journey.assessment?.dayMonthYear ?? "")
            set(.serviceISVA, journey.advocacy ? "Yes" : "No")
            set(.serviceCounselling, journey.therapy ? "Yes" : "No")
            set(.serviceHelpline, journey.helpline ? "Yes" : "No")
            set(.serviceGroupWork, journey.groupWork ? "Yes" : "No")
            if let closure = journey.closure {
                set(.caseStatus, "Closed")
                set(.closureDate, closure.dayMonthYear)
                set(.closureReason, journey.closureReason)
                closedOn = closure
            } else {
                set(.caseStatus, "Open")
                set(.closureReason, "Not applicable")
            }
        } else {
            let incidentDay = incidentDate ?? crime?.committed ?? makeIncidentDate(kind: incident, birth: person.dateOfBirth, before: referral)
            set(.incidentToReferral, random.chance(0.03) ? "Not known"
                : Distributions.delayLabel(days: max(0, referral.dayNumber - incidentDay.dayNumber)))
            set(.role, role)
            var assessment: CalendarDate?
            if random.chance(0.9) {
                let day = referral.adding(days: random.int(in: 5...60))
                if day <= PopulationGenerator.extractDate { assessment = day }
            }
            set(.assessmentDate, assessment?.dayMonthYear ?? "")
            set(.serviceISVA, random.chance(crime != nil ? 0.7 : 0.25) ? "Yes" : "No")
            set(.serviceCounselling, random.chance(0.5) ? "Yes" : "No")
            set(.serviceHelpline, random.chance(0.3) ? "Yes" : "No")
            set(.serviceGroupWork, random.chance(0.1) ? "Yes" : "No")
            let closure = (assessment ?? referral).adding(days: random.int(in: 30...720))
            if closure > PopulationGenerator.extractDate || random.chance(0.05) {
                set(.caseStatus, "Open")
                set(.closureReason, "Not applicable")
            } else {
                set(.caseStatus, "Closed")
                set(.closureDate, closure.dayMonthYear)
                set(.closureReason, Distributions.closureReason.draw(&random))
            }
        }
        set(.gender, person.gender)
        set(.ethnicity, person.ethnicity)
        set(.disability, person.disability)
        let consentValue = consent ?? (random.chance(0.85) ? "Yes" : "No")
        set(.consentToShare, consentValue)
        set(.caseworker, random.pick(Vocabulary.caseworkers))
        set(.caseNotes, freeText(random.pick(Vocabulary.caseNoteParts), person))

        var excluded: [String] = []
        if consentValue != "Yes" { excluded.append("no-consent") }
        if let recorded = PopulationGenerator.parseDayMonthYear(dateOfBirth) {
            if recorded.age(at: referral) < 18 { excluded.append("under-18") }
        } else {
            excluded.append("age-unknown")
        }
        support.append(SyntheticRecord(fields: fields, personID: person.personID, crimeID: crimeID, role: role,
                                       excluded: excluded.joined(separator: ";"), recordKey: "", personIndex: person.index))
        return closedOn
    }

    /// A police crime-victim row (`PoliceColumn` order).
    /// - Parameter nominalID: the nominal number (nil = the person's usual one).
    mutating func addPoliceRecord(_ person: SyntheticPerson, _ crime: SyntheticCrime, nominalID: String? = nil) {
        var fields = [String](repeating: "", count: PoliceColumn.allCases.count)
        func set(_ column: PoliceColumn, _ value: String) { fields[column.rawValue] = value }
        set(.crimeReference, crime.policeForm)
        set(.nominalID, nominalID ?? person.nominalID)
        var surname = mess.surname(person, random: &random)
        if random.chance(0.7) { surname = surname.uppercased() }
        var forename = mess.forename(person, allGivenNames: true, random: &random)
        if random.chance(mess.rates.title) {
            forename = random.pick(person.sex == .female ? ["Miss", "Mrs", "Ms"] : ["Mr"]) + " " + forename
        }
        set(.name, surname + ", " + forename)
        set(.dateOfBirth, mess.dateOfBirth(person, format: { $0.iso }, placeholder: "1900-01-01", random: &random))
        set(.sex, random.chance(0.01) ? "U" : (person.sex == .female ? "F" : "M"))
        set(.postcode, mess.postcode(person, random: &random))
        set(.address, person.addressLine)
        set(.offenceDate, crime.committed?.iso ?? "")
        set(.dateReported, crime.reported.iso)
        set(.offenceGroup, crime.offenceGroup)
        set(.outcomeCode, crime.outcomeCode)
        set(.outcomeDate, crime.outcomeDate?.iso ?? "")
        set(.officer, random.pick(Vocabulary.officers))
        set(.moNotes, freeText(random.pick(Vocabulary.moNoteParts), person))
        police.append(SyntheticRecord(fields: fields, personID: person.personID, crimeID: crime.canonical, role: "Victim",
                                      excluded: "", recordKey: crime.policeForm + " " + person.nominalID, personIndex: person.index))
    }

    /// A CPS row for a victim of a crime the police referred (`CPSColumn` order); nothing
    /// when the crime never reached the CPS.
    mutating func addProsecutionRecord(_ person: SyntheticPerson, _ crime: SyntheticCrime) {
        guard let prosecution = crime.prosecution else { return }
        var fields = [String](repeating: "", count: CPSColumn.allCases.count)
        func set(_ column: CPSColumn, _ value: String) { fields[column.rawValue] = value }
        set(.urn, prosecution.urn)
        set(.policeReference, random.chance(population.cpsMissingReference) ? "" : crime.cpsForm)
        set(.surname, mess.surname(person, random: &random))
        set(.forenames, mess.forename(person, allGivenNames: true, random: &random))
        set(.dateOfBirth, mess.dateOfBirth(person, format: { $0.compact }, placeholder: "19000101", random: &random))
        set(.postcode, mess.postcode(person, random: &random))
        set(.receivedDate, prosecution.received.iso)
        set(.chargeDecision, prosecution.decision)
        set(.decisionDate, prosecution.decisionDate.iso)
        set(.outcome, prosecution.outcome)
        set(.outcomeDate, prosecution.outcomeDate?.iso ?? "")
        set(.lawyer, random.pick(Vocabulary.lawyers))
        set(.reviewNotes, freeText(random.pick(Vocabulary.reviewNoteParts), person))
        cps.append(SyntheticRecord(fields: fields, personID: person.personID, crimeID: crime.canonical, role: "Victim",
                                   excluded: "", recordKey: prosecution.urn, personIndex: person.index))
    }

    /// A reference written so that it no longer normalises (a prefix the pattern refuses),
    /// or with one digit of the serial slipped (it may then name another crime).
    private mutating func slipped(_ form: String) -> String {
        if random.chance(0.5) { return random.pick(["Ref ", "CR ", "Crime no. "]) + form }
        var characters = Array(form)
        let digits = characters.indices.filter { $0 >= 3 && $0 < characters.count - 3 && characters[$0].isNumber }
        guard !digits.isEmpty else { return form }
        let position = digits[random.index(digits.count)]
        let digit = Int(String(characters[position]))!
        characters[position] = Character(String((digit + random.int(in: 1...9)) % 10))
        return String(characters)
    }

    /// A template with `{F}` filled by the person's forename.
    private func freeText(_ template: [String], _ person: SyntheticPerson) -> String {
        template.joined(separator: person.givenName.name)
    }

    /// A `DD/MM/YYYY` date as the support service's `rows:` filter would read it; nil when
    /// empty, malformed, impossible or the 01/01/1900 placeholder.
    static func parseDayMonthYear(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4,
              let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
              CalendarDate.isValid(year: year, month: month, day: day), !(year == 1900 && month == 1 && day == 1)
        else { return nil }
        return CalendarDate(year, month, day)
    }
}
