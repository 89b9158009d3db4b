import Crypto
import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

/// The DHT node's saved state: round trips, replacement, bounds, and rows damaged on disk.
@Suite struct ContactDatabaseDHTStateTests {
    let database = try! ContactDatabase.inMemory()

    static let nodeID = NodeID(hex: "0123456789abcdef0123456789abcdef01234567")!
    static let salt = Array("peerdex/profile".utf8)

    /// A mutable item signed by the key whose seed is `seed` repeated.
    static func mutable(_ text: String, seq: Int64, salt: [UInt8] = [], seed: UInt8) -> MutableItem {
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
        return try! MutableItem.sign(value: .string(text), seq: seq, salt: salt, with: key)
    }

    static func node(_ index: UInt8, ip: IPAddress = .v4(0x0a00_0000), port: UInt16 = 6881) -> DHTNodeInfo {
        DHTNodeInfo(id: NodeID(bytes: [UInt8](repeating: index, count: 20))!, endpoint: DHTEndpoint(ip: ip, port: port))
    }

    /// A state with IPv4 and IPv6 nodes, mutable items with and without salt, an immutable item,
    /// and published items; every time in whole milliseconds, as the database keeps them.
    static func sampleState() -> DHTSavedState {
        let time = Fixtures.now
        return DHTSavedState(
            nodeID: nodeID,
            nodes: [
                .init(info: node(1), firstSeen: time.addingTimeInterval(-86_400.125), lastResponse: time),
                .init(
                    info: node(2, ip: .v6(0x2001_0db8_0000_0001, 42), port: 51_413),
                    firstSeen: time.addingTimeInterval(-5),
                    lastResponse: time.addingTimeInterval(-1.5)),
            ],
            items: [
                .init(content: .mutable(mutable("Anna", seq: 3, salt: salt, seed: 1)), storedAt: time, announcers: 4),
                .init(
                    content: .immutable(try! ImmutableItem(value: .string("hello"))),
                    storedAt: time.addingTimeInterval(-60)),
                .init(
                    content: .mutable(mutable("no salt", seq: 0, seed: 2)), storedAt: time.addingTimeInterval(-0.25),
                    announcers: 0),
            ],
            published: [mutable("me", seq: 12, salt: salt, seed: 3), mutable("plain", seq: 1, seed: 3)])
    }

    /// Runs raw SQL against the database, as a damaged or edited file would read.
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try database.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    // MARK: - Round trips

    @Test func anEmptyDatabaseHasNoDHTState() throws {
        // Given a new database, When the DHT state is loaded, Then there is none
        #expect(try database.loadDHTState() == nil)
    }

    @Test func aSavedStateLoadsBackTheSame() throws {
        // Given a state with every kind of entry
        let state = Self.sampleState()
        // When it is saved and loaded
        try database.saveDHTState(state)
        // Then it comes back equal, in the same order
        #expect(try database.loadDHTState() == state)
    }

    @Test func aStateWithOnlyAnIDLoadsBackWithEmptyLists() throws {
        try database.saveDHTState(DHTSavedState(nodeID: Self.nodeID))
        #expect(try database.loadDHTState() == DHTSavedState(nodeID: Self.nodeID))
    }

    @Test func aSaveReplacesEverything() throws {
        // Given a saved state
        try database.saveDHTState(Self.sampleState())
        // When another, smaller one with another ID is saved
        let other = NodeID(hex: "ffffffffffffffffffffffffffffffffffffffff")!
        let replacement = DHTSavedState(
            nodeID: other, nodes: [.init(info: Self.node(9), firstSeen: Fixtures.now, lastResponse: Fixtures.now)],
            items: [], published: [Self.mutable("new", seq: 2, seed: 9)])
        try database.saveDHTState(replacement)
        // Then only the second one is there
        #expect(try database.loadDHTState() == replacement)
        let rows = try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dhtHeldItem") }
        #expect(rows == 0)
    }

    @Test func listsAreCutToTheirBounds() throws {
        // Given a state with more nodes and published items than are kept
        let nodes = (0..<250).map { index in
            DHTSavedState.Node(
                info: Self.node(UInt8(index), port: UInt16(1_000 + index)), firstSeen: Fixtures.now,
                lastResponse: Fixtures.now)
        }
        let item = Self.mutable("again", seq: 1, seed: 4)
        let state = DHTSavedState(
            nodeID: Self.nodeID, nodes: nodes,
            published: Array(repeating: item, count: DHTSavedState.maximumPublished + 10))
        // When it is saved and loaded
        try database.saveDHTState(state)
        let loaded = try #require(try database.loadDHTState())
        // Then the first of each list up to its bound come back
        #expect(loaded.nodes == Array(nodes.prefix(DHTSavedState.maximumNodes)))
        #expect(loaded.published.count == DHTSavedState.maximumPublished)
        // And a file holding more rows than that (written by hand) is read only up to the bound
        for position in 1_000..<1_100 {
            try execute(
                "INSERT INTO dhtRoutingNode VALUES (?, ?, ?, 0, 0)",
                [position, Data(Self.node(7).id.bytes), Data(Self.node(7, port: UInt16(position)).endpoint.compact)])
        }
        #expect(try database.loadDHTState()?.nodes.count == DHTSavedState.maximumNodes)
    }

    // MARK: - Damaged rows

    @Test func damagedNodesAreSkipped() throws {
        // Given a saved state, and node rows damaged between and after its rows
        let state = Self.sampleState()
        try database.saveDHTState(state)
        let goodID = Data(Self.node(5).id.bytes)
        let goodEndpoint = Data(Self.node(5).endpoint.compact)
        try execute("UPDATE dhtRoutingNode SET position = position * 10")
        try execute("INSERT INTO dhtRoutingNode VALUES (1, ?, ?, 0, 0)", [Data(repeating: 1, count: 19), goodEndpoint])
        try execute("INSERT INTO dhtRoutingNode VALUES (2, ?, ?, 0, 0)", [goodID, Data(repeating: 1, count: 7)])
        try execute("INSERT INTO dhtRoutingNode VALUES (3, ?, '10.0.0.1:6881', 0, 0)", [goodID])
        try execute("INSERT INTO dhtRoutingNode VALUES (4, 'an id', ?, 0, 0)", [goodEndpoint])
        try execute("INSERT INTO dhtRoutingNode VALUES (5, ?, ?, 'yesterday', 0)", [goodID, goodEndpoint])
        try execute("INSERT INTO dhtRoutingNode VALUES (6, ?, ?, 0, 1.5)", [goodID, goodEndpoint])
        try execute("INSERT INTO dhtRoutingNode VALUES (99, ?, X'', 0, 0)", [goodID])
        // When it is loaded, Then only the saved nodes come back
        #expect(try database.loadDHTState() == state)
    }

    @Test func damagedItemsAreSkipped() throws {
        // Given a saved state, and held items whose rows were damaged
        let state = Self.sampleState()
        try database.saveDHTState(state)
        try execute("UPDATE dhtHeldItem SET position = position + 100")
        let item = Self.mutable("Eve", seq: 5, salt: Self.salt, seed: 6)
        var forged = item.signature
        forged[10] ^= 0x01
        let insert = "INSERT INTO dhtHeldItem VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)"
        let target = Data(item.target.bytes)
        let key = Data(item.publicKey)
        let salt = Data(item.salt)
        let value = Data(item.valueBytes)
        let signature = Data(item.signature)
        // A signature that does not verify, a seq it does not cover, another salt
        try execute(insert, [1, target, key, salt, item.seq, value, Data(forged)])
        try execute(insert, [2, target, key, salt, item.seq + 1, value, signature])
        try execute(insert, [3, target, key, Data("other".utf8), item.seq, value, signature])
        // Wrong lengths: key, signature, target; and a target that is not the item's
        try execute(insert, [4, target, Data(item.publicKey.dropLast()), salt, item.seq, value, signature])
        try execute(insert, [5, target, key, salt, item.seq, value, Data(item.signature + [0])])
        try execute(insert, [6, Data(item.target.bytes.dropLast()), key, salt, item.seq, value, signature])
        try execute(insert, [7, Data(Self.nodeID.bytes), key, salt, item.seq, value, signature])
        // Missing or mistyped columns: no seq, a text value, a text seq
        try execute(insert, [8, target, key, salt, nil, value, signature])
        try execute(insert, [9, target, key, salt, item.seq, "5:hello", signature])
        try execute(insert, [10, target, key, salt, "five", value, signature])
        // Immutable items: a value that is not canonical bencode, one too big, a wrong target
        let bad = Array("i01e".utf8)
        try execute(insert, [11, Data(ImmutableItem.target(of: bad).bytes), nil, nil, nil, Data(bad), nil])
        let big = Array("1001:".utf8) + [UInt8](repeating: 0x61, count: 1_001)
        try execute(insert, [12, Data(ImmutableItem.target(of: big).bytes), nil, nil, nil, Data(big), nil])
        try execute(insert, [13, target, nil, nil, nil, Data("5:hello".utf8), nil])
        // A stored time that is not an integer
        try execute(
            "INSERT INTO dhtHeldItem VALUES (14, ?, ?, ?, ?, ?, ?, 'noon', 1)",
            [target, key, salt, item.seq, value, signature])
        // When it is loaded, Then none of them comes back
        #expect(try database.loadDHTState() == state)
        // And the same item, undamaged, does
        try execute(insert, [15, target, key, salt, item.seq, value, signature])
        let loaded = try #require(try database.loadDHTState())
        #expect(
            loaded.items.first == DHTSavedState.Item(content: .mutable(item), storedAt: Date(timeIntervalSince1970: 0)))
    }

    @Test func damagedPublishedItemsAreSkipped() throws {
        // Given a saved state, and a published item whose signature or target was damaged
        let state = Self.sampleState()
        try database.saveDHTState(state)
        let item = Self.mutable("mine", seq: 2, seed: 7)
        var forged = item.signature
        forged[0] ^= 0x80
        let insert = "INSERT INTO dhtPublishedItem VALUES (?, ?, ?, NULL, ?, ?, ?)"
        try execute(
            insert, [100, Data(item.target.bytes), Data(item.publicKey), item.seq, Data(item.valueBytes), Data(forged)])
        try execute(
            insert,
            [101, Data(Self.nodeID.bytes), Data(item.publicKey), item.seq, Data(item.valueBytes), Data(item.signature)])
        // When it is loaded, Then they are not there
        #expect(try database.loadDHTState() == state)
    }

    @Test func aDamagedNodeIDMeansNoState() throws {
        // Given a saved state whose node ID was cut short
        try database.saveDHTState(Self.sampleState())
        try execute("UPDATE dhtState SET nodeId = ?", [Data(repeating: 1, count: 19)])
        // When it is loaded, Then there is no state (the node starts afresh with a new ID)
        #expect(try database.loadDHTState() == nil)
    }
}
