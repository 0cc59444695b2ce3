import Governance
import PathlinkCore
import Provenance
import Tabular

/// `link --emit-sql`: link's cascade method as one SQL script (docs/scaling.md "Link on
/// another engine").
///
/// The script runs from the folder where `pathlink rekey` wrote the re-keyed token files
/// (``RekeyedTokens``): it never sees an owner's token. It does what ``PersonLinker`` and
/// ``ResearchIDs`` do, step for step, on the same clusters:
///
/// 1. within each dataset, records sharing a person identifier or the first match key;
/// 2. reference links in plan order (a person domain on both sides merges; otherwise a
///    confirm key must agree and the refute keys must not refute);
/// 3. the match-key cascade, key by key, link by link, among clusters not yet linked to the
///    other dataset, a token naming exactly one cluster on each side, each cluster with one
///    partner;
///
/// with the clusters recomputed (connected components, a recursive CTE) after every step,
/// as link's union–find has them. Research ids come from the same keyed hash as link's,
/// under a key derived in SQL (HMAC-SHA256 built from `sha256`) from the linker's secret
/// file, whose path is the variable `pathlink_secret_file` at the top of the script: the
/// secret is never written into it. Output: one `<dataset>.csv` per dataset (`record_id`,
/// `person_id`, attributes), as in link's linked folder.
package enum LinkSQL {
    package enum Dialect: String, Sendable {
        case duckdb
    }

    /// One token or attribute column of an input.
    package struct Column: Sendable {
        package enum Role: Sendable, Equatable { case record, person, reference, matchKey, confirmKey, attribute }
        package var name: String
        package var role: Role
        /// The reference domain of an identifier.
        package var domain: String?
    }

    package struct Input: Sendable {
        package var dataset: String
        /// Columns in the input's order.
        package var columns: [Column]

        package init(dataset: String, columns: [Column]) {
            self.dataset = dataset
            self.columns = columns
        }

        /// The columns of a pseudonymised file, from its receipt, in the order of its header.
        /// - Throws: `.provenance` when the receipt is missing, unreadable or does not
        ///   describe a column of the header.
        package static func fromReceipt(dataset: String, path: String) throws -> Input {
            let receipt = try Receipt.read(for: path)
            var described: [String: Receipt.Column] = [:]
            for column in receipt.columns where column.action != "dropped" && column.action != "consumed" { described[column.name] = column }
            let header = try CSVReader(path: path).header
            var columns: [Column] = []
            for name in header {
                guard let column = described[name] else {
                    throw PathlinkError(.provenance, file: path, row: 1, column: name, problem: "this column is not described by the file's receipt",
                                        remedy: "give the file exactly as `pathlink pseudonymise` wrote it, with its own receipt")
                }
                switch column.class {
                case "identifier":
                    let role: Column.Role = column.identifies == "record" ? .record : column.identifies == "person" ? .person : .reference
                    columns.append(Column(name: name, role: role, domain: column.domain))
                case "matchkey": columns.append(Column(name: name, role: .matchKey))
                case "confirmkey": columns.append(Column(name: name, role: .confirmKey))
                default: columns.append(Column(name: name, role: .attribute))
                }
            }
            return Input(dataset: dataset, columns: columns)
        }

        func columns(_ role: Column.Role) -> [Column] { columns.filter { $0.role == role } }
        func keyColumn(_ key: String) -> Column? { columns.first { ($0.role == .matchKey || $0.role == .confirmKey) && $0.name == key } }
        func identifierColumns(domain: String) -> [Column] {
            columns.filter { [.record, .person, .reference].contains($0.role) && $0.domain == domain }
        }
    }

    /// Which of link's behaviours the script mirrors: the defaults must be what
    /// ``PersonLinker`` does (LinkSQLTests fail otherwise): every confirmed, unrefuted
    /// reference pair merges, and forename keys are tried again over split clusters.
    package struct Behaviour: Sendable {
        /// A confirmed reference pair merges only when neither cluster has another partner
        /// (the linker's condition before issue 16; off, as the contract says).
        package var confirmedReferencesUnique = false
        /// After a cascade step by a forename key, the same key over every cluster
        /// (``PersonLinker`` "split clusters").
        package var recoversSplitClusters = true
        package init() {}
    }

    /// The variable naming the linker's secret file, set on the script's first statement.
    package static let secretVariable = "pathlink_secret_file"

    /// Write `folder/link.sql` for the plan and inputs (pseudonymised files with receipts;
    /// only receipts and headers are read).
    /// - Returns: the script's path.
    package static func write(planPath: String, inputs: [(dataset: String, path: String)], folder: String, dialect: Dialect,
                              force: Bool) throws -> String {
        let plan = try LinkagePlan.load(path: planPath)
        guard plan.method == .cascade else {
            throw PathlinkError(.usage, file: planPath, problem: "--emit-sql writes the cascade only; this plan says method: \(plan.method.rawValue)",
                                remedy: "run `pathlink link` without --emit-sql, or use a plan with method: cascade")
        }
        let inputs = try Linker.checkedInputs(inputs, plan: plan)
        let described = try inputs.map { try Input.fromReceipt(dataset: $0.dataset, path: $0.path) }
        let path = FilePath.join(folder, "link.sql")
        if !FilePath.isDirectory(folder) {
            throw PathlinkError(.usage, file: folder, problem: "the output folder does not exist",
                                remedy: "run `pathlink rekey --output \(folder)` first: the script runs on the files it writes there")
        }
        try FilePath.writeAtomically(render(plan: plan, inputs: described), to: path, force: force)
        return path
    }

    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    static func column(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The script for `plan` over `inputs` (one per dataset the plan links).
    package static func render(plan: LinkagePlan, inputs: [Input], behaviour: Behaviour = Behaviour()) -> String {
        let inputs = inputs.sorted { $0.dataset < $1.dataset }
        var number: [String: Int] = [:]
        for (index, input) in inputs.enumerated() { number[input.dataset] = index }
        let input = Dictionary(uniqueKeysWithValues: inputs.map { ($0.dataset, $0) })
        var sql = """
        -- Linkage plan \(plan.project): link's cascade method as SQL (DuckDB), written by
        -- `pathlink link --emit-sql duckdb`. Run it from the folder where `pathlink rekey`
        -- wrote the re-keyed token files: `duckdb < link.sql`. See docs/scaling.md.
        --
        -- The linker's secret file (the one given to `pathlink rekey --secret` and
        -- `pathlink link --secret`): research ids are a keyed hash under it. Set its path here.
        SET VARIABLE \(secretVariable) = 'linker-secret.key';

        SET preserve_insertion_order = true;

        """
        sql += "\n-- The re-keyed token files; gid numbers records as link does (datasets by name, then row).\n"
        var base = "0"
        for input in inputs {
            let table = "d\(number[input.dataset]!)"
            sql += "CREATE TEMP TABLE \(table) AS SELECT \(base) + \(column(RekeyedTokens.rowColumn))::BIGINT AS gid, \(column(RekeyedTokens.rowColumn))::BIGINT AS \(column(RekeyedTokens.rowColumn)), * EXCLUDE (\(column(RekeyedTokens.rowColumn)))\n"
            sql += "  FROM read_csv(\(literal(RekeyedTokens.fileName(input.dataset))), header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true);\n"
            base += " + (SELECT count(*) FROM \(table))"
        }
        sql += "CREATE TEMP TABLE pl_datasets (ds INTEGER, name VARCHAR);\n"
        sql += "INSERT INTO pl_datasets VALUES " + inputs.map { "(\(number[$0.dataset]!), \(literal($0.dataset)))" }.joined(separator: ", ") + ";\n"
        sql += "-- Every record's cluster: root is the least gid of the cluster.\n"
        sql += "CREATE TEMP TABLE comp AS\n"
        sql += inputs.map { "  SELECT gid, \(number[$0.dataset]!) AS ds, gid AS root FROM d\(number[$0.dataset]!)" }.joined(separator: "\n  UNION ALL\n") + ";\n"

        // Step 1.
        sql += "\n-- Step 1: within a dataset, records sharing a person identifier or the first match key.\n"
        var within: [String] = []
        for input in inputs {
            var columns = input.columns(.person)
            if let first = plan.matchKeys.first, let key = input.keyColumn(first.name), key.role == .matchKey { columns.append(key) }
            for key in columns {
                within.append("SELECT gid AS a, min(gid) OVER (PARTITION BY \(column(key.name))) AS b FROM d\(number[input.dataset]!) WHERE \(column(key.name)) IS NOT NULL")
            }
        }
        if !within.isEmpty { sql += merge(within.joined(separator: "\n  UNION ALL ")) }

        // Step 2.
        sql += "\n-- Step 2: reference links, in plan order.\n"
        for link in plan.links {
            guard let from = input[link.from], let to = input[link.to] else { continue }
            let a = "d\(number[link.from]!)", b = "d\(number[link.to]!)"
            for domain in link.by where domain != "person" {
                let fromColumns = from.identifierColumns(domain: domain), toColumns = to.identifierColumns(domain: domain)
                sql += "-- \(link.from) -> \(link.to) by \(domain)\n"
                guard !fromColumns.isEmpty, !toColumns.isEmpty else { continue }
                let pairs = fromColumns.flatMap { left in
                    toColumns.map { right in "SELECT x.gid AS a, y.gid AS b FROM \(a) x JOIN \(b) y ON x.\(column(left.name)) = y.\(column(right.name))" }
                }
                sql += "CREATE OR REPLACE TEMP TABLE pl_pairs AS SELECT DISTINCT a, b FROM (\(pairs.joined(separator: " UNION ALL ")));\n"
                if (fromColumns + toColumns).allSatisfy({ $0.role == .person }) {
                    sql += merge("SELECT a, b FROM pl_pairs")
                    continue
                }
                let confirms = link.confirm.filter { from.keyColumn($0) != nil && to.keyColumn($0) != nil }
                guard !confirms.isEmpty else { continue }
                let refutes = link.refute.filter { from.keyColumn($0) != nil && to.keyColumn($0) != nil }
                var condition = "(" + confirms.map { "coalesce(x.\(column($0)) = y.\(column($0)), false)" }.joined(separator: " OR ") + ")"
                if !refutes.isEmpty {
                    // Refuted: both records have one of the keys and none they both have agrees.
                    let compared = refutes.map { "(x.\(column($0)) IS NOT NULL AND y.\(column($0)) IS NOT NULL)" }.joined(separator: " OR ")
                    let same = refutes.map { "coalesce(x.\(column($0)) = y.\(column($0)), false)" }.joined(separator: " OR ")
                    condition += "\n    AND NOT ((\(compared)) AND NOT (\(same)))"
                }
                let confirmed = "SELECT p.a, p.b FROM pl_pairs p JOIN \(a) x ON x.gid = p.a JOIN \(b) y ON y.gid = p.b\n  WHERE \(condition)"
                if behaviour.confirmedReferencesUnique {
                    sql += """
                    CREATE OR REPLACE TEMP TABLE pl_candidates AS
                      SELECT DISTINCT ca.root AS a, cb.root AS b FROM (\(confirmed)) e
                      JOIN comp ca ON ca.gid = e.a JOIN comp cb ON cb.gid = e.b WHERE ca.root <> cb.root;

                    """
                    sql += merge(uniquePartners("pl_candidates"))
                } else {
                    sql += merge(confirmed)
                }
            }
        }

        // Step 3.
        sql += "\n-- Step 3: the match-key cascade, key by key (plan order), link by link.\n"
        for key in plan.matchKeys {
            for link in plan.links where link.by.contains("person") {
                guard let from = input[link.from], let to = input[link.to],
                      let left = from.keyColumn(key.name), left.role == .matchKey,
                      let right = to.keyColumn(key.name), right.role == .matchKey else {
                    sql += "-- \(key.name): \(link.from) -> \(link.to): a dataset has no \(key.name) column\n"
                    continue
                }
                let a = number[link.from]!, b = number[link.to]!
                sql += "-- \(key.name): \(link.from) -> \(link.to)\n"
                sql += "CREATE OR REPLACE TEMP TABLE pl_candidates AS\n"
                sql += "  WITH l AS (\(side(table: "d\(a)", key: key.name, excludingLinkedTo: b))),\n"
                sql += "       r AS (\(side(table: "d\(b)", key: key.name, excludingLinkedTo: a)))\n"
                sql += "  SELECT DISTINCT l.root AS a, r.root AS b FROM l JOIN r USING (token) WHERE l.roots = 1 AND r.roots = 1;\n"
                sql += merge(uniquePartners("pl_candidates"))
                if behaviour.recoversSplitClusters, key.fields.contains(where: { $0 == .forename || $0 == .forenameNickname }) {
                    sql += "-- \(key.name): \(link.from) -> \(link.to), split clusters: every cluster, one side not yet linked to the other\n"
                    sql += "CREATE OR REPLACE TEMP TABLE pl_candidates AS\n"
                    sql += "  WITH l AS (\(side(table: "d\(a)", key: key.name, excludingLinkedTo: nil))),\n"
                    sql += "       r AS (\(side(table: "d\(b)", key: key.name, excludingLinkedTo: nil)))\n"
                    sql += "  SELECT DISTINCT l.root AS a, r.root AS b FROM l JOIN r USING (token)\n"
                    sql += "   WHERE l.roots = 1 AND r.roots = 1 AND l.root <> r.root\n"
                    sql += "     AND (l.root NOT IN (SELECT root FROM comp WHERE ds = \(b)) OR r.root NOT IN (SELECT root FROM comp WHERE ds = \(a)));\n"
                    sql += merge(uniquePartners("pl_candidates"))
                }
            }
        }

        // Research ids and the per-dataset tables.
        sql += """

        -- Research ids: records in the order of HMAC-SHA256(K, dataset ‖ 0 ‖ row as 8 bytes
        -- big-endian) (first 8 bytes), K = HMAC-SHA256(secret, 'pathlink/link/research-ids');
        -- persons in the order of their first record (docs/link.md "Research ids").
        CREATE TEMP TABLE pl_secret AS
          SELECT lower(regexp_replace(content, '\\r?\\n$', '')) AS hex FROM read_text(getvariable('\(secretVariable)'));
        SELECT CASE WHEN NOT regexp_full_match(hex, '([0-9a-f][0-9a-f]){32,}')
                    THEN error('the secret file is not 64 or more hexadecimal digits (an even number); check \(secretVariable) at the top of link.sql') END
          FROM pl_secret;
        CREATE OR REPLACE TEMP MACRO pl_block(key_hex) AS
          rpad(CASE WHEN length(key_hex) > 128 THEN sha256(from_hex(key_hex)) ELSE key_hex END, 128, '0');
        CREATE OR REPLACE TEMP MACRO pl_xor(block, pad) AS
          from_hex(\((0..<8).map { "lpad(to_hex(xor(('0x' || substr(block, \($0 * 16 + 1), 16))::UBIGINT, pad::UBIGINT)), 16, '0')" }.joined(separator: "\n            || ")));
        CREATE OR REPLACE TEMP MACRO pl_hmac(key_hex, message) AS
          sha256(pl_xor(pl_block(key_hex), 6655295901103053916) || from_hex(sha256(pl_xor(pl_block(key_hex), 3906369333256140342) || message)));
        CREATE TEMP TABLE pl_key AS
          SELECT pl_xor(pl_block(k), 3906369333256140342) AS inner_pad, pl_xor(pl_block(k), 6655295901103053916) AS outer_pad
          FROM (SELECT pl_hmac(hex, encode('pathlink/link/research-ids')) AS k FROM pl_secret);
        DROP TABLE pl_secret;
        CREATE TEMP TABLE pl_hash AS
        """
        sql += "\n" + inputs.map { item in
            let table = "d\(number[item.dataset]!)"
            return "  SELECT gid, ('0x' || substr(sha256(k.outer_pad || from_hex(sha256(k.inner_pad || encode(\(literal(item.dataset))) || from_hex('00')"
                + " || from_hex(lpad(to_hex(\(column(RekeyedTokens.rowColumn))), 16, '0'))))), 1, 16))::UBIGINT AS h FROM \(table), pl_key k"
        }.joined(separator: "\n  UNION ALL\n") + ";\n"
        sql += """
        DROP TABLE pl_key;
        CREATE TEMP TABLE pl_rank AS SELECT gid, row_number() OVER (ORDER BY h, gid) - 1 AS rank FROM pl_hash;
        CREATE TEMP TABLE pl_person AS
          SELECT c.root, row_number() OVER (ORDER BY min(r.rank)) - 1 AS person FROM comp c JOIN pl_rank r USING (gid) GROUP BY c.root;
        CREATE TEMP TABLE pl_ids AS
          SELECT c.gid, r.rank,
                 'R' || lpad((r.rank + 1)::VARCHAR, greatest(6, length((SELECT count(*) FROM comp)::VARCHAR))::INTEGER, '0') AS record_id,
                 'P' || lpad((p.person + 1)::VARCHAR, greatest(6, length((SELECT count(*) FROM pl_person)::VARCHAR))::INTEGER, '0') AS person_id
            FROM comp c JOIN pl_rank r USING (gid) JOIN pl_person p ON p.root = c.root;

        -- The per-dataset tables of the linked folder.

        """
        for input in inputs {
            let attributes = input.columns(.attribute).map { ", x." + column($0.name) }.joined()
            sql += "COPY (SELECT i.record_id, i.person_id\(attributes) FROM d\(number[input.dataset]!) x JOIN pl_ids i USING (gid) ORDER BY i.rank)\n"
            sql += "  TO \(literal(input.dataset + ".csv")) (HEADER, DELIMITER ',');\n"
        }
        return sql
    }

    /// One side of a cascade step: per token, its clusters' least root and how many clusters
    /// it names, over clusters with no record of dataset `other` (nil: every cluster).
    private static func side(table: String, key: String, excludingLinkedTo other: Int?) -> String {
        let exclusion = other.map { " AND c.root NOT IN (SELECT root FROM comp WHERE ds = \($0))" } ?? ""
        return "SELECT x.\(column(key)) AS token, min(c.root) AS root, count(DISTINCT c.root) AS roots FROM \(table) x JOIN comp c ON c.gid = x.gid"
            + " WHERE x.\(column(key)) IS NOT NULL\(exclusion) GROUP BY x.\(column(key))"
    }

    /// The candidate cluster pairs `(a, b)` of `table` whose clusters have no other partner
    /// (a as the first side, b as the second), as ``PersonLinker`` accepts them.
    private static func uniquePartners(_ table: String) -> String {
        "SELECT a, b FROM \(table) WHERE a IN (SELECT a FROM \(table) GROUP BY a HAVING count(DISTINCT b) = 1)"
            + " AND b IN (SELECT b FROM \(table) GROUP BY b HAVING count(DISTINCT a) = 1)"
    }

    /// Merge the clusters joined by the record or root pairs `(a, b)` of `edges`: connected
    /// components (each node labelled with the least root it reaches), then every record
    /// relabelled.
    private static func merge(_ edges: String) -> String {
        """
        CREATE OR REPLACE TEMP TABLE pl_edges AS
          SELECT DISTINCT ca.root AS a, cb.root AS b FROM (\(edges)) e
          JOIN comp ca ON ca.gid = e.a JOIN comp cb ON cb.gid = e.b WHERE ca.root <> cb.root;
        CREATE OR REPLACE TEMP TABLE pl_label AS
          WITH RECURSIVE e AS (SELECT a, b FROM pl_edges UNION SELECT b, a FROM pl_edges),
          walk(node, label) AS (SELECT a, a FROM e UNION SELECT e.b, walk.label FROM walk JOIN e ON e.a = walk.node WHERE walk.label < e.b)
          SELECT node, min(label) AS label FROM walk GROUP BY node;
        CREATE OR REPLACE TEMP TABLE comp AS
          SELECT c.gid, c.ds, coalesce(l.label, c.root) AS root FROM comp c LEFT JOIN pl_label l ON l.node = c.root;

        """
    }
}
