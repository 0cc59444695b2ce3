import Cryptography
import Governance
import PathlinkCore
import Provenance
import Tabular

/// One pseudonymised input, held column by column: re-keyed tokens and interned attributes.
///
/// The columns are learnt from the input's receipt (stage `pseudonymise`), never guessed
/// from the header: every column of the file must be described there.
final class LinkDataset {
    /// What a token column is for.
    enum Role: Equatable {
        /// `identifier` with `identifies: record`.
        case record
        /// `identifier` with `identifies: person`.
        case person
        /// Any other `identifier`: a reference domain such as `crime-reference`.
        case reference
        case matchKey
        case confirmKey
    }

    struct TokenColumn {
        var name: String
        var role: Role
        /// `crime-reference`, `person/MK1`, …
        var domain: String
        var values: [Token]
    }

    struct AttributeColumn {
        var name: String
        /// `attribute`, `quasi` or `derived`.
        var columnClass: String
        var codes: [UInt32]
        var dictionary: ValueDictionary
        /// Declared `open: true` by the owner's manifest (its receipt says so): values are
        /// free data text, never to become category labels.
        var isOpen = false
    }

    let name: String
    let path: String
    let receipt: Receipt
    private(set) var sha256 = ""
    private(set) var rows = 0
    private(set) var tokenColumns: [TokenColumn] = []
    private(set) var attributes: [AttributeColumn] = []

    /// Read and check `path` as dataset `name`.
    /// - Throws: `.provenance` when the receipt is missing, is not a pseudonymise receipt,
    ///   names another dataset or another file hash; `.malformedCSV` / `.invalidValue`
    ///   (with row and column, never a value) when the file does not fit its receipt.
    /// Which token columns the plan uses: only those are re-keyed and stored. The others
    /// (e.g. record tokens no link is `by`) are still checked, row by row, to be tokens.
    struct Needed: Sendable {
        /// Reference domains some link is `by` (person identifiers are always used).
        var domains: Set<String>
        /// Match and confirm key names of the plan.
        var keys: Set<String>

        init(plan: LinkagePlan) {
            domains = Set(plan.links.flatMap(\.by))
            keys = Set(plan.allKeys.map(\.name))
        }

        /// Everything (tests that load a dataset without a plan).
        static let all = Needed()
        private init() { domains = []; keys = []; everything = true }
        private var everything = false

        func uses(_ column: TokenColumn) -> Bool {
            if everything { return true }
            switch column.role {
            case .person: return true
            case .record, .reference: return domains.contains(column.domain)
            case .matchKey, .confirmKey: return keys.contains(column.name)
            }
        }
    }

    init(name: String, path: String, rekeyer: Rekeyer, needed: Needed = .all) throws {
        self.name = name
        self.path = path
        let receipt = try Receipt.read(for: path)
        self.receipt = receipt
        let receiptPath = Receipt.path(for: path)
        guard receipt.stage == "pseudonymise" else {
            throw PathlinkError(.provenance, file: path,
                                problem: "the receipt beside this file is from stage \"\(receipt.stage)\", not pseudonymise",
                                remedy: "the linker takes only pseudonymised files; give the output of `pathlink pseudonymise`")
        }
        guard receipt.dataset == name else {
            throw PathlinkError(.provenance, file: path,
                                problem: "the receipt says this file holds dataset \(receipt.dataset ?? "(none)"), not \(name)",
                                remedy: "check the DATASET=PATH pairs given to --input")
        }
        let folder = FilePath.split(receiptPath).parent
        let absolute = FilePath.absolute(path)
        guard let entry = receipt.outputs.first(where: { FilePath.absolute(FilePath.join(folder, $0.path)) == absolute }) else {
            throw PathlinkError(.provenance, file: path, problem: "the receipt beside this file does not list it as an output",
                                remedy: "give the file exactly as `pathlink pseudonymise` wrote it, with its own receipt")
        }
        let changed = PathlinkError(.provenance, file: path, problem: "the file has changed since its receipt was written (SHA-256 differs)",
                                    remedy: "ask the data owner to send the file again, or re-run pseudonymise; a changed file cannot be linked")
        // The file is hashed as it is read (one pass, not two). A file that changed since its
        // receipt is refused as such, even when the change also broke it.
        let hasher = SHA256()
        do {
            try load(rekeyer: rekeyer, receiptPath: receiptPath, needed: needed, hasher: hasher)
        } catch {
            _ = hasher.finalize()
            if let actual = try? SHA256.hex(ofFile: path), actual != entry.sha256 { throw changed }
            throw error
        }
        sha256 = Hex.encode(hasher.finalize())
        guard entry.sha256 == sha256 else { throw changed }
    }

    private func load(rekeyer: Rekeyer, receiptPath: String, needed: Needed, hasher: SHA256) throws {
        let reader = try CSVReader(path: path, observer: hasher)
        var described: [String: Receipt.Column] = [:]
        for column in receipt.columns where column.action != "dropped" && column.action != "consumed" {
            described[column.name] = column
        }
        // Per header position: token column index, or attribute index.
        enum Slot { case token(Int), attribute(Int) }
        var slots: [Slot] = []
        for header in reader.header {
            guard let column = described.removeValue(forKey: header) else {
                throw PathlinkError(.provenance, file: path, row: 1, column: header,
                                    problem: "this column is not described by the file's receipt",
                                    remedy: "give the file exactly as `pathlink pseudonymise` wrote it, with its own receipt")
            }
            switch column.class {
            case "identifier":
                let role: Role = column.identifies == "record" ? .record : column.identifies == "person" ? .person : .reference
                guard let domain = column.domain, !domain.isEmpty else {
                    throw PathlinkError(.provenance, file: receiptPath, column: header, problem: "the receipt gives no domain for this identifier column",
                                        remedy: "re-run pseudonymise with a current Pathlink; receipts must not be edited by hand")
                }
                slots.append(.token(tokenColumns.count))
                tokenColumns.append(TokenColumn(name: header, role: role, domain: domain, values: []))
            case "matchkey", "confirmkey":
                slots.append(.token(tokenColumns.count))
                tokenColumns.append(TokenColumn(name: header, role: column.class == "matchkey" ? .matchKey : .confirmKey,
                                                domain: column.domain ?? "person/\(header)", values: []))
            case "attribute", "quasi", "derived":
                slots.append(.attribute(attributes.count))
                attributes.append(AttributeColumn(name: header, columnClass: column.class, codes: [], dictionary: ValueDictionary(),
                                                  isOpen: column.open == true))
            default:
                // linkage, direct or free-text must never reach the linker.
                throw PathlinkError(.provenance, file: path, row: 1, column: header,
                                    problem: "the receipt says this column is of class \(column.class), which must not leave the data owner",
                                    remedy: "do not send this file; ask the data owner to re-run extract and pseudonymise with the approved manifest")
            }
        }
        if let missing = described.keys.sorted().first {
            throw PathlinkError(.provenance, file: path, row: 1, column: missing,
                                problem: "the receipt lists this column but the file does not have it",
                                remedy: "give the file exactly as `pathlink pseudonymise` wrote it, with its own receipt")
        }
        // Columns are filled in locals (no class-property access per field), then stored.
        let used = tokenColumns.map(needed.uses)
        var tokenValues = [[Token]](repeating: [], count: tokenColumns.count)
        var codes = [[UInt32]](repeating: [], count: attributes.count)
        var dictionaries = attributes.map(\.dictionary)
        let progress = Progress("link: read \(name)")
        var count = 0
        while try reader.next() {
            for (index, slot) in slots.enumerated() {
                let field = reader.bytes(index)
                switch slot {
                case .token(let column):
                    guard let token = Token.parseHex(field) else {
                        throw PathlinkError(.invalidValue, file: path, row: reader.row, column: reader.header[index],
                                            problem: "the value is not a token (32 lowercase hexadecimal digits, or empty when missing)",
                                            remedy: "give the file exactly as `pathlink pseudonymise` wrote it")
                    }
                    if used[column] { tokenValues[column].append(rekeyer.rekey(token)) }
                case .attribute(let column):
                    codes[column].append(dictionaries[column].code(of: field))
                }
            }
            count += 1
            progress.update(count)
        }
        progress.finish()
        rows = count
        for column in tokenColumns.indices { tokenColumns[column].values = tokenValues[column] }
        for column in attributes.indices {
            attributes[column].codes = codes[column]
            attributes[column].dictionary = dictionaries[column]
        }
    }

    /// Free the re-keyed tokens once the persons are built: nothing after the cascade
    /// reads them, and they are most of the memory (16 bytes a token).
    func releaseTokens() {
        for column in tokenColumns.indices { tokenColumns[column].values = [] }
    }

    /// The token columns with `role`, in file order.
    func columns(_ role: Role) -> [TokenColumn] { tokenColumns.filter { $0.role == role } }

    /// The token column of a match or confirm key by name, if this dataset has it.
    func keyColumn(_ key: String) -> TokenColumn? {
        tokenColumns.first { ($0.role == .matchKey || $0.role == .confirmKey) && $0.name == key }
    }

    /// Identifier columns of a domain.
    func identifierColumns(domain: String) -> [TokenColumn] {
        tokenColumns.filter { ($0.role == .reference || $0.role == .person || $0.role == .record) && $0.domain == domain }
    }

    func attribute(named name: String) -> AttributeColumn? { attributes.first { $0.name == name } }
}
