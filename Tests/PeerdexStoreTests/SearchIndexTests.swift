import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct SearchIndexTests {
    let database = try! ContactDatabase.inMemory()

    /// Rows of the word index that hold `token`, read straight from FTS5 (search would hide
    /// stale entries behind its check against contactText, so it cannot tell).
    func wordRows(_ token: String) throws -> [Int64] {
        try database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT rowid FROM contactWords WHERE contactWords MATCH ?", arguments: ["\"\(token)\""])
        }
    }

    /// FTS5's own consistency check of both full-text tables.
    func checkFullTextIntegrity() throws {
        try database.writer.write { db in
            for table in SearchIndex.fullTextTables {
                try db.execute(sql: "INSERT INTO \(table) (\(table)) VALUES ('integrity-check')")
            }
        }
    }

    @Test func wordIndexForgetsOldTokensOnUpdateAndRemove() throws {
        // Given a contact whose name, alias and key change several times
        try database.add(Fixtures.contact(1, name: "Anna Karenina", interests: ["東京タワー"]))
        try database.update(Fixtures.peerID(1)) { $0.name = "Bertha" }
        try database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now)
        try database.update(Fixtures.peerID(1)) { $0.alias = "Nightingale" }
        // Then only the current tokens are indexed, CJK bigrams included
        #expect(try wordRows("anna").isEmpty)
        #expect(try wordRows("karenina").isEmpty)
        #expect(try wordRows("bertha").count == 1)
        #expect(try wordRows("東京").count == 1)
        // And after blocking (unindexed) and removal nothing is left
        try database.setBlocked(Fixtures.peerID(1), true, at: Fixtures.now)
        #expect(try wordRows("bertha").isEmpty)
        try database.setBlocked(Fixtures.peerID(1), false, at: Fixtures.now)
        #expect(try wordRows("nightingale").count == 1)
        try database.remove(Fixtures.peerID(1))
        #expect(try wordRows("nightingale").isEmpty)
        #expect(try wordRows("東京").isEmpty)
        try checkFullTextIntegrity()
    }

    @Test func bulkImportRestoresHashSizeAndIndexes() throws {
        // When an import doubles the book (so the secondary indexes are dropped and rebuilt)
        try database.add(Fixtures.contact(0, name: "Existing"))
        let items = (1...50).map { (contact: Fixtures.contact($0, name: "Person \($0)"), history: [ConnectionEvent]()) }
        #expect(try database.importContacts(items).allSatisfy { $0 == .imported })
        // Then FTS5 is back to its default hash size and every index is there again
        let (hashSizes, indexes) = try database.writer.read { db in
            (
                try Int.fetchAll(db, sql: "SELECT v FROM contactText_config WHERE k = 'hashsize' UNION ALL SELECT v FROM contactWords_config WHERE k = 'hashsize'"),
                try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact'")
            )
        }
        #expect(hashSizes == [SearchIndex.defaultHashBytes, SearchIndex.defaultHashBytes])
        #expect(indexes.isSuperset(of: ["contact_by_peerId", "contact_visible_by_sortKey", "contact_recent"]))
        #expect(try database.search(SearchQuery("person 4")).first?.contact.name == "Person 4")
        #expect(throws: ContactStoreError.contactExists(Fixtures.peerID(7))) { try database.add(Fixtures.contact(7)) }
        try checkFullTextIntegrity()
    }

    /// Every stored typo word and deletion key, in order.
    func typoTables(of database: ContactDatabase) throws -> [String] {
        try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT word FROM searchVocabulary ORDER BY word")
                + String.fetchAll(db, sql: "SELECT key || '|' || word FROM searchFuzzyKey ORDER BY key, word")
        }
    }

    @Test func bulkVocabularyStoresWhatOneByOneWould() throws {
        // Given contacts with many distinct words, repeats, and letters beyond ASCII
        let names = ["Jonathan Smithers", "Zoë Müller", "Ольга Фёдорова", "Jonathan Weiß", "Μαρία Οικονόμου", "Anna"]
        let contacts = (0..<60).map { seed in
            Fixtures.contact(seed, name: names[seed % names.count] + " Word\(seed)", interests: ["knitting", "astronomy\(seed % 7)"])
        }
        // When one book adds them one by one, another imports them all, and a third imports them
        // after already holding a few (so some words are known before)
        let oneByOne = try ContactDatabase.inMemory()
        for contact in contacts { _ = try oneByOne.add(contact) }
        let imported = try ContactDatabase.inMemory()
        _ = try imported.importContacts(contacts.map { ($0, []) })
        let partly = try ContactDatabase.inMemory()
        for contact in contacts.prefix(10) { _ = try partly.add(contact) }
        _ = try partly.importContacts(contacts.dropFirst(10).map { ($0, []) })
        // Then all three hold the same typo words and keys
        let expected = try typoTables(of: oneByOne)
        #expect(expected.count > 100)
        #expect(try typoTables(of: imported) == expected)
        #expect(try typoTables(of: partly) == expected)
        #expect(try imported.search(SearchQuery("jonathn")).count == 20)
    }
}
