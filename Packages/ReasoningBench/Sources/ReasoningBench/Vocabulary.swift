/// The people and attribute categories puzzles are built from, with the sentence templates of each category.
///
/// The shape follows CogniLoad (Kaiser et al., 2025): twelve categories (a place, six garments, hair colour, and the last
/// thing eaten, watched, listened to and read), the seven wearable/hair categories sharing one colour list. The word lists
/// are ours. They keep, on purpose, the pairs where one value is a substring of another (blue/blues, fiction/non-fiction,
/// park/waterpark, port/airport, camp/campground, market/marketplace, ridge/bridge, green/greenhouse, rap/biography):
/// an answer checker that matches substrings instead of whole words gets them wrong, and the tests prove ours does not.
public enum Category: Int, CaseIterable, Sendable, Hashable {
    case location, shirt, pants, hat, socks, gloves, underwear, hair, eat, watch, listen, read

    /// The name used in records (`"category"`).
    public var name: String {
        switch self {
        case .location: "location"
        case .shirt: "clothes_shirt"
        case .pants: "clothes_pants"
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

    public init?(name: String) {
        guard let c = Category.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }

    /// Every value this category can take.
    public var values: [String] {
        switch self {
        case .location: Vocabulary.places
        case .shirt, .pants, .hat, .socks, .gloves, .underwear, .hair: Vocabulary.colours
        case .eat: Vocabulary.foods
        case .watch: Vocabulary.films
        case .listen: Vocabulary.music
        case .read: Vocabulary.books
        }
    }

    /// The clause describing a person's initial value: "Ana *is located at the park*".
    public func initial(_ v: String) -> String {
        switch self {
        case .location: "is located at the \(v)"
        case .shirt: "is wearing \(article(v)) \(v) shirt"
        case .pants: "is wearing \(v) pants"
        case .hat: "is wearing \(article(v)) \(v) hat"
        case .socks: "is wearing \(v) socks"
        case .gloves: "is wearing \(v) gloves"
        case .underwear: "is wearing \(v) underwear"
        case .hair: "has \(v) colored hair"
        case .eat: "last ate \(v)"
        case .watch: "last watched \(article(v)) \(v) movie"
        case .listen: "last listened to \(v) music"
        case .read: "last read \(article(v)) \(v) book"
        }
    }

    /// The condition clause of a statement: "The people *located in the park* …".
    public func condition(_ v: String) -> String {
        switch self {
        case .location: "located in the \(v)"
        case .shirt: "wearing \(article(v)) \(v) shirt"
        case .pants: "wearing \(v) pants"
        case .hat: "wearing \(article(v)) \(v) hat"
        case .socks: "wearing \(v) socks"
        case .gloves: "wearing \(v) gloves"
        case .underwear: "wearing \(v) underwear"
        case .hair: "having \(v) hair"
        case .eat: "who most recently ate \(v)"
        case .watch: "who most recently watched \(article(v)) \(v) movie"
        case .listen: "who most recently listened to \(v) music"
        case .read: "who most recently read \(article(v)) \(v) book"
        }
    }

    /// The update clause of a statement: "… *move to the park*".
    public func update(_ v: String) -> String {
        switch self {
        case .location: "move to the \(v)"
        case .shirt: "change into \(article(v)) \(v) shirt"
        case .pants: "change into \(v) pants"
        case .hat: "put on \(article(v)) \(v) hat"
        case .socks: "change into \(v) socks"
        case .gloves: "put on \(v) gloves"
        case .underwear: "put on \(v) underwear"
        case .hair: "dye their hair \(v)"
        case .eat: "eat \(v)"
        case .watch: "watch \(article(v)) \(v) movie"
        case .listen: "listen to \(v) music"
        case .read: "read \(article(v)) \(v) book"
        }
    }

    /// The question about person `p`.
    public func question(_ p: String) -> String {
        switch self {
        case .location: "Where is \(p)?"
        case .shirt: "What color is the shirt \(p) is wearing?"
        case .pants: "What color are the pants \(p) is wearing?"
        case .hat: "What color is the hat \(p) is wearing?"
        case .socks: "What color are the socks \(p) is wearing?"
        case .gloves: "What color are the gloves \(p) is wearing?"
        case .underwear: "What color is the underwear \(p) is wearing?"
        case .hair: "What color is the hair of \(p)?"
        case .eat: "What did \(p) eat most recently?"
        case .watch: "What kind of movie did \(p) watch most recently?"
        case .listen: "What kind of music did \(p) listen to most recently?"
        case .read: "What kind of book did \(p) read most recently?"
        }
    }

    /// "an" before a vowel, else "a".
    func article(_ v: String) -> String { "aeiou".contains(v.first!) ? "an" : "a" }

    /// The answer sentence an exact solver gives: "Ana is located at the park."
    public func answer(_ p: String, _ v: String) -> String { "\(p) \(initial(v))." }
}

/// The word lists. Every value is one lower-case token (letters and hyphens) so that whole-word matching is exact.
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
