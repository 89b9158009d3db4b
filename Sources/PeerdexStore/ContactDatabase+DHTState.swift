import Foundation
import GRDB
import PeerdexCore

// MARK: - Reads

extension ContactDatabase {
    /// The DHT state saved last, or nil if none was saved (or its node ID row is damaged).
    ///
    /// Every row is checked as if it came from the network, since the file may be damaged or
    /// edited: a node ID or endpoint of the wrong length, an item whose signature does not verify
    /// or whose target does not match its content, a time out of range: the row is skipped and
    /// the rest is loaded. At most `DHTSavedState.maximum…` rows of each list are read.
    public func loadDHTState() throws(ContactStoreError) -> DHTSavedState? {
        try perform { writer in try writer.read { db in try DHTStateRows.load(in: db) } }
    }
}

// MARK: - Writes

extension ContactDatabase {
    /// Replaces the saved DHT state with `state` in one transaction, committed before it returns.
    /// Each list is cut to its `DHTSavedState.maximum…` and kept in its order.
    public func saveDHTState(_ state: DHTSavedState) throws(ContactStoreError) {
        try perform { writer in try writer.write { db in try DHTStateRows.save(state, in: db) } }
    }
}

// MARK: - Rows

/// Maps between the `dht…` tables and `DHTSavedState`; GRDB types never leave this module.
enum DHTStateRows {
    static func save(_ state: DHTSavedState, in db: Database) throws {
        try db.execute(sql: "DELETE FROM dhtRoutingNode; DELETE FROM dhtHeldItem; DELETE FROM dhtPublishedItem")
        try db.execute(
            sql: "INSERT OR REPLACE INTO dhtState (id, nodeId) VALUES (1, ?)", arguments: [Data(state.nodeID.bytes)])

        let insertNode = try db.makeStatement(
            sql: """
                INSERT INTO dhtRoutingNode (position, nodeId, endpoint, firstSeen, lastResponse)
                VALUES (?, ?, ?, ?, ?)
                """)
        for (position, node) in state.nodes.prefix(DHTSavedState.maximumNodes).enumerated() {
            guard let firstSeen = milliseconds(node.firstSeen), let lastResponse = milliseconds(node.lastResponse)
            else { continue }
            try insertNode.execute(arguments: [
                position, Data(node.info.id.bytes), Data(node.info.endpoint.compact), firstSeen, lastResponse,
            ])
        }

        let insertItem = try db.makeStatement(
            sql: """
                INSERT INTO dhtHeldItem (position, target, publicKey, salt, seq, value, signature, storedAt, announcers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (position, item) in state.items.prefix(DHTSavedState.maximumItems).enumerated() {
            guard let storedAt = milliseconds(item.storedAt) else { continue }
            let announcers = Int64(clamping: item.announcers)
            switch item.content {
            case .mutable(let mutable):
                try insertItem.execute(arguments: [
                    position, Data(mutable.target.bytes), Data(mutable.publicKey), saltColumn(mutable.salt),
                    mutable.seq, Data(mutable.valueBytes), Data(mutable.signature), storedAt, announcers,
                ])
            case .immutable(let immutable):
                try insertItem.execute(arguments: [
                    position, Data(immutable.target.bytes), nil, nil, nil, Data(immutable.valueBytes), nil, storedAt,
                    announcers,
                ])
            }
        }

        let insertPublished = try db.makeStatement(
            sql: """
                INSERT INTO dhtPublishedItem (position, target, publicKey, salt, seq, value, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for (position, item) in state.published.prefix(DHTSavedState.maximumPublished).enumerated() {
            try insertPublished.execute(arguments: [
                position, Data(item.target.bytes), Data(item.publicKey), saltColumn(item.salt), item.seq,
                Data(item.valueBytes), Data(item.signature),
            ])
        }
    }

    static func load(in db: Database) throws -> DHTSavedState? {
        guard let stateRow = try Row.fetchOne(db, sql: "SELECT nodeId FROM dhtState WHERE id = 1"),
            let idBytes = blob(stateRow, 0), let nodeID = NodeID(bytes: idBytes)
        else { return nil }
        return DHTSavedState(
            nodeID: nodeID, nodes: try loadNodes(in: db), items: try loadItems(in: db),
            published: try loadPublished(in: db))
    }

    private static func loadNodes(in db: Database) throws -> [DHTSavedState.Node] {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT nodeId, endpoint, firstSeen, lastResponse FROM dhtRoutingNode ORDER BY position LIMIT ?",
            arguments: [DHTSavedState.maximumNodes])
        var nodes = [DHTSavedState.Node]()
        while let row = try rows.next() {
            guard let idBytes = blob(row, 0), let id = NodeID(bytes: idBytes),
                let endpointBytes = blob(row, 1), let endpoint = DHTEndpoint(compact: endpointBytes),
                let firstSeen = date(row, 2), let lastResponse = date(row, 3)
            else { continue }
            nodes.append(
                DHTSavedState.Node(
                    info: DHTNodeInfo(id: id, endpoint: endpoint), firstSeen: firstSeen, lastResponse: lastResponse))
        }
        return nodes
    }

    private static func loadItems(in db: Database) throws -> [DHTSavedState.Item] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT target, publicKey, salt, seq, value, signature, storedAt, announcers
                FROM dhtHeldItem ORDER BY position LIMIT ?
                """,
            arguments: [DHTSavedState.maximumItems])
        var items = [DHTSavedState.Item]()
        while let row = try rows.next() {
            guard let targetBytes = blob(row, 0), let target = NodeID(bytes: targetBytes),
                let value = blob(row, 4), let storedAt = date(row, 6)
            else { continue }
            let content: StoredItem.Content
            if (row[1] as DatabaseValue).isNull {
                guard let immutable = try? ImmutableItem(valueBytes: value) else { continue }
                content = .immutable(immutable)
            } else {
                guard let mutable = mutableItem(row, publicKey: 1, salt: 2, seq: 3, value: value, signature: 5) else {
                    continue
                }
                content = .mutable(mutable)
            }
            guard content.target == target else { continue }
            let announcers = integer(row, 7).map { Int(clamping: max($0, 0)) } ?? 0
            items.append(DHTSavedState.Item(content: content, storedAt: storedAt, announcers: announcers))
        }
        return items
    }

    private static func loadPublished(in db: Database) throws -> [MutableItem] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT target, publicKey, salt, seq, value, signature
                FROM dhtPublishedItem ORDER BY position LIMIT ?
                """,
            arguments: [DHTSavedState.maximumPublished])
        var published = [MutableItem]()
        while let row = try rows.next() {
            guard let targetBytes = blob(row, 0), let target = NodeID(bytes: targetBytes), let value = blob(row, 4),
                let item = mutableItem(row, publicKey: 1, salt: 2, seq: 3, value: value, signature: 5),
                item.target == target
            else { continue }
            published.append(item)
        }
        return published
    }

    // MARK: - Columns

    /// A mutable item from its columns, if they are all there and its signature verifies.
    private static func mutableItem(
        _ row: Row, publicKey: Int, salt: Int, seq: Int, value: [UInt8], signature: Int
    ) -> MutableItem? {
        guard let key = blob(row, publicKey), let seq = integer(row, seq), let signature = blob(row, signature) else {
            return nil
        }
        let saltBytes: [UInt8]
        if (row[salt] as DatabaseValue).isNull {
            saltBytes = []
        } else {
            guard let bytes = blob(row, salt) else { return nil }
            saltBytes = bytes
        }
        return try? MutableItem(publicKey: key, salt: saltBytes, seq: seq, valueBytes: value, signature: signature)
    }

    /// The salt as stored: NULL when empty (an empty blob may read back as NULL).
    private static func saltColumn(_ salt: [UInt8]) -> Data? { salt.isEmpty ? nil : Data(salt) }

    /// The bytes of a BLOB column; nil for NULL or any other type (a damaged row).
    private static func blob(_ row: Row, _ index: Int) -> [UInt8]? {
        if case .blob(let data) = (row[index] as DatabaseValue).storage { return [UInt8](data) }
        return nil
    }

    /// The value of an INTEGER column; nil for NULL or any other type.
    private static func integer(_ row: Row, _ index: Int) -> Int64? {
        if case .int64(let value) = (row[index] as DatabaseValue).storage { return value }
        return nil
    }

    /// A time stored as whole milliseconds since 1970; nil if it is not an integer.
    private static func date(_ row: Row, _ index: Int) -> Date? {
        integer(row, index).map(ISO8601.date(milliseconds:))
    }

    /// A time as whole milliseconds since 1970, or nil when it cannot be one (not finite, or
    /// beyond the range of 64 bits), so that a bad time skips its row instead of trapping.
    private static func milliseconds(_ date: Date) -> Int64? {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 9.2e18 else { return nil }
        return Int64(milliseconds)
    }
}
