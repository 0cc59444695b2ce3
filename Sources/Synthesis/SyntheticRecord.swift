/// One rendered record of a raw export, with the truth about it for the ground-truth file.
struct SyntheticRecord {
    /// The export's fields, in header order.
    var fields: [String]
    var personID: String
    var crimeID: String
    var role: String
    var excluded: String
    /// The record key for the ground truth (filled in at write time for support cases).
    var recordKey: String
    /// The person's scenario tags, joined with `;` (filled in when the person is finished).
    var scenarios: String = ""
    /// Which person (index) the record belongs to, to attach scenario tags.
    var personIndex: Int
}
