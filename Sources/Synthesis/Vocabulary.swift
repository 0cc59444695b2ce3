/// The fictitious names, places and phrases the synthesiser draws from.
///
/// Everything here is invented or generic. Phone numbers are in Ofcom's range reserved
/// for drama (07700 900000–900999), e-mail domains are the reserved `example.*` ones.
enum Vocabulary {
    /// A given name and the short forms people use for it (Katherine → Kate, Katie).
    struct GivenName {
        let name: String
        let nicknames: [String]
    }

    static let femaleNames: [GivenName] = [
        ("Katherine", ["Kate", "Katie", "Kath"]), ("Elizabeth", ["Liz", "Beth", "Lizzie"]),
        ("Rebecca", ["Becky", "Becca"]), ("Jennifer", ["Jen", "Jenny"]), ("Samantha", ["Sam", "Sammy"]),
        ("Victoria", ["Vicky", "Tori"]), ("Jessica", ["Jess"]), ("Margaret", ["Maggie", "Peggy"]),
        ("Deborah", ["Debbie", "Deb"]), ("Charlotte", ["Charlie", "Lottie"]), ("Alexandra", ["Alex", "Lexi"]),
        ("Christine", ["Chris", "Chrissie"]), ("Patricia", ["Pat", "Trish"]), ("Susan", ["Sue", "Suzy"]),
        ("Natasha", ["Tash"]), ("Abigail", ["Abi", "Abby"]), ("Amelia", ["Millie"]), ("Eleanor", ["Ellie", "Nell"]),
        ("Georgina", ["Georgie"]), ("Jacqueline", ["Jackie"]), ("Kimberley", ["Kim"]), ("Nicola", ["Nicky"]),
        ("Stephanie", ["Steph"]), ("Danielle", ["Dani"]), ("Michelle", ["Shell"]), ("Jasmine", ["Jas"]),
        ("Megan", ["Meg"]), ("Joanne", ["Jo"]), ("Olivia", ["Liv"]), ("Emily", ["Em"]), ("Zofia", ["Zosia"]),
        ("Agnieszka", ["Aga"]), ("Zoë", []), ("Chloë", []), ("Renée", []), ("Siân", []), ("Niamh", []),
        ("Aoife", []), ("Łucja", []), ("Sophie", []), ("Jade", []), ("Leanne", []), ("Amy", []), ("Hannah", []),
        ("Laura", []), ("Sarah", []), ("Emma", []), ("Lauren", []), ("Gemma", []), ("Kelly", []), ("Stacey", []),
        ("Chantelle", []), ("Precious", []), ("Aaliyah", []), ("Fatima", []), ("Priya", []), ("Ayesha", []),
        ("Mariam", []), ("Grace", []), ("Ruby", []), ("Poppy", []), ("Freya", []), ("Isla", []), ("Mia", []),
        ("Ava", []), ("Lily", []), ("Courtney", []), ("Shannon", []), ("Paige", []), ("Nadia", []),
        ("Tracey", []), ("Karen", []), ("Julie", []), ("Dawn", []), ("Lisa", []), ("Claire", []), ("Helen", []),
        ("Anne-Marie", []), ("Mary", []), ("Rachel", []), ("Natalie", []), ("Kirsty", []), ("Toni", []),
        ("Bethany", []), ("Holly", []), ("Chelsea", []), ("Demi", []), ("Ellie-Mae", []), ("Kayleigh", []),
    ].map { GivenName(name: $0.0, nicknames: $0.1) }

    static let maleNames: [GivenName] = [
        ("William", ["Will", "Bill"]), ("Robert", ["Rob", "Bob"]), ("James", ["Jim", "Jamie"]),
        ("Michael", ["Mike", "Mick"]), ("Thomas", ["Tom"]), ("Daniel", ["Dan", "Danny"]),
        ("Christopher", ["Chris"]), ("Matthew", ["Matt"]), ("Jonathan", ["Jon"]), ("Anthony", ["Tony"]),
        ("Joseph", ["Joe"]), ("Benjamin", ["Ben"]), ("Samuel", ["Sam"]), ("Oliver", ["Ollie"]),
        ("David", ["Dave"]), ("Tomasz", ["Tomek"]), ("Jack", []), ("Harry", []), ("Connor", []), ("Kyle", []),
        ("Liam", []), ("Ryan", []), ("Mohammed", []), ("Łukasz", []), ("Seán", []), ("Dylan", []), ("Jake", []),
        ("Lewis", []), ("Adam", []), ("Paul", []), ("Mark", []), ("Lee", []), ("Kieran", []), ("Jordan", []),
    ].map { GivenName(name: $0.0, nicknames: $0.1) }

    static let middleNames = ["Mary", "Louise", "Jane", "Anne", "Marie", "Elizabeth", "Rose", "Grace", "May", "Jo", "Kate"]

    static let surnames = [
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
        "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
        "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
        "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
        "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
        "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
        "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
        "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
        "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
        "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Pearce", "Howard", "Fox",
        "O'Neill", "O'Brien", "O'Connor", "O'Sullivan", "D'Souza", "McDonald", "MacLeod", "McCarthy",
        "Nowak", "Kowalski", "Wiśniewska", "Kamińska", "Lewandowska", "Nguyen", "Okafor", "Adeyemi", "Mensah",
        "Ahmed", "Rahman", "Chowdhury", "Da Silva", "De Souza", "Müller", "Jiménez", "Núñez", "García",
        "Sørensen", "Ferreira", "Osei", "Boateng", "Kaur", "Mahmood", "Iqbal", "Hoang", "Popescu", "Kaya",
    ]

    /// Essex postcode districts and a town for each, for addresses.
    static let districts: [(district: String, town: String)] = [
        ("CM1", "Chelmsford"), ("CM2", "Chelmsford"), ("CM3", "Chelmsford"), ("CM11", "Billericay"),
        ("CM12", "Billericay"), ("CM13", "Brentwood"), ("CM14", "Brentwood"), ("CM17", "Harlow"),
        ("CM18", "Harlow"), ("CM20", "Harlow"), ("SS0", "Westcliff-on-Sea"), ("SS1", "Southend-on-Sea"),
        ("SS2", "Southend-on-Sea"), ("SS3", "Shoeburyness"), ("SS5", "Hockley"), ("SS6", "Rayleigh"),
        ("SS7", "Benfleet"), ("SS8", "Canvey Island"), ("SS9", "Leigh-on-Sea"), ("SS13", "Basildon"),
        ("SS14", "Basildon"), ("SS15", "Basildon"), ("SS16", "Basildon"), ("SS17", "Stanford-le-Hope"),
        ("RM15", "South Ockendon"), ("RM16", "Grays"), ("RM17", "Grays"), ("RM18", "Tilbury"),
        ("RM20", "West Thurrock"), ("CO1", "Colchester"), ("CO2", "Colchester"), ("CO4", "Colchester"),
        ("CO15", "Clacton-on-Sea"), ("CO16", "Clacton-on-Sea"), ("IG10", "Loughton"), ("EN9", "Waltham Abbey"),
    ]

    /// The letters a postcode's unit may use.
    static let unitLetters = Array("ABDEFGHJLNPQRSTUWXYZ")

    static let streets = [
        "Acacia Avenue", "Station Road", "High Street", "Church Lane", "Victoria Road", "Mill Lane",
        "The Drive", "Park Avenue", "Queens Road", "London Road", "Kings Close", "Meadow Way", "Orchard Close",
        "Elm Grove", "Windsor Gardens", "St John's Road", "Chapel Street", "Manor Road", "Willow Crescent",
        "Brook Street", "Cedar Court", "Heathfield Rise", "Marine Parade", "Nelson Street", "Albert Terrace",
    ]

    static let caseworkers = [
        "Alison Hart", "Bev Okoro", "Carla Mendes", "Dee Patterson", "Erin Walsh", "Fran Doyle", "Gita Sharma",
        "Hayley Burns", "Imogen Frost", "Jo Whitaker", "Kemi Adebayo", "Lou Carter", "Maddie Finch",
        "Nell Harper", "Orla Quinn", "Pip Lawson", "Rosa Ellery", "Sally Brennan", "Tamsin Reid", "Una Gallagher",
    ]

    static let officers = [
        "DC 4021 Hale", "DC 1187 Morgan", "PC 2290 Singh", "DS 0931 Byrne", "DC 3340 O'Hara", "PC 5126 Lowe",
        "DC 2718 Fairweather", "DS 1402 Chaudhry", "DC 0777 Penrose", "PC 6610 Whitlock", "DC 3995 Adair",
    ]

    static let lawyers = [
        "R. Castellano", "M. Obi", "S. Fairley", "K. Lindqvist", "A. Mukherjee", "J. Pritchard", "H. Delaney",
        "T. Wainwright", "E. Osei-Bonsu", "L. Marchetti",
    ]

    /// Free-text templates; `{F}` becomes the person's forename (free text holds PII, which
    /// is why extract drops it). They carry commas, quotes and line breaks on purpose.
    static let caseNotes = [
        "Initial contact by phone, {F} wanted to talk about options. Discussed ISVA support; \"not ready\" to report yet.",
        "Assessment completed.\nRisk: medium, safety plan agreed; follow-up in 2 weeks.",
        "Client said: \"I just want it to stop\". Referred to counselling waiting list, approx. 12 weeks.",
        "DNA x2, letter sent; if no contact by next review, close.",
        "{F} attended with a friend, calm, engaged.\nWants support at court if it goes ahead.",
        "Helpline call, 40 mins. Talked through \"what happens if I report\", sent info pack.",
        "Counselling sessions 1-6 completed, client reports sleeping better, \"feels heard\".",
        "",
    ]

    static let moNotes = [
        "Suspect known to victim, met via app; offence at suspect's home address.\nVictim reported next day.",
        "V states \"he wouldn't let me leave\". ABE interview booked, SARC attended.",
        "Non-recent report, offences over several years, suspect a family member; V in contact with ISVA.",
        "Third-party report by school, {F} spoken to with parent present, \"doesn't want to go to court\".",
        "Offence after night out, CCTV requested from venue, taxi firm, and bus operator.",
        "Suspect arrested, interviewed, released under investigation.\nPhone download requested.",
    ]

    static let reviewNotes = [
        "Full Code Test met, charge authorised; victim \"happy to proceed\".\nSpecial measures: screens, ABE.",
        "Evidential stage not met, NFA. Victim informed by letter, VRR rights explained.",
        "Early advice: further enquiries requested (phone data, third-party material, medical notes).",
        "Witness care: {F} asked about \"seeing him in court\", s.28 pre-recorded cross-examination applied for.",
        "Trial listed, defence served, PTPH completed.",
    ]

    /// The templates split at `{F}`, ready to be joined with a forename.
    static let caseNoteParts = caseNotes.map(splitAtForename)
    static let moNoteParts = moNotes.map(splitAtForename)
    static let reviewNoteParts = reviewNotes.map(splitAtForename)

    static func splitAtForename(_ template: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(template)
        while let range = rest.firstRange(of: "{F}") {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
