import Foundation
import Cryptography
import Governance
import Provenance
import Tabular
@testable import Pseudonymisation

/// A small synthetic police extract, its manifest, plan and key, written to a folder —
/// with the receipt `pathlink extract` would have written beside the extract.
///
/// Values are chosen to exercise every normaliser: non-ASCII names, titles,
/// placeholders, dates of birth in three formats (and impossible ones), spaced and
/// unspaced postcodes, reference numbers in four layouts.
struct SyntheticExtract {
    let folder = TemporaryFolder()
    let manifestPath: String
    let planPath: String
    let keyPath: String
    let extractPath: String
    let keyHex = "8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
    /// Every raw protected value, with the forms it could leak in.
    private(set) var protectedValues: Set<String> = []
    private(set) var rows: [[String]] = []
    private(set) var impossibleDates = 0

    static let pattern = #"^(?:\d{2}\D+|\d{2}(?=\d{8}$))?0*(\d{1,6})\D*(?:20)?(\d{2})$"#

    static let manifest = """
    manifest: 1
    dataset: police.crimes
    title: Synthetic sexual offences
    owner: Test Police
    columns:
      - name: crimeref
        class: identifier
        domain: crime-reference
        identifies: record
        normalise: {pattern: '\(pattern)', template: '$1/$2'}
      - {name: nominal, class: identifier, identifies: person, domain: police-nominal}
      - {name: victim_forename, class: linkage, field: forename}
      - {name: victim_surname, class: linkage, field: surname}
      - {name: victim_dob, class: linkage, field: date-of-birth, format: [DD/MM/YYYY, YYYY-MM-DD, YYYYMMDD]}
      - {name: victim_postcode, class: linkage, field: postcode}
      - {name: victim_sex, class: linkage, field: sex}
      - {name: oic_name, class: direct}
      - {name: month_reported, class: attribute, open: true}
      - {name: outcome_code, class: attribute, values: ["1", "14", "15"]}
    """

    static let plan = """
    linkage: 1
    project: synthetic-test
    person:
      matchkeys:
        - {name: MK1, fields: [forename, surname, date-of-birth, postcode]}
        - {name: MK2, fields: [forename, surname, date-of-birth]}
        - {name: MK3, fields: [forename-initial, surname, date-of-birth, postcode-district]}
        - {name: MK4, fields: [surname, date-of-birth-unordered, postcode]}
        - {name: MK6, fields: [forename-nickname, surname-soundex, date-of-birth]}
        - {name: MK7, fields: [full-name-sorted, date-of-birth]}
      confirmkeys:
        - {name: CK1, fields: [date-of-birth-unordered]}
        - {name: CK2, fields: [sex, date-of-birth]}
    links:
      - {from: support-service.cases, to: police.crimes, by: [crime-reference, person], confirm: [CK1, MK2]}
    output:
      spine: support-service.cases
    """

    static let header = ["crimeref", "nominal", "victim_forename", "victim_surname", "victim_dob", "victim_postcode", "victim_sex",
                         "month_reported", "outcome_code"]

    init(rows count: Int = 240, manifestText: String = SyntheticExtract.manifest) throws {
        manifestPath = folder.write("police.crimes.yaml", manifestText)
        planPath = folder.write("linkage.yaml", SyntheticExtract.plan)
        keyPath = folder.write("project.key", keyHex + "\n")
        chmod(keyPath, 0o600)
        extractPath = folder.path("police.crimes.extract.csv")

        let forenames = ["Zoë", "Jane Mary", "Łukasz", "Katie", "Siobhán", "Mr John", "Bill", "Grace", "Øystein", "unknown", "", "Dr Kathryn"]
        let surnames = ["O'Neill", "Smith-Jones", "Nowak", "Ahmed", "Kowalski", "Wright", "Lewandowski", "Þorsteinsson", "N/A"]
        let outwards = ["SS1", "CM13", "EC1A", "M1", "B33", "SW1W", "RM20"]
        let letters = Array("ABDEGHJLNPQRSTUWXYZ")
        var generator = SplitMix(seed: 20260522)
        for index in 0..<count {
            let forename = forenames[generator.next(forenames.count)]
            let surname = surnames[generator.next(surnames.count)]
            let year = 1950 + generator.next(56), month = 1 + generator.next(12), day = 1 + generator.next(28)
            let iso = String(format: "%04d-%02d-%02d", year, month, day)
            let british = String(format: "%02d/%02d/%04d", day, month, year)
            let compact = String(format: "%04d%02d%02d", year, month, day)
            var dob: String
            switch generator.next(20) {
            case 0: dob = ""
            case 1: dob = "1900-01-01"
            case 2: dob = "31/02/2001"; impossibleDates += 1
            case 3...8: dob = iso
            case 9...14: dob = british
            default: dob = compact
            }
            let inward = "\(generator.next(10))\(letters[generator.next(letters.count)])\(letters[generator.next(letters.count)])"
            let outward = outwards[generator.next(outwards.count)]
            var postcode: String
            switch generator.next(10) {
            case 0: postcode = "ZZ99 3VZ"
            case 1: postcode = ""
            case 2...4: postcode = outward + inward
            case 5: postcode = (outward + " " + inward).lowercased()
            default: postcode = outward + " " + inward
            }
            let number = 1000 + generator.next(900_000)
            let serial = String(format: "%06d", number)
            let reference: String
            switch index % 4 {
            case 0: reference = "42/\(serial)/21"
            case 1: reference = "42\(serial)21"
            case 2: reference = "42-\(serial)-2021"
            default: reference = " \(serial)/21"
            }
            let sex = ["F", "Female", "M", "unknown", "female"][generator.next(5)]
            let nominal = index % 17 == 0 ? "Unknown" : (index % 2 == 0 ? "nm\(index / 3)x" : " NM\(index / 3)X\u{00A0}")
            rows.append([reference, nominal, forename, surname, dob, postcode, sex, "2021-0\(1 + index % 9)", ["1", "14", "15"][index % 3]])

            for name in [forename, surname] where !PlaceholderRule.isPlaceholder(name) {
                protectedValues.insert(name)
                protectedValues.formUnion(Whitespace.words(name))
                if let normalised = NameNormalisation.name(name).text { protectedValues.insert(normalised) }
            }
            if !dob.isEmpty && dob != "1900-01-01" && dob != "31/02/2001" {
                protectedValues.formUnion([iso, british, compact])
            }
            if !postcode.isEmpty && !postcode.hasPrefix("ZZ99") {
                protectedValues.formUnion([postcode, outward + " " + inward, outward + inward])
            }
            protectedValues.formUnion([Whitespace.trim(reference), "\(number)/21", serial + "/21"])
            if index % 17 != 0 { protectedValues.formUnion(["nm\(index / 3)x", "NM\(index / 3)X"]) }
        }
        let writer = try CSVWriter(path: extractPath, force: false)
        try writer.writeRecord(SyntheticExtract.header)
        for row in rows { try writer.writeRecord(row) }
        try writer.close()
        try writeExtractReceipt()
    }

    /// Replace the extract's records (rewriting the file and its receipt).
    mutating func replaceRows(_ newRows: [[String]]) throws {
        rows = newRows
        let writer = try CSVWriter(path: extractPath, force: true)
        try writer.writeRecord(SyntheticExtract.header)
        for row in rows { try writer.writeRecord(row) }
        try writer.close()
        try writeExtractReceipt()
    }

    /// The receipt extract writes: stage, dataset, manifest hash, the extract's hash.
    func writeExtractReceipt() throws {
        var receipt = Receipt(stage: "extract")
        receipt.dataset = "police.crimes"
        let receiptPath = Receipt.path(for: extractPath)
        receipt.documents = [try Receipt.document(kind: "manifest", name: "police.crimes", path: manifestPath, relativeTo: receiptPath)]
        receipt.outputs = [try Receipt.entry(for: extractPath, relativeTo: receiptPath, rows: rows.count, dataset: "police.crimes")]
        try receipt.write(beside: extractPath, force: true)
    }

    func pseudonymiser(force: Bool = false) throws -> Pseudonymiser {
        Pseudonymiser(manifest: try Manifest.load(path: manifestPath), plan: try LinkagePlan.load(path: planPath),
                             key: try KeyFile.load(keyPath, allowTestKey: true), force: force, showProgress: false)
    }

    /// The JSON the Python recomputation reads: key, project, and what each column is.
    func pythonSpec() throws -> String {
        let manifest = try Manifest.load(path: manifestPath)
        let plan = try LinkagePlan.load(path: planPath)
        var identifiers: [[String: Any]] = []
        var linkage: [[String: Any]] = []
        for column in manifest.columns {
            switch column.columnClass {
            case .identifier:
                var entry: [String: Any] = ["name": column.name, "domain": column.domain!]
                if case .pattern(let pattern)? = column.normalise {
                    entry["pattern"] = pattern.pattern
                    entry["template"] = pattern.template
                }
                identifiers.append(entry)
            case .linkage:
                var entry: [String: Any] = ["name": column.name, "field": column.field!.rawValue, "formats": column.formats.map(\.text)]
                if let order = column.order { entry["order"] = order.rawValue }
                linkage.append(entry)
            default: break
            }
        }
        let keys = plan.allKeys.map { ["name": $0.name, "fields": $0.fields.map(\.rawValue)] as [String: Any] }
        let spec: [String: Any] = ["key_hex": keyHex, "project": plan.project, "identifiers": identifiers, "linkage": linkage, "keys": keys]
        let path = folder.path("spec.json")
        FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]))
        return path
    }
}

/// A small deterministic generator (SplitMix64), so the synthetic data never changes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(bound))
    }
}
