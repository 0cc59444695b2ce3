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
        case duckdb, spark
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
    package static let secretVariable = "pathlink_linker_key_file"
    /// The Spark script's default secret file: Spark redacts setting values that hold
    /// "secret", "token" or "password", which would make the path unreadable.
    package static let sparkSecretFile = "linker.key"

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
        try FilePath.writeAtomically(render(plan: plan, inputs: described, dialect: dialect), to: path, force: force)
        return path
    }

    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    static func column(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Rounds of label propagation (each with pointer jumping) the Spark script gives one
    /// merge's connected components; it stops with an error if they did not converge. A
    /// round at least halves the longest path left, so 8 rounds cover chains of 256 clusters.
    static let sparkRounds = 8

    /// The script being written: statements, and for Spark the version of each table. Spark
    /// gets parquet tables in its warehouse folder (`spark-warehouse/` in DIR when run
    /// locally), each rewrite under a new name: a cached view of a view of a view … would
    /// make Spark analyse the whole chain of earlier steps at every step.
    private final class Script {
        let dialect: Dialect
        var text = ""
        private var versions: [String: Int] = [:]
        /// Spark tables to drop at the end.
        private(set) var created: [String] = []

        init(dialect: Dialect) { self.dialect = dialect }

        /// A column name, quoted for the dialect.
        func q(_ name: String) -> String {
            switch dialect {
            case .duckdb: return LinkSQL.column(name)
            case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
            }
        }

        /// The table's current name.
        func t(_ name: String) -> String {
            switch dialect {
            case .duckdb: return name
            case .spark: return versions[name].map { "\(name)_\($0)" } ?? name
            }
        }

        /// (Re)create table `name` from `select` (which may read its previous version).
        func table(_ name: String, _ select: String) {
            switch dialect {
            case .duckdb:
                text += "CREATE OR REPLACE TEMP TABLE \(name) AS\n  \(select);\n"
            case .spark:
                let previous = versions[name]
                let version = (previous ?? -1) + 1
                versions[name] = version
                persist("\(name)_\(version)", select)
                if let previous {
                    text += "DROP TABLE \(name)_\(previous);\n"
                    created.removeAll { $0 == "\(name)_\(previous)" }
                }
            }
        }

        /// Spark: a parquet table `name` from `select`.
        func persist(_ name: String, _ select: String) {
            text += "DROP TABLE IF EXISTS \(name);\nCREATE TABLE \(name) USING parquet AS\n  \(select);\n"
            created.append(name)
        }

        func comment(_ line: String) { text += "-- \(line)\n" }
    }

    /// The script for `plan` over `inputs` (one per dataset the plan links).
    package static func render(plan: LinkagePlan, inputs: [Input], dialect: Dialect = .duckdb, behaviour: Behaviour = Behaviour()) -> String {
        let inputs = inputs.sorted { $0.dataset < $1.dataset }
        var number: [String: Int] = [:]
        for (index, input) in inputs.enumerated() { number[input.dataset] = index }
        let input = Dictionary(uniqueKeysWithValues: inputs.map { ($0.dataset, $0) })
        let s = Script(dialect: dialect)
        let q = s.q
        let row = q(RekeyedTokens.rowColumn)
        switch dialect {
        case .duckdb:
            s.text = """
            -- Linkage plan \(plan.project): link's cascade method as SQL (DuckDB), written by
            -- `pathlink link --emit-sql duckdb`. Run it from the folder where `pathlink rekey`
            -- wrote the re-keyed token files: `duckdb < link.sql`. See docs/scaling.md.
            --
            -- The linker's secret file (the one given to `pathlink rekey --secret` and
            -- `pathlink link --secret`): research ids are a keyed hash under it. Set its path here.
            SET VARIABLE \(secretVariable) = 'linker-secret.key';

            SET preserve_insertion_order = true;

            """
        case .spark:
            s.text = """
            -- Linkage plan \(plan.project): link's cascade method as Spark SQL (Spark 4; tested with 4.3),
            -- written by `pathlink link --emit-sql spark`. Run it from the folder where
            -- `pathlink rekey` wrote the re-keyed token files (the files must be readable at
            -- the same relative paths by every executor), one statement at a time in order:
            -- `spark-sql -f link.sql`, or Benchmarks/sql/spark.py. See docs/scaling.md.
            --
            -- The linker's secret file (the one given to `pathlink rekey --secret` and
            -- `pathlink link --secret`): research ids are a keyed hash under it. Set its path
            -- here (the value runs to the semicolon; spark.sql.variable.substitute must be on,
            -- as it is by default). Spark hides a setting whose value holds "secret", "token" or
            -- "password", so the path must not: the default is linker.key.
            SET \(secretVariable)=\(sparkSecretFile);

            """
        }
        s.text += "\n-- The re-keyed token files; gid numbers records as link does (datasets by name, then row).\n"
        var base = "0"
        for input in inputs {
            let table = "d\(number[input.dataset]!)"
            let file = literal(RekeyedTokens.fileName(input.dataset))
            switch dialect {
            case .duckdb:
                s.text += "CREATE TEMP TABLE \(table) AS SELECT \(base) + \(row)::BIGINT AS gid, \(row)::BIGINT AS \(row), * EXCLUDE (\(row))\n"
                s.text += "  FROM read_csv(\(file), header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true);\n"
            case .spark:
                s.text += "CREATE OR REPLACE TEMPORARY VIEW \(table)_file USING csv OPTIONS (path \(file), header 'true', quote '\"', escape '\"');\n"
                s.persist(table, "SELECT \(base) + CAST(\(row) AS BIGINT) AS gid, * FROM \(table)_file")
            }
            base += " + (SELECT count(*) FROM \(table))"
        }
        s.comment("Every record's cluster: root is the least gid of the cluster.")
        s.table("comp", inputs.map { "SELECT gid, \(number[$0.dataset]!) AS ds, gid AS root FROM d\(number[$0.dataset]!)" }.joined(separator: "\n  UNION ALL "))

        // Step 1.
        s.text += "\n-- Step 1: within a dataset, records sharing a person identifier or the first match key.\n"
        var within: [String] = []
        for input in inputs {
            var columns = input.columns(.person)
            if let first = plan.matchKeys.first, let key = input.keyColumn(first.name), key.role == .matchKey { columns.append(key) }
            for key in columns {
                within.append("SELECT gid AS a, min(gid) OVER (PARTITION BY \(q(key.name))) AS b FROM d\(number[input.dataset]!) WHERE \(q(key.name)) IS NOT NULL")
            }
        }
        if !within.isEmpty { merge(s, within.joined(separator: "\n  UNION ALL "), pairsOnly: false) }

        // Step 2.
        s.text += "\n-- Step 2: reference links, in plan order.\n"
        for link in plan.links {
            guard let from = input[link.from], let to = input[link.to] else { continue }
            let a = "d\(number[link.from]!)", b = "d\(number[link.to]!)"
            for domain in link.by where domain != "person" {
                let fromColumns = from.identifierColumns(domain: domain), toColumns = to.identifierColumns(domain: domain)
                s.comment("\(link.from) -> \(link.to) by \(domain)")
                guard !fromColumns.isEmpty, !toColumns.isEmpty else { continue }
                let pairs = fromColumns.flatMap { left in
                    toColumns.map { right in "SELECT x.gid AS a, y.gid AS b FROM \(a) x JOIN \(b) y ON x.\(q(left.name)) = y.\(q(right.name))" }
                }
                s.table("pl_pairs", "SELECT DISTINCT a, b FROM (\(pairs.joined(separator: " UNION ALL "))) p")
                if (fromColumns + toColumns).allSatisfy({ $0.role == .person }) {
                    merge(s, "SELECT a, b FROM \(s.t("pl_pairs"))", pairsOnly: false)
                    continue
                }
                let confirms = link.confirm.filter { from.keyColumn($0) != nil && to.keyColumn($0) != nil }
                guard !confirms.isEmpty else { continue }
                let refutes = link.refute.filter { from.keyColumn($0) != nil && to.keyColumn($0) != nil }
                var condition = "(" + confirms.map { "coalesce(x.\(q($0)) = y.\(q($0)), false)" }.joined(separator: " OR ") + ")"
                if !refutes.isEmpty {
                    // Refuted: both records have one of the keys and none they both have agrees.
                    let compared = refutes.map { "(x.\(q($0)) IS NOT NULL AND y.\(q($0)) IS NOT NULL)" }.joined(separator: " OR ")
                    let same = refutes.map { "coalesce(x.\(q($0)) = y.\(q($0)), false)" }.joined(separator: " OR ")
                    condition += "\n    AND NOT ((\(compared)) AND NOT (\(same)))"
                }
                let confirmed = "SELECT p.a, p.b FROM \(s.t("pl_pairs")) p JOIN \(a) x ON x.gid = p.a JOIN \(b) y ON y.gid = p.b\n  WHERE \(condition)"
                if behaviour.confirmedReferencesUnique {
                    let comp = s.t("comp")
                    s.table("pl_candidates", "SELECT DISTINCT ca.root AS a, cb.root AS b FROM (\(confirmed)) e\n  JOIN \(comp) ca ON ca.gid = e.a JOIN \(comp) cb ON cb.gid = e.b WHERE ca.root <> cb.root")
                    merge(s, uniquePartners(s.t("pl_candidates")), pairsOnly: false)
                } else {
                    merge(s, confirmed, pairsOnly: false)
                }
            }
        }

        // Step 3.
        s.text += "\n-- Step 3: the match-key cascade, key by key (plan order), link by link.\n"
        for key in plan.matchKeys {
            for link in plan.links where link.by.contains("person") {
                guard let from = input[link.from], let to = input[link.to],
                      let left = from.keyColumn(key.name), left.role == .matchKey,
                      let right = to.keyColumn(key.name), right.role == .matchKey else {
                    s.comment("\(key.name): \(link.from) -> \(link.to): a dataset has no \(key.name) column")
                    continue
                }
                let a = number[link.from]!, b = number[link.to]!
                s.comment("\(key.name): \(link.from) -> \(link.to)")
                s.table("pl_candidates", "WITH l AS (\(side(s, table: "d\(a)", key: key.name, excludingLinkedTo: b))),\n"
                    + "       r AS (\(side(s, table: "d\(b)", key: key.name, excludingLinkedTo: a)))\n"
                    + "  SELECT DISTINCT l.root AS a, r.root AS b FROM l JOIN r ON l.token = r.token WHERE l.roots = 1 AND r.roots = 1")
                // The clusters of one side have a record of `a` and none of `b`, the other's the
                // reverse: unique partners form pairs, whose components need no iteration.
                merge(s, uniquePartners(s.t("pl_candidates")), pairsOnly: true)
                if behaviour.recoversSplitClusters, key.fields.contains(where: { $0 == .forename || $0 == .forenameNickname }) {
                    s.comment("\(key.name): \(link.from) -> \(link.to), split clusters: every cluster, one side not yet linked to the other")
                    let comp = s.t("comp")
                    s.table("pl_candidates", "WITH l AS (\(side(s, table: "d\(a)", key: key.name, excludingLinkedTo: nil))),\n"
                        + "       r AS (\(side(s, table: "d\(b)", key: key.name, excludingLinkedTo: nil))),\n"
                        + "       m AS (SELECT root, max(CASE WHEN ds = \(a) THEN 1 ELSE 0 END) AS has_a, max(CASE WHEN ds = \(b) THEN 1 ELSE 0 END) AS has_b FROM \(comp) GROUP BY root)\n"
                        + "  SELECT DISTINCT l.root AS a, r.root AS b FROM l JOIN r ON l.token = r.token JOIN m ml ON ml.root = l.root JOIN m mr ON mr.root = r.root\n"
                        + "   WHERE l.roots = 1 AND r.roots = 1 AND l.root <> r.root AND (ml.has_b = 0 OR mr.has_a = 0)")
                    // A cluster with records of both datasets can be on both sides: chains.
                    merge(s, uniquePartners(s.t("pl_candidates")), pairsOnly: false)
                }
            }
        }
        researchIDs(s, inputs: inputs, number: number)
        return s.text
    }

    /// Research ids and the per-dataset tables.
    private static func researchIDs(_ s: Script, inputs: [Input], number: [String: Int]) {
        let q = s.q, row = q(RekeyedTokens.rowColumn)
        s.text += """

        -- Research ids: records in the order of HMAC-SHA256(K, dataset ‖ 0 ‖ row as 8 bytes
        -- big-endian) (first 8 bytes), K = HMAC-SHA256(secret, 'pathlink/link/research-ids'),
        -- persons in the order of their first record (docs/link.md "Research ids").

        """
        let hashes: [String]
        switch s.dialect {
        case .duckdb:
            s.text += """
            CREATE TEMP TABLE pl_secret AS
              SELECT lower(regexp_replace(content, '\\r?\\n$', '')) AS hex FROM read_text(getvariable('\(secretVariable)'));
            SELECT CASE WHEN NOT regexp_full_match(hex, '([0-9a-f][0-9a-f]){32,}')
                        THEN error('the secret file is not 64 or more hexadecimal digits (an even number); check \(secretVariable) at the top of link.sql') END
              FROM pl_secret;
            CREATE OR REPLACE TEMP MACRO pl_block(key_hex) AS
              rpad(CASE WHEN length(key_hex) > 128 THEN sha256(from_hex(key_hex)) ELSE key_hex END, 128, '0');
            CREATE OR REPLACE TEMP MACRO pl_xor(block, pad) AS
              from_hex(\((0..<8).map { "lpad(to_hex(xor(('0x' || substr(block, \($0 * 16 + 1), 16))::UBIGINT, pad::UBIGINT)), 16, '0')" }.joined(separator: "\n        || ")));
            CREATE OR REPLACE TEMP MACRO pl_hmac(key_hex, message) AS
              sha256(pl_xor(pl_block(key_hex), 6655295901103053916) || from_hex(sha256(pl_xor(pl_block(key_hex), 3906369333256140342) || message)));
            CREATE TEMP TABLE pl_key AS
              SELECT pl_xor(pl_block(k), 3906369333256140342) AS inner_pad, pl_xor(pl_block(k), 6655295901103053916) AS outer_pad
              FROM (SELECT pl_hmac(hex, encode('pathlink/link/research-ids')) AS k FROM pl_secret);
            DROP TABLE pl_secret;

            """
            hashes = inputs.map { item in
                "SELECT gid, ('0x' || substr(sha256(k.outer_pad || from_hex(sha256(k.inner_pad || encode(\(literal(item.dataset))) || from_hex('00')"
                    + " || from_hex(lpad(to_hex(\(row)), 16, '0'))))), 1, 16))::UBIGINT AS h FROM d\(number[item.dataset]!), pl_key k"
            }
        case .spark:
            // 64-byte blocks are XORed with the pads four bytes at a time (Spark has no XOR of
            // binaries); the hash's first 16 hex digits order as its first 8 bytes.
            func xor(_ block: String, _ pad: UInt32) -> String {
                "unhex(concat(" + (0..<16).map { "lpad(hex(CAST(conv(substr(\(block), \($0 * 8 + 1), 8), 16, 10) AS BIGINT) ^ \(pad)), 8, '0')" }
                    .joined(separator: ",\n    ") + "))"
            }
            let inner: UInt32 = 0x3636_3636, outer: UInt32 = 0x5C5C_5C5C
            s.text += """
            CREATE OR REPLACE TEMPORARY VIEW pl_secret_file USING text OPTIONS (path '${\(secretVariable)}');
            CACHE TABLE pl_secret AS SELECT lower(trim(value)) AS hex FROM pl_secret_file WHERE trim(value) <> '';
            SELECT raise_error('the secret file is not one line of 64 or more hexadecimal digits (an even number); check \(secretVariable) at the top of link.sql')
              FROM (SELECT count(*) AS n, max(hex) AS hex FROM pl_secret) s WHERE n <> 1 OR NOT (hex RLIKE '^([0-9a-f][0-9a-f]){32,}$');
            CACHE TABLE pl_block AS
              SELECT rpad(CASE WHEN length(hex) > 128 THEN sha2(unhex(hex), 256) ELSE hex END, 128, '0') AS block FROM pl_secret;
            CACHE TABLE pl_derived AS
              SELECT rpad(sha2(concat(\(xor("block", outer)),
                unhex(sha2(concat(\(xor("block", inner)), encode('pathlink/link/research-ids', 'UTF-8')), 256))), 256), 128, '0') AS block FROM pl_block;
            CACHE TABLE pl_key AS SELECT \(xor("block", inner)) AS inner_pad,
              \(xor("block", outer)) AS outer_pad FROM pl_derived;
            UNCACHE TABLE pl_secret;
            UNCACHE TABLE pl_block;
            UNCACHE TABLE pl_derived;

            """
            hashes = inputs.map { item in
                "SELECT gid, substr(sha2(concat(k.outer_pad, unhex(sha2(concat(k.inner_pad, encode(\(literal(item.dataset)), 'UTF-8'), unhex('00'),"
                    + " unhex(lpad(hex(CAST(\(row) AS BIGINT)), 16, '0'))), 256))), 256), 1, 16) AS h FROM d\(number[item.dataset]!) CROSS JOIN pl_key k"
            }
        }
        let comp = s.t("comp")
        s.table("pl_hash", hashes.joined(separator: "\n  UNION ALL "))
        s.table("pl_rank", "SELECT gid, row_number() OVER (ORDER BY h, gid) - 1 AS \(q("rank")) FROM \(s.t("pl_hash"))")
        s.table("pl_person", "SELECT root, row_number() OVER (ORDER BY first_rank) - 1 AS person\n"
            + "  FROM (SELECT c.root, min(r.\(q("rank"))) AS first_rank FROM \(comp) c JOIN \(s.t("pl_rank")) r ON r.gid = c.gid GROUP BY c.root) f")
        let text = s.dialect == .duckdb ? "VARCHAR" : "STRING"
        s.table("pl_ids", "SELECT c.gid, r.\(q("rank")),\n"
            + "         'R' || lpad(CAST(r.\(q("rank")) + 1 AS \(text)), CAST(greatest(6, length(CAST((SELECT count(*) FROM \(comp)) AS \(text)))) AS INTEGER), '0') AS record_id,\n"
            + "         'P' || lpad(CAST(p.person + 1 AS \(text)), CAST(greatest(6, length(CAST((SELECT count(*) FROM \(s.t("pl_person"))) AS \(text)))) AS INTEGER), '0') AS person_id\n"
            + "    FROM \(comp) c JOIN \(s.t("pl_rank")) r ON r.gid = c.gid JOIN \(s.t("pl_person")) p ON p.root = c.root")
        s.text += "\n-- The per-dataset tables of the linked folder.\n"
        let ids = s.t("pl_ids")
        for input in inputs {
            let attributes = input.columns(.attribute).map { ", x." + q($0.name) }.joined()
            let select = "SELECT i.record_id, i.person_id\(attributes) FROM d\(number[input.dataset]!) x JOIN \(ids) i ON i.gid = x.gid"
            switch s.dialect {
            case .duckdb:
                s.text += "COPY (\(select) ORDER BY i.rank)\n  TO \(literal(input.dataset + ".csv")) (HEADER, DELIMITER ',');\n"
            case .spark:
                // One partition, sorted: one part file in the folder, rows in research-id order.
                s.text += "INSERT OVERWRITE DIRECTORY \(literal(input.dataset)) USING csv OPTIONS (header 'true', quote '\"', escape '\"')\n"
                    + "  SELECT record_id, person_id\(input.columns(.attribute).map { ", " + q($0.name) }.joined()) FROM (\(select.replacingOccurrences(of: "SELECT i.record_id", with: "SELECT i.\(q("rank")), i.record_id"))) o\n"
                    + "  DISTRIBUTE BY 0 SORT BY \(q("rank"));\n"
            }
        }
        if s.dialect == .spark {
            s.text += "\n-- The working tables (the key material was only ever cached in memory).\nUNCACHE TABLE pl_key;\n"
            for table in s.created { s.text += "DROP TABLE \(table);\n" }
        }
    }

    /// One side of a cascade step: per token, its clusters' least root and how many clusters
    /// it names, over clusters with no record of dataset `other` (nil: every cluster).
    private static func side(_ s: Script, table: String, key: String, excludingLinkedTo other: Int?) -> String {
        let comp = s.t("comp"), q = s.q
        let exclusion = other.map { " AND NOT EXISTS (SELECT 1 FROM \(comp) o WHERE o.root = c.root AND o.ds = \($0))" } ?? ""
        return "SELECT x.\(q(key)) AS token, min(c.root) AS root, count(DISTINCT c.root) AS roots FROM \(table) x JOIN \(comp) c ON c.gid = x.gid"
            + " WHERE x.\(q(key)) IS NOT NULL\(exclusion) GROUP BY x.\(q(key))"
    }

    /// The candidate cluster pairs `(a, b)` of `table` whose clusters have no other partner
    /// (a as the first side, b as the second), as ``PersonLinker`` accepts them.
    private static func uniquePartners(_ table: String) -> String {
        "SELECT a, b FROM \(table) WHERE a IN (SELECT a FROM \(table) GROUP BY a HAVING count(DISTINCT b) = 1)"
            + " AND b IN (SELECT b FROM \(table) GROUP BY b HAVING count(DISTINCT a) = 1)"
    }

    /// Merge the clusters joined by the record or root pairs `(a, b)` of `edges`: connected
    /// components (each cluster labelled with the least root it reaches), then every record
    /// relabelled. `pairsOnly`: no cluster is in two edges, so each edge is a component.
    private static func merge(_ s: Script, _ edges: String, pairsOnly: Bool) {
        let comp = s.t("comp")
        s.table("pl_edges", "SELECT DISTINCT ca.root AS a, cb.root AS b FROM (\(edges)) e\n  JOIN \(comp) ca ON ca.gid = e.a JOIN \(comp) cb ON cb.gid = e.b WHERE ca.root <> cb.root")
        let edgeTable = s.t("pl_edges")
        if pairsOnly {
            s.table("pl_label", "SELECT a AS node, least(a, b) AS label FROM \(edgeTable) UNION ALL SELECT b, least(a, b) FROM \(edgeTable)")
        } else {
            switch s.dialect {
            case .duckdb:
                s.table("pl_label", """
                WITH RECURSIVE e AS (SELECT a, b FROM pl_edges UNION SELECT b, a FROM pl_edges),
                  walk(node, label) AS (SELECT a, a FROM e UNION SELECT e.b, walk.label FROM walk JOIN e ON e.a = walk.node WHERE walk.label < e.b)
                  SELECT node, min(label) AS label FROM walk GROUP BY node
                """)
            case .spark:
                // Label propagation with pointer jumping, a fixed number of rounds, then a check.
                s.table("pl_und", "SELECT a AS x, b AS y FROM \(edgeTable) UNION SELECT b, a FROM \(edgeTable) UNION SELECT a, a FROM \(edgeTable) UNION SELECT b, b FROM \(edgeTable)")
                let undirected = s.t("pl_und")
                s.table("pl_label", "SELECT x AS node, min(y) AS label FROM \(undirected) GROUP BY x")
                for _ in 1..<sparkRounds {
                    let label = s.t("pl_label")
                    s.table("pl_label", "WITH p AS (SELECT u.x AS node, min(l.label) AS label FROM \(undirected) u JOIN \(label) l ON l.node = u.y GROUP BY u.x)\n"
                        + "  SELECT p.node, h.label FROM p JOIN p h ON h.node = p.label")
                }
                let label = s.t("pl_label")
                s.text += "SELECT raise_error('connected components did not converge in \(sparkRounds) rounds: a chain of more than \(1 << sparkRounds) clusters; raise LinkSQL.sparkRounds')\n"
                    + "  FROM \(undirected) u JOIN \(label) l1 ON l1.node = u.x JOIN \(label) l2 ON l2.node = u.y WHERE l1.label <> l2.label LIMIT 1;\n"
            }
        }
        s.table("comp", "SELECT c.gid, c.ds, coalesce(l.label, c.root) AS root FROM \(comp) c LEFT JOIN \(s.t("pl_label")) l ON l.node = c.root")
    }
}
