/// A synthetic population's shape: how often the hard cases happen (``PopulationRates``)
/// and how messy each record is (``MessRates``).
///
/// `typical` is the demo's and the tests' population, whose journeys carry the MoJ Victims
/// Pathway report's relationships (``StudyModel``, issue 17); `hard` is a population that does not flatter a
/// linker: more returners and repeat victims whose police records do not cluster, more
/// relatives under the victim's crime reference, more multi-victim crimes, more of every
/// kind of mess. See docs/synthetic-data.md "Profiles".
package struct SynthesisProfile: Sendable, Equatable {
    package var name: String
    package var population: PopulationRates
    package var mess: MessRates

    package init(name: String, population: PopulationRates, mess: MessRates) {
        self.name = name
        self.population = population
        self.mess = mess
    }

    package static let typical = SynthesisProfile(name: "typical", population: .typical, mess: .default)

    package static let hard = SynthesisProfile(name: "hard", population: .hard, mess: .hard)

    /// Every named profile, in the order `--help` lists them.
    package static let all: [SynthesisProfile] = [.typical, .hard]

    package static func named(_ name: String) -> SynthesisProfile? { all.first { $0.name == name } }
}

/// How often the population's hard cases happen (per group of persons, per person or per
/// case; see each rate).
///
/// A rate of zero draws nothing from the random stream, so ``typical`` makes exactly the
/// files it made before profiles existed.
package struct PopulationRates: Sendable, Equatable {
    /// Per group: twins (same surname, date of birth and address).
    package var twins = 0.003
    /// Per group: a mother and her namesake daughter at one address.
    package var sharedPostcode = 0.005
    /// Per group: a crime with two victims, both supported.
    package var twoVictimCrime = 0.005
    /// Per group: a victim and a relative supported under the victim's crime reference
    /// (role Secondary).
    package var secondaryRelative = 0.03
    /// Per support client: weights of one, two and three cases.
    package var supportCaseWeights: [Double] = [88, 9, 3]
    /// Per later support case: it concerns the first case's crime.
    package var laterCaseSameCrime = 0.3
    /// Per later support case not about the first crime: it concerns a new crime, reported
    /// to the police (a repeat victim).
    package var laterCaseNewCrime = 0.0
    /// Per police-only victim: a second crime.
    package var secondPoliceCrime = 0.06
    /// Per repeat crime: the police record it under a new nominal (person) number, as when
    /// the earlier nominal is not found.
    package var newNominal = 0.0
    /// Per repeat crime: the victim has moved since the earlier crime (a new postcode on
    /// this and every later record).
    package var movedBeforeRepeat = 0.0
    /// Per repeat crime: the victim's surname changed since the earlier crime.
    package var surnameChangedBeforeRepeat = 0.0
    /// Per relative under the victim's crime reference: the relative has the victim's
    /// forename too (a namesake mother).
    package var namesakeRelative = 0.0
    /// Per person: lives at an address (postcode) of an earlier, unrelated person.
    package var sharedAddress = 0.0
    /// Per woman of 25 or more: a former surname.
    package var formerSurname = 0.1
    /// Per support case recording a crime reference: it is written so that it no longer
    /// normalises (a prefix) or with a digit slip (which may name another crime).
    package var referenceSlip = 0.0
    /// Per CPS row: the police reference left out.
    package var cpsMissingReference = 0.03
    /// Journeys that carry the MoJ Victims Pathway report's relationships (drop-out,
    /// closure, services and time to seek support by referral route and age; police and
    /// CPS attrition from published statistics; dates consistent from incident to court):
    /// see ``StudyModel`` and docs/synthetic-data.md "The study's relationships". Off, the
    /// older journey model (margins only) is drawn, byte for byte as before.
    package var studyJourneys = false

    package init() {}

    /// The demo's population: the study's relationships, 1.22 cases per client and 8%
    /// secondary victim-survivors (issue 17).
    package static let typical: PopulationRates = {
        var rates = PopulationRates()
        rates.studyJourneys = true
        rates.supportCaseWeights = StudyModel.supportCaseWeights
        rates.secondaryRelative = StudyModel.secondaryRelativeGroups
        return rates
    }()

    /// Rates that do not flatter a linker (docs/synthetic-data.md "Profiles").
    package static let hard: PopulationRates = {
        var rates = PopulationRates()
        rates.twins = 0.01
        rates.sharedPostcode = 0.01
        rates.twoVictimCrime = 0.02
        rates.secondaryRelative = 0.075
        rates.supportCaseWeights = [76, 16, 8]
        rates.laterCaseSameCrime = 0.2
        rates.laterCaseNewCrime = 0.6
        rates.secondPoliceCrime = 0.25
        rates.newNominal = 0.6
        rates.movedBeforeRepeat = 0.4
        rates.surnameChangedBeforeRepeat = 0.05
        rates.namesakeRelative = 0.1
        rates.sharedAddress = 0.05
        rates.formerSurname = 0.2
        rates.referenceSlip = 0.03
        rates.cpsMissingReference = 0.06
        return rates
    }()

    var supportCases: Weighted<Int> {
        Weighted(supportCaseWeights.enumerated().map { ($0.offset + 1, $0.element) })
    }
}

extension MessRates {
    /// More of every kind of mess than ``default`` (docs/synthetic-data.md "Profiles").
    package static let hard: MessRates = {
        var rates = MessRates()
        rates.nickname = 0.25
        rates.nameTypo = 0.03
        rates.nameCase = 0.1
        rates.formerSurname = 0.4
        rates.title = 0.06
        rates.middleName = 0.2
        rates.dateSwap = 0.05
        rates.dateTypo = 0.015
        rates.placeholder = 0.012
        rates.missingDate = 0.01
        rates.unspacedPostcode = 0.2
        rates.lowercasePostcode = 0.05
        rates.missingPostcode = 0.08
        rates.formerPostcode = 0.45
        return rates
    }()
}

extension SplitMix64 {
    /// True with probability `probability`; draws nothing when it is zero (so a rate of
    /// zero leaves the rest of the stream as it was).
    mutating func maybe(_ probability: Double) -> Bool {
        probability > 0 && chance(probability)
    }
}
