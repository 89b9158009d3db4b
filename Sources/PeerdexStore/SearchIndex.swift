import Foundation
import GRDB
import PeerdexCore

/// Keeps the search tables in step with `contact`: folded text, word tokens and typo keys.
///
/// The tables hold folded text only (see `TextFolder`), so SQLite's tokenizers never need to know
/// about diacritics, and queries fold the same way before they reach them.
///
/// Their rowid is not the contact id but a **search key** that sorts like the ranker's
/// tie-breakers: favorite bit, then last interaction (whole seconds), then the contact id. FTS5
/// walks a match in rowid order, so `ORDER BY rowid DESC LIMIT n` yields the best-ranked n rows of
/// a tier and stops there: a one-letter prefix costs the same as a rare name. Blocked contacts are
/// not indexed at all, which is how search never shows them.
enum SearchIndex {
    /// Adds one row of folded fields under a search key.
    static let insertTextSQL = "INSERT INTO contactText (rowid, name, alias, note, interests, location) VALUES (?,?,?,?,?,?)"
    /// Adds one row of word tokens under a search key.
    static let insertWordsSQL = "INSERT INTO contactWords (rowid, tokens) VALUES (?,?)"

    /// The full-text tables, each an FTS5 table whose rowid is the search key.
    static let fullTextTables = ["contactText", "contactWords"]
    /// FTS5's own default for pending index data held in memory before it writes a segment.
    static let defaultHashBytes = 1 << 20
    /// Pending index data a bulk import may hold in memory per table (about 400,000 contacts' worth).
    static let bulkHashBytes = 128 << 20

    /// Runs `body` with FTS5 allowed to hold up to `bulkHashBytes` of pending index data per table.
    ///
    /// FTS5 writes its pending data as a new segment whenever it passes the hash size (1 MB by
    /// default), and later merges those segments again and again. Rows written in ascending
    /// rowid order into a large hash become one segment written once: this halves the index's
    /// share of a bulk import. The setting is stored in each table's config, so it is restored.
    static func withBulkHash(in db: Database, _ body: () throws -> Void) throws {
        for table in fullTextTables {
            try db.execute(sql: "INSERT INTO \(table) (\(table), rank) VALUES ('hashsize', \(bulkHashBytes))")
        }
        try body()
        for table in fullTextTables {
            try db.execute(sql: "INSERT INTO \(table) (\(table), rank) VALUES ('hashsize', \(defaultHashBytes))")
        }
    }

    /// Bits of the key that hold the contact id (ids up to 2^29, about 536 million contacts).
    static let idBits: Int64 = 29
    /// Bits that hold the last interaction in seconds since 1970 (until the year 2242).
    static let secondsBits: Int64 = 33

    /// The search key of a contact stored with row id `id`; nil when it is not searchable (blocked).
    static func key(for contact: Contact, id: Int64) -> Int64? {
        guard !contact.isBlocked else { return nil }
        let seconds = Int64((contact.lastInteraction?.timeIntervalSince1970 ?? 0).rounded(.down))
        let clamped = min(max(seconds, 0), (1 << secondsBits) - 1)
        let favorite: Int64 = contact.isFavorite ? 1 << (idBits + secondsBits) : 0
        return favorite | clamped << idBits | (id & ((1 << idBits) - 1))
    }

    /// The contact id inside a search key.
    static func contactID(fromKey key: Int64) -> Int64 { key & ((1 << idBits) - 1) }

    /// Brings the index from `old` (as stored before, nil for a new contact) to `new` (nil when
    /// removed), touching nothing when neither the key nor the searchable text changed.
    static func update(
        id: Int64, from old: Contact?, to new: Contact?, in db: Database, knownWords: inout Set<String>
    ) throws {
        guard id < 1 << idBits else { throw ContactStoreError.database("the contact book is full") }
        let oldKey = old.flatMap { key(for: $0, id: id) }
        let newKey = new.flatMap { key(for: $0, id: id) }
        let newDocument = new.map(SearchDocument.init(contact:))
        if oldKey == newKey, old.map(SearchDocument.init(contact:)) == newDocument { return }
        if let oldKey { try delete(key: oldKey, in: db) }
        if let newKey, let newDocument {
            try insert(newDocument, key: newKey, in: db, knownWords: &knownWords)
        }
    }

    /// Removes the entries under a key from both full-text tables.
    ///
    /// The word index keeps no copy of its tokens, so FTS5 must be told which tokens to remove:
    /// they are derived again from the folded text stored in `contactText`, which is what they
    /// were made from. (A change to `SearchWords` therefore needs a migration that refills the
    /// word index, as it would anyway for queries to agree with it.)
    static func delete(key: Int64, in db: Database) throws {
        guard let stored = try storedDocument(key: key, in: db) else { return }
        try db.cachedStatement(sql: "DELETE FROM contactText WHERE rowid = ?").execute(arguments: [key])
        try db.cachedStatement(sql: "INSERT INTO contactWords (contactWords, rowid, tokens) VALUES ('delete', ?, ?)")
            .execute(arguments: [key, stored.indexTokens])
    }

    /// The folded text stored under a key, if any.
    static func storedDocument(key: Int64, in db: Database) throws -> SearchDocument? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT name, alias, note, interests, location FROM contactText WHERE rowid = ?"),
            arguments: [key])
        return row.map { SearchDocument(name: $0[0], alias: $0[1], note: $0[2], interests: $0[3], location: $0[4]) }
    }

    /// Fills an empty word index from the folded text in `contactText` (used by migrations).
    static func refillWords(in db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, name, alias, note, interests, location FROM contactText")
        let insertWords = try db.makeStatement(sql: insertWordsSQL)
        while let row = try rows.next() {
            let document = SearchDocument(name: row[1], alias: row[2], note: row[3], interests: row[4], location: row[5])
            try insertWords.execute(arguments: [row[0] as Int64, document.indexTokens])
        }
    }

    /// Adds a document under a key, with its typo vocabulary.
    static func insert(_ document: SearchDocument, key: Int64, in db: Database, knownWords: inout Set<String>) throws {
        try db.cachedStatement(sql: insertTextSQL)
            .execute(arguments: [key, document.name, document.alias, document.note, document.interests, document.location])
        let (tokens, vocabulary) = document.indexEntries()
        try db.cachedStatement(sql: insertWordsSQL).execute(arguments: [key, tokens])
        try insertVocabulary(vocabulary, in: db, knownWords: &knownWords)
    }

    /// Adds the words of a document that typo search may find, each new word with its deletion keys.
    ///
    /// `knownWords` remembers vocabulary already stored, so a bulk import does not ask SQLite
    /// again for every repeated word.
    static func insertVocabulary(_ vocabulary: [String], in db: Database, knownWords: inout Set<String>) throws {
        for word in vocabulary where knownWords.insert(word).inserted {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO searchVocabulary (word) VALUES (?)")
                .execute(arguments: [word])
            guard db.changesCount > 0 else { continue }
            let keyStatement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO searchFuzzyKey (key, word) VALUES (?, ?)")
            for deletion in EditDistance.deletionKeys(of: word) {
                try keyStatement.execute(arguments: [deletion, word])
            }
        }
    }
}
