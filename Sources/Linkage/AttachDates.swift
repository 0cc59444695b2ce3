import Governance

/// Dates for the plan's `attach: {nearest: …}` rules, read from attribute columns.
///
/// Values may be full dates (`YYYY-MM-DD`), months (`YYYY-MM`, as extracts generalise
/// them) or years (`YYYY`); a month counts as its 16th day and a year as 1 July, so a
/// month-generalised date is compared at mid-month. Other values count as missing.
struct AttachDates {
    /// Per dataset with a rule: day numbers of each record's date (nil when missing).
    private var otherDays: [Int: [Int?]] = [:]
    private var spineDays: [Int: [Int?]] = [:]
    private let base: [Int]
    private let spine: Int

    init(linker: PersonLinker, spine: Int) {
        base = linker.base
        self.spine = spine
        for (name, rule) in linker.plan.output.attach {
            guard let other = linker.index(of: name) else { continue }
            switch rule {
            case .nearest(let spineColumn, let otherColumn):
                guard let spineAttribute = linker.datasets[spine].attribute(named: spineColumn),
                      let otherAttribute = linker.datasets[other].attribute(named: otherColumn) else { continue }
                spineDays[other] = AttachDates.days(spineAttribute)
                otherDays[other] = AttachDates.days(otherAttribute)
            }
        }
    }

    private static func days(_ column: LinkDataset.AttributeColumn) -> [Int?] {
        let byCode = column.dictionary.values.map(AttachDates.dayNumber)
        return column.codes.map { byCode[Int($0)] }
    }

    /// An approximate day number: year*372 + (month-1)*31 + day.
    static func dayNumber(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4) else { return nil }
        switch bytes.count {
        case 4: return year * 372 + 6 * 31 + 1
        case 7:
            guard bytes[4] == 0x2D, let month = number(5..<7), (1...12).contains(month) else { return nil }
            return year * 372 + (month - 1) * 31 + 16
        case 10:
            guard bytes[4] == 0x2D, bytes[7] == 0x2D, let month = number(5..<7), let day = number(8..<10),
                  (1...12).contains(month), (1...31).contains(day) else { return nil }
            return year * 372 + (month - 1) * 31 + day
        default: return nil
        }
    }

    /// The candidate nearest in date to the spine record; ties go to the earlier date,
    /// then the earlier row. Nil when there is no rule or no dates to compare.
    func nearest(spineRecord: Int, other: Int, among candidates: [Int]) -> Int? {
        guard let spineColumn = spineDays[other], let otherColumn = otherDays[other],
              let spineDay = spineColumn[spineRecord - base[spine]] else { return nil }
        var best: (distance: Int, day: Int, record: Int)?
        for candidate in candidates {
            guard let day = otherColumn[candidate - base[other]] else { continue }
            let key = (distance: abs(day - spineDay), day: day, record: candidate)
            if best == nil || key < best! { best = key }
        }
        return best?.record
    }
}
