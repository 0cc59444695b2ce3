import Governance

/// How the error-tolerant match-key fields (``KeyField/forenameNickname``,
/// ``KeyField/surnameSoundex``, ``KeyField/fullNameSorted``; token derivation v1,
/// extension 1) are computed. The vocabulary itself is Governance's closed ``KeyField``.
///
/// They stay keyed-HMAC: each is just another normalised field that a plan's match key
/// can combine, so that records with a nickname, a misspelt surname or swapped names can
/// still agree on some key. Specified in `governance/token-specification.md` with
/// vectors in `governance/token-vectors.json`.
package enum ErrorTolerantField: String, CaseIterable, Sendable {
    /// The canonical form of the first given name from ``nicknames`` (KATIE → KATHERINE),
    /// or the first given name itself when the table does not list it.
    case forenameNickname = "forename-nickname"
    /// American Soundex of the normalised surname (SMITH, SMYTHE → S530).
    case surnameSoundex = "surname-soundex"
    /// The letters of forename (all given names) and surname, sorted A–Z: equal when the
    /// two are swapped or the given names reordered. Missing unless both are present.
    case fullNameSorted = "full-name-sorted"

    /// The value for a record, or nil when a part it needs is missing.
    package func value(for record: PersonRecord) -> String? {
        switch self {
        case .forenameNickname:
            guard let first = record.firstForename.text else { return nil }
            return ErrorTolerantField.nicknames[first] ?? first
        case .surnameSoundex:
            return record.surname.text.flatMap(ErrorTolerantField.soundex)
        case .fullNameSorted:
            guard let forename = record.forename.text, let surname = record.surname.text else { return nil }
            return String((forename + surname).sorted())
        }
    }

    /// American Soundex (as the US National Archives define it) of an A–Z string: the
    /// first letter, then digits for the following consonants (BFPV 1, CGJKQSXZ 2, DT 3,
    /// L 4, MN 5, R 6); adjacent letters with the same digit count once, also across H
    /// and W (but not across vowels); padded with zeros or cut to four characters.
    package static func soundex(_ letters: String) -> String? {
        let bytes = Array(letters.utf8)
        guard let first = bytes.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return nil }
        func code(_ byte: UInt8) -> UInt8 {
            switch byte {
            case UInt8(ascii: "B"), UInt8(ascii: "F"), UInt8(ascii: "P"), UInt8(ascii: "V"): return UInt8(ascii: "1")
            case UInt8(ascii: "C"), UInt8(ascii: "G"), UInt8(ascii: "J"), UInt8(ascii: "K"),
                 UInt8(ascii: "Q"), UInt8(ascii: "S"), UInt8(ascii: "X"), UInt8(ascii: "Z"): return UInt8(ascii: "2")
            case UInt8(ascii: "D"), UInt8(ascii: "T"): return UInt8(ascii: "3")
            case UInt8(ascii: "L"): return UInt8(ascii: "4")
            case UInt8(ascii: "M"), UInt8(ascii: "N"): return UInt8(ascii: "5")
            case UInt8(ascii: "R"): return UInt8(ascii: "6")
            case UInt8(ascii: "H"), UInt8(ascii: "W"): return UInt8(ascii: "h")   // transparent
            default: return 0                                                      // vowels and Y separate
            }
        }
        var result = [first]
        var previous = code(first)
        for byte in bytes.dropFirst() {
            let digit = code(byte)
            if digit == UInt8(ascii: "h") { continue }
            if digit != 0 && digit != previous { result.append(digit) }
            previous = digit
            if result.count == 4 { break }
        }
        while result.count < 4 { result.append(UInt8(ascii: "0")) }
        return String(decoding: result, as: UTF8.self)
    }

    /// Nickname → canonical forename, all `name`-normalised. Deliberately small: only
    /// names whose nicknames are not shared by another common name (so SAM, ALEX, CHRIS,
    /// PAT, JO are absent). Changing it changes tokens: it is part of the specification.
    package static let nicknames: [String: String] = {
        let groups: [(String, [String])] = [
            ("ABIGAIL", ["ABBY", "ABBIE", "ABI"]),
            ("ANTHONY", ["TONY", "ANTONY"]),
            ("DANIEL", ["DAN", "DANNY"]),
            ("DEBORAH", ["DEBBIE", "DEBBY", "DEB", "DEBRA"]),
            ("ELIZABETH", ["LIZ", "LIZZIE", "LIZZY", "BETH", "BETTY", "BESS", "ELIZA", "LIZA", "ELISABETH"]),
            ("JACQUELINE", ["JACKIE", "JACKY"]),
            ("JAMES", ["JIM", "JIMMY", "JAMIE"]),
            ("JENNIFER", ["JEN", "JENNY", "JENNI"]),
            ("JESSICA", ["JESS"]),
            ("JOSEPH", ["JOE", "JOEY"]),
            ("KATHERINE", ["KATE", "KATIE", "KATY", "KATHY", "KATHRYN", "CATHERINE", "CATHY", "KAT"]),
            ("MARGARET", ["MAGGIE", "MEG", "PEGGY", "MADGE"]),
            ("MATTHEW", ["MATT"]),
            ("MICHAEL", ["MIKE", "MICK", "MICKY", "MIKEY"]),
            ("NICHOLAS", ["NICK"]),
            ("REBECCA", ["BECKY", "BECCA", "BEX"]),
            ("RICHARD", ["RICK", "RICKY", "DICK", "RICH", "RICHIE"]),
            ("ROBERT", ["BOB", "BOBBY", "ROB", "ROBBIE"]),
            ("STEPHEN", ["STEVE", "STEVIE", "STEVEN"]),
            ("SUSAN", ["SUE", "SUSIE", "SUZY"]),
            ("THOMAS", ["TOM", "TOMMY"]),
            ("VICTORIA", ["VICKY", "VICKI", "TORI"]),
            ("WILLIAM", ["BILL", "BILLY", "WILL", "WILLIE", "WILLY"]),
        ]
        var table: [String: String] = [:]
        for (canonical, variants) in groups {
            for variant in variants { table[variant] = canonical }
        }
        return table
    }()
}
