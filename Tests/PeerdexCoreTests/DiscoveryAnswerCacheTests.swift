import Foundation
import PeerdexTestSupport
import Testing

import PeerdexCore

/// The responder's cache of strangers' answers: a repeated query is answered from it with the very
/// answer a search gives, other relationships are always searched, and a new snapshot starts empty.
@Suite struct DiscoveryAnswerCacheTests {
    typealias Book = DiscoveryResponderTests

    static func ask(
        _ responder: DiscoveryResponder, _ query: WirePeerQuery, from requester: PeerID
    ) throws -> [WireDiscoveredProfile] {
        try responder.peerQueryReply(to: query, from: requester, load: 0, referralCandidates: []).results
    }

    @Test func aStrangersRepeatedQueryIsAnsweredFromTheCacheWithTheSearchedAnswer() throws {
        let cached = Book.responder()
        let uncached = DiscoveryResponder(
            controller: cached.controller, contacts: cached.contacts, answerCacheCapacity: 0)
        let query = WirePeerQuery(interests: ["jazz"])
        let first = try Self.ask(cached, query, from: Book.stranger)
        let again = try Self.ask(cached, query, from: Fixtures.peerID(201))
        #expect(!first.isEmpty)
        #expect(first == again, "another stranger gets the same answer")
        #expect(again == (try Self.ask(uncached, query, from: Book.stranger)), "the cached answer is the searched one")
        #expect(cached.strangerAnswers.statistics == .init(hits: 1, misses: 1))
        #expect(uncached.strangerAnswers.count == 0)
    }

    @Test func theKeyIsTheQueryAsAskedAndTheResultsGranted() throws {
        let responder = Book.responder()
        let all = try Self.ask(responder, WirePeerQuery(interests: ["jazz"]), from: Book.stranger)
        let one = try Self.ask(responder, WirePeerQuery(interests: ["jazz"], max: 1), from: Book.stranger)
        let byName = try Self.ask(responder, WirePeerQuery(text: "ada"), from: Book.stranger)
        #expect(all.count == 2)
        #expect(one.count == 1, "a smaller maximum is its own entry, not the larger answer")
        #expect(byName.map(\.peerID) == [Data(Book.contactID.publicKey)])
        #expect(responder.strangerAnswers.statistics == .init(hits: 0, misses: 3))
    }

    @Test(arguments: [Book.contactID, Book.friendID, Book.blockedID, Book.ownID])
    func otherRelationshipsAreAlwaysSearched(requester: PeerID) throws {
        let responder = Book.responder()
        _ = try Self.ask(responder, WirePeerQuery(interests: ["jazz"]), from: requester)
        _ = try Self.ask(responder, WirePeerQuery(interests: ["jazz"]), from: requester)
        #expect(responder.strangerAnswers.statistics == .init(hits: 0, misses: 0))
    }

    @Test func aFriendsAnswerIsNotAStrangersEvenAfterAStrangerAsked() throws {
        let responder = Book.responder()
        let query = WirePeerQuery(interests: ["jazz"])
        let strangers = try Self.ask(responder, query, from: Book.stranger)
        let contacts = try Self.ask(responder, query, from: Book.contactID)
        // Bea (contacts-level) reaches a contact, never a stranger; Ada (the asker) is left out of her own answer.
        #expect(!strangers.contains { $0.peerID == Data(Book.friendID.publicKey) })
        #expect(contacts.contains { $0.peerID == Data(Book.friendID.publicKey) })
        #expect(!contacts.contains { $0.peerID == Data(Book.contactID.publicKey) })
    }

    @Test func aChangedControllerTakesTheReferencePathAndNeverTheCache() throws {
        var responder = Book.responder()
        _ = try Self.ask(responder, WirePeerQuery(interests: ["jazz"]), from: Book.stranger)
        var preferences = responder.controller.preferences
        preferences.allowContactSharing = false
        responder.controller = PrivacyController(
            ownPeerID: Book.ownID, profile: responder.controller.profile, preferences: preferences)
        let answer = try Self.ask(responder, WirePeerQuery(interests: ["jazz"]), from: Book.stranger)
        #expect(answer.map(\.peerID) == [Data(Book.ownID.publicKey)], "contact sharing is off now: our profile alone")
        #expect(responder.strangerAnswers.statistics == .init(hits: 0, misses: 1))
    }

    @Test func theCacheKeepsAtMostItsCapacity() {
        let cache = DiscoveryAnswerCache(capacity: 2)
        var computed = 0
        for text in ["a", "b", "c", "a"] {
            _ = cache.answer(for: .init(text: text, interests: [], limit: 50)) {
                computed += 1
                return []
            }
        }
        #expect(cache.count == 2)
        #expect(computed == 4, "'a' was evicted by 'c' (least recently used) and searched again")
    }
}
