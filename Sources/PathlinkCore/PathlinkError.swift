/// An error a person can act on.
///
/// Every failure that reaches a user is a `PathlinkError`: it says where (file, row,
/// column, or YAML line), what is wrong, and what to do. It is rendered once, at the
/// edge (the `pathlink` executable), by ``description``.
///
/// A `PathlinkError` never carries a value from an `identifier`, `linkage`, `direct` or
/// `free-text` column, nor any key material: code that builds one names the column and
/// says what kind of value was wrong, never which value.
package struct PathlinkError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is; tests match on it, scripts can rely on it.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package var rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The command line was wrong.
        package static let usage = Code(rawValue: "usage")
        /// A CSV input is malformed (quotes, field counts, encoding, size limits).
        package static let malformedCSV = Code(rawValue: "malformed-csv")
        /// A CSV header does not match its manifest (fail closed).
        package static let header = Code(rawValue: "header")
        /// A value does not fit its column's declaration (format, value list).
        package static let invalidValue = Code(rawValue: "invalid-value")
        /// A manifest, plan, spec, policy or pipeline file is invalid.
        package static let invalidDocument = Code(rawValue: "invalid-document")
        /// A key or secret file is refused.
        package static let key = Code(rawValue: "key")
        /// Reading or writing a file failed.
        package static let io = Code(rawValue: "io")
        /// An output exists and `--force` was not given.
        package static let outputExists = Code(rawValue: "output-exists")
        /// A receipt is missing or does not match its file, or the chain is broken.
        package static let provenance = Code(rawValue: "provenance")
        /// A release would disclose: the audit refused it.
        package static let disclosure = Code(rawValue: "disclosure")
        /// A document is not in the approvals register.
        package static let notApproved = Code(rawValue: "not-approved")
        /// The run was interrupted.
        package static let interrupted = Code(rawValue: "interrupted")
        /// A bug in Pathlink; please report it.
        package static let `internal` = Code(rawValue: "internal")
    }

    package var code: Code
    /// The file concerned, as given by the user.
    package var file: String?
    /// The 1-based row in a CSV file, counting the header as row 1 (as a spreadsheet does).
    package var row: Int?
    /// The column name (a header text, never a cell value).
    package var column: String?
    /// The 1-based line in a YAML or text file.
    package var line: Int?
    /// What is wrong, in plain words, with no protected value in it.
    package var problem: String
    /// What the user should do about it.
    package var remedy: String?

    package init(
        _ code: Code, file: String? = nil, row: Int? = nil, column: String? = nil,
        line: Int? = nil, problem: String, remedy: String? = nil
    ) {
        self.code = code
        self.file = file
        self.row = row
        self.column = column
        self.line = line
        self.problem = problem
        self.remedy = remedy
    }

    /// Where the problem is: `file, row 12, column "dob"`, or `file, line 7`.
    package var location: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let line { parts.append("line \(line)") }
        if let row { parts.append("row \(row)") }
        if let column { parts.append("column \"\(column)\"") }
        return parts.joined(separator: ", ")
    }

    package var description: String {
        var text = location.isEmpty ? problem : "\(location): \(problem)"
        if let remedy { text += "\n  → \(remedy)" }
        return text
    }

    /// The same error, placed in a file (when it does not already name one).
    package func inFile(_ path: String) -> PathlinkError {
        var copy = self
        if copy.file == nil { copy.file = path }
        return copy
    }
}
