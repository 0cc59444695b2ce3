/// A person field that a match key is built from (PRODUCT.md, linkage plan `fields`).
///
/// Each is computed from the normalised person data of one record (``PersonRecord``).
/// The stretch fields (`forename-nickname`, `surname-soundex`, `full-name-sorted`) are
/// error-tolerant derivations specified in `governance/token-specification.md`.
public enum PersonField: String, CaseIterable, Sendable {
    case forename
    case forenameInitial = "forename-initial"
    case surname
    case dateOfBirth = "date-of-birth"
    case dateOfBirthUnordered = "date-of-birth-unordered"
    case postcode
    case postcodeDistrict = "postcode-district"
    case sex

    /// The source field a manifest's linkage column must provide for this field.
    public var source: PersonRecord.Source {
        switch self {
        case .forename, .forenameInitial: return .forename
        case .surname: return .surname
        case .dateOfBirth, .dateOfBirthUnordered: return .dateOfBirth
        case .postcode, .postcodeDistrict: return .postcode
        case .sex: return .sex
        }
    }
}

/// The normalised person data of one record: what its linkage columns say.
public struct PersonRecord: Equatable, Sendable {
    /// The person data a manifest can declare (`field:` of a linkage column);
    /// `full-name` provides both forename and surname.
    public enum Source: String, CaseIterable, Sendable {
        case forename, surname
        case dateOfBirth = "date-of-birth"
        case postcode, sex
    }

    /// All given names, `name`-normalised (Jane Mary → JANEMARY).
    public var forename: Normalised = .missing
    public var surname: Normalised = .missing
    /// `YYYYMMDD`.
    public var dateOfBirth: Normalised = .missing
    public var postcode: Normalised = .missing
    public var sex: Normalised = .missing

    public init() {}

    /// The value of `field`, or nil when it is missing or invalid.
    public func value(of field: PersonField) -> String? {
        switch field {
        case .forename: return forename.text
        case .forenameInitial: return forename.text.map { String($0.prefix(1)) }
        case .surname: return surname.text
        case .dateOfBirth: return dateOfBirth.text
        case .dateOfBirthUnordered: return dateOfBirth.text.map(DateOfBirth.unordered)
        case .postcode: return postcode.text
        case .postcodeDistrict: return postcode.text.map(Postcode.district)
        case .sex: return sex.text
        }
    }
}

/// A match key or confirm key of the plan: fields joined by U+001F, tokenised in the
/// domain `person/<name>`.
public struct MatchKey: Equatable, Sendable {
    /// The separator between normalised fields (INFORMATION SEPARATOR ONE).
    public static let separator = "\u{1F}"

    public var name: String
    public var fields: [PersonField]

    public init(name: String, fields: [PersonField]) {
        self.name = name
        self.fields = fields
    }

    /// The token domain: `person/<name>`.
    public var domain: String { "person/\(name)" }

    /// The value to tokenise, or nil when any part is missing (then the token is empty).
    public func value(for record: PersonRecord) -> String? {
        var parts: [String] = []
        parts.reserveCapacity(fields.count)
        for field in fields {
            guard let part = record.value(of: field), !part.isEmpty else { return nil }
            parts.append(part)
        }
        return parts.joined(separator: MatchKey.separator)
    }
}
