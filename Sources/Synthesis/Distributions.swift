/// The categorical distributions of the synthetic population and where they come from.
///
/// Figures marked BOLD are those published by the Ministry of Justice BOLD "Victims
/// Pathway" pilot on South and West Essex Rape Crisis Centres' case data (2024); the rest
/// are plausible assumptions, written down in docs/synthetic-data.md.
enum Distributions {
    /// BOLD: referral by police 33%, self 27%, healthcare 22%; the rest split by assumption.
    static let referralSource = Weighted([
        ("Police", 33.0), ("Self", 27), ("Healthcare", 22), ("Social care", 6), ("Education", 4),
        ("Voluntary sector", 4), ("Other", 4),
    ])

    /// BOLD: primary incident rape 52%, child sexual abuse 27%.
    static let primaryIncident = Weighted([
        ("Rape", 52.0), ("Child sexual abuse", 27), ("Sexual assault", 13), ("Sexual exploitation", 3), ("Other", 5),
    ])

    /// BOLD: 34% of closed cases end in a planned closure.
    static let closureReason = Weighted([
        ("Planned closure", 34.0), ("Client disengaged", 22), ("Unable to contact", 16), ("Client withdrew", 10),
        ("Referred on", 10), ("Moved away", 4), ("Other", 4),
    ])

    /// Support cases per client: returners have two or three (assumption).
    static let supportCases = Weighted([(1, 88.0), (2, 9), (3, 3)])

    /// The MoJ age bands with assumed weights (age at referral), and the ages each covers.
    static let ageBand = Weighted([
        (13...17, 9.0), (18...24, 22), (25...34, 27), (35...44, 19), (45...54, 13), (55...64, 6), (65...74, 3), (75...89, 1),
    ])

    static let ethnicity = Weighted([
        ("White British", 78.0), ("White other", 6), ("Mixed", 3), ("Asian or Asian British", 4),
        ("Black or Black British", 3), ("Other ethnic group", 1), ("Not known", 5),
    ])

    static let disability = Weighted([("Yes", 28.0), ("No", 60), ("Not known", 12)])

    /// Police outcome codes (Home Office crime outcomes framework), roughly as for rape.
    static let outcomeCode = Weighted([
        ("1", 7.0), ("14", 9), ("15", 27), ("16", 38), ("18", 7), ("10", 2), ("20", 2), ("21", 4), ("8", 1), ("9", 1), ("17", 1), ("22", 1),
    ])

    /// CPS outcomes after a charge.
    static let chargedOutcome = Weighted([
        ("Guilty plea", 30.0), ("Convicted after trial", 25), ("Acquitted", 20), ("Discontinued", 12), ("Pending", 13),
    ])

    /// The time from incident to referral for incidents other than child sexual abuse,
    /// in days (ranges); tuned so that, with child sexual abuse, about 57% waited more than
    /// two years (BOLD).
    static let delayNonCSA = Weighted([
        (0...30, 16.0), (31...182, 19), (183...364, 12), (365...729, 11), (730...10_950, 42),
    ])

    /// The labels of the service's "time from incident to referral" drop-down.
    static func delayLabel(days: Int) -> String {
        switch days {
        case ..<31: return "Under 1 month"
        case ..<183: return "1-6 months"
        case ..<365: return "6-12 months"
        case ..<730: return "1-2 years"
        default: return "More than 2 years"
        }
    }

    static let delayLabels = ["Under 1 month", "1-6 months", "6-12 months", "1-2 years", "More than 2 years", "Not known"]
}
