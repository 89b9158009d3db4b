import PeerdexTestSupport
import Testing

import PeerdexCore

@Suite struct RelationshipTests {
    static let ownID = Fixtures.peerID(100)

    /// The relationship of `requester` when the book holds exactly `book`.
    static func relationship(of requester: PeerID, book: [Contact]) -> Relationship {
        let byID = Dictionary(uniqueKeysWithValues: book.map { ($0.peerID, $0) })
        return Relationship(requester: requester, ownPeerID: ownID, contact: { byID[$0] })
    }

    @Test func aPeerOutsideTheBookIsAStranger() {
        #expect(Self.relationship(of: Fixtures.peerID(1), book: [Fixtures.contact(2)]) == .stranger)
    }

    @Test func aPeerInTheBookIsAContactOrAFriend() {
        var friend = Fixtures.contact(2)
        friend.isFriend = true
        let book = [Fixtures.contact(1), friend]
        #expect(Self.relationship(of: Fixtures.peerID(1), book: book) == .contact)
        #expect(Self.relationship(of: Fixtures.peerID(2), book: book) == .friend)
    }

    @Test func blockedBeatsFriendAndContact() {
        var blockedFriend = Fixtures.contact(1, blocked: true)
        blockedFriend.isFriend = true
        let book = [blockedFriend, Fixtures.contact(2, favorite: true, blocked: true)]
        #expect(Self.relationship(of: Fixtures.peerID(1), book: book) == .blocked)
        #expect(Self.relationship(of: Fixtures.peerID(2), book: book) == .blocked)
    }

    @Test func ourOwnKeyIsSelfUnlessWeBlockedIt() {
        #expect(Self.relationship(of: Self.ownID, book: []) == .selfPeer)
        var ownEntry = Fixtures.contact(100)
        ownEntry.isFriend = true
        #expect(Self.relationship(of: Self.ownID, book: [ownEntry]) == .selfPeer)
        #expect(Self.relationship(of: Self.ownID, book: [Fixtures.contact(100, blocked: true)]) == .blocked)
    }

    @Test func aLookupAnsweringWithAnotherPeersContactMakesAStranger() {
        var friend = Fixtures.contact(2)
        friend.isFriend = true
        let relationship = Relationship(requester: Fixtures.peerID(1), ownPeerID: Self.ownID, contact: { _ in friend })
        #expect(relationship == .stranger)
    }

    @Test func theControllerClassifiesAgainstItsOwnID() {
        let controller = PrivacyController(
            ownPeerID: Self.ownID, profile: Profile(), preferences: SharingPreferences())
        #expect(controller.relationship(of: Self.ownID, contact: { _ in nil }) == .selfPeer)
        #expect(controller.relationship(of: Fixtures.peerID(5), contact: { _ in nil }) == .stranger)
    }
}
