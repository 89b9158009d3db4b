import Foundation
@testable import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// Two real nodes on 127.0.0.1: authenticated connections, concurrent requests both ways over
/// one connection, error replies, timeouts and the connection pool.
@Suite struct PeerdexNodeTests {
    @Test func aPingProvesThePeerAndReportsItsLoadAndCapabilities() async throws {
        var configuration = NodeHarness.quick()
        configuration.capabilities = [PeerCapability.contactDiscovery, "somethingNewer"]
        try await NodeHarness.withNode(configuration: configuration) { server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let reply = try await client.ping(address)
                #expect(reply.peer == server.identity.peerID)
                #expect(reply.capabilities == ["contactDiscovery", "somethingNewer"])
                #expect(reply.agent == WireProtocol.agent)
                #expect(reply.load > 0 && reply.load < 0.01, "one connection of 2,048: \(reply.load)")
                #expect(reply.roundTrip < .seconds(3))
            }
        }
    }

    @Test func concurrentRequestsShareOneConnectionAndAllGetTheirOwnAnswer() async throws {
        try await NodeHarness.withNode(handler: EchoLoadHandler()) { server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let replies = try await withThrowingTaskGroup(of: PingReply.self) { group in
                    for _ in 0..<200 { group.addTask { try await client.ping(address) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.count == 200)
                #expect(replies.allSatisfy { $0.peer == server.identity.peerID })
                #expect(client.connections.count == 1, "the pool keeps one connection per peer")
                #expect(server.connections.count == 1)
            }
        }
    }

    @Test func theAcceptingSideCanAskOverTheSameConnection() async throws {
        try await NodeHarness.withNode { server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                _ = try await client.ping(address)
                let inbound = try #require(server.connections.first)
                #expect(inbound.isInbound)
                #expect(inbound.peer.peerID == client.identity.peerID)
                async let fromServer = inbound.ping()
                async let fromClient = client.ping(address)
                #expect(try await fromServer.peer == client.identity.peerID)
                #expect(try await fromClient.peer == server.identity.peerID)
                // Asking the server's node for the client by peer ID reuses that same connection.
                let again = try await server.connection(to: PeerAddress(HostPort(host: "127.0.0.1", port: 1), peerID: client.identity.peerID))
                #expect(again === inbound)
            }
        }
    }

    @Test func anUnknownMessageGetsAnErrorReplyAndTheConnectionStays() async throws {
        try await NodeHarness.withNode { _, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                // An envelope whose body is field 99, from a schema newer than ours.
                let newer = await #expect(throws: NetError.self) {
                    try await connection.request(timeout: nil) { id in
                        var envelope = WireEnvelope.request(id: id, .ping(WirePing()))
                        envelope.body = nil
                        return envelope.wireBytes() + [0x9A, 0x06, 0x02, 0x08, 0x01]  // field 99, a nested message
                    }
                }
                #expect(Self.code(newer) == .unknownMessage)
                let other = await #expect(throws: NetError.self) {
                    try await connection.request(timeout: nil) { id in
                        var envelope = WireEnvelope.request(id: id, .ping(WirePing()))
                        envelope.version = 2
                        return envelope.wireBytes()
                    }
                }
                #expect(Self.code(other) == .unsupportedVersion)
                let backwards = await #expect(throws: NetError.self) { try await connection.request(.pong(WirePong())) }
                #expect(Self.code(backwards) == .badRequest)
                _ = try await connection.ping()
                #expect(connection.isOpen)
            }
        }
    }

    @Test func aRequestWithoutAnAnswerTimesOutAlone() async throws {
        try await NodeHarness.withNode(handler: SilentHandler()) { _, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                let start = ContinuousClock.now
                await #expect(throws: NetError.requestTimedOut(.milliseconds(200))) {
                    try await connection.ping(timeout: .milliseconds(200))
                }
                let waited = ContinuousClock.now - start
                // The deadline is checked every 25 ms; the rest is a loaded machine's slack.
                #expect(waited >= .milliseconds(200) && waited < .milliseconds(1_500), "\(waited)")
                #expect(connection.isOpen, "a timeout ends the request, not the connection")
            }
        }
    }

    @Test func theDialledPeerMustBeTheOneThatAnswers() async throws {
        let log = CapturedLog()
        try await NodeHarness.withNode { server, address in
            try await NodeHarness.withNode(log: log, listen: false) { client, _ in
                let impostor = NodeHarness.identity().peerID
                await #expect(throws: NetError.handshakeFailed(.unexpectedPeer(expected: impostor, actual: server.identity.peerID))) {
                    try await client.ping(PeerAddress(address.hostPort, peerID: impostor))
                }
                #expect(client.connections.isEmpty)
            }
        }
    }

    @Test func thePoolClosesIdleConnectionsAndRedialsOnDemand() async throws {
        var idling = NodeHarness.quick()
        idling.idleTimeout = .seconds(1)  // long enough that a loaded machine does not idle it early
        let configuration = idling
        try await NodeHarness.withNode { server, address in
            try await NodeHarness.withNode(configuration: configuration, listen: false) { client, _ in
                let first = try await client.connection(to: address)
                #expect(try await client.connection(to: address) === first, "reused while open")
                _ = try await first.ping()
                try await Self.waitUntil { !first.isOpen }
                try await Self.waitUntil { client.connections.isEmpty }
                let second = try await client.connection(to: address)
                #expect(second !== first)
                _ = try await second.ping()
                // The server closes its side; the next request redials.
                try #require(server.connections.first).close()
                try await Self.waitUntil { !second.isOpen }
                _ = try await client.ping(address)
                #expect(client.connections.count == 1)
            }
        }
    }

    @Test func aPeerThatIsNotListeningFailsWithAClearError() async throws {
        try await NodeHarness.withNode(listen: false) { client, _ in
            let nobody = PeerAddress(HostPort(host: "127.0.0.1", port: 9))
            await #expect(throws: NetError.self) { try await client.ping(nobody) }
            do {
                _ = try await client.ping(nobody)
            } catch let error as NetError {
                #expect(error.description.hasPrefix("cannot connect to 127.0.0.1:9"), "\(error)")
            }
        }
    }

    static func code(_ error: NetError?) -> WireErrorCode? {
        if case .remote(let code, _, _) = error { return code }
        return nil
    }

    static func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            try #require(ContinuousClock.now < deadline, "timed out waiting")
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Answers PINGs itself after a pause, to keep requests in flight.
struct SlowPingHandler: RequestHandler {
    let delay: Duration

    func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        try? await Task.sleep(for: delay)
        var pong = WirePong()
        pong.agent = "slow"
        return .pong(pong)
    }
}

/// Leaves everything to the node, but through the handler path (each request its own task).
struct EchoLoadHandler: RequestHandler {
    func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? { nil }
}

/// Never answers (until the connection goes).
struct SilentHandler: RequestHandler {
    func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        try? await Task.sleep(for: .seconds(30))
        return nil
    }
}
