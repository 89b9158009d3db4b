import Foundation
import GRDB
import PeerdexCore

/// Maps between `contact` rows and `Contact` values; GRDB types never leave this module.
enum ContactRow {
    /// The columns read for a contact, in the order `contact(from:)` expects.
    static let columns = """
        id, peerId, name, alias, note, interests, location, privacy, isFriend, favoritedAt, blockedAt, \
        addedAt, lastSeen, lastInteraction
        """

    /// The same columns qualified by the table alias `c`, for joins.
    static let columnsOfC = columns.split(separator: ",")
        .map { "c.\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")

    /// A stored time (milliseconds since 1970), or nil.
    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(ISO8601.date(milliseconds:)) }

    /// Decodes a row selected with `columns`, starting at column `offset`.
    static func contact(from row: Row, offset: Int = 0) throws -> Contact {
        let peerText: String = row[offset + 1]
        guard let peerID = PeerID(storedText: peerText) else {
            throw ContactStoreError.database("stored peer ID \(peerText) is damaged")
        }
        let interests: String = row[offset + 5]
        let privacyText: String = row[offset + 7]
        var contact = Contact(
            peerID: peerID,
            name: row[offset + 2],
            alias: row[offset + 3],
            note: row[offset + 4],
            location: row[offset + 6],
            privacy: PrivacyLevel(rawValue: privacyText) ?? .private,
            isFriend: row[offset + 8],
            favoritedAt: date(row[offset + 9]),
            blockedAt: date(row[offset + 10]),
            addedAt: ISO8601.date(milliseconds: row[offset + 11]),
            lastSeen: date(row[offset + 12]),
            lastInteraction: date(row[offset + 13])
        )
        // Stored interests were normalized on the way in; assigning skips doing it again.
        contact.interests = interests.isEmpty ? [] : interests.split(separator: "\n").map(String.init)
        return contact
    }

    /// The stored columns other than `id`, in the order of `values(of:)`.
    static let writtenColumns = [
        "peerId", "name", "alias", "note", "interests", "location", "privacy", "isFriend", "favoritedAt",
        "blockedAt", "addedAt", "lastSeen", "lastInteraction", "sortKey",
    ]

    /// The values of `writtenColumns` for a contact.
    static func values(of contact: Contact) -> [DatabaseValue] {
        values(of: contact, sortKey: sortKey(of: contact))
    }

    /// What lists sort by: the folded display name (the one costly value of a row).
    static func sortKey(of contact: Contact) -> String { TextFolder.fold(contact.displayName) }

    /// The values of `writtenColumns`, with the sort key (the folded display name) already known.
    static func values(of contact: Contact, sortKey: String) -> [DatabaseValue] {
        [
            contact.peerID.text.databaseValue,
            contact.name.databaseValue,
            contact.alias.databaseValue,
            contact.note.databaseValue,
            contact.interests.joined(separator: "\n").databaseValue,
            contact.location.databaseValue,
            contact.privacy.rawValue.databaseValue,
            contact.isFriend.databaseValue,
            contact.favoritedAt.map(ISO8601.milliseconds).databaseValue,
            contact.blockedAt.map(ISO8601.milliseconds).databaseValue,
            ISO8601.milliseconds(contact.addedAt).databaseValue,
            contact.lastSeen.map(ISO8601.milliseconds).databaseValue,
            contact.lastInteraction.map(ISO8601.milliseconds).databaseValue,
            sortKey.databaseValue,
        ]
    }

    private static let insertSQL = """
        INSERT INTO contact (\(writtenColumns.joined(separator: ", "))) \
        VALUES (\(writtenColumns.map { _ in "?" }.joined(separator: ", ")))
        """
    private static let updateSQL = "UPDATE contact SET \(writtenColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Inserts a new contact and returns its row id.
    static func insert(_ contact: Contact, in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: insertSQL).execute(arguments: StatementArguments(values(of: contact)))
        return db.lastInsertedRowID
    }

    /// Overwrites every stored column of the contact with row id `id`.
    static func update(_ contact: Contact, id: Int64, in db: Database) throws {
        try db.cachedStatement(sql: updateSQL).execute(arguments: StatementArguments(values(of: contact) + [id.databaseValue]))
    }

    /// The row id and contact stored for a peer ID, if any.
    static func find(_ peerID: PeerID, in db: Database) throws -> (id: Int64, contact: Contact)? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM contact WHERE peerId = ?")
        guard let row = try Row.fetchOne(statement, arguments: [peerID.text]) else { return nil }
        return (row[0], try contact(from: row))
    }
}
