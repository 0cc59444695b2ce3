/// How often each kind of between-source mess is applied to a rendered record.
///
/// The rates are per record and per field; ``default`` is what `pathlink synth` uses and
/// what linkage targets are measured on; ``none`` renders every record exactly (useful to
/// tell a linker's errors from the data's).
package struct MessRates: Sendable, Equatable {
    /// Use a nickname (Kate for Katherine) when the name has one.
    package var nickname = 0.12
    /// One keyboard slip in a name (substitution, transposition, deletion, insertion).
    package var nameTypo = 0.015
    /// Write a name in capitals or in lower case.
    package var nameCase = 0.06
    /// Drop diacritics (Zoë → Zoe) when the name has them.
    package var dropDiacritics = 0.5
    /// Drop or space the apostrophe (O'Neill → ONeill, O Neill) when the name has one.
    package var apostrophe = 0.35
    /// Keep one half of a hyphenated surname, or space it.
    package var hyphenation = 0.3
    /// Use the former surname when the person has one.
    package var formerSurname = 0.3
    /// Prefix a title (Miss, Mrs, Ms) in a police name.
    package var title = 0.04
    /// Add the middle name where the source records all given names.
    package var middleName = 0.12
    /// Swap day and month of the date of birth (when both are 12 or less).
    package var dateSwap = 0.02
    /// A one-off error in the date of birth (day or year off by one).
    package var dateTypo = 0.004
    /// A placeholder date of birth (01/01/1900) or name (UNKNOWN).
    package var placeholder = 0.004
    /// A missing date of birth.
    package var missingDate = 0.005
    /// Postcode written without its space.
    package var unspacedPostcode = 0.12
    /// Postcode in lower case.
    package var lowercasePostcode = 0.03
    /// Postcode missing, `N/A`, `NFA` or a `ZZ99` pseudo-postcode.
    package var missingPostcode = 0.03
    /// The former postcode, when the person has moved.
    package var formerPostcode = 0.35

    package init() {}

    /// What `pathlink synth` uses.
    package static let `default` = MessRates()

    /// No mess at all: every record renders the true identity in its source's format.
    package static let none: MessRates = {
        var rates = MessRates()
        rates.nickname = 0; rates.nameTypo = 0; rates.nameCase = 0; rates.dropDiacritics = 0
        rates.apostrophe = 0; rates.hyphenation = 0; rates.formerSurname = 0; rates.title = 0
        rates.middleName = 0; rates.dateSwap = 0; rates.dateTypo = 0; rates.placeholder = 0
        rates.missingDate = 0; rates.unspacedPostcode = 0; rates.lowercasePostcode = 0
        rates.missingPostcode = 0; rates.formerPostcode = 0
        return rates
    }()
}

/// Renders a person's true identity the way one source would record it, with mess.
struct MessRenderer {
    let rates: MessRates

    /// The given name(s) as a source writes them.
    /// - Parameter allGivenNames: the source records middle names (police, CPS).
    func forename(_ person: SyntheticPerson, allGivenNames: Bool, random: inout SplitMix64) -> String {
        if random.chance(rates.placeholder) { return random.pick(["UNKNOWN", "N/A", "Not known"]) }
        var name = person.givenName.name
        if !person.givenName.nicknames.isEmpty && random.chance(rates.nickname) {
            name = random.pick(person.givenName.nicknames)
        } else if allGivenNames, let middle = person.middleName, random.chance(rates.middleName) {
            name += " " + middle
        }
        name = spell(name, random: &random)
        return name
    }

    /// The surname as a source writes it.
    func surname(_ person: SyntheticPerson, random: inout SplitMix64) -> String {
        var name = person.surname
        if let former = person.previousSurname, random.chance(rates.formerSurname) { name = former }
        if name.utf8.contains(UInt8(ascii: "-")) && random.chance(rates.hyphenation) {
            let parts = name.split(separator: "-").map(String.init)
            switch random.int(in: 0...2) {
            case 0: name = parts[0]
            case 1: name = parts[parts.count - 1]
            default: name = parts.joined(separator: " ")
            }
        }
        if name.utf8.contains(UInt8(ascii: "'")) && random.chance(rates.apostrophe) {
            let replacement = random.chance(0.7) ? "" : " "
            name = name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: replacement)
        }
        return spell(name, random: &random)
    }

    /// Diacritics, typos and case: what happens to any name in any system.
    private func spell(_ name: String, random: inout SplitMix64) -> String {
        var result = name
        if result.unicodeScalars.contains(where: { $0.value > 0x7F }) && random.chance(rates.dropDiacritics) {
            result = MessRenderer.withoutDiacritics(result)
        }
        if random.chance(rates.nameTypo) { result = MessRenderer.typo(result, random: &random) }
        if random.chance(rates.nameCase) { result = random.chance(0.7) ? result.uppercased() : result.lowercased() }
        return result
    }

    /// A date of birth in `format`, perhaps swapped, wrong, a placeholder or missing.
    func dateOfBirth(_ person: SyntheticPerson, format: (CalendarDate) -> String, placeholder: String,
                     random: inout SplitMix64) -> String {
        if random.chance(rates.missingDate) { return "" }
        if random.chance(rates.placeholder) { return placeholder }
        var date = person.dateOfBirth
        if date.day <= 12 && date.day != date.month && random.chance(rates.dateSwap) {
            date = CalendarDate(date.year, date.day, date.month)
        } else if random.chance(rates.dateTypo) {
            if random.chance(0.5) {
                date = CalendarDate(date.year + (random.chance(0.5) ? 1 : -1), date.month, min(date.day, 28))
            } else {
                date = date.adding(days: random.chance(0.5) ? 1 : -1)
            }
        }
        return format(date)
    }

    /// A postcode, perhaps old, unspaced, lower case or missing.
    func postcode(_ person: SyntheticPerson, random: inout SplitMix64) -> String {
        if random.chance(rates.missingPostcode) {
            return random.pick(["", "", "N/A", "NFA", "ZZ99 3VZ", "UNKNOWN"])
        }
        var code = person.postcode
        if let former = person.previousPostcode, random.chance(rates.formerPostcode) { code = former }
        if random.chance(rates.unspacedPostcode) { code = code.split(separator: " ").joined() }
        if random.chance(rates.lowercasePostcode) { code = code.lowercased() }
        return code
    }

    // MARK: Spelling slips

    static func withoutDiacritics(_ text: String) -> String {
        let table: [Character: String] = [
            "ë": "e", "é": "e", "è": "e", "â": "a", "á": "a", "ñ": "n", "ú": "u", "í": "i", "ó": "o", "ü": "u",
            "ö": "o", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ś": "s", "ń": "n", "ą": "a", "ę": "e", "ć": "c",
            "ż": "z", "ź": "z", "Ż": "Z",
        ]
        var result = ""
        for character in text { result += table[character] ?? String(character) }
        return result
    }

    /// One slip: never on the first letter (people rarely get that wrong), letters only.
    static func typo(_ text: String, random: inout SplitMix64) -> String {
        var characters = Array(text)
        let positions = characters.indices.dropFirst().filter { characters[$0].isLetter }
        guard let position = positions.isEmpty ? nil : positions[random.index(positions.count)] else { return text }
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        switch random.int(in: 0...3) {
        case 0:
            var replacement = random.pick(letters)
            if replacement == Character(characters[position].lowercased()) { replacement = replacement == "a" ? "e" : "a" }
            characters[position] = characters[position].isUppercase ? Character(replacement.uppercased()) : replacement
        case 1:
            if position + 1 < characters.count && characters[position + 1].isLetter && characters[position] != characters[position + 1] {
                characters.swapAt(position, position + 1)
            } else {
                characters.remove(at: position)
            }
        case 2:
            if characters.count > 3 { characters.remove(at: position) } else { characters.insert(characters[position], at: position) }
        default:
            characters.insert(characters[position], at: position)
        }
        return String(characters)
    }
}
