import Foundation
import PeerdexTestSupport
import Testing

import PeerdexCore

/// Our answers to profile, audience-key and peer-query requests: what each requester gets, that
/// a blocked requester's answer is byte for byte a stranger's empty one, and "busy" with referrals.
@Suite struct DiscoveryResponderTests {
    static let ownID = Fixtures.peerID(100)
    static let stranger = Fixtures.peerID(200)
    static let (contactID, friendID, blockedID, privateID) =
        (Fixtures.peerID(1), Fixtures.peerID(2), Fixtures.peerID(3), Fixtures.peerID(4))

    /// A contact, a friend, a blocked friend and a private contact, all interested in jazz.
    static var book: [Contact] {
        var contact = Fixtures.contact(
            1, name: "Ada", interests: ["jazz"], location: "12 Rue Mercière, 69002 Lyon, France")
        contact.privacy = .public
        var friend = Fixtures.contact(2, name: "Bea", interests: ["jazz", "go"], location: "Lyon")
        friend.isFriend = true
        friend.privacy = .contacts
        var blocked = Fixtures.contact(3, name: "Cid", interests: ["jazz"], blocked: true)
        blocked.isFriend = true
        blocked.privacy = .public
        var hidden = Fixtures.contact(4, name: "Dee", interests: ["jazz"])
        hidden.privacy = .private
        return [contact, friend, blocked, hidden]
    }

    static func responder(
        visibility: PrivacyLevel = .public, share: Bool = true, keyring: AudienceKeyring = AudienceKeyring(),
        busyPolicy: BusyPolicy = BusyPolicy()
    ) -> DiscoveryResponder {
        let profile = Profile(
            name: "Zoë", interests: ["jazz", "climbing"], location: "3 Quai Saint-Vincent, Lyon, France",
            visibility: visibility, seq: 9)
        let preferences = SharingPreferences(
            profile: profile, shareWithDiscoveryPeers: share, allowContactSharing: share)
        return DiscoveryResponder(
            controller: PrivacyController(ownPeerID: ownID, profile: profile, preferences: preferences),
            contacts: book, keyring: keyring, busyPolicy: busyPolicy)
    }

    static func keyring() -> AudienceKeyring {
        var random = SeededRandom(exactSeed: 8)
        var keyring = AudienceKeyring()
        _ = keyring.ownKey(for: .contacts, using: &random)
        _ = keyring.ownKey(for: .friends, using: &random)
        return keyring
    }

    static func referral(_ seed: Int) -> DiscoveryPeer {
        DiscoveryPeer(
            peerID: Fixtures.peerID(seed), endpoint: DHTEndpoint(ip: .v4(0x0a00_0001), port: UInt16(5_000 + seed)))
    }

    static func bytes(_ body: WireEnvelope.OneOf_Body) -> [UInt8] { WireEnvelope.response(id: 1, body).wireBytes() }

    // MARK: - Profile

    @Test func aContactsProfileIsEmptyForAStrangerAndFullForAContact() throws {
        let responder = Self.responder(visibility: .contacts)
        #expect(responder.profileReply(to: Self.stranger) == WireProfileReply())
        let reply = responder.profileReply(to: Self.contactID)
        let peer = try #require(try reply.validated(from: Self.ownID))
        #expect(peer.name == "Zoë")
        #expect(peer.location == "3 Quai Saint-Vincent, Lyon, France", "a direct request gets the full location")
        #expect(peer.seq == 9)
    }

    @Test(arguments: PrivacyLevel.allCases)
    func aBlockedRequestersRepliesAreAStrangersEmptyOnesByteForByte(level: PrivacyLevel) throws {
        let generous = Self.responder(visibility: level, keyring: Self.keyring())
        // The empty answers: a responder sharing nothing, asked by a stranger.
        let stingy = Self.responder(visibility: .private, share: false)
        #expect(Self.bytes(.profileReply(generous.profileReply(to: Self.blockedID)))
            == Self.bytes(.profileReply(stingy.profileReply(to: Self.stranger))))
        #expect(Self.bytes(.audienceKeysReply(generous.audienceKeysReply(to: Self.blockedID)))
            == Self.bytes(.audienceKeysReply(stingy.audienceKeysReply(to: Self.stranger))))
        let query = WirePeerQuery(text: "", interests: ["jazz"])
        let blocked = try generous.peerQueryReply(to: query, from: Self.blockedID, load: 0, referralCandidates: [])
        let empty = try stingy.peerQueryReply(to: query, from: Self.stranger, load: 0, referralCandidates: [])
        #expect(Self.bytes(.peerQueryReply(blocked)) == Self.bytes(.peerQueryReply(empty)))
        #expect(empty == WirePeerQueryReply())
    }

    // MARK: - Audience keys

    @Test func keysGoToTheMembersOfTheirAudienceOnly() {
        let keyring = Self.keyring()
        let responder = Self.responder(keyring: keyring)
        let contactsKey = keyring.own[.contacts]!, friendsKey = keyring.own[.friends]!
        #expect(responder.audienceKeysReply(to: Self.contactID).decodedKeys().keys == [contactsKey])
        #expect(responder.audienceKeysReply(to: Self.friendID).decodedKeys().keys == [contactsKey, friendsKey])
        #expect(responder.audienceKeysReply(to: Self.privateID).decodedKeys().keys == [contactsKey])
        #expect(responder.audienceKeysReply(to: Self.stranger).keys.isEmpty)
        #expect(responder.audienceKeysReply(to: Self.blockedID).keys.isEmpty)
        #expect(responder.audienceKeysReply(to: Self.ownID).keys.isEmpty)
        #expect(Self.responder().audienceKeysReply(to: Self.friendID).keys.isEmpty, "no key made yet, none handed")
    }

    // MARK: - Peer query

    @Test func aQueryIsAnsweredFromOurProfileAndTheContactsWeMayShare() throws {
        let responder = Self.responder()
        let reply = try responder.peerQueryReply(
            to: WirePeerQuery(interests: ["jazz"]), from: Self.friendID, load: 0.2, referralCandidates: [])
        let results = reply.decoded(from: Self.ownID).results
        // Bea is the asker (never told of itself), Cid blocked, Dee private.
        #expect(Set(results.map(\.peerID)) == [Self.ownID, Self.contactID])
        let ada = try #require(results.first { $0.peerID == Self.contactID })
        #expect(ada.location == "Lyon, France", "a shared contact carries the general location only")
        #expect(ada.seq == 0)
        #expect(results.first { $0.peerID == Self.ownID }?.location == "Lyon, France")
        #expect(results.first { $0.peerID == Self.ownID }?.seq == 9)
        #expect(!reply.busy && reply.referrals.isEmpty)
    }

    @Test func aStrangerSeesOnlyWhatItsAudienceAdmits() throws {
        let responder = Self.responder()
        let reply = try responder.peerQueryReply(
            to: WirePeerQuery(interests: ["jazz"]), from: Self.stranger, load: 0, referralCandidates: [])
        // Bea is kept at the contacts level: a stranger does not learn of her.
        #expect(Set(reply.decoded(from: Self.ownID).results.map(\.peerID)) == [Self.ownID, Self.contactID])
    }

    @Test func theQueryTextFiltersAndTheMaximumCaps() throws {
        let responder = Self.responder()
        let byName = try responder.peerQueryReply(
            to: WirePeerQuery(text: "bea"), from: Self.contactID, load: 0, referralCandidates: [])
        #expect(byName.results.map(\.peerID) == [Data(Self.friendID.publicKey)])
        let capped = try responder.peerQueryReply(
            to: WirePeerQuery(max: 1), from: Self.contactID, load: 0, referralCandidates: [])
        #expect(capped.results.count == 1)
        let none = try responder.peerQueryReply(
            to: WirePeerQuery(interests: ["knitting"]), from: Self.contactID, load: 0, referralCandidates: [])
        #expect(none.results.isEmpty)
    }

    @Test func withoutDiscoverySharingAQueryGetsNothing() throws {
        let reply = try Self.responder(share: false).peerQueryReply(
            to: WirePeerQuery(), from: Self.friendID, load: 0, referralCandidates: [])
        #expect(reply == WirePeerQueryReply())
    }

    @Test func anOverloadedResponderAnswersBusyWithReferralsButNeverTheRequester() throws {
        let responder = Self.responder(busyPolicy: BusyPolicy(busyLoad: 0.9, maximumReferrals: 3))
        let candidates = [Self.referral(7), Self.referral(200), Self.referral(8), Self.referral(7), Self.referral(9)]
        let candidatesWithAsker = candidates + [DiscoveryPeer(peerID: Self.stranger, endpoint: candidates[0].endpoint)]
        let busy = try responder.peerQueryReply(
            to: WirePeerQuery(), from: Self.stranger, load: 0.95, referralCandidates: candidatesWithAsker)
        #expect(busy.busy)
        #expect(busy.results.isEmpty)
        let referred = busy.decoded(from: Self.ownID).referrals.map(\.peerID)
        #expect(referred == [7, 8, 9].map(Fixtures.peerID), "the requester, 200, is skipped; three at most")
        // Exactly the threshold still answers.
        let answered = try responder.peerQueryReply(
            to: WirePeerQuery(), from: Self.stranger, load: 0.9, referralCandidates: candidates)
        #expect(!answered.busy && !answered.results.isEmpty)
    }

    @Test func aQueryOverTheLimitsIsRefusedEvenWhenBusy() {
        let query = WirePeerQuery(text: String(repeating: "q", count: 300))
        #expect(throws: DiscoveryMessageError.queryTextTooLong(bytes: 300)) {
            try Self.responder().peerQueryReply(to: query, from: Self.stranger, load: 1, referralCandidates: [])
        }
    }
}
