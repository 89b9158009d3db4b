import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// Real DHT nodes on 127.0.0.1 over UDP: joining, finding nodes, storing and reading signed
/// items with replication, and announcing peers.
@Suite(.timeLimit(.minutes(1))) struct DHTNodeTests {
    /// `count` nodes on 127.0.0.1, each bootstrapped from the first; stopped after `body`.
    /// Starts `count` nodes on 127.0.0.1 that know each other, runs `body`, and stops them.
    /// With `stablePorts`, nodes bind ports outside Linux's ephemeral range (32768–60999), so a
    /// port given back by a stopped node cannot be handed to another test's port-0 bind before
    /// the node comes back on it.
    static func withNetwork(
        _ count: Int, configuration: DHTEngineConfiguration = DHTEngineConfiguration(), stablePorts: Bool = false,
        _ body: ([DHTNode], [DHTEndpoint]) async throws -> Void
    ) async throws {
        var random = SeededRandom(defaultSeed: 10)
        var nodes = [DHTNode]()
        var endpoints = [DHTEndpoint]()
        for _ in 0..<count {
            let node = DHTNode(localID: NodeID(random: &random), configuration: configuration, logger: Logger(label: "test.dht"))
            let bound = try await stablePorts ? startOutsideEphemeralRange(node) : node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
            nodes.append(node)
            endpoints.append(DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(bound.port)))
        }
        do {
            for node in nodes.dropFirst() { _ = try await node.run(.bootstrap([endpoints[0]])) }
            // A second round, so that early joiners learn of later ones.
            for node in nodes { _ = try await node.run(.findNode(node.localID)) }
            try await body(nodes, endpoints)
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
        for node in nodes { await node.shutdown() }
    }

    /// Binds `node` to a free port below the ephemeral range, trying random ones.
    static func startOutsideEphemeralRange(_ node: DHTNode) async throws -> HostPort {
        var lastError: Error?
        for _ in 0..<50 {
            do {
                return try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: Int.random(in: 20_000..<32_768)))
            } catch let error as DHTNodeError {
                guard case .bindFailed = error else { throw error }
                lastError = error
            }
        }
        throw lastError!
    }

    @Test func aNodeBootstrapsAndFindsTheOthers() async throws {
        try await Self.withNetwork(12) { nodes, _ in
            let sizes = try await nodes[5].inspect { $0.routing.count }
            #expect(sizes >= 8, "node 5 knows \(sizes) nodes")
            let found = try await nodes[5].run(.findNode(nodes[9].localID))
            guard case .nodes(let closest) = found.outcome else { Issue.record("not nodes"); return }
            #expect(closest.first?.id == nodes[9].localID)
        }
    }

    @Test func anItemPutByOneNodeIsReadByAnother() async throws {
        try await Self.withNetwork(20) { nodes, _ in
            let key = Curve25519.Signing.PrivateKey()
            let item = try MutableItem.sign(
                value: .dictionary(["n": .string("Anna")]), seq: 1, salt: Array("peerdex/profile".utf8), with: key)
            let put = try await nodes[3].run(.putMutable(item))
            guard case .stored(let acknowledged, let required, _) = put.outcome else { Issue.record("not stored"); return }
            #expect(acknowledged >= required)
            let got = try await nodes[15].run(
                .getMutable(publicKey: Array(key.publicKey.rawRepresentation), salt: Array("peerdex/profile".utf8)))
            guard case .item(let found, let holders) = got.outcome else { Issue.record("not an item"); return }
            #expect(found == item)
            #expect(!holders.isEmpty)

            let newer = try MutableItem.sign(
                value: .dictionary(["n": .string("Anna B")]), seq: 2, salt: Array("peerdex/profile".utf8), with: key)
            _ = try await nodes[7].run(.putMutable(newer))
            let again = try await nodes[11].run(
                .getMutable(publicKey: Array(key.publicKey.rawRepresentation), salt: Array("peerdex/profile".utf8)))
            #expect(again.outcome == .item(newer, holders: { if case .item(_, let h) = again.outcome { h } else { [] } }()))
        }
    }

    @Test func anAnnouncedPeerIsFound() async throws {
        try await Self.withNetwork(12) { nodes, _ in
            let infoHash = NodeID(bytes: Array(Insecure.SHA1.hash(data: Array("peerdex/1".utf8))))!
            let announced = try await nodes[2].run(.announce(infoHash, port: 7447))
            #expect(announced.outcome.succeeded)
            let found = try await nodes[8].run(.getPeers(infoHash))
            guard case .peers(let peers) = found.outcome else { Issue.record("not peers"); return }
            #expect(peers.contains(DHTEndpoint(ip: .v4(0x7f00_0001), port: 7447)))
        }
    }
}
