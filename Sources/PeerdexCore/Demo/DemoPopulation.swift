/// The generated people of `peerdex demo`: who they are, what they share, and how they stand to
/// the demo's user (issue 13). Pure and seeded: a seed always means the same people.
///
/// The mix is laid out by index rather than drawn, so that every network of eight or more has
/// each kind the tour needs — every visibility level, contacts, favorites and a friend among the
/// user's book, strangers to find on the network and on the LAN — while names, interests and
/// places come from the seed.
public enum DemoPopulation {
    /// The network's size unless told otherwise.
    public static let defaultSize = 30
    /// The most people a demo starts: beyond that, startup and memory grow with no more to show.
    public static let maximumSize = 200
    /// The fewest people that still show every kind (see `person(at:using:)`).
    public static let minimumSize = 8

    /// The demo user's own profile: what the throwaway identity starts with.
    public static let user = DemoProfile(
        name: "Sam Demo", interests: ["jazz", "chess", "hiking"], location: "Berlin", visibility: .contacts)

    /// `count` people from `seed`, each with a distinct name.
    public static func people(count: Int, seed: UInt64) -> [DemoPerson] {
        var random = SplitMix64(seed: seed)
        var taken = Set<String>()
        var people: [DemoPerson] = []
        for index in 0..<count {
            var name = DemoNames.draw(using: &random)
            while taken.contains(name) { name = DemoNames.draw(using: &random) }
            taken.insert(name)
            people.append(person(at: index, named: name, using: &random))
        }
        // Acquaintances are drawn once everyone exists, so that each may know anyone.
        for index in people.indices where count > 1 {
            let wanted = min(random.between(acquaintanceRange), count - 1)
            var known = Set<Int>()
            while known.count < wanted {
                let other = random.below(count)
                if other != index { known.insert(other) }
            }
            people[index].acquaintances = known.sorted()
        }
        return people
    }

    /// Person `index`: the laid-out kinds (visibility, relation, LAN, sharing) with drawn details.
    static func person(at index: Int, named name: String, using random: inout SplitMix64) -> DemoPerson {
        DemoPerson(
            index: index,
            profile: DemoProfile(
                name: name, interests: drawInterests(using: &random), location: random.pick(DemoNames.locations),
                visibility: visibilityPattern[index % visibilityPattern.count]),
            relation: index % 10 == 8 ? .blocked : relationPattern[index % relationPattern.count],
            isNearby: index % 4 == 0 || index % 4 == 3 || index % 8 == 6,
            sharesWithDiscoveryPeers: index % 5 != 4)
    }

    /// How many others each person knows: enough that a search asking three discovery peers
    /// (each answering with what it may share of its book) reaches most of the network.
    public static let acquaintanceRange = 4...8

    /// Half public, the rest spread over the other three levels.
    static let visibilityPattern: [PrivacyLevel] = [.public, .public, .contacts, .public, .friends, .public, .private, .contacts]
    /// Half of the people are in the user's book one way or another; the rest are there to be found.
    static let relationPattern: [DemoRelation] = [.stranger, .favorite, .contact, .stranger, .friend, .stranger]

    /// Two to four distinct interests, the first of the pool the likeliest, so that interest
    /// searches find several people and people share interests with the user.
    static func drawInterests(using random: inout SplitMix64) -> [String] {
        let wanted = random.between(2...4)
        var chosen: [String] = []
        while chosen.count < wanted {
            // Squaring a uniform draw favours the start of the list (a rough Zipf).
            let draw = Double(random.next() >> 11) / Double(1 << 53)
            let interest = DemoNames.interests[Int(draw * draw * Double(DemoNames.interests.count))]
            if !chosen.contains(interest) { chosen.append(interest) }
        }
        return chosen
    }
}

/// What a demo identity publishes about itself.
public struct DemoProfile: Hashable, Sendable {
    /// Display name.
    public var name: String
    /// Interests, as a person would type them.
    public var interests: [String]
    /// General location.
    public var location: String
    /// Who may see the profile.
    public var visibility: PrivacyLevel

    /// A profile from its parts.
    public init(name: String, interests: [String], location: String, visibility: PrivacyLevel) {
        self.name = name
        self.interests = interests
        self.location = location
        self.visibility = visibility
    }
}

/// One generated person: a node of the demo network.
public struct DemoPerson: Hashable, Sendable {
    /// Position in the population (node 0 is the one the others join the DHT through).
    public var index: Int
    /// What the person publishes.
    public var profile: DemoProfile
    /// How the demo's user's book holds this person.
    public var relation: DemoRelation
    /// Whether the node listens where the user's nearby probe looks (its own loopback address).
    public var isNearby: Bool
    /// Whether the node answers discovery queries (`--share-with-discovery-peers on`).
    public var sharesWithDiscoveryPeers: Bool
    /// The other people (indices) in this person's book.
    public var acquaintances: [Int] = []

    /// A person from its parts.
    public init(
        index: Int, profile: DemoProfile, relation: DemoRelation, isNearby: Bool, sharesWithDiscoveryPeers: Bool,
        acquaintances: [Int] = []
    ) {
        self.index = index
        self.profile = profile
        self.relation = relation
        self.isNearby = isNearby
        self.sharesWithDiscoveryPeers = sharesWithDiscoveryPeers
        self.acquaintances = acquaintances
    }

    /// Whether this person keeps the demo user in their own book (as a friend for `.friend`),
    /// so that a `contacts` or `friends` profile shows to the user as it would to a real contact.
    public var knowsUser: Bool { relation != .stranger && relation != .blocked }
}

/// How the demo's user's book holds a demo person.
public enum DemoRelation: String, Hashable, Sendable, CaseIterable {
    /// Not in the book: someone to find.
    case stranger
    /// A plain contact.
    case contact
    /// A contact marked favorite.
    case favorite
    /// A contact marked friend.
    case friend
    /// A blocked contact: never shown as nearby, never answered.
    case blocked

    /// Whether the user's book holds this person at all.
    public var isInBook: Bool { self != .stranger }
}
