import Testing
import Governance
import PathlinkCore
@testable import Pseudonymisation

@Suite("Normalisers and tokens")
struct NormalisationTests {
    static var key: MasterKey { try! MasterKey(bytes: Array(0..<32)) }

    func token(_ value: Normalised, domain: String = "crime-reference", project: String = "p") throws -> String {
        try DomainTokeniser(key: Self.key, project: project, domain: domain).token(value)
    }

    @Test("missing and invalid values give empty tokens, never HMAC(\"\")")
    func emptyTokens() throws {
        let formats = [DateFormat("DD/MM/YYYY")!]
        let missing: [Normalised] = [
            NameNormalisation.name(""), NameNormalisation.name("  "), NameNormalisation.name("Not Known"),
            NameNormalisation.name("Mr"), NameNormalisation.name("-9"), NameNormalisation.name("'-'"),
            DateOfBirth.normalise("", formats: formats), DateOfBirth.normalise("01/01/1900", formats: formats),
            Postcode.normalise("ZZ99 1AA"), Postcode.normalise("n/a"), TextNormalisation.text("NA"),
            TextNormalisation.sex(""),
        ]
        for value in missing {
            #expect(value == .missing)
            #expect(try token(value) == "")
        }
        let invalid: [Normalised] = [
            DateOfBirth.normalise("30/02/1990", formats: formats), DateOfBirth.normalise("1990-01-02", formats: formats),
            DateOfBirth.normalise("1/2/1990", formats: formats), Postcode.normalise("SS1"), Postcode.normalise("AAA1 1AA"),
            TextNormalisation.sex("X"), try ReferencePattern(pattern: #"^(\d+)$"#, template: "$1").normalise("12A"),
        ]
        for value in invalid {
            #expect(value == .invalid)
            #expect(try token(value) == "")
        }
        #expect(try DomainTokeniser(key: Self.key, project: "p", domain: "d").token("") == "")
        #expect(try DomainTokeniser(key: Self.key, project: "p", domain: "d").token(nil as String?) == "")
    }

    @Test("a match key with any missing part is empty")
    func matchKeyMissingPart() {
        var record = PersonRecord()
        record.setForename("Jane")
        record.surname = NameNormalisation.name("Smith")
        record.dateOfBirth = DateOfBirth.normalise("01/02/1990", formats: [DateFormat("DD/MM/YYYY")!])
        let withPostcode = MatchKey(name: "MK1", fields: [.forename, .surname, .dateOfBirth, .postcode])
        let without = MatchKey(name: "MK2", fields: [.forename, .surname, .dateOfBirth])
        #expect(withPostcode.value(for: record) == nil)
        #expect(without.value(for: record) == "JANE\u{1F}SMITH\u{1F}19900201")
        record.postcode = Postcode.normalise("ZZ99 3VZ")
        #expect(withPostcode.value(for: record) == nil)
        record.postcode = Postcode.normalise("cm13 2ab")
        #expect(withPostcode.value(for: record) == "JANE\u{1F}SMITH\u{1F}19900201\u{1F}CM132AB")
        #expect(record.value(of: .postcodeDistrict) == "CM13")
        #expect(record.value(of: .dateOfBirthUnordered) == "19900102")
    }

    @Test("two projects or two domains give different tokens for one value")
    func separation() throws {
        let value = Normalised.value("12345/21")
        let base = try token(value, domain: "crime-reference", project: "project-a")
        #expect(base.count == 32)
        #expect(base.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try token(value, domain: "crime-reference", project: "project-b") != base)
        #expect(try token(value, domain: "case-reference", project: "project-a") != base)
        #expect(try token(value, domain: "crime-reference", project: "project-a") == base)
        let otherKey = try! MasterKey(bytes: Array(1...32))
        #expect(try DomainTokeniser(key: otherKey, project: "project-a", domain: "crime-reference").token(value) != base)
    }

    @Test("the token is the first 16 bytes of HMAC-SHA256(K_d, v) in lowercase hex")
    func tokenDefinition() throws {
        // RFC 4231 case 2 style check through the public path: K_d derived, then HMAC.
        let tokeniser = try DomainTokeniser(key: Self.key, project: "vectors", domain: "person/NAME-ONLY")
        #expect(try tokeniser.token("ZOE") == "70d72fb7a535464fb707289d3b209b14")  // shared vector 1
    }

    @Test("names: whole letters, marks, titles per word, placeholders")
    func names() {
        #expect(NameNormalisation.name("Œdipe Ðorđević").text == "OEDIPEDORDEVIC")
        #expect(NameNormalisation.name("Prof. Dr. Ana-María").text == "ANAMARIA")
        #expect(NameNormalisation.name("III").text == nil)
        #expect(NameNormalisation.name("Ivy").text == "IVY")
        #expect(NameNormalisation.name("李").text == nil)           // no A–Z letter left: missing
        #expect(NameNormalisation.initial("  zoë").text == "Z")
        #expect(NameNormalisation.initial("Mrs").text == nil)
        #expect(NameNormalisation.firstName("Dr Mary Jane").text == "MARY")
        let split = NameNormalisation.splitFullName("SMITH, Mrs Jane Mary", order: .surnameFirst)
        #expect(split.forename.text == "JANEMARY")
        #expect(split.firstForename.text == "JANE")
        #expect(split.surname.text == "SMITH")
    }

    @Test("the ASCII fast path of name agrees with the general path")
    func asciiFastPath() {
        let samples = ["Jane", " Mr. John  Smith Jr ", "O'Neill", "MRS", "Mrs-Jones", "dr\tjane\nmary", "Ivy Sr.", "II III IV",
                       "A B C", "x", "--", "Smith-Jones 3rd", "prof", "Missy", "Mx Sam"]
        var generator = SplitMix(seed: 7)
        let alphabet = Array("abcDEFmrsMRSjJ .-'\t")
        let random = (0..<300).map { _ in String((0..<(1 + generator.next(12))).map { _ in alphabet[generator.next(alphabet.count)] }) }
        for sample in samples + random {
            let general: Normalised = PlaceholderRule.isPlaceholder(sample) ? .missing
                : .nonEmpty(NameNormalisation.wordsWithoutTitles(sample).map(NameNormalisation.letters).joined())
            #expect(NameNormalisation.name(sample) == general, "\(sample)")
        }
        #expect(NameNormalisation.asciiName("Zoë") == nil)
    }

    @Test("dates: formats in order, fixed width, ASCII digits, calendar")
    func dates() {
        let formats = [DateFormat("YYYY-MM-DD")!, DateFormat("DD/MM/YYYY")!, DateFormat("YYYYMMDD")!]
        #expect(DateOfBirth.normalise("2004-02-29", formats: formats).text == "20040229")
        #expect(DateOfBirth.normalise("29/02/2004", formats: formats).text == "20040229")
        #expect(DateOfBirth.normalise("20040229", formats: formats).text == "20040229")
        #expect(DateOfBirth.normalise("2003-02-29", formats: formats) == .invalid)
        #expect(DateOfBirth.normalise("2004-2-29", formats: formats) == .invalid)
        #expect(DateOfBirth.normalise("２００４0229", formats: formats) == .invalid)
        #expect(DateOfBirth.normalise("19000101", formats: formats) == .missing)
        #expect(DateOfBirth.unordered("19871231") == "19871231")
        #expect(DateOfBirth.unordered("19870312") == "19870312")
        #expect(DateOfBirth.unordered("19871203") == "19870312")
    }

    @Test("postcodes: shape, ZZ99, district")
    func postcodes() {
        #expect(Postcode.normalise(" ec1a-1bb ").text == "EC1A1BB")
        #expect(Postcode.normalise("B33 8TH").text == "B338TH")
        #expect(Postcode.normalise("SW1W 0NY").text == "SW1W0NY")
        #expect(Postcode.normalise("1AA 1AA") == .invalid)
        #expect(Postcode.normalise("SW1W0NYX") == .invalid)
        #expect(Postcode.district("SW1W0NY") == "SW1W")
        #expect(Postcode.district("M11AE") == "M1")
    }

    @Test("reference patterns: templates are checked against the regex")
    func patternTemplates() throws {
        #expect(throws: ReferencePatternError.self) { try ReferencePattern(pattern: #"^(\d+)$"#, template: "$2") }
        #expect(throws: ReferencePatternError.self) { try ReferencePattern(pattern: #"^(\d+)$"#, template: "$") }
        #expect(throws: ReferencePatternError.self) { try ReferencePattern(pattern: #"^(\d+)$"#, template: "$a") }
        #expect(throws: ReferencePatternError.self) { try ReferencePattern(pattern: #"^(\d+$"#, template: "$1") }
        let pattern = try ReferencePattern(pattern: #"^(?<force>\d{2})/(\d+)$"#, template: "$2 ($1)")
        #expect(pattern.normalise("42/7").text == "7 (42)")
        // Full match only, not a search.
        #expect(try ReferencePattern(pattern: #"\d{3}"#, template: "$$").normalise("1234") == .invalid)
        #expect(try ReferencePattern(pattern: #"\d{3}"#, template: "$$").normalise(" 123 ").text == "$")
        // \w and \s are ASCII: an accented letter is not \w.
        #expect(try ReferencePattern(pattern: #"^(\w+)$"#, template: "$1").normalise("É1") == .invalid)
    }

    @Test("text and sex")
    func textAndSex() {
        #expect(TextNormalisation.text(" ab\u{2003}\u{2003}cd\t\te ").text == "AB CD E")
        #expect(TextNormalisation.text("e\u{301}").text == "\u{C9}")
        #expect(TextNormalisation.sex("female").text == "F")
        #expect(TextNormalisation.sex(" Male").text == "M")
        #expect(TextNormalisation.sex("unknown") == .missing)
    }

    @Test("error-tolerant fields: nickname, Soundex, sorted letters")
    func errorTolerant() {
        #expect(ErrorTolerantField.soundex("ROBERT") == "R163")
        #expect(ErrorTolerantField.soundex("RUPERT") == "R163")
        #expect(ErrorTolerantField.soundex("RUBIN") == "R150")
        #expect(ErrorTolerantField.soundex("ASHCRAFT") == "A261")
        #expect(ErrorTolerantField.soundex("TYMCZAK") == "T522")
        #expect(ErrorTolerantField.soundex("PFISTER") == "P236")
        #expect(ErrorTolerantField.soundex("A") == "A000")
        var katie = PersonRecord()
        katie.setForename("Katie Ann")
        katie.surname = NameNormalisation.name("O'Neill")
        var catherine = PersonRecord()
        catherine.setForename("Catherine")
        catherine.surname = NameNormalisation.name("ONeil")
        #expect(ErrorTolerantField.forenameNickname.value(for: katie) == "KATHERINE")
        #expect(ErrorTolerantField.forenameNickname.value(for: catherine) == "KATHERINE")
        #expect(ErrorTolerantField.surnameSoundex.value(for: katie) == ErrorTolerantField.surnameSoundex.value(for: catherine))
        var swapped = PersonRecord()
        swapped.setForename("ONeill")
        swapped.surname = NameNormalisation.name("Katie Ann")
        #expect(ErrorTolerantField.fullNameSorted.value(for: katie) == ErrorTolerantField.fullNameSorted.value(for: swapped))
        // Every nickname maps to a canonical name that is not itself a nickname.
        for canonical in ErrorTolerantField.nicknames.values {
            #expect(ErrorTolerantField.nicknames[canonical] == nil)
        }
        #expect(KeyField(rawValue: "surname-soundex") == .surnameSoundex)
    }

    @Test("partial dates of birth: a one-part typo keeps two parts, a generation apart keeps none")
    func partialDatesOfBirth() {
        func record(_ date: String?) -> PersonRecord {
            var record = PersonRecord()
            record.dateOfBirth = date.map { .value($0) } ?? .missing
            return record
        }
        let parts: [KeyField] = [.dateOfBirthYearMonth, .dateOfBirthMonthDay, .dateOfBirthYearDay]
        #expect(parts.map { record("19901231").value(of: $0) } == ["199012", "1231", "199031"])
        #expect(parts.map { record(nil).value(of: $0) } == [nil, nil, nil])
        func agreeing(_ a: String, _ b: String) -> [Bool] { parts.map { record(a).value(of: $0) == record(b).value(of: $0) } }
        #expect(agreeing("19901231", "19911231") == [false, true, false])   // year typo
        #expect(agreeing("19900421", "19900422") == [true, false, false])   // day typo
        #expect(agreeing("19900421", "19900521") == [false, false, true])   // month typo
        #expect(agreeing("19670603", "20051223") == [false, false, false])  // mother and daughter
        for part in parts {
            #expect(KeyField.allCases.contains(part))
            #expect(part.sources == [.dateOfBirth])
        }
    }
}
