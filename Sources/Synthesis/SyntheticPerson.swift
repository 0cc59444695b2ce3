/// A person's true identity, from which each source's (messy) record is rendered.
struct SyntheticPerson {
    enum Sex { case female, male }

    /// 0-based; the ground truth's `person_id` is `P` + (index + 1), seven digits.
    let index: Int
    var sex: Sex
    /// `Female`, `Male`, `Non-binary` or `Prefer not to say` (the service's gender field).
    var gender: String
    var givenName: Vocabulary.GivenName
    var middleName: String?
    var surname: String
    /// A former surname (e.g. before marriage) that some records still carry.
    var previousSurname: String?
    var dateOfBirth: CalendarDate
    /// Canonical, spaced (`SS14 3AB`).
    var postcode: String
    var town: String
    var street: String
    var houseNumber: Int
    /// A former address some records still carry.
    var previousPostcode: String?
    var ethnicity: String
    var disability: String
    /// The date the person's journey starts from (first referral, or first report).
    var anchor: CalendarDate
    /// Scenario tags (`twins`, `returner`, …) for the ground truth.
    var scenarios: [String] = []

    var personID: String { "P" + pad(index + 1, 7) }

    /// The support service's client number: a bijective scramble of the index, so that it
    /// tells nothing about the ground-truth id.
    var clientID: String { "C" + pad((index &* 7_654_321 &+ 1_234_567) % 10_000_000, 7) }

    /// The police nominal (person) number.
    var nominalID: String { "N" + pad((index &* 3_141_593 &+ 2_718_281) % 10_000_000, 7) }

    /// A second nominal number, for a repeat crime whose earlier nominal the police did not find.
    var secondNominalID: String { "N" + pad(((index + 5_000_000) &* 3_141_593 &+ 2_718_281) % 10_000_000, 7) }

    var addressLine: String { "\(houseNumber) \(street), \(town)" }
    var phone: String { "07700 900" + pad((index &* 37) % 1000, 3) }
    var email: String {
        let local = (givenName.name + "." + surname).lowercased().filter { $0.isASCII && ($0.isLetter || $0 == ".") }
        let domains = ["example.com", "example.org", "example.net"]
        return "\(local)\(index % 97)@\(domains[index % 3])"
    }
}

/// A crime recorded by the police: its reference, and facts the three sources share.
struct SyntheticCrime {
    /// Police force code (42 = Essex; others are forces outside the export).
    var force: Int
    var serial: Int
    /// The year of recording.
    var year: Int
    var committed: CalendarDate?
    var reported: CalendarDate
    var offenceGroup: String
    var outcomeCode: String
    var outcomeDate: CalendarDate?
    /// Set when the police referred the crime to the CPS.
    var prosecution: SyntheticProsecution?

    /// The reference in canonical form, as the manifests' `normalise` template writes it
    /// (`42/12345/21`: no zero padding, two-digit year).
    var canonical: String { "\(pad(force, 2))/\(serial)/\(pad(year % 100, 2))" }

    /// How the police export writes it: `42/012345/21`.
    var policeForm: String { "\(pad(force, 2))/\(pad(serial, 6))/\(pad(year % 100, 2))" }
    /// How the CPS export writes it: `42-12345-2021`.
    var cpsForm: String { "\(pad(force, 2))-\(serial)-\(pad(year, 4))" }
    /// The support service types whatever the client or officer read out.
    func supportForm(_ random: inout SplitMix64) -> String {
        switch random.int(in: 0...9) {
        case 0...4: return policeForm
        case 5, 6: return "\(pad(force, 2))\(pad(serial, 6))\(pad(year % 100, 2))"
        case 7: return "\(pad(force, 2)) \(pad(serial, 6)) \(pad(year % 100, 2))"
        case 8: return " \(policeForm)"
        default: return "\(pad(force, 2))-\(pad(serial, 6))-\(pad(year % 100, 2))"
        }
    }
}

/// A CPS case for a crime: one URN, one row per victim.
struct SyntheticProsecution {
    var urn: String
    var received: CalendarDate
    var decision: String
    var decisionDate: CalendarDate
    var outcome: String
    var outcomeDate: CalendarDate?
}
