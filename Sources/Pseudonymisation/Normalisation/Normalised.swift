/// The outcome of normalising one value: a value to tokenise, or no token.
///
/// `missing` is an empty value or a placeholder (`UNKNOWN`, `N/A`, a 1900-01-01 date of
/// birth, a `ZZ99` postcode…); `invalid` is a non-empty value that fits no declared form
/// (an impossible date, a postcode of the wrong shape, a reference that does not match
/// its pattern). Both give an empty token — never the HMAC of an empty string — and the
/// receipt counts them separately per column.
package enum Normalised: Equatable, Sendable {
    case value(String)
    case missing
    case invalid

    /// The normalised text, or nil when there is none.
    package var text: String? {
        if case .value(let text) = self { return text }
        return nil
    }

    /// `.value`, unless the text is empty (then `.missing`).
    static func nonEmpty(_ text: String) -> Normalised {
        text.isEmpty ? .missing : .value(text)
    }
}
