import Governance

/// The normalised person data of one record: what its linkage columns say.
package struct PersonRecord: Equatable, Sendable {
    /// All given names, `name`-normalised (Jane Mary → JANEMARY).
    package var forename: Normalised = .missing
    /// The first given name alone (for `forename-nickname`).
    package var firstForename: Normalised = .missing
    package var surname: Normalised = .missing
    /// `YYYYMMDD`.
    package var dateOfBirth: Normalised = .missing
    package var postcode: Normalised = .missing
    package var sex: Normalised = .missing

    package init() {}

    /// Set forename and first forename from a forename column's raw value.
    package mutating func setForename(_ raw: String) {
        forename = NameNormalisation.name(raw)
        firstForename = NameNormalisation.firstName(raw)
    }

    /// The value of `field`, or nil when it is missing or invalid.
    package func value(of field: KeyField) -> String? {
        switch field {
        case .forename: return forename.text
        case .forenameInitial: return forename.text.map { String($0.prefix(1)) }
        case .surname: return surname.text
        case .dateOfBirth: return dateOfBirth.text
        case .dateOfBirthUnordered: return dateOfBirth.text.map(DateOfBirth.unordered)
        case .dateOfBirthYearMonth: return dateOfBirth.text.map { DateOfBirth.parts($0, .yearMonth) }
        case .dateOfBirthMonthDay: return dateOfBirth.text.map { DateOfBirth.parts($0, .monthDay) }
        case .dateOfBirthYearDay: return dateOfBirth.text.map { DateOfBirth.parts($0, .yearDay) }
        case .postcode: return postcode.text
        case .postcodeDistrict: return postcode.text.map(Postcode.district)
        case .sex: return sex.text
        case .forenameNickname: return ErrorTolerantField.forenameNickname.value(for: self)
        case .surnameSoundex: return ErrorTolerantField.surnameSoundex.value(for: self)
        case .fullNameSorted: return ErrorTolerantField.fullNameSorted.value(for: self)
        }
    }
}
