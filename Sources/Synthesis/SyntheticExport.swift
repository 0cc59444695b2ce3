import Tabular

/// One of the files `pathlink synth` writes: its name, the dataset it imitates, its header
/// and the byte-level habits of the system that would export it.
///
/// The headers are exactly the column names declared in the shipped manifests
/// (`schemas/…`); a test holds the two together.
public struct SyntheticExport: Sendable, Equatable {
    /// The file name inside the output folder.
    public let fileName: String
    /// The manifest's `dataset` (`owner.table`), or nil for the ground truth.
    public let dataset: String?
    public let header: [String]
    public let lineEnding: CSVWriter.LineEnding
    public let byteOrderMark: Bool

    /// A DPMS-style rape crisis case export, as Excel saves it: CRLF and a UTF-8 BOM.
    public static let supportService = SyntheticExport(
        fileName: "support-service-cases.csv", dataset: "support-service.cases",
        header: SupportColumn.allCases.map(\.rawValue), lineEnding: .crlf, byteOrderMark: true)

    /// A police crime-victim export from a Unix reporting server: LF, no BOM.
    public static let police = SyntheticExport(
        fileName: "police-crimes.csv", dataset: "police.crimes",
        header: PoliceColumn.allCases.map(\.rawValue), lineEnding: .lf, byteOrderMark: false)

    /// A CPS case-management export: CRLF, no BOM.
    public static let cps = SyntheticExport(
        fileName: "cps-cases.csv", dataset: "cps.cases",
        header: CPSColumn.allCases.map(\.rawValue), lineEnding: .crlf, byteOrderMark: false)

    /// Which person each record of the three exports truly belongs to (test data only).
    public static let groundTruth = SyntheticExport(
        fileName: "ground-truth.csv", dataset: nil,
        header: GroundTruthColumn.allCases.map(\.rawValue), lineEnding: .lf, byteOrderMark: false)

    /// The three raw exports, in the order they are written.
    public static let exports: [SyntheticExport] = [supportService, police, cps]
    /// Every file `synth` writes.
    public static let all: [SyntheticExport] = exports + [groundTruth]
}

/// The columns of `support-service-cases.csv`, in order (see `schemas/support-service/cases.yaml`).
enum SupportColumn: String, CaseIterable {
    case caseID = "case_id"
    case clientID = "client_id"
    case crimeReference = "crime_reference"
    case forename = "client_forename"
    case surname = "client_surname"
    case dateOfBirth = "client_dob"
    case postcode = "client_postcode"
    case sex = "client_sex"
    case addressLine = "address_line"
    case phone = "phone"
    case email = "email"
    case referralDate = "referral_date"
    case referralSource = "referral_source"
    case primaryIncident = "primary_incident"
    case incidentToReferral = "time_incident_to_referral"
    case role = "role"
    case assessmentDate = "assessment_date"
    case serviceISVA = "service_isva"
    case serviceCounselling = "service_counselling"
    case serviceHelpline = "service_helpline"
    case serviceGroupWork = "service_group_work"
    case caseStatus = "case_status"
    case closureDate = "closure_date"
    case closureReason = "closure_reason"
    case gender = "gender"
    case ethnicity = "ethnicity"
    case disability = "disability"
    case consentToShare = "consent_to_share"
    case caseworker = "caseworker_name"
    case caseNotes = "case_notes"
}

/// The columns of `police-crimes.csv` (see `schemas/police/crimes.yaml`).
enum PoliceColumn: String, CaseIterable {
    case crimeReference = "crime_reference"
    case nominalID = "victim_nominal_id"
    case name = "victim_name"
    case dateOfBirth = "victim_dob"
    case sex = "victim_sex"
    case postcode = "victim_postcode"
    case address = "victim_address"
    case offenceDate = "offence_date"
    case dateReported = "date_reported"
    case offenceGroup = "offence_group"
    case outcomeCode = "outcome_code"
    case outcomeDate = "outcome_date"
    case officer = "officer_name"
    case moNotes = "mo_notes"
}

/// The columns of `cps-cases.csv` (see `schemas/cps/cases.yaml`).
enum CPSColumn: String, CaseIterable {
    case urn = "urn"
    case policeReference = "police_reference"
    case surname = "victim_surname"
    case forenames = "victim_forenames"
    case dateOfBirth = "victim_dob"
    case postcode = "victim_postcode"
    case receivedDate = "date_received"
    case chargeDecision = "charge_decision"
    case decisionDate = "decision_date"
    case outcome = "outcome"
    case outcomeDate = "outcome_date"
    case lawyer = "lawyer_name"
    case reviewNotes = "review_notes"
}

/// The columns of `ground-truth.csv` (see docs/synthetic-data.md).
public enum GroundTruthColumn: String, CaseIterable, Sendable {
    /// `support-service.cases`, `police.crimes` or `cps.cases`.
    case dataset
    /// The record's row in its export, numbered as a spreadsheet does (header = 1).
    case row
    /// The record's own key: case id, crime reference + nominal id, or URN + row.
    case recordKey = "record_key"
    /// The true person (`P0000001`…), shared by all of that person's records.
    case personID = "person_id"
    /// The true crime (`42/12345/21`, canonical form), empty when none.
    case crimeID = "crime_id"
    /// `Primary` or `Secondary` (support service); `Victim` elsewhere.
    case role
    /// Why the support service's `rows:` filter removes this record: `no-consent`,
    /// `under-18`, `age-unknown` (joined with `;`), or empty when it is shared.
    case excluded
    /// Special cases this record takes part in, joined with `;` (see the docs).
    case scenarios
}

extension SupportColumn {
    static let position = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

extension PoliceColumn {
    static let position = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

extension CPSColumn {
    static let position = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}
