import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct ContactDatabaseMigrationTests {
    let path = NSTemporaryDirectory() + "peerdex-migration-\(UUID().uuidString).sqlite"

    /// Writes a book as the first schema stored it: contact rows, folded text, word tokens, typo keys.
    func writeVersionOneBook(_ contacts: [Contact]) throws {
        let queue = try DatabaseQueue(path: path)
        try ContactDatabase.migrator.migrate(queue, upTo: "v1-contacts")
        try queue.write { db in
            var knownWords = Set<String>()
            for (offset, contact) in contacts.enumerated() {
                let id = Int64(offset + 1)
                let document = SearchDocument(contact: contact)
                try db.execute(
                    sql: "INSERT INTO contact (id, peerId, name, addedAt, sortKey) VALUES (?, ?, ?, 0, ?)",
                    arguments: [id, contact.peerID.text, contact.name, document.name])
                guard let key = SearchIndex.key(for: contact, id: id) else { continue }
                try db.execute(
                    sql: SearchIndex.insertTextSQL,
                    arguments: [key, document.name, document.alias, document.note, document.interests, document.location])
                let (tokens, vocabulary) = document.indexEntries()
                try db.execute(sql: SearchIndex.insertWordsSQL, arguments: [key, tokens])
                try SearchIndex.insertVocabulary(vocabulary, in: db, knownWords: &knownWords)
            }
        }
    }

    @Test func laterVersionsKeepContactsAndTheirSearch() throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // Given a book written by the first schema
        try writeVersionOneBook([
            Fixtures.contact(1, name: "Zoë Müller"), Fixtures.contact(2, name: "東京タワー"), Fixtures.contact(3, name: "Jonathan"),
        ])
        // When the current program opens it
        let database = try ContactDatabase.open(at: path)
        // Then every contact is there, and every search tier still finds them
        #expect(try database.count(in: .all) == 3)
        #expect(try database.search(SearchQuery("muller")).map(\.contact.peerID) == [Fixtures.peerID(1)])
        #expect(try database.search(SearchQuery("東京")).map(\.contact.peerID) == [Fixtures.peerID(2)])
        #expect(try database.search(SearchQuery("jonathn")).map(\.contact.peerID) == [Fixtures.peerID(3)])
        // And peer IDs are still unique, and a removal leaves the word index clean
        #expect(throws: ContactStoreError.contactExists(Fixtures.peerID(1))) { try database.add(Fixtures.contact(1)) }
        try database.remove(Fixtures.peerID(3))
        #expect(try database.search(SearchQuery("jonathan")).isEmpty)
        #expect(try database.integrityCheck() == "ok")
        // And the trigram index is the lean one of v3: no column sizes, no case folding of its own
        let schema = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'contactText'")
        }
        #expect(schema?.contains("case_sensitive 1") == true)
        #expect(try database.writer.read { db in try db.tableExists("contactText_docsize") } == false)
    }

    @Test func newFilesUseLargePages() throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try ContactDatabase.open(at: path)
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == ContactDatabase.pageSize)
    }
}
