import Foundation
import PeerdexTestSupport
import Testing

import PeerdexCore

/// The limits and checks of the direct discovery messages: what a reply may carry, and what a
/// receiver keeps of a careless or hostile one.
@Suite struct DiscoveryMessagesTests {
    static let answerer = Fixtures.peerID(50)
    static let asker = Fixtures.peerID(51)

    static func profile(_ seed: Int, name: String = "Ada", seq: Int64 = 1) -> WireDiscoveredProfile {
        WireDiscoveredProfile(DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, seq: seq))
    }

    static func referral(_ seed: Int, port: UInt16 = 4_000) -> WirePeerReferral {
        let endpoint = DHTEndpoint(ip: .v4(0x7f00_0001), port: port)
        return WirePeerReferral(DiscoveryPeer(peerID: Fixtures.peerID(seed), endpoint: endpoint))
    }

    // MARK: - Limits

    @Test(arguments: [(UInt32(0), 50), (1, 1), (7, 7), (50, 50), (51, 50), (UInt32.max, 50)])
    func aQueryGetsAtMostFiftyResultsAndFiftyWhenItAsksForNone(asked: UInt32, granted: Int) {
        #expect(DiscoveryProtocol.granted(asked) == granted)
    }

    @Test func aQueryOverTheLimitsIsRefusedWithTheLimitItBreaks() {
        let long = WirePeerQuery(text: String(repeating: "é", count: 129))
        #expect(throws: DiscoveryMessageError.queryTextTooLong(bytes: 258)) { try long.validated() }
        let many = WirePeerQuery(interests: (0..<13).map { "tag\($0)" })
        #expect(throws: DiscoveryMessageError.tooManyQueryInterests(13)) { try many.validated() }
        let wide = WirePeerQuery(interests: [String(repeating: "x", count: 33)])
        #expect(throws: DiscoveryMessageError.invalidQueryInterest) { try wide.validated() }
        let fine = WirePeerQuery(text: String(repeating: "a", count: 256), interests: (0..<12).map { "tag\($0)" })
        #expect((try? fine.validated()) != nil)
    }

    @Test func aQueryClampsItsMaximumToOneThroughFifty() {
        #expect(WirePeerQuery(max: 0).max == 1)
        #expect(WirePeerQuery(max: 20).max == 20)
        #expect(WirePeerQuery(max: 500).max == 50)
    }

    @Test func aProfileRequestIsTheBytesTheProtocolPagePrints() throws {
        let bytes = WireEnvelope.request(id: 1, .profileRequest(WireProfileRequest())).wireBytes()
        #expect(bytes == [0x08, 0x01, 0x10, 0x01, 0xAA, 0x01, 0x00])
        #expect(try WireEnvelope(wire: bytes).bodyName == "profileRequest")
    }

    // MARK: - Profile reply

    @Test func aProfileReplySurvivesTheEnvelopeAndNamesThePeerTheHandshakeProved() throws {
        let disclosed = PrivacyController.DisclosedProfile(
            peerID: Fixtures.peerID(9), name: "Zoë", interests: ["climbing"], location: "3 Quai Saint-Vincent, Lyon")
        let envelope = WireEnvelope.response(id: 4, .profileReply(WireProfileReply(disclosed, seq: 7)))
        let decoded = try WireEnvelope(wire: envelope.wireBytes())
        guard case .profileReply(let reply) = decoded.body else {
            Issue.record("not a profile reply: \(decoded.bodyName)")
            return
        }
        // The reply carries no peer ID of its own: the one proven by the handshake is the owner.
        let peer = try reply.validated(from: Self.answerer)
        #expect(
            peer == DiscoveredPeer(
                peerID: Self.answerer, name: "Zoë", interests: ["climbing"], location: "3 Quai Saint-Vincent, Lyon",
                seq: 7))
    }

    @Test func anEmptyProfileReplyIsNothingWhateverItsOtherFieldsHold() throws {
        #expect(try WireProfileReply(nil, seq: 5).validated(from: Self.answerer) == nil)
        #expect(WireProfileReply(nil, seq: 5) == WireProfileReply(), "the empty reply carries no seq either")
        var sneaky = WireProfileReply()
        sneaky.name = "ignored"
        #expect(try sneaky.validated(from: Self.answerer) == nil)
    }

    @Test func aProfileReplyOverAProfilesLimitsIsAnError() {
        var reply = WireProfileReply()
        reply.found = true
        reply.name = String(repeating: "n", count: 65)
        #expect(throws: DiscoveryMessageError.self) { try reply.validated(from: Self.answerer) }
        reply.name = "Ada"
        reply.interests = (0..<13).map { "tag\($0)" }
        #expect(throws: DiscoveryMessageError.self) { try reply.validated(from: Self.answerer) }
        reply.interests = []
        reply.seq = -1
        #expect(throws: DiscoveryMessageError.invalidProfile(.invalidSeq(-1))) {
            try reply.validated(from: Self.answerer)
        }
        reply.seq = 0
        reply.location = "Lyon\u{1B}[2J"
        #expect(throws: DiscoveryMessageError.self) { try reply.validated(from: Self.answerer) }
    }

    // MARK: - Audience keys reply

    @Test func grantedKeysRoundTripAndBadGrantsAreDroppedOneByOne() throws {
        var random = SeededRandom(exactSeed: 3)
        let contacts = AudienceKey.generate(for: .contacts, generation: 2, using: &random)
        let friends = AudienceKey.generate(for: .friends, using: &random)
        let reply = WireAudienceKeysReply(keys: [contacts, friends])
        let envelope = WireEnvelope.response(id: 1, .audienceKeysReply(reply))
        guard case .audienceKeysReply(let decoded) = try WireEnvelope(wire: envelope.wireBytes()).body else {
            Issue.record("not a keys reply")
            return
        }
        #expect(decoded.decodedKeys() == .init(keys: [contacts, friends], rejected: 0))

        var hostile = WireAudienceKeysReply(keys: [contacts])
        var unknown = WireAudienceKeyGrant()
        unknown.audience = .UNRECOGNIZED(9)
        unknown.key = Data(repeating: 1, count: 32)
        var short = WireAudienceKeyGrant()
        short.audience = .friends
        short.key = Data(repeating: 1, count: 31)
        hostile.keys += [unknown, short, hostile.keys[0]]  // the repeated audience is refused too
        hostile.keys += WireAudienceKeysReply(keys: [friends]).keys
        #expect(hostile.decodedKeys() == .init(keys: [contacts, friends], rejected: 3))
    }

    @Test func keyGrantsPastTheLimitAreNotRead() {
        var random = SeededRandom(exactSeed: 4)
        let contacts = AudienceKey.generate(for: .contacts, using: &random)
        var reply = WireAudienceKeysReply(keys: Array(repeating: contacts, count: DiscoveryProtocol.maximumKeyGrants))
        reply.keys += WireAudienceKeysReply(keys: [AudienceKey.generate(for: .friends, using: &random)]).keys
        let decoded = reply.decodedKeys()
        #expect(decoded.keys == [contacts])
        #expect(decoded.rejected == DiscoveryProtocol.maximumKeyGrants)
    }

    // MARK: - Peer query reply

    @Test func resultsAreCheckedEntryByEntryAndCappedAtTheNumberAsked() {
        var reply = WirePeerQueryReply()
        var shortID = Self.profile(1)
        shortID.peerID = Data(repeating: 7, count: 31)
        reply.results = [
            Self.profile(1), shortID, Self.profile(2, seq: -3),
            Self.profile(3, name: String(repeating: "n", count: 65)), Self.profile(1, name: "Again"), Self.profile(4), Self.profile(5), Self.profile(6),
        ]
        let decoded = reply.decoded(from: Self.answerer, limit: 3)
        #expect(decoded.results.map(\.peerID) == [1, 4, 5].map(Fixtures.peerID))
        #expect(decoded.results[0].name == "Ada", "the first entry for a peer ID wins")
        #expect(decoded.rejected == 5)
        #expect(!decoded.busy && decoded.referrals.isEmpty)
    }

    @Test func aReplyNeverYieldsMoreThanFiftyResultsWhateverTheLimitSays() {
        let peers = (1...60).map { DiscoveredPeer(peerID: Fixtures.peerID($0)) }
        let reply = WirePeerQueryReply(results: peers, limit: 60)
        #expect(reply.results.count == 50, "the builder caps too")
        var raw = WirePeerQueryReply()
        raw.results = (1...60).map { Self.profile($0) }
        let decoded = raw.decoded(from: Self.answerer, limit: 1_000)
        #expect(decoded.results.count == 50)
        #expect(decoded.rejected == 10)
    }

    @Test func aBusyReplyYieldsItsReferralsButNoResults() {
        var reply = WirePeerQueryReply(busyReferring: [])
        var badHost = Self.referral(10)
        badHost.host = Data([1, 2, 3, 4, 5])
        var noPort = Self.referral(11)
        noPort.port = 0
        var bigPort = Self.referral(12)
        bigPort.port = 70_000
        var answererItself = Self.referral(13)
        answererItself.peerID = Data(Self.answerer.publicKey)
        var askerItself = Self.referral(14)
        askerItself.peerID = Data(Self.asker.publicKey)
        reply.referrals = [Self.referral(1), badHost, noPort, bigPort, answererItself, askerItself, Self.referral(1)]
        reply.referrals += (2...9).map { Self.referral($0, port: UInt16(4_000 + $0)) }
        reply.results = [Self.profile(20)]
        let decoded = reply.decoded(from: Self.answerer, to: Self.asker)
        #expect(decoded.busy)
        #expect(decoded.results.isEmpty)
        #expect(decoded.referrals.map(\.peerID) == (1...8).map(Fixtures.peerID), "at most 8")
        #expect(decoded.rejected == 1 + 6 + 1, "the result, six bad referrals and the ninth good one")
    }

    @Test func anIPv6ReferralKeepsItsAddress() throws {
        let ip = try #require(IPAddress(bytes: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]))
        let peer = DiscoveryPeer(peerID: Fixtures.peerID(3), endpoint: DHTEndpoint(ip: ip, port: 443))
        #expect(WirePeerReferral(peer).validated == peer)
        #expect(WirePeerReferral(peer).host.count == 16)
    }
}
