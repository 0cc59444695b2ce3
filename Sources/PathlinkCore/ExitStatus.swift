/// The exit status of every `pathlink` command: one table, used by the executable, printed
/// in every command's `--help` and in the README ("Exit status"). Scripts may rely on it.
package enum ExitStatus: Int32, CaseIterable, Sendable {
    /// The command did what it was asked.
    case success = 0
    /// An input or document is wrong (CSV, header, value, manifest, plan, spec, policy,
    /// pipeline), a file cannot be read or written, an output exists without `--force`,
    /// or `check` found an error in a document.
    case inputError = 1
    /// The command line is wrong (unknown option, missing or invalid argument).
    case usage = 2
    /// The disclosure audit refused the release: nothing was published.
    case disclosure = 3
    /// A receipt is missing or does not match its file, or the receipt chain is broken
    /// (`verify` found a break).
    case provenance = 4
    /// A key or secret file was refused (missing, readable by others, malformed, weak).
    case key = 5
    /// A document is not in the approvals register (`run --require-approved`).
    case notApproved = 6
    /// A bug in Pathlink (or a broken OpenSSL installation); please report it.
    case internalError = 70
    /// The run was interrupted; partial outputs were removed. 128 + the signal's number:
    /// 130 for Ctrl-C (SIGINT), 143 for SIGTERM, 129 for SIGHUP.
    case interrupted = 130

    /// The status for a failure of kind `code`.
    package init(for code: PathlinkError.Code) {
        switch code {
        case .usage: self = .usage
        case .disclosure: self = .disclosure
        case .provenance: self = .provenance
        case .key: self = .key
        case .notApproved: self = .notApproved
        case .internal: self = .internalError
        case .interrupted: self = .interrupted
        default: self = .inputError
        }
    }

    /// One line of the table.
    package var meaning: String {
        switch self {
        case .success: return "success"
        case .inputError: return "an input or document is wrong, a file cannot be read or written, an output exists (no --force), or check found an error"
        case .usage: return "the command line is wrong"
        case .disclosure: return "the disclosure audit refused the release"
        case .provenance: return "a receipt is missing or does not match, or the chain is broken (verify)"
        case .key: return "a key or secret file was refused"
        case .notApproved: return "a document is not in the approvals register"
        case .internalError: return "a bug in Pathlink or a broken OpenSSL; please report it"
        case .interrupted: return "interrupted by Ctrl-C (143 SIGTERM, 129 SIGHUP); partial outputs were removed"
        }
    }

    /// The table as printed at the end of every command's `--help`.
    package static var helpTable: String {
        "EXIT STATUS:\n" + allCases.map { status in
            let number = String(status.rawValue)
            return "  " + number + String(repeating: " ", count: max(1, 5 - number.count)) + status.meaning
        }.joined(separator: "\n")
    }
}
