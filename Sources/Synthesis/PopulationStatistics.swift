/// The rates a synthetic population realised (every record, excluded ones included), so
/// that each profile's summary shows how hard it is (docs/synthetic-data.md "Profiles").
package struct PopulationStatistics: Sendable, Equatable {
    package var persons = 0
    /// Persons with at least one support case, and their cases.
    package var supportClients = 0
    package var supportCases = 0
    /// Support clients whose cases are all role `Secondary` (relatives under the victim's
    /// crime reference).
    package var secondaryClients = 0
    /// Persons with at least one police record, and their records (one per crime).
    package var policeVictims = 0
    package var policeCrimes = 0
    /// Persons with two or more police crimes, and those crimes.
    package var repeatVictims = 0
    package var repeatVictimCrimes = 0
    /// Repeat victims' crimes outside the person's largest police cluster, where a cluster
    /// joins crimes with the same nominal number or the same forename, surname, date of
    /// birth and postcode (after a simple normalisation: what the linker's first match key
    /// sees, roughly; the evaluation measures it exactly).
    package var separatedCrimes = 0

    package var casesPerClient: Double { ratio(supportCases, supportClients) }
    package var secondaryShare: Double { ratio(secondaryClients, supportClients) }
    package var crimesPerPoliceVictim: Double { ratio(policeCrimes, policeVictims) }
    package var separatedShare: Double { ratio(separatedCrimes, repeatVictimCrimes) }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// One line per rate, for the command line.
    package var lines: [String] {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        return [
            "\(persons) persons; \(supportClients) support clients with \(supportCases) cases (\(String(format: "%.3f", casesPerClient)) per client)",
            "secondary victim-survivors (relatives under the victim's crime reference): \(secondaryClients), \(percent(secondaryShare)) of clients",
            "police: \(policeVictims) victims with \(policeCrimes) crimes (\(String(format: "%.3f", crimesPerPoliceVictim)) per victim)",
            "repeat victims: \(repeatVictims) with \(repeatVictimCrimes) police crimes, \(separatedCrimes) (\(percent(separatedShare))) outside their largest police cluster",
        ]
    }

    /// Count one person's records.
    mutating func count(support: [SyntheticRecord], police: [SyntheticRecord]) {
        persons += 1
        if !support.isEmpty {
            supportClients += 1
            supportCases += support.count
            if support.allSatisfy({ $0.role == "Secondary" }) { secondaryClients += 1 }
        }
        guard !police.isEmpty else { return }
        policeVictims += 1
        policeCrimes += police.count
        guard police.count >= 2 else { return }
        repeatVictims += 1
        repeatVictimCrimes += police.count
        // Clusters of this person's police records: same nominal or same simple key.
        var parent = Array(police.indices)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        let keys = police.map(Self.firstKey)
        for i in police.indices {
            for j in police.indices where j > i {
                let sameNominal = police[i].fields[PoliceColumn.nominalID.rawValue] == police[j].fields[PoliceColumn.nominalID.rawValue]
                if sameNominal || (keys[i] != nil && keys[i] == keys[j]) { parent[find(j)] = find(i) }
            }
        }
        var sizes: [Int: Int] = [:]
        for i in police.indices { sizes[find(i), default: 0] += 1 }
        separatedCrimes += police.count - sizes.values.max()!
    }

    /// Forename, surname, date of birth and postcode of a police row, roughly normalised
    /// (letters or letters and digits, upper case; titles and placeholders dropped); nil
    /// when a part is missing.
    static func firstKey(_ record: SyntheticRecord) -> String? {
        let name = record.fields[PoliceColumn.name.rawValue]
        let parts = name.split(separator: ",", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let titles: Set<String> = ["MR", "MRS", "MS", "MISS", "MX", "DR"]
        func letters(_ text: String) -> String {
            String(MessRenderer.withoutDiacritics(text).uppercased().unicodeScalars.filter { $0.value >= 65 && $0.value <= 90 }.map(Character.init))
        }
        let surname = letters(parts[0])
        let forename = parts[1].split(separator: " ").map { letters(String($0)) }.filter { !titles.contains($0) }.joined()
        let placeholders: Set<String> = ["UNKNOWN", "NA", "NOTKNOWN", ""]
        let date = record.fields[PoliceColumn.dateOfBirth.rawValue]
        let postcode = String(record.fields[PoliceColumn.postcode.rawValue].uppercased().unicodeScalars
            .filter { ($0.value >= 65 && $0.value <= 90) || ($0.value >= 48 && $0.value <= 57) }.map(Character.init))
        guard !placeholders.contains(surname), !placeholders.contains(forename), !date.isEmpty, date != "1900-01-01",
              postcode.count >= 5, !postcode.hasPrefix("ZZ99"), !["NFA", "NA", "UNKNOWN"].contains(postcode) else { return nil }
        return [forename, surname, date, postcode].joined(separator: "\u{1F}")
    }
}
