/// The people and attribute categories puzzles are built from.
///
/// The shape follows CogniLoad (Kaiser et al., 2025): twelve categories (a place, six garments, hair colour, and the last
/// thing eaten, watched, listened to and read), the seven wearable/hair categories sharing one colour list. Category
/// names are the official generator's (`clothes_pant`; records written before it was adopted say `clothes_pants`, which
/// is still read). The sentences are a ``TextStyle``'s; the word lists below are ours.
public enum Category: Int, CaseIterable, Sendable, Hashable {
    case location, shirt, pant, hat, socks, gloves, underwear, hair, eat, watch, listen, read

    /// The name used in records (`"category"`), as the official generator spells it.
    public var name: String {
        switch self {
        case .location: "location"
        case .shirt: "clothes_shirt"
        case .pant: "clothes_pant"
        case .hat: "clothes_hat"
        case .socks: "clothes_socks"
        case .gloves: "clothes_gloves"
        case .underwear: "clothes_underwear"
        case .hair: "hair"
        case .eat: "recent_eat"
        case .watch: "recent_watch"
        case .listen: "recent_listen"
        case .read: "recent_read"
        }
    }

    /// Reads a category name; "clothes_pants" (older Fjord records) is read as `clothes_pant`.
    public init?(name: String) {
        if name == "clothes_pants" {
            self = .pant
            return
        }
        guard let c = Category.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }

    /// Every value our generator draws for this category.
    public var values: [String] {
        switch self {
        case .location: Vocabulary.places
        case .shirt, .pant, .hat, .socks, .gloves, .underwear, .hair: Vocabulary.colours
        case .eat: Vocabulary.foods
        case .watch: Vocabulary.films
        case .listen: Vocabulary.music
        case .read: Vocabulary.books
        }
    }

    /// The seven categories whose values are colours (six garments and hair).
    public var isColour: Bool { (1...7).contains(rawValue) }

    /// The noun a colour of this category is said of ("pant", "hair"); nil for the non-colour categories.
    public var garment: String? {
        switch self {
        case .shirt: "shirt"
        case .pant: "pant"
        case .hat: "hat"
        case .socks: "socks"
        case .gloves: "gloves"
        case .underwear: "underwear"
        case .hair: "hair"
        default: nil
        }
    }
}

/// The kinds of sentence a puzzle is written in.
public enum ClauseKind: Int, CaseIterable, Sendable {
    /// A starting-state clause: "Peter *is located at the park*".
    case initial
    /// A statement's condition: "The people *located in the park* …".
    case condition
    /// A statement's update: "… *move to the beach*".
    case update
}

/// How a puzzle is worded.
///
/// - `official`: the official CogniLoad generator's text (`kaiserdan/cogniload`), clause for clause: its instruction,
///   starting-state, condition, update and question sentences (articles as it writes them: "a egg", "a orange shirt"),
///   each starting-state line's attributes in a random order, no blank line between the starting states and "1.".
/// - `fjord`: Fjord's first wording (articles agree, "pants", fixed attribute order, a blank line
///   before "1."), for comparison with runs made on it; records without a `text` field are read as this style.
public enum TextStyle: String, CaseIterable, Sendable {
    case official, fjord

    /// The clause of `kind` for category `c` with value `v`.
    public func clause(_ kind: ClauseKind, _ c: Category, _ v: String) -> String {
        let (prefix, suffix) = template(kind, c, article: article(v))
        return prefix + v + suffix
    }

    /// The text around the value of a clause: (prefix, suffix). `article` is used where the style lets it agree.
    public func template(_ kind: ClauseKind, _ c: Category, article a: String = "a") -> (String, String) {
        switch self {
        case .official: Self.officialTemplates[kind.rawValue][c.rawValue]
        case .fjord: fjordTemplate(kind, c, a)
        }
    }

    /// Every template of `kind` the style can write, with its category (both articles for `fjord`).
    public func templates(_ kind: ClauseKind) -> [(prefix: String, suffix: String, category: Category)] {
        var out: [(String, String, Category)] = []
        for c in Category.allCases {
            for a in self == .fjord ? ["a", "an"] : ["a"] {
                let t = template(kind, c, article: a)
                if !out.contains(where: { $0.0 == t.0 && $0.1 == t.1 }) { out.append((t.0, t.1, c)) }
            }
        }
        return out
    }

    /// The question about person `p`.
    public func question(_ c: Category, _ p: String) -> String {
        let (prefix, suffix) = questionTemplate(c)
        return prefix + p + suffix
    }

    /// The text around the person's name in the question.
    public func questionTemplate(_ c: Category) -> (String, String) {
        switch self {
        case .official:
            switch c {
            case .location: ("Where is ", "?")
            case .shirt, .pant, .hat: ("What color \(c.garment!) is ", " wearing?")
            case .socks, .gloves, .underwear: ("What color of \(c.garment!) is ", " wearing?")
            case .hair: ("What is the final hair color of ", "?")
            case .eat: ("What did ", " most recently eat?")
            case .watch: ("What kind of movie did ", " most recently watch?")
            case .listen: ("What kind of music did ", " most recently listen to?")
            case .read: ("What kind of book did ", " most recently read?")
            }
        case .fjord:
            switch c {
            case .location: ("Where is ", "?")
            case .shirt: ("What color is the shirt ", " is wearing?")
            case .pant: ("What color are the pants ", " is wearing?")
            case .hat: ("What color is the hat ", " is wearing?")
            case .socks: ("What color are the socks ", " is wearing?")
            case .gloves: ("What color are the gloves ", " is wearing?")
            case .underwear: ("What color is the underwear ", " is wearing?")
            case .hair: ("What color is the hair of ", "?")
            case .eat: ("What did ", " eat most recently?")
            case .watch: ("What kind of movie did ", " watch most recently?")
            case .listen: ("What kind of music did ", " listen to most recently?")
            case .read: ("What kind of book did ", " read most recently?")
            }
        }
    }

    /// The instruction line opening every prompt.
    public var instruction: String {
        switch self {
        case .official:
            "Solve this logic puzzle. You MUST finalize your response with a single sentence about the asked property "
                + "(eg \"Peter is in the livingroom.\", \"Peter is wearing blue socks\",.. ). Solve the puzzle by "
                + "reasoning through the statements in a strictly sequential order :"
        case .fjord:
            "Solve this logic puzzle. Work through the statements strictly in the order given. "
                + "End your response with one sentence that states the asked property (for example \"Peter is located "
                + "at the kitchen.\" or \"Peter is wearing blue socks.\")."
        }
    }

    /// Whether the starting-state lines list the attributes in a random order (else in category order).
    public var shufflesStartingStates: Bool { self == .official }

    /// Whether a blank line separates the starting states from the statements.
    public var blankBeforeStatements: Bool { self == .fjord }

    /// The exact solver's final sentence: "Peter is located at the park."
    public func answer(_ c: Category, _ p: String, _ v: String) -> String { "\(p) \(clause(.initial, c, v))." }

    /// "an" before a vowel, else "a" (the `fjord` style's agreement).
    func article(_ v: String) -> String { "aeiou".contains(v.first ?? "x") ? "an" : "a" }

    /// [kind][category] → (prefix, suffix) as the official generator writes them.
    static let officialTemplates: [[(String, String)]] = [
        [
            ("is located at the ", ""), ("is wearing a ", " shirt"), ("is wearing a ", " pant"),
            ("is wearing a ", " hat"), ("is wearing ", " socks"), ("is wearing ", " gloves"),
            ("is wearing ", " underwear"), ("has ", " colored hair"), ("last ate a ", ""),
            ("last watched a ", " movie"), ("last listened to ", " music"), ("last read a ", " book"),
        ],
        [
            ("located in the ", ""), ("wearing a ", " shirt"), ("wearing a ", " pant"), ("wearing a ", " hat"),
            ("wearing ", " socks"), ("wearing ", " gloves"), ("wearing ", " underwear"), ("having ", " hair"),
            ("which most recently ate ", ""), ("which most recently watched a ", " movie"),
            ("which most recently listened to ", " music"), ("which most recently read a ", " book"),
        ],
        [
            ("move to the ", ""), ("change into a ", " shirt"), ("change into a ", " pant"),
            ("change into a ", " hat"), ("change into ", " socks"), ("put on ", " gloves"),
            ("put on ", " underwear"), ("color their hair to ", ""), ("eat a ", ""), ("watch a ", " movie"),
            ("listen to ", " music"), ("read a ", " book"),
        ],
    ]

    private func fjordTemplate(_ kind: ClauseKind, _ c: Category, _ a: String) -> (String, String) {
        switch (kind, c) {
        case (.initial, .location): ("is located at the ", "")
        case (.initial, .shirt): ("is wearing \(a) ", " shirt")
        case (.initial, .pant): ("is wearing ", " pants")
        case (.initial, .hat): ("is wearing \(a) ", " hat")
        case (.initial, .socks): ("is wearing ", " socks")
        case (.initial, .gloves): ("is wearing ", " gloves")
        case (.initial, .underwear): ("is wearing ", " underwear")
        case (.initial, .hair): ("has ", " colored hair")
        case (.initial, .eat): ("last ate ", "")
        case (.initial, .watch): ("last watched \(a) ", " movie")
        case (.initial, .listen): ("last listened to ", " music")
        case (.initial, .read): ("last read \(a) ", " book")
        case (.condition, .location): ("located in the ", "")
        case (.condition, .shirt): ("wearing \(a) ", " shirt")
        case (.condition, .pant): ("wearing ", " pants")
        case (.condition, .hat): ("wearing \(a) ", " hat")
        case (.condition, .socks): ("wearing ", " socks")
        case (.condition, .gloves): ("wearing ", " gloves")
        case (.condition, .underwear): ("wearing ", " underwear")
        case (.condition, .hair): ("having ", " hair")
        case (.condition, .eat): ("who most recently ate ", "")
        case (.condition, .watch): ("who most recently watched \(a) ", " movie")
        case (.condition, .listen): ("who most recently listened to ", " music")
        case (.condition, .read): ("who most recently read \(a) ", " book")
        case (.update, .location): ("move to the ", "")
        case (.update, .shirt): ("change into \(a) ", " shirt")
        case (.update, .pant): ("change into ", " pants")
        case (.update, .hat): ("put on \(a) ", " hat")
        case (.update, .socks): ("change into ", " socks")
        case (.update, .gloves): ("put on ", " gloves")
        case (.update, .underwear): ("put on ", " underwear")
        case (.update, .hair): ("dye their hair ", "")
        case (.update, .eat): ("eat ", "")
        case (.update, .watch): ("watch \(a) ", " movie")
        case (.update, .listen): ("listen to ", " music")
        case (.update, .read): ("read \(a) ", " book")
        }
    }
}

/// The word lists (ours; the official generator's are of the same sizes: 159 names, 152 places, 10 colours, 10 foods,
/// 14 film and 14 music genres, 10 book kinds). Every value is one lower-case token (letters and hyphens) so that
/// whole-word matching is exact. They keep, on purpose, the pairs where one value is a substring of another
/// (blue/blues, fiction/non-fiction, park/waterpark, port/airport, camp/campground, market/marketplace, ridge/bridge,
/// green/greenhouse, rap/biography): an answer checker that matches substrings instead of whole words gets them wrong.
public enum Vocabulary {
    public static let colours = [
        "blue", "red", "yellow", "green", "purple", "pink", "orange", "black", "white", "gray",
    ]

    public static let foods = [
        "pizza", "salad", "curry", "sushi", "pancakes", "soup", "burrito", "risotto", "dumplings", "omelette",
    ]

    public static let films = [
        "comedy", "drama", "horror", "thriller", "western", "documentary", "musical", "romance",
        "fantasy", "mystery", "animated", "war", "noir", "superhero",
    ]

    public static let music = [
        "jazz", "blues", "rock", "rap", "country", "reggae", "techno", "classical", "folk", "metal",
        "soul", "punk", "opera", "disco",
    ]

    public static let books = [
        "fiction", "non-fiction", "biography", "poetry", "fantasy", "history", "cookbook", "travel",
        "horror", "science",
    ]

    public static let places = [
        "park", "waterpark", "port", "airport", "camp", "campground", "market", "marketplace", "ridge", "bridge",
        "greenhouse", "library", "museum", "harbor", "bakery", "cinema", "stadium", "station", "garden", "beach",
        "lighthouse", "school", "hospital", "church", "castle", "farm", "forest", "lake", "river", "mountain",
        "valley", "desert", "island", "cave", "canyon", "meadow", "orchard", "vineyard", "barn", "mill",
        "factory", "warehouse", "office", "bank", "pharmacy", "bookshop", "cafe", "restaurant", "pub", "hotel",
        "hostel", "motel", "inn", "spa", "gym", "pool", "zoo", "aquarium", "theater", "gallery",
        "studio", "workshop", "garage", "shed", "attic", "basement", "kitchen", "livingroom", "bedroom", "bathroom",
        "hallway", "balcony", "terrace", "courtyard", "plaza", "square", "fountain", "monument", "tower", "palace",
        "embassy", "courthouse", "prison", "cemetery", "chapel", "temple", "mosque", "cathedral", "monastery", "abbey",
        "university", "college", "laboratory", "observatory", "planetarium", "arena", "racetrack", "marina", "pier",
        "dock",
        "wharf", "shipyard", "boatyard", "quarry", "mine", "oasis", "glacier", "volcano", "swamp", "marsh",
        "lagoon", "reef", "cliff", "dune", "prairie", "savanna", "jungle", "tundra", "plateau", "hill",
        "village", "town", "city", "suburb", "downtown", "harborfront", "boardwalk", "promenade", "carnival", "circus",
        "fairground", "playground", "skatepark", "bowling-alley", "arcade", "casino", "nightclub", "concert-hall",
        "opera-house", "ballroom",
        "supermarket", "mall", "boutique", "florist", "butcher", "bazaar", "kiosk", "canteen", "diner", "bistro",
        "tavern", "lodge",
    ]

    public static let names = [
        "Ada", "Ali", "Amara", "Anders", "Anika", "Arnoldo", "Astrid", "Aziz", "Beatrix", "Benjamin",
        "Bjorn", "Bruno", "Camila", "Carmen", "Cedric", "Chiara", "Chloe", "Clara", "Cyrus", "Dalia",
        "Daniel", "Darius", "Dmitri", "Edith", "Elena", "Elif", "Emil", "Enzo", "Esther", "Fatima",
        "Felix", "Femi", "Freya", "Gabriel", "Greta", "Gustav", "Hana", "Hassan", "Helga", "Hugo",
        "Ida", "Ilya", "Imani", "Ines", "Ingrid", "Isak", "Ivan", "Jamal", "Jana", "Jasper",
        "Johan", "Jonas", "Julia", "Kai", "Karim", "Katja", "Kenji", "Kiran", "Klara", "Lars",
        "Layla", "Leila", "Lena", "Leon", "Liam", "Lina", "Lucia", "Luca", "Magnus", "Maja",
        "Malik", "Marco", "Marta", "Mateo", "Maya", "Mehmet", "Mila", "Mira", "Nadia", "Naveen",
        "Nika", "Nils", "Nina", "Noah", "Nora", "Olga", "Omar", "Oskar", "Paulo", "Petra",
        "Priya", "Rafael", "Rania", "Ravi", "Rosa", "Rui", "Sami", "Sara", "Selma", "Sergei",
        "Sigrid", "Silas", "Sofia", "Soren", "Stella", "Sven", "Tariq", "Tea", "Theo", "Tomas",
        "Ulla", "Uma", "Valentin", "Vera", "Viktor", "Wanda", "Wei", "Yara", "Yusuf", "Zara",
        "Zoltan", "Agnes", "Boris", "Carlos", "Dora", "Erik", "Flora", "Goran", "Hilda", "Igor",
        "Jorge", "Kasper", "Linnea", "Mads", "Nelson", "Otto", "Pia", "Quentin", "Rolf", "Saga",
        "Tove", "Ugo", "Vilde", "Wilma", "Xavier", "Yasmin", "Zeno", "Alma", "Bodil", "Cosmo",
        "Dagny", "Eero", "Frode", "Gunnar", "Hedda", "Ivar", "Jorunn", "Knut", "Liv",
    ]
}
