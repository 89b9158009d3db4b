import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// A DHT node that saves its state, stops, and comes back on the same ID and port: it rejoins
/// from its saved nodes alone and keeps what it held and published.
@Suite(.timeLimit(.minutes(1))) struct DHTNodePersistenceTests {
    /// Keeps the saved state in memory, counting saves.
    final class MemoryPersistence: DHTStatePersistence {
        let saved = Locked<DHTSavedState?>(nil)
        let saves = Locked(0)

        func loadDHTState() throws -> DHTSavedState? { saved.value }

        func saveDHTState(_ state: DHTSavedState) throws {
            saved.set(state)
            saves.withLock { $0 += 1 }
        }
    }

    static let salt = Array("peerdex/profile".utf8)

    static func item(_ text: String, seed: UInt8) throws -> MutableItem {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
        return try MutableItem.sign(value: .string(text), seq: 1, salt: salt, with: key)
    }

    static func holds(_ node: DHTNode, _ target: NodeID) async throws -> Bool {
        try await node.inspect { engine in engine.items.allItems.contains { $0.target == target } }
    }

    /// In a 10-node network: two items stored, one node holding the first and publishing its own
    /// item saves its state and stops. Returns that node's index, the items and the port it had.
    static func saveAndStopAHolder(
        _ nodes: [DHTNode], to persistence: MemoryPersistence
    ) async throws -> (index: Int, held: MutableItem, elsewhere: MutableItem, own: MutableItem, port: Int) {
        let held = try item("held", seed: 1)
        let elsewhere = try item("elsewhere", seed: 2)
        let own = try item("own", seed: 3)
        #expect(try await nodes[1].run(.putMutable(held)).outcome.succeeded)
        #expect(try await nodes[1].run(.putMutable(elsewhere)).outcome.succeeded)
        var index: Int?
        for candidate in nodes.indices.dropFirst(2) {
            if try await holds(nodes[candidate], held.target) {
                index = candidate
                break
            }
        }
        let chosen = try #require(index, "no node but 0 or 1 holds the item")
        let node = nodes[chosen]
        #expect(try await node.publish(own).outcome.succeeded)
        let port = try #require(node.boundAddress?.port)
        try await node.save(to: persistence)
        await node.shutdown()
        return (chosen, held, elsewhere, own, port)
    }

    /// Binds `node` to the port its predecessor had; retried for a second, since a full test
    /// run once found it still taken just after the predecessor's socket was closed.
    static func startAgain(_ node: DHTNode, on port: Int) async throws {
        for attempt in 1... {
            do {
                try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: port))
                return
            } catch DHTNodeError.bindFailed where attempt < 20 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    @Test func aRestartedNodeRejoinsFromItsSavedNodesAlone() async throws {
        try await DHTNodeTests.withNetwork(10, stablePorts: true) { nodes, _ in
            // Given a node that held an item and published its own, saved and stopped
            let persistence = MemoryPersistence()
            let old = try await Self.saveAndStopAHolder(nodes, to: persistence)
            let saved = try #require(persistence.saved.value)
            #expect(saved.nodeID == nodes[old.index].localID)
            #expect(saved.nodes.count >= 8)
            #expect(saved.published == [old.own])
            // When a new node with the same ID starts on the same port and restores, with no bootstrap
            let node = DHTNode(localID: saved.nodeID, logger: Logger(label: "test.dht.restarted"))
            try await Self.startAgain(node, on: old.port)
            defer { Task { await node.shutdown() } }
            #expect(try await node.inspect { $0.routing.count } == 0)
            let summary = try #require(try await node.restore(from: persistence, rejoin: false))
            // Then it has its nodes back (questionable until they answer), its held item and its own item
            #expect(summary.nodes == saved.nodes.count)
            #expect(summary.items == saved.items.count && summary.items >= 1)
            #expect(summary.published == 1)
            #expect(try await Self.holds(node, old.held.target))
            #expect(try await node.inspect { $0.published[old.own.target]?.item } == old.own)
            // And it finds an item stored elsewhere in the network through those nodes alone
            let got = try await node.run(.getMutable(publicKey: old.elsewhere.publicKey, salt: Self.salt))
            guard case .item(let found, let holders) = got.outcome else {
                Issue.record("not an item: \(got.outcome)")
                return
            }
            #expect(found == old.elsewhere)
            #expect(!holders.isEmpty)
            // And the nodes that answered are good again
            let good = try await node.inspect { engine in engine.routing.goodCount(now: DHTDatagramHandler.now()) }
            #expect(good >= 3)
        }
    }

    @Test func restoreRejoinsAndSavesRoundTrip() async throws {
        try await DHTNodeTests.withNetwork(10, stablePorts: true) { nodes, _ in
            // Given a node's saved state
            let persistence = MemoryPersistence()
            let old = try await Self.saveAndStopAHolder(nodes, to: persistence)
            let saved = try #require(persistence.saved.value)
            // When a node with that ID restores it the default way (rejoining at once)
            let node = DHTNode(localID: saved.nodeID, logger: Logger(label: "test.dht.rejoined"))
            try await Self.startAgain(node, on: old.port)
            defer { Task { await node.shutdown() } }
            try await node.restore(from: persistence)
            // Then the self-lookup has already made the live nodes good
            let good = try await node.inspect { engine in engine.routing.goodCount(now: DHTDatagramHandler.now()) }
            #expect(good >= 8)
            // And saving again keeps the ID, the held item and the published item
            try await node.save(to: persistence)
            let again = try #require(persistence.saved.value)
            #expect(persistence.saves.value == 2)
            #expect(again.nodeID == saved.nodeID)
            #expect(again.items.contains { $0.target == old.held.target })
            #expect(again.published == [old.own])
            #expect(again.nodes.count >= 8)
        }
    }

    @Test func nothingSavedRestoresNothing() async throws {
        let node = DHTNode(
            localID: NodeID(hex: "00112233445566778899aabbccddeeff00112233")!, logger: Logger(label: "test.dht"))
        try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        defer { Task { await node.shutdown() } }
        #expect(try await node.restore(from: MemoryPersistence()) == nil)
        #expect(try await node.inspect { $0.routing.count } == 0)
    }

    @Test func aStoppedNodeCannotSave() async throws {
        let node = DHTNode(
            localID: NodeID(hex: "00112233445566778899aabbccddeeff00112233")!, logger: Logger(label: "test.dht"))
        let persistence = MemoryPersistence()
        await #expect(throws: DHTNodeError.stopped) { try await node.save(to: persistence) }
        #expect(persistence.saves.value == 0)
    }
}
