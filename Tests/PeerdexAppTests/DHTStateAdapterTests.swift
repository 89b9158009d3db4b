import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// The contact book as the DHT node's persistence: the node ID is kept from the first run on,
/// and a running node saves into the book and restores from it.
@Suite(.timeLimit(.minutes(1))) struct DHTStateAdapterTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-dht-state-\(UUID().uuidString)")
    let logger = Logger(label: "test.dht.state")

    @Test func theFirstStateHasANewIDThatIsKept() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // Given a new data directory
        let book = try ContactBook.open(directory)
        // When the DHT's initial state is asked for, twice, and again after reopening the book
        let first = try DHTPersistenceWiring.initialState(in: book)
        let second = try DHTPersistenceWiring.initialState(in: book)
        let reopened = try DHTPersistenceWiring.initialState(in: try ContactBook.open(directory))
        // Then the first is empty with a new ID, saved at once, and the others bring back that ID
        #expect(first == DHTSavedState(nodeID: first.nodeID))
        #expect(first.nodeID != .zero)
        #expect(second == first && reopened == first)
        // And another installation gets another ID
        let other = DataDirectory(explicit: directory.path + "-other")
        defer { try? FileManager.default.removeItem(atPath: other.path) }
        #expect(try DHTPersistenceWiring.initialState(in: try ContactBook.open(other)).nodeID != first.nodeID)
    }

    @Test func aNodeSavesIntoTheBookAndRestoresFromIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // Given a node started with the book's DHT state, that publishes an item
        let book = try ContactBook.open(directory)
        let state = try DHTPersistenceWiring.initialState(in: book)
        let node = DHTNode(localID: state.nodeID, logger: logger)
        try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        #expect(await DHTPersistenceWiring.restore(state, into: node, logger: logger) == 0)
        let item = try MutableItem.sign(value: .string("me"), seq: 1, with: book.identity.signingKey)
        _ = try await node.publish(item)
        // When it saves into the book and stops
        #expect(await DHTPersistenceWiring.save(node, to: book, logger: logger))
        await node.shutdown()
        // Then the book holds its ID and published item, and a stopped node saves nothing
        let saved = try #require(try book.database.loadDHTState())
        #expect(saved.nodeID == state.nodeID)
        #expect(saved.published == [item])
        #expect(await DHTPersistenceWiring.save(node, to: book, logger: logger) == false)
        // And a node of the next run takes the published item back from the book
        let next = DHTNode(localID: saved.nodeID, logger: logger)
        try await next.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        defer { Task { await next.shutdown() } }
        let persistence: any DHTStatePersistence = book.database
        let summary = try await next.restore(from: persistence)
        #expect(summary == DHTSavedState.RestoreSummary(nodes: 0, items: 0, published: 1))
    }
}
