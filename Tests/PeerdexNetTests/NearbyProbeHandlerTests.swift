import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// The nearby probe over the real Noise transport on 127.0.0.1: the answer is decided by the
/// peer ID the handshake proved, "not for you" is an empty reply, other requests pass on.
@Suite(.timeLimit(.minutes(1))) struct NearbyProbeHandlerTests {
    static let server = NodeHarness.identity()
    static let friend = NodeHarness.identity()
    static let txt: [[UInt8]] = [Array("v=1".utf8), Array("id=abc".utf8), [0, 255, 7]]

    /// Answers `txt` to `friend` only, and records who asked.
    static func handler(askers: Locked<[PeerID]>, next: (any RequestHandler)? = nil) -> NearbyProbeHandler {
        NearbyProbeHandler(
            answer: { asker in
                askers.withLock { $0.append(asker) }
                return asker == friend.peerID ? txt : nil
            }, next: next)
    }

    static func withServer<T: Sendable>(
        _ handler: (any RequestHandler)?, as client: LocalHandshakeIdentity = NodeHarness.identity(),
        _ body: @Sendable (PeerConnection) async throws -> T
    ) async throws -> T {
        try await NodeHarness.withNode(identity: server, configuration: NodeHarness.patient(), handler: handler) {
            _, address in
            try await NodeHarness.withNode(identity: client, configuration: NodeHarness.patient(), listen: false) {
                node, _ in
                // Dialled as a probe does: by address alone, not knowing who answers.
                try await body(try await node.connection(to: PeerAddress(address.hostPort)))
            }
        }
    }

    @Test func theAskerTheHandshakeProvedGetsItsAnswer() async throws {
        let askers = Locked<[PeerID]>([])
        let forFriend = try await Self.withServer(Self.handler(askers: askers), as: Self.friend) {
            try await $0.probeNearby()
        }
        #expect(forFriend == Self.txt)
        let stranger = NodeHarness.identity()
        let forStranger = try await Self.withServer(Self.handler(askers: askers), as: stranger) {
            try await $0.probeNearby()
        }
        #expect(forStranger == [], "nil from the policy is an empty reply, not an error")
        #expect(askers.value == [Self.friend.peerID, stranger.peerID])
    }

    @Test func otherRequestsGoToTheNextHandlerAndPingToTheNode() async throws {
        struct Fixed: RequestHandler {
            func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
                guard case .profileRequest = request.body else { return nil }
                var reply = WireProfileReply()
                reply.name = "from next"
                return .profileReply(reply)
            }
        }
        let askers = Locked<[PeerID]>([])
        let (profile, pinged) = try await Self.withServer(Self.handler(askers: askers, next: Fixed())) { connection in
            let response = try await connection.request(.profileRequest(WireProfileRequest()))
            guard case .profileReply(let reply) = response.body else { return ("", PeerID?.none) }
            return (reply.name, try await connection.ping().peer)
        }
        #expect(profile == "from next")
        #expect(pinged == Self.server.peerID)
        #expect(askers.value.isEmpty)
    }

    @Test func aNodeWithoutTheHandlerRefusesTheProbe() async throws {
        try await Self.withServer(nil) { connection in
            let error = await #expect(throws: NetError.self) { try await connection.probeNearby() }
            guard case .remote(let code, let message, _)? = error else {
                Issue.record("not a remote error: \(String(describing: error))")
                return
            }
            #expect(code == .unknownMessage)
            #expect(message == "this node does not serve nearbyProbe")
        }
    }

    @Test func aReplyOverTheTXTLimitsIsRefused() async throws {
        let tooMany = NearbyProbeHandler(answer: { _ in Array(repeating: [0x61], count: 33) })
        try await Self.withServer(tooMany) { connection in
            await #expect(throws: NetError.unexpectedResponse("nearbyProbeReply: over the TXT record's limits")) {
                try await connection.probeNearby()
            }
        }
        let tooLong = NearbyProbeHandler(answer: { _ in [Array(repeating: 0x61, count: 256)] })
        try await Self.withServer(tooLong) { connection in
            await #expect(throws: NetError.unexpectedResponse("nearbyProbeReply: over the TXT record's limits")) {
                try await connection.probeNearby()
            }
        }
    }
}
