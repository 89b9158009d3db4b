import GRDB
import PeerdexCore

// MARK: - Reads

extension ContactDatabase {
    /// The contact with this peer ID, blocked or not; nil when it is not in the book.
    public func contact(_ peerID: PeerID) throws(ContactStoreError) -> Contact? {
        try perform { writer in try writer.read { db in try ContactRow.find(peerID, in: db)?.contact } }
    }

    /// A page of one of the named lists, in that list's order.
    public func contacts(in list: ContactList, offset: Int = 0, limit: Int? = nil) throws(ContactStoreError)
        -> [Contact]
    {
        let (filter, order) = Self.clauses(for: list)
        let start = max(0, offset)
        // The recent list is the first `recentCapacity` rows of its order; a page never reads past it.
        let end = list == .recent ? ContactList.recentCapacity : nil
        let count = [limit, end.map { max(0, $0 - start) }].compactMap { $0 }.min() ?? -1  // -1: no LIMIT
        let sql = "SELECT \(ContactRow.columns) FROM contact WHERE \(filter) ORDER BY \(order) LIMIT \(count) OFFSET \(start)"
        return try perform { writer in
            try writer.read { db in try Row.fetchAll(db, sql: sql).map { try ContactRow.contact(from: $0) } }
        }
    }

    /// How many contacts one of the named lists holds.
    public func count(in list: ContactList) throws(ContactStoreError) -> Int {
        let (filter, _) = Self.clauses(for: list)
        let count = try perform { writer in
            try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact WHERE \(filter)") ?? 0 }
        }
        return list == .recent ? min(count, ContactList.recentCapacity) : count
    }

    /// Every contact, blocked ones included, with its connection history: what an export writes.
    public func everything() throws(ContactStoreError) -> [(contact: Contact, history: [ConnectionEvent])] {
        try perform { writer in
            try writer.read { db in
                var histories = [Int64: [ConnectionEvent]]()
                for row in try Row.fetchAll(
                    db, sql: "SELECT contactId, time, address, outcome FROM connectionEvent ORDER BY time, id")
                {
                    let event = ConnectionEvent(
                        time: ISO8601.date(milliseconds: row[1]), address: row[2],
                        outcome: ConnectionOutcome(rawValue: row[3]) ?? .refused)
                    histories[row[0], default: []].append(event)
                }
                return try Row.fetchAll(db, sql: "SELECT \(ContactRow.columns) FROM contact ORDER BY sortKey, id")
                    .map { row in (try ContactRow.contact(from: row), histories[row[0]] ?? []) }
            }
        }
    }

    /// The connection history of a contact, oldest first.
    public func connectionHistory(of peerID: PeerID) throws(ContactStoreError) -> [ConnectionEvent] {
        try perform { writer in
            try writer.read { db in
                guard let (id, _) = try ContactRow.find(peerID, in: db) else {
                    throw ContactStoreError.contactNotFound(peerID)
                }
                return try connectionHistory(contactID: id, in: db)
            }
        }
    }

    /// The WHERE and ORDER BY of a named list; each matches one of the schema's partial indexes.
    static func clauses(for list: ContactList) -> (filter: String, order: String) {
        switch list {
        case .all: ("blockedAt IS NULL", "sortKey, id")
        case .favorites: ("favoritedAt IS NOT NULL AND blockedAt IS NULL", "sortKey, id")
        case .blocked: ("blockedAt IS NOT NULL", "sortKey, id")
        case .recent: ("lastInteraction IS NOT NULL AND blockedAt IS NULL", "lastInteraction DESC")
        }
    }
}

// MARK: - Change detection

extension ContactDatabase {
    /// A number that changes whenever another connection (another process) commits a write.
    ///
    /// SQLite's `data_version` is per connection, so it is read on the single writer connection;
    /// our own commits do not change it, which is what a caller polling for others' changes wants.
    public func externalChangeCounter() throws(ContactStoreError) -> Int {
        try perform { writer in
            try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        }
    }
}
