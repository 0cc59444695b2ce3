#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Governance
import PathlinkCore

/// One rule (issue 14): every error finding of `pathlink check` is an error of
/// `extract` (and so of `run`), found before anything is written.
///
/// The manifest's lints are checked first; then, when the manifest has open attribute
/// columns (`open: true`), every value of those is profiled like `check --data` does, in a
/// pass of its own over the export (only then: a manifest whose attributes all have closed
/// lists costs nothing extra). A finding stops the extract with the file, the first row and
/// the column, never the value.
package enum ExtractGate {
    static let remedy = "run `pathlink check MANIFEST --data EXPORT` for the full review sheet; fix the manifest or the export, then extract again"

    static func refuseLintErrors(_ manifest: Manifest) throws {
        guard let finding = ManifestLint.findings(manifest).first(where: { $0.severity == .error }) else { return }
        let line = manifest.columns.first { $0.name == finding.column || ColumnName.folded($0.name) == finding.column }?.line
        throw PathlinkError(.invalidDocument, file: manifest.path, column: finding.column, line: line,
                            problem: "pathlink check reports an error, so nothing is extracted: " + finding.message, remedy: remedy)
    }

    static func profileOpenColumns(_ manifest: Manifest, input: String) throws {
        guard manifest.columns.contains(where: { $0.columnClass == .attribute && $0.values == nil }) else { return }
        let findings = try ExportProfiler(manifest: manifest).profile(input: input, onlyOpen: true)
        let errors = findings.filter { $0.severity == .error }
        // The column whose first finding comes first; every kind found in it is named.
        guard let first = errors.min(by: { ($0.firstRow ?? .max) < ($1.firstRow ?? .max) }) else { return }
        let kinds = errors.filter { $0.column == first.column }.sorted { ($0.firstRow ?? .max) < ($1.firstRow ?? .max) }.map { finding in
            let what = finding.message.components(separatedBy: " in a column that leaves").first ?? finding.message
            return "\(what) (\(finding.count ?? 0) row\(finding.count == 1 ? "" : "s"), first at row \(finding.firstRow ?? 0))"
        }
        throw PathlinkError(.invalidValue, file: input, row: first.firstRow, column: first.column,
                            problem: "the open column holds personal data or active content, so nothing is extracted: \(kinds.joined(separator: "; "))",
                            remedy: "declare the column direct or free-text (dropped at extract), give it a closed values: list, or clean the export")
    }
}

extension ExtractGate {
    /// What `extract` would refuse in `input` that the profile does not already report:
    /// a value outside a closed list, a date in no declared format (an undeclared
    /// placeholder such as `N/K`), a damaged row. `check --data` runs the real extract
    /// into a hidden temporary folder (owner-only, removed at once, and on an interrupt)
    /// and reports its refusal as an error finding, so that `check` flags everything
    /// `extract` would refuse.
    package static func dryRunRefusal(manifest: Manifest, input: String) -> PathlinkError? {
        var template = Array(FilePath.join(temporaryFolder, "pathlink-check-XXXXXX").utf8CString)
        guard let base = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else { return nil }
        defer { FilePath.removeTree(base) }
        guard let folder = try? AtomicOutput(path: FilePath.join(base, "extract"), isDirectory: true, force: false) else { return nil }
        defer { folder.discard() }
        var extractor = Extractor(manifest: manifest)
        extractor.showProgress = false
        do {
            try extractor.run(input: input, output: FilePath.join(folder.temporaryPath, "extract.csv"))
            return nil
        } catch let error as PathlinkError {
            return error
        } catch {
            return nil
        }
    }

    private static var temporaryFolder: String {
        if let variable = getenv("TMPDIR"), let text = String(validatingCString: variable), !text.isEmpty { return text }
        return "/tmp"
    }
}
