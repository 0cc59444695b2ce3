import Foundation
import Testing
import Yams
@testable import Synthesis

@Suite("Generator parts: the PRNG, dates, reference formats, mess")
struct GeneratorPartsTests {
    @Test("SplitMix64 is the published algorithm (reference outputs for seed 0)")
    func splitMix() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("Calendar day numbers round-trip and age counts whole years")
    func calendar() {
        #expect(CalendarDate(1970, 1, 1).dayNumber == 0)
        #expect(CalendarDate(2000, 3, 1).dayNumber - CalendarDate(2000, 2, 28).dayNumber == 2)
        for day in stride(from: -30_000, to: 30_000, by: 37) {
            #expect(CalendarDate(dayNumber: day).dayNumber == day)
        }
        #expect(CalendarDate(2000, 6, 15).age(at: CalendarDate(2018, 6, 14)) == 17)
        #expect(CalendarDate(2000, 6, 15).age(at: CalendarDate(2018, 6, 15)) == 18)
        #expect(CalendarDate(2021, 3, 9).dayMonthYear == "09/03/2021")
        #expect(CalendarDate(2021, 3, 9).iso == "2021-03-09")
        #expect(CalendarDate(2021, 3, 9).compact == "20210309")
    }

    /// The crime-reference `normalise` of each shipped manifest, applied as governance/token-specification.md 3.7 says.
    static func normalisers() throws -> [String: (String) -> String?] {
        var result: [String: (String) -> String?] = [:]
        for (dataset, path, column) in [
            ("support-service.cases", "schemas/support-service/cases.yaml", "crime_reference"),
            ("police.crimes", "schemas/police/crimes.yaml", "crime_reference"),
            ("cps.cases", "schemas/cps/cases.yaml", "police_reference"),
        ] {
            let yaml = try Yams.load(yaml: try String(contentsOfFile: repositoryRoot + "/" + path, encoding: .utf8)) as! [String: Any]
            let columns = yaml["columns"] as! [[String: Any]]
            let normalise = columns.first { $0["name"] as? String == column }!["normalise"] as! [String: String]
            let regex = try Regex(normalise["pattern"]!).asciiOnlyDigits()
            let template = normalise["template"]!
            result[dataset] = { value in
                let trimmed = value.trimmingCharacters(in: .whitespaces).uppercased()
                guard let match = try? regex.wholeMatch(in: trimmed) else { return nil }
                var filled = template
                for group in (1..<match.output.count).reversed() {
                    filled = filled.replacingOccurrences(of: "$\(group)", with: match.output[group].substring.map(String.init) ?? "")
                }
                return filled
            }
        }
        return result
    }

    @Test("Every way a source writes a crime reference normalises, with its manifest's pattern, to one canonical form")
    func referenceFormats() throws {
        let normalisers = try Self.normalisers()
        var random = SplitMix64(seed: 42)
        let serials = [1, 7, 20, 120, 2020, 12_345, 12_320, 100_000, 999_999, 202_020] + (0..<300).map { _ in random.int(in: 1...999_999) }
        for serial in serials {
            for year in [2018, 2019, 2020, 2021, 2024] {
                let crime = SyntheticCrime(force: 42, serial: serial, year: year, committed: nil, reported: CalendarDate(year, 5, 1),
                                           offenceGroup: "Rape", outcomeCode: "15", outcomeDate: nil)
                #expect(normalisers["police.crimes"]!(crime.policeForm) == crime.canonical)
                #expect(normalisers["cps.cases"]!(crime.cpsForm) == crime.canonical)
                for _ in 0..<6 {
                    let written = crime.supportForm(&random)
                    #expect(normalisers["support-service.cases"]!(written) == crime.canonical, "\(written)")
                }
            }
        }
        #expect(normalisers["support-service.cases"]!("Not reported") == nil)
        #expect(normalisers["support-service.cases"]!("N/A") == nil)
    }

    @Test("Clean rendering reproduces the identity; default mess changes some records but never the first letter by typo")
    func messRates() {
        var random = SplitMix64(seed: 5)
        let person = SyntheticPerson(
            index: 0, sex: .female, gender: "Female", givenName: .init(name: "Katherine", nicknames: ["Kate"]),
            middleName: "Mary", surname: "O'Neill", previousSurname: nil, dateOfBirth: CalendarDate(1990, 4, 7),
            postcode: "SS14 3AB", town: "Basildon", street: "High Street", houseNumber: 3, previousPostcode: nil,
            ethnicity: "White British", disability: "No", anchor: CalendarDate(2021, 1, 1))
        let clean = MessRenderer(rates: .none)
        for _ in 0..<50 {
            #expect(clean.forename(person, allGivenNames: true, random: &random) == "Katherine")
            #expect(clean.surname(person, random: &random) == "O'Neill")
            #expect(clean.postcode(person, random: &random) == "SS14 3AB")
            #expect(clean.dateOfBirth(person, format: { $0.dayMonthYear }, placeholder: "01/01/1900", random: &random) == "07/04/1990")
        }
        let messy = MessRenderer(rates: .default)
        let forenames = Set((0..<2000).map { _ in messy.forename(person, allGivenNames: true, random: &random) })
        let surnames = Set((0..<2000).map { _ in messy.surname(person, random: &random) })
        let dates = Set((0..<4000).map { _ in messy.dateOfBirth(person, format: { $0.dayMonthYear }, placeholder: "01/01/1900", random: &random) })
        #expect(forenames.contains("Kate") && forenames.contains("Katherine Mary") && forenames.contains("KATHERINE"))
        #expect(surnames.contains("ONeill") && surnames.contains("O Neill"))
        #expect(dates.contains("04/07/1990") && dates.contains("01/01/1900") && dates.contains(""))
        #expect(surnames.allSatisfy { $0.lowercased().hasPrefix("o") })
    }
}
