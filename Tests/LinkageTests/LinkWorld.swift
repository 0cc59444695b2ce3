import Foundation
import Linkage
import PathlinkCore
import Provenance
import Tabular

/// A small hand-made world of pseudonymised inputs for link tests.
///
/// Tokens are fixed 32-hex strings made from readable seeds (FNV-1a, twice), standing in
/// for an owner's HMAC tokens: equal seeds give equal tokens, as equal normalised values
/// give equal HMACs. Every record carries a `label` attribute so that tests can find it
/// in the linked output, where it has only a research id.
final class LinkWorld {
    struct Person {
        var forename: String
        var surname: String
        /// YYYYMMDD, or empty when missing (then every key with the date of birth is blank).
        var dob: String
        var postcode: String
    }

    struct Record {
        var label: String
        var person: Person?
        var crimeReference: String?
        var date: String
        var extra: String
    }

    static let support = "support-service.cases"
    static let police = "police.crimes"
    static let cps = "cps.cases"

    let folder: String
    var records: [String: [Record]] = [support: [], police: [], cps: []]
    /// Every token written into an input (for leak checks).
    private(set) var tokens = Set<String>()

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pathlink-link-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func add(_ dataset: String, _ label: String, _ person: Person?, crime: String? = nil, date: String = "2023-01", extra: String = "x") {
        records[dataset]!.append(Record(label: label, person: person, crimeReference: crime, date: date, extra: extra))
    }

    static func token(_ seed: String) -> String {
        func fnv(_ basis: UInt64) -> UInt64 {
            var hash = basis
            for byte in seed.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
        let high = String(fnv(0xcbf2_9ce4_8422_2325), radix: 16), low = String(fnv(0x8422_2325_cbf2_9ce4), radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }

    private func use(_ seed: String?) -> String {
        guard let seed else { return "" }
        let value = LinkWorld.token(seed)
        tokens.insert(value)
        return value
    }

    static func unordered(_ dob: String) -> String {
        let year = dob.prefix(4), month = dob.dropFirst(4).prefix(2), day = dob.suffix(2)
        return String(year + min(month, day) + max(month, day))
    }

    static let dateColumns = [support: "referraldate", police: "date_reported", cps: "charge_date"]
    static let extraColumns = [support: "role", police: "outcome", cps: "result"]
    static let recordColumns = [support: "case_id", police: "crime_id", cps: "cps_id"]

    /// Write every dataset as a pseudonymised CSV with its receipt; returns DATASET=PATH pairs.
    @discardableResult
    func writeInputs() throws -> [(dataset: String, path: String)] {
        var inputs: [(dataset: String, path: String)] = []
        for dataset in [LinkWorld.support, LinkWorld.police, LinkWorld.cps] {
            let path = FilePath.join(folder, "\(dataset).tokens.csv")
            let header = [LinkWorld.recordColumns[dataset]!, "crimeref", "MK1", "MK2", "MK4", "CK1", "CK2", "CK3", "CK4", "CK5", LinkWorld.dateColumns[dataset]!, LinkWorld.extraColumns[dataset]!, "label"]
            var rows: [[String]] = []
            for (index, record) in records[dataset]!.enumerated() {
                let person = record.person
                let dated = person.flatMap { $0.dob.isEmpty ? nil : $0 }
                rows.append([
                    use("\(dataset)#\(index)"),
                    use(record.crimeReference.map { "CR|\($0)" }),
                    use(dated.map { "MK1|\($0.forename)|\($0.surname)|\($0.dob)|\($0.postcode)" }),
                    use(dated.map { "MK2|\($0.forename)|\($0.surname)|\($0.dob)" }),
                    use(dated.map { "MK4|\($0.surname)|\(LinkWorld.unordered($0.dob))|\($0.postcode)" }),
                    use(dated.map { "CK1|\(LinkWorld.unordered($0.dob))" }),
                    use(person.map { "CK2|\($0.forename)|\($0.surname)" }),
                    use(dated.map { "CK3|" + $0.dob.prefix(6) }),
                    use(dated.map { "CK4|" + $0.dob.suffix(4) }),
                    use(dated.map { "CK5|" + $0.dob.prefix(4) + $0.dob.suffix(2) }),
                    record.date, record.extra, record.label,
                ])
            }
            try CSVTable(header: header, rows: rows).write(to: path, force: true)
            var receipt = Receipt(stage: "pseudonymise")
            receipt.dataset = dataset
            receipt.outputs = [try Receipt.entry(for: path, relativeTo: Receipt.path(for: path), rows: rows.count)]
            receipt.columns = [
                .init(name: header[0], class: "identifier", action: "tokenised", domain: "\(dataset.split(separator: ".")[0])-record", identifies: "record"),
                .init(name: "crimeref", class: "identifier", action: "tokenised", domain: "crime-reference"),
                .init(name: "MK1", class: "matchkey", action: "derived", domain: "person/MK1"),
                .init(name: "MK2", class: "matchkey", action: "derived", domain: "person/MK2"),
                .init(name: "MK4", class: "matchkey", action: "derived", domain: "person/MK4"),
                .init(name: "CK1", class: "confirmkey", action: "derived", domain: "person/CK1"),
                .init(name: "CK2", class: "confirmkey", action: "derived", domain: "person/CK2"),
                .init(name: "CK3", class: "confirmkey", action: "derived", domain: "person/CK3"),
                .init(name: "CK4", class: "confirmkey", action: "derived", domain: "person/CK4"),
                .init(name: "CK5", class: "confirmkey", action: "derived", domain: "person/CK5"),
                .init(name: header[10], class: "quasi", action: "generalised", generalise: "month"),
                .init(name: header[11], class: "attribute", action: "kept"),
                .init(name: "label", class: "attribute", action: "kept"),
                .init(name: "victim_dob", class: "linkage", action: "consumed", field: "date-of-birth"),
            ]
            try receipt.write(beside: path, force: true)
            inputs.append((dataset, path))
        }
        return inputs
    }

    static let planText = """
    linkage: 1
    project: link-tests
    person:
      matchkeys:
        - {name: MK1, fields: [forename, surname, date-of-birth, postcode]}
        - {name: MK2, fields: [forename, surname, date-of-birth]}
        - {name: MK4, fields: [surname, date-of-birth-unordered, postcode]}
      confirmkeys:
        - {name: CK1, fields: [date-of-birth-unordered]}
        - {name: CK2, fields: [forename, surname]}
        - {name: CK3, fields: [date-of-birth-year-month]}
        - {name: CK4, fields: [date-of-birth-month-day]}
        - {name: CK5, fields: [date-of-birth-year-day]}
    links:
      - {from: support-service.cases, to: police.crimes, by: [crime-reference, person], confirm: [CK1, MK2, CK2], refute: [CK1, CK3, CK4, CK5]}
      - {from: police.crimes, to: cps.cases, by: [crime-reference, person], confirm: [CK1, CK2], refute: [CK1, CK3, CK4, CK5]}
    output:
      spine: support-service.cases
      attach:
        police.crimes: {nearest: {spine: referraldate, other: date_reported}}

    """

    var planPath: String { FilePath.join(folder, "linkage.yaml") }
    var outputPath: String { FilePath.join(folder, "linked") }
    static var fixedSecret: LinkerSecret { LinkerSecret(bytes: Array(repeating: 7, count: 32)) }

    /// Write inputs and plan, link, and read the result.
    @discardableResult
    func link(output: String? = nil, secret: LinkerSecret = LinkWorld.fixedSecret, reversed: Bool = false,
              plan: String = LinkWorld.planText) throws -> Linked {
        var inputs = try writeInputs()
        if reversed { inputs.reverse() }
        try FilePath.writeAtomically(plan, to: planPath, force: true)
        let path = output ?? outputPath
        try Linker.link(LinkOptions(planPath: planPath, inputs: inputs, outputPath: path, secret: secret, force: true))
        return try Linked(folder: path)
    }
}

/// A linked folder, read back for assertions.
struct Linked {
    let folder: String
    /// label → person_id, record_id
    var personOf: [String: String] = [:]
    var recordOf: [String: String] = [:]
    var labelOf: [String: String] = [:]
    let journeys: CSVTable
    let links: CSVTable
    let quality: [String: Any]

    init(folder: String) throws {
        self.folder = folder
        for dataset in [LinkWorld.support, LinkWorld.police, LinkWorld.cps] {
            let table = try CSVTable(contentsOf: FilePath.join(folder, "\(dataset).csv"))
            for row in table.rows {
                let label = row[table.index(of: "label")!]
                personOf[label] = row[1]
                recordOf[label] = row[0]
                labelOf[row[0]] = label
            }
        }
        journeys = try CSVTable(contentsOf: FilePath.join(folder, "journeys.csv"))
        links = try CSVTable(contentsOf: FilePath.join(folder, "links.csv"))
        quality = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: FilePath.join(folder, "quality.json")))) as! [String: Any]
    }

    func samePerson(_ a: String, _ b: String) -> Bool { personOf[a]! == personOf[b]! }

    /// The journeys row of a spine record, by its label: column → value.
    func journey(_ label: String) -> [String: String] {
        let row = journeys.rows.first { $0[0] == recordOf[label]! }!
        return Dictionary(uniqueKeysWithValues: zip(journeys.header, row))
    }

    /// The label of the record attached in `dataset` to the spine record `label`, and the rule.
    func attached(_ label: String, in dataset: String) -> (label: String?, rule: String) {
        let row = journey(label)
        let record = row["\(dataset).record_id"]!
        return (record.isEmpty ? nil : labelOf[record], row["\(dataset).link"]!)
    }

    func linkRules(_ a: String, _ b: String) -> [String] {
        links.rows.filter { $0[0] == recordOf[a]! && $0[1] == recordOf[b]! }.map { $0[2] }
    }
}
