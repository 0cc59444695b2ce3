import Tabular

/// One of the files `pathlink synth` writes: its name, the dataset it imitates, its header
/// and the byte-level habits of the system that would export it.
///
/// The headers are exactly the column names declared in the shipped manifests
/// (`schemas/…`); a test holds the two together.
package struct SyntheticExport: Sendable, Equatable {
    /// The file name inside the output folder.
    package let fileName: String
    /// The manifest's `dataset` (`owner.table`), or nil for the ground truth.
    package let dataset: String?
    package let header: [String]
    package let lineEnding: CSVWriter.LineEnding
    package let byteOrderMark: Bool

    /// A DPMS-style rape crisis case export, as Excel saves it: CRLF and a UTF-8 BOM.
    package static let supportService = SyntheticExport(
        fileName: "support-service-cases.csv", dataset: "support-service.cases",
        header: SupportColumn.names, lineEnding: .crlf, byteOrderMark: true)

    /// A police crime-victim export from a Unix reporting server: LF, no BOM.
    package static let police = SyntheticExport(
        fileName: "police-crimes.csv", dataset: "police.crimes",
        header: PoliceColumn.names, lineEnding: .lf, byteOrderMark: false)

    /// A CPS case-management export: CRLF, no BOM.
    package static let cps = SyntheticExport(
        fileName: "cps-cases.csv", dataset: "cps.cases",
        header: CPSColumn.names, lineEnding: .crlf, byteOrderMark: false)

    /// Which person each record of the three exports truly belongs to (test data only).
    package static let groundTruth = SyntheticExport(
        fileName: "ground-truth.csv", dataset: nil,
        header: GroundTruthColumn.allCases.map(\.rawValue), lineEnding: .lf, byteOrderMark: false)

    /// The three raw exports, in the order they are written.
    package static let exports: [SyntheticExport] = [supportService, police, cps]
    /// Every file `synth` writes.
    package static let all: [SyntheticExport] = exports + [groundTruth]
}

/// The columns of `support-service-cases.csv`, in order (see `schemas/support-service/cases.yaml`).
enum SupportColumn: Int, CaseIterable {
    case caseID
    case clientID
    case crimeReference
    case forename
    case surname
    case dateOfBirth
    case postcode
    case sex
    case addressLine
    case phone
    case email
    case referralDate
    case referralSource
    case primaryIncident
    case incidentToReferral
    case role
    case assessmentDate
    case serviceISVA
    case serviceCounselling
    case serviceHelpline
    case serviceGroupWork
    case caseStatus
    case closureDate
    case closureReason
    case gender
    case ethnicity
    case disability
    case consentToShare
    case caseworker
    case caseNotes

    /// The header names, in case order.
    static let names = ["case_id", "client_id", "crime_reference", "client_forename", "client_surname", "client_dob", "client_postcode", "client_sex", "address_line", "phone", "email", "referral_date", "referral_source", "primary_incident", "time_incident_to_referral", "role", "assessment_date", "service_isva", "service_counselling", "service_helpline", "service_group_work", "case_status", "closure_date", "closure_reason", "gender", "ethnicity", "disability", "consent_to_share", "caseworker_name", "case_notes"]

    var name: String { Self.names[rawValue] }
}

/// The columns of `police-crimes.csv` (see `schemas/police/crimes.yaml`).
enum PoliceColumn: Int, CaseIterable {
    case crimeReference
    case nominalID
    case name
    case dateOfBirth
    case sex
    case postcode
    case address
    case offenceDate
    case dateReported
    case offenceGroup
    case outcomeCode
    case outcomeDate
    case officer
    case moNotes

    /// The header names, in case order.
    static let names = ["crime_reference", "victim_nominal_id", "victim_name", "victim_dob", "victim_sex", "victim_postcode", "victim_address", "offence_date", "date_reported", "offence_group", "outcome_code", "outcome_date", "officer_name", "mo_notes"]

    var name: String { Self.names[rawValue] }
}

/// The columns of `cps-cases.csv` (see `schemas/cps/cases.yaml`).
enum CPSColumn: Int, CaseIterable {
    case urn
    case policeReference
    case surname
    case forenames
    case dateOfBirth
    case postcode
    case receivedDate
    case chargeDecision
    case decisionDate
    case outcome
    case outcomeDate
    case lawyer
    case reviewNotes

    /// The header names, in case order.
    static let names = ["urn", "police_reference", "victim_surname", "victim_forenames", "victim_dob", "victim_postcode", "date_received", "charge_decision", "decision_date", "outcome", "outcome_date", "lawyer_name", "review_notes"]

    var name: String { Self.names[rawValue] }
}

/// The columns of `ground-truth.csv` (see docs/synthetic-data.md).
package enum GroundTruthColumn: String, CaseIterable, Sendable {
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

