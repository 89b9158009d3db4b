import GRDB
import PeerdexCore

/// Keeps the search tables in step with `contact`: folded text, word tokens and typo keys.
///
/// The tables hold folded text only (see `TextFolder`), so SQLite's tokenizers never need to
/// know about diacritics, and queries fold the same way before they reach them.
enum SearchIndex {
    /// Indexes (or re-indexes) the contact with row id `id`.
    ///
    /// `knownWords` remembers vocabulary already stored, so a bulk import does not ask SQLite again
    /// for every repeated word.
    static func index(
        _ contact: Contact, id: Int64, isNew: Bool, in db: Database, knownWords: inout Set<String>
    ) throws {
        if !isNew { try remove(id: id, in: db) }
        let document = SearchDocument(contact: contact)
        try db.cachedStatement(
            sql: "INSERT INTO contactText (rowid, name, alias, note, interests, location) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [id, document.name, document.alias, document.note, document.interests, document.location])
        try db.cachedStatement(sql: "INSERT INTO contactWords (rowid, tokens) VALUES (?, ?)")
            .execute(arguments: [id, document.indexTokens])
        for word in document.fuzzyVocabulary where knownWords.insert(word).inserted {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO searchVocabulary (word) VALUES (?)")
                .execute(arguments: [word])
            guard db.changesCount > 0 else { continue }
            let keyStatement = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO searchFuzzyKey (key, word) VALUES (?, ?)")
            for key in EditDistance.deletionKeys(of: word) {
                try keyStatement.execute(arguments: [key, word])
            }
        }
    }

    /// Removes the contact with row id `id` from the text indexes.
    ///
    /// Its words stay in the vocabulary: a stale word only costs a candidate that matches nothing.
    static func remove(id: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM contactText WHERE rowid = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM contactWords WHERE rowid = ?").execute(arguments: [id])
    }
}
