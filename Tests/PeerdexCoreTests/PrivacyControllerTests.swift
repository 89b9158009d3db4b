import PeerdexTestSupport
import Testing

import PeerdexCore

/// The privacy rules of issue 11, rule 1, as literal tables checked case by case.
@Suite struct PrivacyControllerTests {
    typealias DisclosedProfile = PrivacyController.DisclosedProfile

    // MARK: - Fixtures

    static let ownID = Fixtures.peerID(100)
    static let contactID = Fixtures.peerID(1)

    /// A contact with every private detail set, so that a leak of any of them shows.
    static func contact(privacy: PrivacyLevel) -> Contact {
        var contact = Fixtures.contact(
            1, name: "Ada", alias: "Auntie", note: "owes me a coffee", interests: ["jazz", "go"],
            location: "12 Rue Mercière, 69002 Lyon, France", favorite: true)
        contact.privacy = privacy
        contact.isFriend = true
        return contact
    }

    /// What a shared `contact(privacy:)` must look like: no alias, note or flags; general location.
    static let sharedAda = DisclosedProfile(
        peerID: contactID, name: "Ada", interests: ["jazz", "go"], location: "Lyon, France")

    static func profile(_ visibility: PrivacyLevel) -> Profile {
        Profile(
            name: "Zoë", interests: ["climbing"], location: "3 Quai Saint-Vincent, Lyon, France",
            visibility: visibility)
    }

    static let fullZoe = DisclosedProfile(
        peerID: ownID, name: "Zoë", interests: ["climbing"], location: "3 Quai Saint-Vincent, Lyon, France")
    static let discoveryZoe = DisclosedProfile(
        peerID: ownID, name: "Zoë", interests: ["climbing"], location: "Lyon, France")

    /// A controller for `profile(visibility)` with every sharing switch as given.
    static func controller(
        visibility: PrivacyLevel = .public, discoveryPeers: Bool = true, contactSharing: Bool = true
    ) -> PrivacyController {
        let profile = profile(visibility)
        return PrivacyController(
            ownPeerID: ownID, profile: profile,
            preferences: SharingPreferences(
                profile: profile, shareWithDiscoveryPeers: discoveryPeers, allowContactSharing: contactSharing))
    }

    /// The controller of a user who shares nothing: the source of the "empty answers".
    static let sharesNothing = PrivacyController(
        ownPeerID: ownID, profile: Profile(), preferences: SharingPreferences())

    // MARK: - Tables

    struct Key: Hashable, CustomStringConvertible {
        let level: PrivacyLevel
        let relationship: Relationship
        let path: DisclosurePath
        var description: String { "\(level) × \(relationship) × \(path)" }
    }

    /// One line of a table: a level and a path, then the outcome for each relationship.
    struct Row<Outcome: Sendable>: Sendable {
        let level: PrivacyLevel
        let path: DisclosurePath
        let outcomes: [(Relationship, Outcome)]

        init(
            _ level: PrivacyLevel, _ path: DisclosurePath, _ selfPeer: Outcome, _ stranger: Outcome,
            _ contact: Outcome, _ friend: Outcome, _ blocked: Outcome
        ) {
            self.level = level
            self.path = path
            outcomes = [
                (.selfPeer, selfPeer), (.stranger, stranger), (.contact, contact), (.friend, friend),
                (.blocked, blocked),
            ]
        }
    }

    static func entries<Outcome>(_ rows: [Row<Outcome>]) -> [(Key, Outcome)] {
        rows.flatMap { row in row.outcomes.map { (Key(level: row.level, relationship: $0.0, path: row.path), $0.1) } }
    }

    static let allKeys: Set<Key> = Set(
        PrivacyLevel.allCases.flatMap { level in
            Relationship.allCases.flatMap { relationship in
                DisclosurePath.allCases.map { Key(level: level, relationship: relationship, path: $0) }
            }
        })

    enum ContactOutcome { case shared, withheld }

    /// A contact kept at `level`: who learns of it by each path (both sharing switches on).
    static let contactTable: [Row<ContactOutcome>] = [
        //  level      path             self        stranger    contact     friend      blocked
        // The DHT never carries our contacts, whatever their level.
        Row(.public,   .dhtRecord,      .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.contacts, .dhtRecord,      .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.friends,  .dhtRecord,      .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.private,  .dhtRecord,      .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        // A profile request is answered with our profile, never with a contact.
        Row(.public,   .profileRequest, .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.contacts, .profileRequest, .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.friends,  .profileRequest, .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.private,  .profileRequest, .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.public,   .peerQuery,      .shared,    .shared,    .shared,    .shared,    .withheld),
        Row(.contacts, .peerQuery,      .shared,    .withheld,  .shared,    .shared,    .withheld),
        Row(.friends,  .peerQuery,      .shared,    .withheld,  .withheld,  .shared,    .withheld),
        Row(.private,  .peerQuery,      .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
        Row(.public,   .contactSharing, .shared,    .shared,    .shared,    .shared,    .withheld),
        Row(.contacts, .contactSharing, .shared,    .withheld,  .shared,    .shared,    .withheld),
        Row(.friends,  .contactSharing, .shared,    .withheld,  .withheld,  .shared,    .withheld),
        Row(.private,  .contactSharing, .withheld,  .withheld,  .withheld,  .withheld,  .withheld),
    ]

    enum ProfileOutcome { case full, discovery, nothing }

    /// Our profile at visibility `level`: what each requester learns by each path (both switches on).
    static let profileTable: [Row<ProfileOutcome>] = [
        //  level      path             self        stranger    contact     friend      blocked
        // An open record is anyone's to read, blocked peers' too; a sealed one only key holders'.
        Row(.public,   .dhtRecord,      .discovery, .discovery, .discovery, .discovery, .discovery),
        Row(.contacts, .dhtRecord,      .discovery, .nothing,   .discovery, .discovery, .nothing),
        Row(.friends,  .dhtRecord,      .discovery, .nothing,   .nothing,   .discovery, .nothing),
        Row(.private,  .dhtRecord,      .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        Row(.public,   .profileRequest, .full,      .full,      .full,      .full,      .nothing),
        Row(.contacts, .profileRequest, .full,      .nothing,   .full,      .full,      .nothing),
        Row(.friends,  .profileRequest, .full,      .nothing,   .nothing,   .full,      .nothing),
        Row(.private,  .profileRequest, .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        Row(.public,   .peerQuery,      .discovery, .discovery, .discovery, .discovery, .nothing),
        Row(.contacts, .peerQuery,      .discovery, .nothing,   .discovery, .discovery, .nothing),
        Row(.friends,  .peerQuery,      .discovery, .nothing,   .nothing,   .discovery, .nothing),
        Row(.private,  .peerQuery,      .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        // Contact sharing lists our contacts; we are not one of them.
        Row(.public,   .contactSharing, .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        Row(.contacts, .contactSharing, .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        Row(.friends,  .contactSharing, .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
        Row(.private,  .contactSharing, .nothing,   .nothing,   .nothing,   .nothing,   .nothing),
    ]

    @Test func bothTablesCoverEveryLevelRelationshipAndPathExactlyOnce() {
        let contactKeys = Self.entries(Self.contactTable).map(\.0)
        let profileKeys = Self.entries(Self.profileTable).map(\.0)
        #expect(Self.allKeys.count == 80)
        #expect(contactKeys.count == Self.allKeys.count && Set(contactKeys) == Self.allKeys)
        #expect(profileKeys.count == Self.allKeys.count && Set(profileKeys) == Self.allKeys)
    }

    @Test func aContactIsDisclosedExactlyAsTheTableSays() {
        let controller = Self.controller()
        for (key, outcome) in Self.entries(Self.contactTable) {
            let disclosed = controller.sharedContact(
                Self.contact(privacy: key.level), for: key.relationship, path: key.path)
            switch outcome {
            case .shared: #expect(disclosed == Self.sharedAda, "\(key)")
            case .withheld: #expect(disclosed == nil, "\(key)")
            }
        }
    }

    @Test func ourProfileIsDisclosedExactlyAsTheTableSays() {
        for (key, outcome) in Self.entries(Self.profileTable) {
            let disclosure = Self.controller(visibility: key.level).ownProfile(for: key.relationship, path: key.path)
            switch outcome {
            case .full: #expect(disclosure == .fullProfile(Self.fullZoe), "\(key)")
            case .discovery: #expect(disclosure == .discoveryProfile(Self.discoveryZoe), "\(key)")
            case .nothing: #expect(disclosure == .nothing, "\(key)")
            }
        }
    }

    // MARK: - Sharing preferences

    @Test func withContactSharingOffNoContactLeavesByAnyPath() {
        let controller = Self.controller(contactSharing: false)
        for key in Self.allKeys {
            let contact = Self.contact(privacy: key.level)
            #expect(controller.sharedContact(contact, for: key.relationship, path: key.path) == nil, "\(key)")
            #expect(
                controller.sharedContacts(
                    PrivacyLevel.allCases.map(Self.contact(privacy:)), for: key.relationship, path: key.path
                ).isEmpty)
        }
    }

    @Test func withDiscoveryPeersOffNothingAnswersAPeerQueryAndOtherPathsAreUnchanged() {
        let off = Self.controller(discoveryPeers: false)
        for key in Self.allKeys {
            let contact = Self.contact(privacy: key.level)
            let profileOff = Self.controller(visibility: key.level, discoveryPeers: false)
            let profileOn = Self.controller(visibility: key.level)
            if key.path == .peerQuery {
                #expect(off.sharedContact(contact, for: key.relationship, path: key.path) == nil, "\(key)")
                #expect(profileOff.ownProfile(for: key.relationship, path: key.path) == .nothing, "\(key)")
            } else {
                let on = Self.controller()
                #expect(
                    off.sharedContact(contact, for: key.relationship, path: key.path)
                        == on.sharedContact(contact, for: key.relationship, path: key.path), "\(key)")
                #expect(
                    profileOff.ownProfile(for: key.relationship, path: key.path)
                        == profileOn.ownProfile(for: key.relationship, path: key.path), "\(key)")
            }
        }
    }

    @Test func theDefaultsShareNothingEvenAPublicContact() {
        let preferences = SharingPreferences()
        #expect(preferences.discoverableBy == .private)
        #expect(!preferences.shareWithDiscoveryPeers && !preferences.allowContactSharing)
        for relationship in Relationship.allCases {
            for path in DisclosurePath.allCases {
                #expect(Self.sharesNothing.ownProfile(for: relationship, path: path) == .nothing)
                let contact = Self.contact(privacy: .public)
                #expect(Self.sharesNothing.sharedContact(contact, for: relationship, path: path) == nil)
            }
        }
        #expect(Self.sharesNothing.publishedRecord == .nothing)
    }

    @Test func theNarrowerOfProfileVisibilityAndPreferencesWins() {
        var controller = Self.controller(visibility: .public)
        controller.preferences.discoverableBy = .friends
        #expect(controller.effectiveVisibility == .friends)
        #expect(controller.ownProfile(for: .stranger, path: .profileRequest) == .nothing)
        #expect(controller.ownProfile(for: .friend, path: .profileRequest) == .fullProfile(Self.fullZoe))

        controller = Self.controller(visibility: .private)
        controller.preferences.discoverableBy = .public
        #expect(controller.effectiveVisibility == .private)
        #expect(controller.ownProfile(for: .friend, path: .profileRequest) == .nothing)
        #expect(controller.publishedRecord == .nothing)
    }

    // MARK: - Blocked requesters

    @Test func aBlockedRequesterGetsTheEmptyAnswerOnEveryDirectPath() {
        let contacts = PrivacyLevel.allCases.map(Self.contact(privacy:))
        for level in PrivacyLevel.allCases {
            let controller = Self.controller(visibility: level)
            for path in [DisclosurePath.profileRequest, .peerQuery, .contactSharing] {
                #expect(
                    controller.ownProfile(for: .blocked, path: path)
                        == Self.sharesNothing.ownProfile(for: .stranger, path: path))
                #expect(
                    controller.sharedContacts(contacts, for: .blocked, path: path)
                        == Self.sharesNothing.sharedContacts(contacts, for: .stranger, path: path))
                #expect(controller.sharedContacts(contacts, for: .blocked, path: path).isEmpty)
            }
        }
    }

    @Test func fromTheDHTABlockedReaderLearnsWhatAStrangerLearns() {
        for level in PrivacyLevel.allCases {
            let controller = Self.controller(visibility: level)
            #expect(
                controller.ownProfile(for: .blocked, path: .dhtRecord)
                    == controller.ownProfile(for: .stranger, path: .dhtRecord), "\(level)")
        }
    }

    @Test func aBlockedContactIsNeverSharedEvenWhenPublic() {
        var blocked = Self.contact(privacy: .public)
        blocked.blockedAt = Fixtures.now
        let shared = Self.controller().sharedContacts(
            [blocked, Self.contact(privacy: .public)], for: .friend, path: .contactSharing)
        #expect(shared == [Self.sharedAda])
    }

    // MARK: - Published record

    @Test func theDHTRecordIsNoneOpenOrSealedByVisibility() {
        #expect(Self.controller(visibility: .private).publishedRecord == .nothing)
        #expect(Self.controller(visibility: .public).publishedRecord == .open(Self.discoveryZoe))
        #expect(
            Self.controller(visibility: .contacts).publishedRecord == .sealed(audience: .contacts, Self.discoveryZoe))
        #expect(Self.controller(visibility: .friends).publishedRecord == .sealed(audience: .friends, Self.discoveryZoe))
    }
}
