import Foundation
import NIOConcurrencyHelpers
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// Replication of popular queries between real nodes on 127.0.0.1: node A, asked the same query
/// by enough distinct peers, hands its stranger answer to node B, which then answers that query
/// with A's public results it never held; what A shares only with its contacts stays on A.
@Suite(.timeLimit(.minutes(1))) struct ReplicatingResponderTests {
    /// Discovery peers fixed by the test; messages sent over `node`.
    struct FixedPeers: ReplicationPeers {
        let known: [DiscoveryPeer]
        let node: PeerdexNode

        func isDiscoveryPeer(_ peer: PeerID) async -> Bool { known.contains { $0.peerID == peer } }

        func replicationTargets(count: Int, excluding excluded: Set<PeerID>) async -> [DiscoveryPeer] {
            Array(known.filter { !excluded.contains($0.peerID) }.prefix(count))
        }

        func send(_ message: WireReplicatedResults, to peer: DiscoveryPeer, timeout: Duration) async -> Bool {
            await node.replicate(message, to: peer, timeout: timeout)
        }
    }

    static let nodeA = NodeHarness.identity()
    static let nodeB = NodeHarness.identity()
    static let askers = (0..<3).map { _ in NodeHarness.identity() }

    /// A's contacts, both into jazz: one PUBLIC, one shared with A's contacts only; and the askers,
    /// A's contacts too (PRIVATE, so never shared), who therefore see both from A.
    static func bookOfA() -> [Contact] {
        var open = Fixtures.contact(1, name: "Jazz Public", interests: ["jazz"], location: "Lyon")
        open.privacy = .public
        var secret = Fixtures.contact(2, name: "Jazz Secret", interests: ["jazz"], location: "Lyon")
        secret.privacy = .contacts
        let askers = askers.map { Contact(peerID: $0.peerID, name: "Asker", addedAt: Fixtures.now) }
        return [open, secret] + askers
    }

    static func responder(_ identity: LocalHandshakeIdentity, name: String, interests: [String], contacts: [Contact])
        -> DiscoveryResponder
    {
        let profile = Profile(name: name, interests: interests, location: "Lyon", visibility: .public, seq: 2)
        let preferences = SharingPreferences(profile: profile, shareWithDiscoveryPeers: true, allowContactSharing: true)
        return DiscoveryResponder(
            controller: PrivacyController(ownPeerID: identity.peerID, profile: profile, preferences: preferences),
            contacts: contacts)
    }

    static func discoveryPeer(_ address: PeerAddress) -> DiscoveryPeer {
        DiscoveryPeer(
            peerID: address.peerID!, endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(address.hostPort.port)))
    }

    /// Runs A and B, each knowing the other as its discovery peer, A replicating at 3 askers.
    static func withNodes<T: Sendable>(
        bookOfB: [Contact] = [],
        _ body: @Sendable (_ a: PeerAddress, _ b: PeerAddress, _ replicatingB: ReplicatingResponder) async throws -> T
    ) async throws -> T {
        var settingsA = ReplicatingResponder.Configuration()
        settingsA.planner = ReplicationPlanner.Settings(popularityThreshold: 3)
        settingsA.sendTimeout = .seconds(10)  // not a test of the timeout: a loaded machine is slow
        let replicatingA = ReplicatingResponder(
            snapshot: DiscoveryResponderSnapshot(
                responder(nodeA, name: "Anna", interests: ["jazz"], contacts: bookOfA())),
            configuration: settingsA)
        let replicatingB = ReplicatingResponder(
            snapshot: DiscoveryResponderSnapshot(responder(nodeB, name: "Bert", interests: ["rock"], contacts: bookOfB)))
        return try await NodeHarness.withNode(
            identity: nodeB, configuration: NodeHarness.patient(),
            handler: ReplicationHandler(replicatingB, next: DiscoveryHandler(responding: replicatingB))
        ) { b, addressB in
            try await NodeHarness.withNode(
                identity: nodeA, configuration: NodeHarness.patient(),
                handler: ReplicationHandler(replicatingA, next: DiscoveryHandler(responding: replicatingA))
            ) { a, addressA in
                replicatingA.connect(FixedPeers(known: [discoveryPeer(addressB)], node: a))
                replicatingB.connect(FixedPeers(known: [discoveryPeer(addressA)], node: b))
                return try await body(addressA, addressB, replicatingB)
            }
        }
    }

    /// The names `identity` gets from the node at `address` for `text`.
    static func ask(
        _ address: PeerAddress, _ text: String, as identity: LocalHandshakeIdentity = NodeHarness.identity()
    ) async throws -> [String] {
        try await NodeHarness.withNode(identity: identity, configuration: NodeHarness.patient(), listen: false) { node, _ in
            try await node.connection(to: address).query(WirePeerQuery(text: text)).results.map(\.name)
        }
    }

    @Test func aPopularQueryOnAIsAnsweredByBWithAsPublicResultsOnly() async throws {
        try await Self.withNodes { a, b, replicatingB in
            #expect(try await Self.ask(b, "jazz").isEmpty, "B holds nothing about jazz of its own")
            for asker in Self.askers {
                let names = try await Self.ask(a, "jazz", as: asker)
                // A's contacts see the contacts-only entry: it exists, and must still stay on A.
                #expect(Set(names) == ["Anna", "Jazz Public", "Jazz Secret"])
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while replicatingB.replicatedQueryCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(replicatingB.replicatedQueryCount == 1)
            // Another spelling of the same query, from a stranger to both.
            let fromB = try await Self.ask(b, "  JAZZ ")
            #expect(Set(fromB) == ["Anna", "Jazz Public"])
            #expect(!fromB.contains("Jazz Secret"))
            // An unrelated query gets B's own answer only.
            #expect(try await Self.ask(b, "rock") == ["Bert"])
        }
    }

    /// Makes "jazz" popular on A and waits until B holds A's copy.
    static func replicateJazz(from a: PeerAddress, to replicatingB: ReplicatingResponder) async throws {
        for asker in askers { _ = try await ask(a, "jazz", as: asker) }
        let deadline = ContinuousClock.now + .seconds(10)
        while replicatingB.replicatedQueryCount == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(replicatingB.replicatedQueryCount == 1)
    }

    @Test func bShowsNoReplicatedEntryAboutAPeerItBlockedNorToAPeerItBlocked() async throws {
        let blockedAsker = NodeHarness.identity()
        var blockedByB = Fixtures.contact(1, name: "Jazz Public")
        blockedByB.blockedAt = Fixtures.now
        var askerBlockedByB = Contact(peerID: blockedAsker.peerID, name: "Pest", addedAt: Fixtures.now)
        askerBlockedByB.blockedAt = Fixtures.now
        try await Self.withNodes(bookOfB: [blockedByB, askerBlockedByB]) { a, b, replicatingB in
            try await Self.replicateJazz(from: a, to: replicatingB)
            #expect(try await Self.ask(b, "jazz") == ["Anna"])
            #expect(try await Self.ask(b, "jazz", as: blockedAsker).isEmpty)
        }
    }

    @Test func fewerDistinctAskersReplicateNothing() async throws {
        try await Self.withNodes { a, b, replicatingB in
            let asker = Self.askers[0]
            for _ in 0..<6 { _ = try await Self.ask(a, "jazz", as: asker) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(replicatingB.replicatedQueryCount == 0)
            #expect(try await Self.ask(b, "jazz").isEmpty)
        }
    }

    @Test func aPeerThatIsNotADiscoveryPeerCannotReplicate() async throws {
        try await Self.withNodes { _, b, replicatingB in
            let message = WireReplicatedResults(
                query: WirePeerQuery(text: "jazz"),
                results: [DiscoveredPeer(peerID: Fixtures.peerID(7), name: "Jazz Spam", interests: ["jazz"], seq: 1)])
            await #expect(throws: NetError.self) {
                try await NodeHarness.withNode(configuration: NodeHarness.patient(), listen: false) { node, _ in
                    try await node.connection(to: b).replicate(message)
                }
            }
            #expect(replicatingB.replicatedQueryCount == 0)
            let names = try await Self.ask(b, "jazz")
            #expect(names.isEmpty)
        }
    }
}
