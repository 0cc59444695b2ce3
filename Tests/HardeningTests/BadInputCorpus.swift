import Foundation
import PathlinkCore

/// One hostile or broken input and the `pathlink` command that must refuse it.
struct BadInput: CustomStringConvertible, Sendable {
    /// What is wrong, as the test list shows it.
    var name: String
    /// Files to write in the case's folder (name → bytes); `{world}` in a text is the shared run.
    var files: [(String, [UInt8])]
    /// The command line, run in the case's folder.
    var arguments: [String]
    /// Words the error must contain: the file, and the row/column or YAML line.
    var mentions: [String]
    /// What must not exist afterwards (relative to the case's folder).
    var output: String
    var description: String { name }
}

/// The canary marker: every planted canary contains it, so one case-insensitive search
/// (with and without spaces) finds any of them in any output or message.
let canaryMarker = "xqcanary"

/// A unique canary for a cell: letters only (it survives name normalisation), so a leak
/// shows up whether the value is copied raw or normalised.
func canary(_ index: Int, spaced: Bool = false) -> String {
    var letters = ""
    var rest = index
    repeat {
        letters.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(rest % 26))))
        rest /= 26
    } while rest > 0
    return spaced ? "Xq Canary \(letters.capitalized)" : "Xqcanary\(letters.capitalized)"
}

/// True when `text` holds a canary: case-insensitively, raw or with spaces removed.
func containsCanary(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.contains(canaryMarker) || lower.replacingOccurrences(of: " ", with: "").contains(canaryMarker)
        || lower.contains("xq canary")
}

func containsCanary(_ bytes: [UInt8]) -> Bool { containsCanary(String(decoding: bytes, as: UTF8.self)) }

enum Corpus {
    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    /// A police export: the header, `good` valid rows, then `damage` (raw bytes).
    static func police(_ damage: [UInt8], good: Int = 2, header: String = World.policeHeader) -> [UInt8] {
        var bytes = text(header + "\n")
        for index in 0..<good { bytes += text(World.policeRow(index) + "\n") }
        return bytes + damage
    }

    static func extract(_ name: String, _ csv: [UInt8], mentions: [String], manifest: String? = nil) -> BadInput {
        BadInput(name: "extract: " + name, files: [("police.csv", csv)],
                 arguments: ["extract", "--manifest", manifest ?? repositoryRoot + "/schemas/police/crimes.yaml",
                             "--input", "police.csv", "--output", "out.csv"],
                 mentions: ["police.csv"] + mentions, output: "out.csv")
    }

    // MARK: CSV damage (every class of issue 7), through `pathlink extract`

    static var csvDamage: [BadInput] {
        let c = canary(1)
        let row = { (notes: String) in text(World.policeRow(9, name: "\"\(c), Jane\"", notes: notes)) }
        var cases: [BadInput] = [
            extract("unbalanced quote", police(text("42/0,N9,\"\(c) never closed,1990-01-01\n")), mentions: ["row 4"]),
            extract("text after a closing quote", police(text("42/0,\"N9\"\(c),x\n")), mentions: ["row 4"]),
            extract("ragged row: too few fields", police(text("42/0,N9,\(c)\n")), mentions: ["row 4"]),
            extract("ragged row: too many fields", police(row(",\(c),extra") + text("\n")), mentions: ["row 4"]),
            extract("NUL byte in a field", police(row("a\u{0}\(c)") + text("\n")), mentions: ["row 4", "mo_notes"]),
            extract("invalid UTF-8 in a field", police(row(c) + [0xC3, 0x28, 0xFF] + text("\n")), mentions: ["row 4", "mo_notes"]),
            extract("a BOM in the middle", police(row(c + "\u{FEFF}") + text("\n")), mentions: ["row 4", "mo_notes"]),
            extract("mixed line endings", police(text(World.policeRow(7) + "\r\n") + row(c) + text("\n")), mentions: ["row"]),
            extract("a bare carriage return", police(row(c + "\rmore") + text("\n")), mentions: ["row"]),
            extract("empty file", [], mentions: []),
            extract("header only", text(World.policeHeader + "\n"), mentions: []),
            extract("header only, no newline", text(World.policeHeader), mentions: []),
            extract("duplicate header names", police([], header: World.policeHeader + ",mo_notes"), mentions: ["mo_notes"]),
            extract("a header name differing only in case",
                    police([], header: World.policeHeader.replacingOccurrences(of: "victim_name", with: "Victim_Name")),
                    mentions: ["victim_name"]),
            extract("a header name differing only in white space",
                    police([], header: World.policeHeader.replacingOccurrences(of: "victim_dob", with: " victim_dob ")),
                    mentions: ["victim_dob"]),
            extract("an undeclared column", police([], header: World.policeHeader + ",extra_column"), mentions: ["extra_column"]),
            extract("a missing column",
                    police([], header: World.policeHeader.replacingOccurrences(of: ",mo_notes", with: "")), mentions: ["mo_notes"]),
            extract("a 10 MB single field", police(row(c + String(repeating: "x", count: 10 << 20)) + text("\n")), mentions: ["row 4"]),
            extract("a 10 MB quoted field with line breaks",
                    police(row("\"" + c + String(repeating: "line\n", count: 2 << 20) + "\"") + text("\n")), mentions: ["row 4"]),
            extract("a million columns in the header",
                    text((0..<1_000_000).map { "c\($0)" }.joined(separator: ",") + "\n"), mentions: []),
            extract("a million columns in a row",
                    police(text(String(repeating: "\(c),", count: 1_000_000) + "\n")), mentions: ["row 4"]),
            extract("an extremely long line (20 MB, no line break)",
                    police(text(c) + [UInt8](repeating: UInt8(ascii: "y"), count: 20 << 20)), mentions: ["row 4"]),
            extract("a value outside the closed list",
                    police(text(World.policeRow(5).replacingOccurrences(of: ",Rape,", with: ",\(c),") + "\n")),
                    mentions: ["row 4", "offence_group"]),
            extract("a quasi date in no declared format",
                    police(text(World.policeRow(5).replacingOccurrences(of: "2021-02-01", with: "01/02/\(c)") + "\n")),
                    mentions: ["row 4", "date_reported"]),
            extract("input is a folder", [], mentions: []),
            extract("input does not exist", [], mentions: []),
        ]
        // The last two cases: replace the file by a folder, or point at a missing file.
        cases[cases.count - 2].files = []
        cases[cases.count - 2].arguments[4] = "."
        cases[cases.count - 2].mentions = []
        cases[cases.count - 1].files = []
        cases[cases.count - 1].arguments[4] = "absent.csv"
        cases[cases.count - 1].mentions = ["absent.csv"]
        return cases
    }

    // MARK: Manifests

    static func manifest(_ name: String, _ edit: (String) -> String, mentions: [String]) -> BadInput {
        let shipped = (try? FilePath.readText(repositoryRoot + "/schemas/police/crimes.yaml")) ?? ""
        var input = extract(name, police([]), mentions: [], manifest: "manifest.yaml")
        input.name = "manifest: " + name
        input.files.append(("manifest.yaml", text(edit(shipped))))
        input.mentions = ["manifest.yaml"] + mentions
        return input
    }

    /// "Billion laughs": nine levels of nine aliases, 9^9 (387 million) nodes once expanded.
    static func aliasBomb(first: String) -> String {
        var lines = [first, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static var manifests: [BadInput] {
        [
            manifest("unknown class", { $0.replacingOccurrences(of: "class: direct", with: "class: secret") }, mentions: ["line 44"]),
            manifest("duplicate column", { $0.replacingOccurrences(of: "  - name: officer_name", with: "  - name: mo_notes") },
                     mentions: ["mo_notes"]),
            manifest("bad regex", { $0.replacingOccurrences(of: "'^(\\d{2})", with: "'^((\\d{2})") }, mentions: ["line 18"]),
            manifest("template names a missing group", { $0.replacingOccurrences(of: "'$1/$2/$3'", with: "'$1/$2/$7'") },
                     mentions: ["line 18"]),
            manifest("unknown normaliser", { $0.replacingOccurrences(of: "field: postcode", with: "field: zipcode") },
                     mentions: ["line 41"]),
            manifest("unknown key", { $0.replacingOccurrences(of: "owner: Example Police", with: "ownr: Example Police") },
                     mentions: ["line 5"]),
            manifest("wrong version", { $0.replacingOccurrences(of: "manifest: 1", with: "manifest: 2") }, mentions: ["line 2"]),
            manifest("YAML alias bomb", { _ in aliasBomb(first: "manifest: 1") }, mentions: ["line 2"]),
            manifest("YAML syntax error", { $0.replacingOccurrences(of: "columns:", with: "columns: [") }, mentions: ["line"]),
            manifest("a tab-indented line", { $0.replacingOccurrences(of: "  - name: victim_sex", with: "\t- name: victim_sex") },
                     mentions: ["line"]),
            manifest("not UTF-8", { $0 + "\u{FFFD}" }, mentions: []),
            manifest("empty document", { _ in "" }, mentions: []),
            manifest("a list, not a mapping", { _ in "- manifest\n- 1\n" }, mentions: ["line 1"]),
            manifest("date format that is not one", { $0.replacingOccurrences(of: "format: YYYY-MM-DD\n    description: The victim's", with: "format: YYYY-QQ-DD\n    description: The victim's") },
                     mentions: ["line"]),
            manifest("derive from an undeclared column", { $0.replacingOccurrences(of: "from: victim_dob", with: "from: victim_birth") },
                     mentions: ["victim_birth"]),
        ].map { input in
            var input = input
            if input.name.hasSuffix("not UTF-8") {
                input.files[input.files.count - 1].1 += [0xFF, 0xFE, 0x00]
            }
            return input
        }
    }

    // MARK: Key files, plans, specs, policies, pipelines (paths into the shared run)

    static func pseudonymise(_ name: String, key: [UInt8], mode: mode_t = 0o600, mentions: [String], world: World) -> BadInput {
        BadInput(name: "key file: " + name, files: [("owner.key", key)],
                 arguments: ["pseudonymise", "--manifest", world.policeManifest, "--plan", world.plan, "--key", "owner.key",
                             "--input", world.policeExtract, "--output", "tokens.csv"],
                 mentions: ["owner.key"] + mentions, output: "tokens.csv")
    }

    static func keyFiles(_ world: World) -> [BadInput] {
        let hex = String(repeating: "3f", count: 32)
        return [
            pseudonymise("empty", key: [], mentions: [], world: world),
            pseudonymise("too short", key: text(String(hex.prefix(40)) + "\n"), mentions: [], world: world),
            pseudonymise("odd number of digits", key: text(String(hex.dropLast()) + "\n"), mentions: [], world: world),
            pseudonymise("not hexadecimal", key: text(String(hex.dropLast()) + "g\n"), mentions: [], world: world),
            pseudonymise("0x prefix", key: text("0x" + hex + "\n"), mentions: [], world: world),
            pseudonymise("a BOM", key: [0xEF, 0xBB, 0xBF] + text(hex + "\n"), mentions: [], world: world),
            pseudonymise("a trailing NUL", key: text(hex) + [0], mentions: [], world: world),
            pseudonymise("two line endings", key: text(hex + "\n\n"), mentions: [], world: world),
            pseudonymise("leading white space", key: text(" " + hex + "\n"), mentions: [], world: world),
            pseudonymise("raw binary bytes", key: (0..<32).map { UInt8($0 * 7 % 256) }, mentions: [], world: world),
            pseudonymise("readable by others", key: text(hex + "\n"), mode: 0o644, mentions: [], world: world),
            pseudonymise("a PEM private key", key: text("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n"),
                         mentions: [], world: world),
        ]
    }

    static func plans(_ world: World) -> [BadInput] {
        let shipped = (try? FilePath.readText(world.plan)) ?? ""
        func plan(_ name: String, _ edit: (String) -> String, mentions: [String]) -> BadInput {
            BadInput(name: "plan: " + name, files: [("plan.yaml", text(edit(shipped)))],
                     arguments: ["link", "--plan", "plan.yaml", "--input", "police.crimes=\(world.output)/tokens/police.crimes.csv",
                                 "--input", "cps.cases=\(world.output)/tokens/cps.cases.csv",
                                 "--input", "support-service.cases=\(world.output)/tokens/support-service.cases.csv",
                                 "--secret", world.output + "/keys/linker.secret", "--output", "linked"],
                     mentions: mentions, output: "linked")
        }
        return [
            plan("wrong version", { $0.replacingOccurrences(of: "linkage: 1", with: "linkage: 7") }, mentions: ["plan.yaml", "line 2"]),
            plan("unknown key field", { $0.replacingOccurrences(of: "forename-initial, surname", with: "forename-inital, surname") },
                 mentions: ["plan.yaml", "line"]),
            plan("a link to an unknown dataset", { $0.replacingOccurrences(of: "to: cps.cases", with: "to: probation.cases") },
                 mentions: ["cps.cases"]),
            plan("a confirm key that is not defined", { $0.replacingOccurrences(of: "confirm: [CK1, CK2],", with: "confirm: [CK1, CK9],") },
                 mentions: ["plan.yaml", "CK9"]),
            plan("a duplicate match key name", { $0.replacingOccurrences(of: "name: MK2,", with: "name: MK1,") }, mentions: ["plan.yaml", "MK1"]),
            plan("an alias", { "linkage: &v 1\nproject: *v\n" + $0.replacingOccurrences(of: "linkage: 1\n", with: "") }, mentions: ["plan.yaml", "line 1"]),
            plan("a token file that is not one",
                 { $0 }, mentions: []),
        ].enumerated().map { index, input in
            var input = input
            if index == 6 {  // a raw export given as a token file: refused by its header, the plan is fine
                input.name = "link: a raw export given as tokens"
                input.files.append(("raw.csv", text(World.policeHeader + "\n" + World.policeRow(1, name: "\"\(canary(2)), Jo\"") + "\n")))
                input.arguments[4] = "police.crimes=raw.csv"
                input.mentions = ["raw.csv"]
            }
            return input
        }
    }

    static func reports(_ world: World) -> [BadInput] {
        let spec = (try? FilePath.readText(world.spec)) ?? ""
        let policy = (try? FilePath.readText(world.policy)) ?? ""
        func report(_ name: String, spec editSpec: (String) -> String = { $0 }, policy editPolicy: (String) -> String = { $0 },
                    mentions: [String]) -> BadInput {
            BadInput(name: name, files: [("report.yaml", text(editSpec(spec))), ("policy.yaml", text(editPolicy(policy)))],
                     arguments: ["report", "--spec", "report.yaml", "--policy", "policy.yaml", "--input", world.linked,
                                 "--output", "release", "--audit", "release.audit.json"],
                     mentions: mentions, output: "release")
        }
        return [
            report("spec: wrong version", spec: { $0.replacingOccurrences(of: "report: 1", with: "report: 3") }, mentions: ["report.yaml", "line"]),
            report("spec: unknown table variable", spec: { $0 + "\n  - {id: extra, title: Extra, rows: [no_such_variable]}\n" },
                   mentions: ["report.yaml", "no_such_variable"]),
            report("spec: an alias bomb", spec: { _ in Corpus.aliasBomb(first: "report: 1") }, mentions: ["report.yaml", "line 2"]),
            report("policy: an alias bomb", policy: { _ in Corpus.aliasBomb(first: "policy: 1") }, mentions: ["policy.yaml", "line 2"]),
            report("spec: not YAML", spec: { _ in "report: [1\n" }, mentions: ["report.yaml", "line"]),
            report("spec: unknown source", spec: { $0.replacingOccurrences(of: "source: journeys", with: "source: persons-raw") },
                   mentions: ["persons-raw"]),
            report("policy: a threshold of zero", policy: { $0.replacingOccurrences(of: "threshold: 3 ", with: "threshold: 0 ") },
                   mentions: ["policy.yaml", "line"]),
            report("policy: a threshold of two (below the floor of 3)", policy: { $0.replacingOccurrences(of: "threshold: 3 ", with: "threshold: 2 ") },
                   mentions: ["policy.yaml", "line 5", "threshold", "3 or more"]),
            report("policy: a threshold of one", policy: { $0.replacingOccurrences(of: "threshold: 3 ", with: "threshold: 1 ") },
                   mentions: ["policy.yaml", "line 5", "threshold: 3"]),
            report("spec: a policy block with threshold 2", spec: { $0.replacingOccurrences(of: "missing: Not recorded", with: "missing: Not recorded\npolicy: {threshold: 2}") },
                   mentions: ["report.yaml", "threshold"]),
            report("policy: a class size under 3", policy: { $0 + "\nclass-size: 2\n" }, mentions: ["policy.yaml", "class-size"]),
            report("policy: unknown key", policy: { $0 + "\nthreshhold: 10\n" }, mentions: ["policy.yaml", "line"]),
            report("policy: wrong version", policy: { $0.replacingOccurrences(of: "policy: 1", with: "policy: 2") },
                   mentions: ["policy.yaml", "line"]),
            report("policy: the same symbol twice", policy: { $0 + "\nsymbol: \"*\"\nstructural-symbol: \"*\"\n" },
                   mentions: ["policy.yaml", "line"]),
        ]
    }

    static func pipelines(_ world: World) -> [BadInput] {
        let root = repositoryRoot
        let good = """
        pipeline: 1
        sources:
          police.crimes: {manifest: \(root)/schemas/police/crimes.yaml, raw: police.csv}
        plan: \(root)/governance/linkage.yaml
        key: {file: \(world.key)}
        report: {spec: \(world.spec), policy: \(world.policy)}

        """
        func run(_ name: String, _ text: String, csv: [UInt8]? = nil, mentions: [String]) -> BadInput {
            var files = [("pipeline.yaml", Corpus.text(text))]
            if let csv { files.append(("police.csv", csv)) }
            return BadInput(name: "run: " + name, files: files, arguments: ["run", "pipeline.yaml", "--output", "out"],
                            mentions: mentions, output: "out")
        }
        return [
            run("wrong version", good.replacingOccurrences(of: "pipeline: 1", with: "pipeline: 0"), mentions: ["pipeline.yaml", "line 1"]),
            run("unknown key", good + "sauces: {}\n", mentions: ["pipeline.yaml", "line"]),
            run("an alias bomb", Corpus.aliasBomb(first: "pipeline: 1"), mentions: ["pipeline.yaml", "line 2"]),
            run("a missing manifest", good.replacingOccurrences(of: "police/crimes.yaml", with: "police/absent.yaml"),
                mentions: ["absent.yaml"]),
            run("a missing raw export", good, mentions: ["police.csv"]),
            run("a damaged raw export (second stage input of a whole run)", good,
                csv: police(text(World.policeRow(3, name: "\"\(canary(3)) unbalanced") + "\n")), mentions: ["police.csv", "row 4"]),
            run("a plan dataset with no source", good, csv: police([]), mentions: ["cps.cases"]),
            run("a bad key file", good.replacingOccurrences(of: world.key, with: "\(world.folder.path)/pipeline.yaml"),
                csv: police([]), mentions: ["pipeline.yaml"]),
        ]
    }
}
