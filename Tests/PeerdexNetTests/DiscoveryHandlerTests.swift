import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// The direct discovery paths over the real Noise transport on 127.0.0.1: the answering node
/// judges each request by the peer ID the handshake proved, so the same request gets a profile,
/// keys or shared contacts from one client and the empty answer from another.
@Suite(.timeLimit(.minutes(1))) struct DiscoveryHandlerTests {
    static let server = NodeHarness.identity()
    static let contact = NodeHarness.identity()
    static let friend = NodeHarness.identity()

    /// A public contact of the server's, "Ada", interested in jazz, whom it may share.
    static let ada: Contact = {
        var ada = Fixtures.contact(1, name: "Ada", interests: ["jazz"], location: "2 Rue Neuve, Lyon, France")
        ada.privacy = .public
        return ada
    }()

    /// The server's book: `contact` a contact, `friend` a friend, and Ada.
    static func book() -> [Contact] {
        var contact = Contact(peerID: Self.contact.peerID, name: "Cyd", addedAt: Fixtures.now)
        contact.privacy = .contacts
        var friend = Contact(peerID: Self.friend.peerID, name: "Fox", addedAt: Fixtures.now)
        friend.isFriend = true
        friend.privacy = .friends
        return [contact, friend, ada]
    }

    static func responder(visibility: PrivacyLevel, keyring: AudienceKeyring = AudienceKeyring())
        -> DiscoveryResponder
    {
        let profile = Profile(
            name: "Zoë", interests: ["jazz", "climbing"], location: "3 Quai Saint-Vincent, Lyon, France",
            visibility: visibility, seq: 4)
        let preferences = SharingPreferences(profile: profile, shareWithDiscoveryPeers: true, allowContactSharing: true)
        return DiscoveryResponder(
            controller: PrivacyController(ownPeerID: server.peerID, profile: profile, preferences: preferences),
            contacts: book(), keyring: keyring)
    }

    /// Runs the server with `handler`, then each client identity in turn against it.
    static func withServer<T: Sendable>(
        _ handler: any RequestHandler, as client: LocalHandshakeIdentity = NodeHarness.identity(),
        _ body: @Sendable (PeerConnection) async throws -> T
    ) async throws -> T {
        try await NodeHarness.withNode(identity: server, handler: handler) { _, address in
            try await NodeHarness.withNode(identity: client, listen: false) { node, _ in
                try await body(try await node.connection(to: address))
            }
        }
    }

    // MARK: - Profile

    @Test func aStrangerFetchesAPublicProfile() async throws {
        let handler = DiscoveryHandler(responding: DiscoveryResponderSnapshot(Self.responder(visibility: .public)))
        let profile = try await Self.withServer(handler) { try await $0.requestProfile() }
        #expect(
            profile == DiscoveredPeer(
                peerID: Self.server.peerID, name: "Zoë", interests: ["jazz", "climbing"],
                location: "3 Quai Saint-Vincent, Lyon, France", seq: 4))
    }

    @Test func aContactsProfileIsEmptyForAStrangerAndServedToAContact() async throws {
        let handler = DiscoveryHandler(responding: DiscoveryResponderSnapshot(Self.responder(visibility: .contacts)))
        let forStranger = try await Self.withServer(handler) { try await $0.requestProfile() }
        #expect(forStranger == nil, "an empty reply, not an error")
        let forContact = try await Self.withServer(handler, as: Self.contact) { try await $0.requestProfile() }
        #expect(forContact?.name == "Zoë")
        #expect(forContact?.peerID == Self.server.peerID)
    }

    @Test func aNodeWithNoSnapshotYetAnswersEmpty() async throws {
        let handler = DiscoveryHandler(responding: DiscoveryResponderSnapshot())
        let profile = try await Self.withServer(handler, as: Self.friend) { try await $0.requestProfile() }
        #expect(profile == nil)
    }

    // MARK: - Audience keys

    @Test func keysAreHandedOnlyToMembersAndOpenTheirProfiles() async throws {
        var random = SeededRandom(exactSeed: 12)
        var keyring = AudienceKeyring()
        let contactsKey = keyring.ownKey(for: .contacts, using: &random)
        let friendsKey = keyring.ownKey(for: .friends, using: &random)
        let handler = DiscoveryHandler(
            responding: DiscoveryResponderSnapshot(Self.responder(visibility: .friends, keyring: keyring)))
        let forFriend = try await Self.withServer(handler, as: Self.friend) { try await $0.requestAudienceKeys() }
        #expect(forFriend == .init(keys: [contactsKey, friendsKey], rejected: 0))
        let forContact = try await Self.withServer(handler, as: Self.contact) { try await $0.requestAudienceKeys() }
        #expect(forContact.keys == [contactsKey])
        let forStranger = try await Self.withServer(handler) { try await $0.requestAudienceKeys() }
        #expect(forStranger == .init(keys: [], rejected: 0))
        // What the friend was handed is a key its keyring keeps under the proven owner.
        var received = AudienceKeyring()
        for key in forFriend.keys {
            let kept = received.receive(key, from: Self.server.peerID, now: 0)
            #expect(kept)
        }
        #expect(received.keys(from: Self.server.peerID) == [contactsKey, friendsKey])
    }

    // MARK: - Peer query

    @Test func aPeerQueryIsAnsweredWithOurProfileAndSharedContacts() async throws {
        let handler = DiscoveryHandler(responding: DiscoveryResponderSnapshot(Self.responder(visibility: .public)))
        let reply = try await Self.withServer(handler, as: Self.contact) {
            try await $0.query(WirePeerQuery(interests: ["jazz"]))
        }
        #expect(!reply.busy && reply.rejected == 0)
        #expect(Set(reply.results.map(\.peerID)) == [Self.server.peerID, Self.ada.peerID])
        #expect(reply.results.first { $0.peerID == Self.ada.peerID }?.location == "Lyon, France")
        let byText = try await Self.withServer(handler) { try await $0.query(WirePeerQuery(text: "ada")) }
        #expect(byText.results.map(\.name) == ["Ada"])
    }

    @Test func aBusyNodeRefersTheAskerElsewhere() async throws {
        let referrals = (1...3).map {
            DiscoveryPeer(
                peerID: Fixtures.peerID($0 + 10),
                endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(6_000 + $0)))
        }
        let snapshot = DiscoveryResponderSnapshot(
            Self.responder(visibility: .public), load: { 0.97 }, referrals: { _ in referrals })
        let reply = try await Self.withServer(DiscoveryHandler(responding: snapshot)) {
            try await $0.query(WirePeerQuery(text: "zoë"))
        }
        #expect(reply.busy)
        #expect(reply.results.isEmpty)
        #expect(reply.referrals == referrals)
    }

    @Test func aQueryOverTheLimitsIsABadRequestAndTheConnectionLives() async throws {
        let handler = DiscoveryHandler(responding: DiscoveryResponderSnapshot(Self.responder(visibility: .public)))
        try await Self.withServer(handler) { connection in
            let error = await #expect(throws: NetError.self) {
                try await connection.query(WirePeerQuery(text: String(repeating: "x", count: 257)))
            }
            guard case .remote(let code, _, _) = error else {
                Issue.record("not a refusal: \(String(describing: error))")
                return
            }
            #expect(code == .badRequest)
            let profile = try await connection.requestProfile()
            #expect(profile?.name == "Zoë")
        }
    }

    // MARK: - Beside other handlers

    @Test func otherRequestsGoToTheNextHandlerAndANodeWithoutDiscoveryRefuses() async throws {
        let next = DiscoveryHandler(
            responding: DiscoveryResponderSnapshot(), next: RendezvousHandler(source: { _ in [] }))
        let nodes = try await Self.withServer(next) { try await $0.dhtNodes() }
        #expect(nodes.nodes.isEmpty)
        try await NodeHarness.withNode { _, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                let error = await #expect(throws: NetError.self) { try await connection.requestProfile() }
                guard case .remote(let code, _, _) = error else {
                    Issue.record("not a refusal: \(String(describing: error))")
                    return
                }
                #expect(code == .unknownMessage)
            }
        }
    }
}
