import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// The peer-query index against its definition: on many generated books, preferences, requesters
/// and queries, `DiscoveryResponder.results` (indexed) must equal `referenceResults` (privacy,
/// folding and merging per query) entry for entry, order and limit included.
// Serialized, and the long differential test yields between books: in a debug build both tests
// are minutes of CPU, and run side by side they held both of CI's concurrency threads, so that
// every timing test of the same run starved past its limits.
@Suite(.serialized) struct DiscoveryShareIndexTests {
    static let ownID = Fixtures.peerID(1)

    static let givenNames = [
        "Zoë", "Øystein", "Łukasz", "François", "Anna", "Maria", "Marianne", "Mario", "Jonathan", "Jon", "Émilie",
        "Ada", "Adam", "Ana", "Иван", "Мария", "Σοφία", "美咲", "東京タワー", "さくら", "محمد", "Grace", "Gracie",
    ]
    static let familyNames = [
        "Müller", "Mueller", "García", "Garcia", "Nørgaard", "Weiß", "Smith", "Smyth", "Lovelace", "Hopper",
        "Петров", "Παπαδόπουλος", "山田", "Dvořák", "",
    ]
    static let interests = [
        "jazz", "Jazz", "climbing", "chess", "photography", "open source", "Musik", "café", "音楽", "шахматы",
        "board games", "hiking", "biking",
    ]
    static let locations = [
        "", "Lyon", "12 Rue Mercière, 69002 Lyon, France", "Berlin", "東京", "São Paulo, Brasil", "Flat 4B, Kraków",
    ]

    // MARK: - Differential

    @Test func indexedResultsEqualTheReferenceOnGeneratedBooks() async {
        var random = SeededRandom(defaultSeed: 0x5eed_1d3c)
        var comparisons = 0
        var nonEmpty = 0
        var truncated = 0
        for book in 0..<60 {
            await Task.yield()
            let responder = Self.responder(book: book, size: Int.random(in: 0...160, using: &random), random: &random)
            let requesters = Self.requesters(of: responder, random: &random)
            for _ in 0..<40 {
                let query = Self.query(random: &random)
                let limit = [1, 2, 5, 20, 50, 60].randomElement(using: &random)!
                for requester in requesters {
                    let indexed = responder.results(matching: query, for: requester, limit: limit)
                    let reference = responder.referenceResults(matching: query, for: requester, limit: limit)
                    #expect(
                        indexed == reference,
                        "book \(book), query '\(query.text.raw)' \(query.interests), limit \(limit), \(random)")
                    comparisons += 1
                    if !reference.isEmpty { nonEmpty += 1 }
                    if reference.count == limit { truncated += 1 }
                }
            }
        }
        // The comparison means something only if many answers hold results, some cut by the limit.
        #expect(nonEmpty * 4 > comparisons, "\(nonEmpty) of \(comparisons) answers non-empty, \(random)")
        #expect(truncated * 20 > comparisons, "\(truncated) of \(comparisons) answers at the limit, \(random)")
    }

    @Test func aControllerChangedAfterBuildingIsFollowed() {
        var random = SeededRandom(defaultSeed: 77)
        var responder = Self.responder(book: 0, size: 80, random: &random, sharing: true)
        let query = DiscoveryQuery(text: "ma")
        let before = responder.results(matching: query, for: Fixtures.peerID(999), limit: 50)
        #expect(!before.isEmpty)
        responder.controller.preferences.allowContactSharing = false
        let after = responder.results(matching: query, for: Fixtures.peerID(999), limit: 50)
        #expect(after == responder.referenceResults(matching: query, for: Fixtures.peerID(999), limit: 50))
        #expect(after.count < before.count)
    }

    @Test func aBookRepeatingAPeerIDTakesTheReferencePath() {
        let first = Contact(peerID: Fixtures.peerID(5), name: "Maria", privacy: .public, addedAt: Fixtures.now)
        let second = Contact(peerID: Fixtures.peerID(5), name: "Mario", privacy: .public, addedAt: Fixtures.now)
        let responder = Self.responder(contacts: [first, second], discoverable: .public)
        let results = responder.results(matching: DiscoveryQuery(text: "mari"), for: Fixtures.peerID(9), limit: 10)
        #expect(results.map(\.name) == ["Maria"])
    }

    /// Per-query cost over 10,000 public contacts, printed for the record; the index must be far
    /// cheaper than the per-record walk it replaces (a ratio, so that a slow machine still passes).
    @Test func aQueryOverTenThousandRecordsIsFarCheaperFromTheIndex() {
        var random = SeededRandom(defaultSeed: 10_000)
        let contacts = (0..<10_000).map { Self.contact($0 + 10, random: &random, privacy: .public) }
        let responder = Self.responder(contacts: contacts, discoverable: .public)
        let queries = (0..<30).map { _ in Self.query(random: &random) }
        let stranger = Fixtures.peerID(999_999)
        func perQuery(_ answer: (DiscoveryQuery) -> [DiscoveredPeer], repeats: Int) -> Double {
            let clock = ContinuousClock()
            var results = 0
            let elapsed = clock.measure {
                for _ in 0..<repeats { for query in queries { results += answer(query).count } }
            }
            #expect(results > 0)
            let (seconds, attoseconds) = elapsed.components
            return (Double(seconds) + Double(attoseconds) * 1e-18) / Double(repeats * queries.count)
        }
        let indexed = perQuery({ responder.results(matching: $0, for: stranger, limit: 50) }, repeats: 20)
        let reference = perQuery({ responder.referenceResults(matching: $0, for: stranger, limit: 50) }, repeats: 1)
        print("DiscoveryShareIndex: \(indexed * 1e6) µs per query indexed, \(reference * 1e6) µs by reference")
        #expect(indexed * 10 < reference)
    }

    // MARK: - Generation

    static func responder(
        book: Int, size: Int, random: inout SeededRandom, sharing: Bool? = nil
    ) -> DiscoveryResponder {
        var contacts = (0..<size).map { contact($0 + 10, random: &random) }
        // Some books hold our own ID, or one ID twice: the index must hand those to the reference.
        if size > 2, book % 10 == 3 { contacts[1].peerID = contacts[0].peerID }
        if size > 2, book % 10 == 7 { contacts[2].peerID = ownID }
        let visibility = PrivacyLevel.allCases.randomElement(using: &random)!
        let profile = Profile(
            name: givenNames.randomElement(using: &random)!, interests: randomInterests(&random),
            location: locations.randomElement(using: &random)!, visibility: visibility,
            seq: book % 13 == 5 ? -1 : Int64.random(in: 0...9, using: &random))
        let preferences = SharingPreferences(
            discoverableBy: Bool.random(using: &random) ? visibility : PrivacyLevel.allCases.randomElement(using: &random)!,
            shareWithDiscoveryPeers: sharing ?? (Int.random(in: 0..<6, using: &random) != 0),
            allowContactSharing: sharing ?? (Int.random(in: 0..<6, using: &random) != 0))
        return DiscoveryResponder(
            controller: PrivacyController(ownPeerID: ownID, profile: profile, preferences: preferences),
            contacts: contacts)
    }

    static func responder(contacts: [Contact], discoverable: PrivacyLevel) -> DiscoveryResponder {
        let profile = Profile(name: "Zoë", interests: ["jazz"], location: "Lyon", visibility: discoverable, seq: 3)
        let preferences = SharingPreferences(profile: profile, shareWithDiscoveryPeers: true, allowContactSharing: true)
        return DiscoveryResponder(
            controller: PrivacyController(ownPeerID: ownID, profile: profile, preferences: preferences),
            contacts: contacts)
    }

    /// A contact with names from small pools (so that queries hit), sometimes over a profile's limits.
    static func contact(_ seed: Int, random: inout SeededRandom, privacy: PrivacyLevel? = nil) -> Contact {
        var name = givenNames.randomElement(using: &random)! + " " + familyNames.randomElement(using: &random)!
        switch Int.random(in: 0..<40, using: &random) {
        case 0: name = ""
        case 1: name = String(repeating: "Maria ", count: 12)  // over 64 bytes: the merger drops it
        case 2: name = "Ma\u{7}ria"  // a control character: dropped too
        case 3: name = "  Maria\nGarcía "  // normalized to one trimmed line
        default: break
        }
        return Contact(
            peerID: Fixtures.peerID(seed), name: name,
            alias: Bool.random(using: &random) ? "" : "Mimi", note: Bool.random(using: &random) ? "" : "met in Lyon",
            interests: randomInterests(&random), location: locations.randomElement(using: &random)!,
            privacy: privacy ?? PrivacyLevel.allCases.randomElement(using: &random)!,
            isFriend: Int.random(in: 0..<4, using: &random) == 0,
            blockedAt: Int.random(in: 0..<15, using: &random) == 0 ? Fixtures.now : nil,
            addedAt: Fixtures.now,
            lastInteraction: Bool.random(using: &random) ? Fixtures.now : nil)
    }

    static func randomInterests(_ random: inout SeededRandom) -> [String] {
        (0..<Int.random(in: 0...4, using: &random)).map { _ in interests.randomElement(using: &random)! }
    }

    /// Every kind of requester: ourselves, a stranger, and contacts of each kind in the book.
    static func requesters(of responder: DiscoveryResponder, random: inout SeededRandom) -> [PeerID] {
        var requesters = [ownID, Fixtures.peerID(999)]
        for relationship in [Relationship.contact, .friend, .blocked] {
            let matching = responder.contacts.filter { responder.relationship(of: $0.peerID) == relationship }
            if let pick = matching.randomElement(using: &random) { requesters.append(pick.peerID) }
        }
        return requesters
    }

    /// Prefixes, whole names, typos, substrings, several terms, interests, or nothing at all.
    static func query(random: inout SeededRandom) -> DiscoveryQuery {
        let word = (givenNames + familyNames + interests + locations).randomElement(using: &random)!
        let characters = Array(word)
        var text: String
        switch Int.random(in: 0..<9, using: &random) {
        case 0: text = String(characters.prefix(Int.random(in: 1...max(1, characters.count), using: &random)))
        case 1: text = word.uppercased()
        case 2 where characters.count >= 5:
            var typo = characters
            typo[Int.random(in: 1..<characters.count, using: &random)] = "x"
            text = String(typo)
        case 3 where characters.count >= 3:
            text = String(characters.dropFirst().prefix(Int.random(in: 2...characters.count - 1, using: &random)))
        case 4: text = word + " " + (familyNames.randomElement(using: &random)!.prefix(3))
        case 5: text = ""
        case 6: text = String(characters.prefix(2))
        default: text = word
        }
        let queryInterests = Int.random(in: 0..<4, using: &random) == 0 ? randomInterests(&random) : []
        return DiscoveryQuery(text: text, interests: queryInterests)
    }
}
