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
        if let oldKey {
            try db.cachedStatement(sql: "DELETE FROM contactText WHERE rowid = ?").execute(arguments: [oldKey])
            try db.cachedStatement(sql: "DELETE FROM contactWords WHERE rowid = ?").execute(arguments: [oldKey])
        }
        if let newKey, let newDocument {
            try insert(newDocument, key: newKey, in: db, knownWords: &knownWords)
        }
    }

    /// Adds a document under a key, with its typo vocabulary.
    static func insert(_ document: SearchDocument, key: Int64, in db: Database, knownWords: inout Set<String>) throws {
        try db.cachedStatement(sql: insertTextSQL)
            .execute(arguments: [key, document.name, document.alias, document.note, document.interests, document.location])
        try db.cachedStatement(sql: insertWordsSQL).execute(arguments: [key, document.indexTokens])
        try insertVocabulary(document.fuzzyVocabulary, in: db, knownWords: &knownWords)
    }

    /// Adds the words of a document that typo search may find, each new word with its deletion keys.
    ///
    /// `knownWords` remembers vocabulary already stored, so a bulk import does not ask SQLite
    /// again for every repeated word.
    static func insertVocabulary(_ vocabulary: Set<String>, in db: Database, knownWords: inout Set<String>) throws {
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
