import Foundation
import Logging
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// A rendezvous server over the real Noise transport on 127.0.0.1: it hands out the DHT nodes its
/// own DHT node heard from, never itself, never more than 64; a node that is not one refuses.
@Suite(.timeLimit(.minutes(1))) struct RendezvousHandlerTests {
    /// Distinct IPv4 nodes on 127.0.0.1, ports from 2000.
    static func fakeNodes(_ count: Int) -> [DHTNodeInfo] {
        var random = SeededRandom(defaultSeed: 19)
        return (0..<count).map { index in
            DHTNodeInfo(
                id: NodeID(random: &random), endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(2_000 + index)))
        }
    }

    /// Runs a rendezvous server with `handler` and a client node while `body` runs.
    static func withServer<T: Sendable>(
        _ handler: (any RequestHandler)?, _ body: @Sendable (PeerConnection) async throws -> T
    ) async throws -> T {
        // Patient: these tests are about the answers, not timeouts, and CI's load once kept one
        // past the quick 2 s.
        try await NodeHarness.withNode(configuration: NodeHarness.patient(), handler: handler) { _, address in
            try await NodeHarness.withNode(configuration: NodeHarness.patient(), listen: false) { client, _ in
                try await body(try await client.connection(to: address))
            }
        }
    }

    /// The nodes of a raw reply to a request for `max` (sent as is, unclamped).
    static func rawReply(_ connection: PeerConnection, max: UInt32) async throws -> [Data] {
        var request = WireDhtNodesRequest()
        request.max = max
        let response = try await connection.request(.dhtNodesRequest(request))
        guard case .dhtNodesReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        return reply.nodes
    }

    // MARK: - A real DHT behind it

    @Test func aNewcomerGetsTheNodesThatJoinedTheServersDHTAndNeverTheServerItself() async throws {
        var random = SeededRandom(defaultSeed: 23)
        let logger = Logger(label: "test.rendezvous")
        let server = DHTNode(localID: NodeID(random: &random), logger: logger)
        let serverPort = try await server.start(bindingTo: HostPort(host: "127.0.0.1", port: 0)).port
        var joiners = [DHTNode]()
        for _ in 0..<5 {
            let node = DHTNode(localID: NodeID(random: &random), logger: logger)
            try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
            joiners.append(node)
        }
        defer { for node in joiners + [server] { Task { await node.shutdown() } } }
        for node in joiners {
            _ = try await node.run(.bootstrap([DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(serverPort))]))
        }
        // The server pings each node that queried it; once they answered, it knows all five.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await server.recentlyAnsweredNodes(limit: 64).count < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let handler = RendezvousHandler()
        handler.serve(from: server)
        let joinerIDs = Set(joiners.map(\.localID))
        try await Self.withServer(handler) { connection in
            let all = try await connection.dhtNodes(max: 64)
            #expect(Set(all.nodes.map(\.id)) == joinerIDs)
            #expect(all.rejected == 0)
            #expect(!all.nodes.contains { $0.id == server.localID })
            #expect(
                all.nodes.allSatisfy { $0.endpoint.ip == .v4(0x7f00_0001) && $0.endpoint.port != UInt16(serverPort) })
            let two = try await connection.dhtNodes(max: 2)
            #expect(two.nodes.count == 2)
            #expect(joinerIDs.isSuperset(of: two.nodes.map(\.id)))
        }
    }

    // MARK: - Bounds

    @Test(arguments: [(UInt32(0), 64), (1, 1), (3, 3), (64, 64), (65, 64), (1_000, 64), (UInt32.max, 64)])
    func aReplyIsBoundedWhateverTheRequestAsksAndTheSourceGives(max: UInt32, expected: Int) async throws {
        let everyone = Self.fakeNodes(200)
        let asked = Locked<[Int]>([])
        let handler = RendezvousHandler { limit in
            asked.withLock { $0.append(limit) }
            return everyone  // a source that ignores the limit
        }
        let nodes = try await Self.withServer(handler) { try await Self.rawReply($0, max: max) }
        #expect(nodes.count == expected)
        #expect(nodes.map { Array($0) } == everyone.prefix(expected).map(\.compact))
        #expect(asked.value == [expected])
        // 64 IPv4 entries: 64 × (2 + 26) bytes of nodes, far below a frame.
        let full = WireEnvelope.response(id: 1, .dhtNodesReply(WireDhtNodesReply(nodes: everyone)))
        #expect(full.wireBytes().count < 2_000)
    }

    @Test func aReplyOfAnEmptyTableIsEmpty() async throws {
        let handler = RendezvousHandler { _ in [] }
        let decoded = try await Self.withServer(handler) { try await $0.dhtNodes() }
        #expect(decoded == .init(nodes: [], rejected: 0))
    }

    // MARK: - Refusals

    @Test func aNodeThatIsNotARendezvousServerAnswersUnknownMessage() async throws {
        for handler: (any RequestHandler)? in [nil, OtherHandler()] {
            let error = await #expect(throws: NetError.self) {
                try await Self.withServer(handler) { try await $0.dhtNodes() }
            }
            guard case .remote(let code, let message, _) = error else {
                Issue.record("not a refusal: \(String(describing: error))")
                continue
            }
            #expect(code == .unknownMessage)
            #expect(message == "this node is not a rendezvous server (peerdex node --rendezvous)")
        }
    }

    @Test func aRendezvousServerWhoseDHTIsNotUpYetSaysBusyAndOneWhoseDHTStoppedSaysSo() async throws {
        let starting = await #expect(throws: NetError.self) {
            try await Self.withServer(RendezvousHandler()) { try await $0.dhtNodes() }
        }
        #expect(starting == .remote(code: .busy, message: "the DHT node is starting", retryAfterMilliseconds: 1_000))
        let stopped = DHTNode(localID: NodeID(high: 1, middle: 2, low: 3), logger: Logger(label: "test.rendezvous"))
        let handler = RendezvousHandler()
        handler.serve(from: stopped)  // never started: as good as stopped
        let error = await #expect(throws: NetError.self) {
            try await Self.withServer(handler) { try await $0.dhtNodes() }
        }
        #expect(error == .remote(code: .shuttingDown, message: "the DHT node has stopped", retryAfterMilliseconds: 0))
    }

    @Test func aReplySentAsARequestIsABadRequest() async throws {
        for handler: (any RequestHandler)? in [nil, RendezvousHandler { _ in [] }] {
            let error = await #expect(throws: NetError.self) {
                try await Self.withServer(handler) { try await $0.request(.dhtNodesReply(WireDhtNodesReply())) }
            }
            guard case .remote(let code, _, _) = error else {
                Issue.record("not a refusal: \(String(describing: error))")
                continue
            }
            #expect(code == .badRequest)
        }
    }

    /// A handler of some other service, which knows nothing of rendezvous.
    struct OtherHandler: RequestHandler {
        func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? { nil }
    }
}
