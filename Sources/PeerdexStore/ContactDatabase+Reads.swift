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
        try perform { writer in try writer.read { db in try Self.page(of: list, offset: offset, limit: limit, in: db) } }
    }

    /// A page of a list and the list's total, read in one transaction so that they agree.
    public func window(of list: ContactList, offset: Int, limit: Int) throws(ContactStoreError)
        -> (rows: [Contact], total: Int)
    {
        try perform { writer in
            try writer.read { db in
                (try Self.page(of: list, offset: offset, limit: limit, in: db), try Self.count(of: list, in: db))
            }
        }
    }

    /// How many contacts one of the named lists holds.
    public func count(in list: ContactList) throws(ContactStoreError) -> Int {
        try perform { writer in try writer.read { db in try Self.count(of: list, in: db) } }
    }

    /// The size of every named list, read in one transaction.
    public func counts() throws(ContactStoreError) -> [ContactList: Int] {
        try perform { writer in
            try writer.read { db in
                var counts = [ContactList: Int]()
                for list in ContactList.allCases { counts[list] = try Self.count(of: list, in: db) }
                return counts
            }
        }
    }

    /// A contact with its connection history, oldest first, read together; nil when not in the book.
    public func details(of peerID: PeerID) throws(ContactStoreError) -> (contact: Contact, history: [ConnectionEvent])? {
        try perform { writer in
            try writer.read { db in
                guard let (id, contact) = try ContactRow.find(peerID, in: db) else { return nil }
                return (contact, try connectionHistory(contactID: id, in: db))
            }
        }
    }

    private static func page(of list: ContactList, offset: Int, limit: Int?, in db: Database) throws -> [Contact] {
        let (filter, order) = clauses(for: list)
        let start = max(0, offset)
        // The recent list is the first `recentCapacity` rows of its order; a page never reads past it.
        let end = list == .recent ? ContactList.recentCapacity : nil
        let count = [limit, end.map { max(0, $0 - start) }].compactMap { $0 }.min() ?? -1  // -1: no LIMIT
        let sql = "SELECT \(ContactRow.columns) FROM contact WHERE \(filter) ORDER BY \(order) LIMIT \(count) OFFSET \(start)"
        return try Row.fetchAll(db, sql: sql).map { try ContactRow.contact(from: $0) }
    }

    private static func count(of list: ContactList, in db: Database) throws -> Int {
        let (filter, _) = clauses(for: list)
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact WHERE \(filter)") ?? 0
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
