import Foundation
import GRDB
import PeerdexCore

// MARK: - Writes

extension ContactDatabase {
    /// Adds a new contact; fails with `contactExists` when the peer ID is already in the book.
    @discardableResult
    public func add(_ contact: Contact) throws(ContactStoreError) -> Contact {
        try perform { writer in
            try writer.write { db in
                if try ContactRow.find(contact.peerID, in: db) != nil {
                    throw ContactStoreError.contactExists(contact.peerID)
                }
                var knownWords = Set<String>()
                let id = try ContactRow.insert(contact, in: db)
                try SearchIndex.update(id: id, from: nil, to: contact, in: db, knownWords: &knownWords)
                return contact
            }
        }
    }

    /// Applies `change` to the stored contact and saves it; returns the contact as saved.
    @discardableResult
    public func update(_ peerID: PeerID, _ change: (inout Contact) -> Void) throws(ContactStoreError) -> Contact {
        try perform { writer in
            try writer.write { db in
                guard let (id, stored) = try ContactRow.find(peerID, in: db) else {
                    throw ContactStoreError.contactNotFound(peerID)
                }
                var contact = stored
                change(&contact)
                contact.peerID = peerID
                guard contact != stored else { return stored }
                try ContactRow.update(contact, id: id, in: db)
                var knownWords = Set<String>()
                try SearchIndex.update(id: id, from: stored, to: contact, in: db, knownWords: &knownWords)
                return contact
            }
        }
    }

    /// Marks or unmarks a favorite; marking counts as an interaction.
    @discardableResult
    public func setFavorite(_ peerID: PeerID, _ isFavorite: Bool, at now: Date) throws(ContactStoreError) -> Contact {
        try update(peerID) { contact in
            guard contact.isFavorite != isFavorite else { return }
            contact.favoritedAt = isFavorite ? now : nil
            contact.lastInteraction = now
        }
    }

    /// Blocks or unblocks a contact; a blocked contact leaves every list but the blocked one.
    @discardableResult
    public func setBlocked(_ peerID: PeerID, _ isBlocked: Bool, at now: Date) throws(ContactStoreError) -> Contact {
        try update(peerID) { contact in
            guard contact.isBlocked != isBlocked else { return }
            contact.blockedAt = isBlocked ? now : nil
        }
    }

    /// Deletes a contact with its connection history and index entries, in one transaction;
    /// returns the contact as it was, so the caller can say whom it removed.
    @discardableResult
    public func remove(_ peerID: PeerID) throws(ContactStoreError) -> Contact {
        try perform { writer in
            try writer.write { db in
                guard let (id, stored) = try ContactRow.find(peerID, in: db) else {
                    throw ContactStoreError.contactNotFound(peerID)
                }
                var knownWords = Set<String>()
                try SearchIndex.update(id: id, from: stored, to: nil, in: db, knownWords: &knownWords)
                try db.execute(sql: "DELETE FROM contact WHERE id = ?", arguments: [id])
                return stored
            }
        }
    }

    /// Appends a connection attempt to a contact's history; a success also counts as seeing the
    /// peer and as an interaction (it moves the contact up the recent list).
    public func recordConnection(_ peerID: PeerID, _ event: ConnectionEvent) throws(ContactStoreError) {
        try perform { writer in
            try writer.write { db in
                guard let (id, stored) = try ContactRow.find(peerID, in: db) else {
                    throw ContactStoreError.contactNotFound(peerID)
                }
                try Self.insertConnection(event, contactID: id, in: db)
                guard event.outcome == .connected else { return }
                var contact = stored
                contact.lastSeen = max(stored.lastSeen ?? .distantPast, event.time)
                contact.lastInteraction = max(stored.lastInteraction ?? .distantPast, event.time)
                guard contact != stored else { return }
                try ContactRow.update(contact, id: id, in: db)
                var knownWords = Set<String>()
                try SearchIndex.update(id: id, from: stored, to: contact, in: db, knownWords: &knownWords)
            }
        }
    }

    static func insertConnection(_ event: ConnectionEvent, contactID: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO connectionEvent (contactId, time, address, outcome) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [contactID, ISO8601.milliseconds(event.time), event.address, event.outcome.rawValue])
    }

    /// The connection history of the contact with row id `contactID`, oldest first.
    func connectionHistory(contactID: Int64, in db: Database) throws -> [ConnectionEvent] {
        try Row.fetchAll(
            db, sql: "SELECT time, address, outcome FROM connectionEvent WHERE contactId = ? ORDER BY time, id",
            arguments: [contactID]
        ).map { row in
            ConnectionEvent(
                time: ISO8601.date(milliseconds: row[0]), address: row[1],
                outcome: ConnectionOutcome(rawValue: row[2]) ?? .refused)
        }
    }
}
