import Foundation
import GRDB
import PeerdexCore

// MARK: - Import

extension ContactDatabase {
    /// Merges contacts (and their connection history) into the book in one transaction.
    ///
    /// Returns what happened to each, in order. Existing contacts — in the book, or earlier in the
    /// same batch — are merged with `Contact.merging(_:)`; history events already present are not
    /// added twice. Every item's text is folded on background threads while this thread writes the
    /// contact rows (items that turn out to be merges are folded for nothing, which costs only
    /// spare cores); rows go through prepared statements and search entries are written in
    /// search-key order, so that FTS5 appends to its doclists instead of inserting into them.
    public func importContacts(_ items: [(contact: Contact, history: [ConnectionEvent])]) throws(ContactStoreError)
        -> [ImportAction]
    {
        // Folding runs on the other cores while this thread inserts the contact rows.
        let documents = Self.searchDocumentsInBackground(for: items.map(\.contact))
        return try perform { writer in
            try writer.write { db in
                // A large import touches more pages than the usual cache holds; letting the cache
                // grow for it keeps SQLite from spilling half-built pages to the WAL and reading
                // them back.
                try db.execute(sql: "PRAGMA cache_size = -\(Self.importCacheKiB)")
                defer { try? db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)") }
                let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact") ?? 0
                var batch = ImportBatch(
                    nextID: try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM contact").map { $0 + 1 } ?? 1, expected: items.count)
                var actions = [ImportAction]()
                actions.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    if let pending = batch.pendingIndex[item.contact.peerID] {
                        actions.append(batch.mergePending(pending, item.contact, history: item.history))
                    } else if existing > 0, let (id, stored) = try ContactRow.find(item.contact.peerID, in: db) {
                        actions.append(try mergeStored(id: id, stored: stored, item.contact, history: item.history, db: db))
                    } else {
                        batch.add(item.contact, itemIndex: index, history: item.history)
                        actions.append(.imported)
                    }
                }
                // Building an index once from sorted rows beats growing it one random row at a time;
                // it pays when the import at least doubles the book.
                let rebuildIndexes = batch.contacts.count > existing
                let indexes = rebuildIndexes ? try Self.dropSecondaryIndexes(db) : []
                try SearchIndex.withBulkHash(in: db) { try batch.write(to: db, documents: documents) }
                for sql in indexes { try db.execute(sql: sql) }
                return actions
            }
        }
    }

    /// Drops the contact table's secondary indexes and returns the SQL that recreates them.
    static func dropSecondaryIndexes(_ db: Database) throws -> [String] {
        let indexes = try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact' AND sql IS NOT NULL")
        for index in indexes { try db.execute(sql: "DROP INDEX \(index["name"] as String)") }
        return indexes.map { $0["sql"] }
    }

    /// Merges an imported contact into one already in the book.
    private func mergeStored(
        id: Int64, stored: Contact, _ contact: Contact, history: [ConnectionEvent], db: Database
    ) throws -> ImportAction {
        let merged = stored.merging(contact)
        var changed = merged != stored
        if changed {
            try ContactRow.update(merged, id: id, in: db)
            var knownWords = Set<String>()
            try SearchIndex.update(id: id, from: stored, to: merged, in: db, knownWords: &knownWords)
        }
        if !history.isEmpty {
            let existing = Set(try connectionHistory(contactID: id, in: db))
            for event in history where !existing.contains(event) {
                try Self.insertConnection(event, contactID: id, in: db)
                changed = true
            }
        }
        return changed ? .updated : .unchanged
    }

    /// Folds every contact's searchable text on background threads: the one CPU-heavy step that
    /// needs no database, so the writer need not wait for it before inserting contact rows.
    static func searchDocumentsInBackground(for contacts: [Contact]) -> PendingResult<[PreparedDocument]> {
        contacts.concurrentMapInBackground { contact in PreparedDocument(SearchDocument(contact: contact)) }
    }
}

/// A search document with the derived text the index stores, computed ahead of the transaction.
struct PreparedDocument: Sendable {
    /// The folded fields.
    var document: SearchDocument
    /// Its word-index tokens.
    var tokens: String
    /// Its typo vocabulary.
    var vocabulary: Set<String>

    init(_ document: SearchDocument) {
        self.document = document
        (tokens, vocabulary) = document.indexEntries()
    }
}

/// New contacts of one import, held until they can be written in batches.
private struct ImportBatch {
    /// A new contact: its row id, and where its folded text comes from.
    struct Entry {
        var id: Int64
        var contact: Contact
        var history: [ConnectionEvent]
        /// The item whose background-folded document is this contact's, or nil once merged.
        var itemIndex: Int?
    }

    var nextID: Int64
    var contacts = [Entry]()
    var pendingIndex = [PeerID: Int]()

    init(nextID: Int64, expected: Int) {
        self.nextID = nextID
        contacts.reserveCapacity(expected)
        pendingIndex.reserveCapacity(expected)
    }

    mutating func add(_ contact: Contact, itemIndex: Int, history: [ConnectionEvent]) {
        pendingIndex[contact.peerID] = contacts.count
        contacts.append(Entry(id: nextID, contact: contact, history: history, itemIndex: itemIndex))
        nextID += 1
    }

    /// A repeat of a contact earlier in the same file merges into the pending one.
    mutating func mergePending(_ index: Int, _ contact: Contact, history: [ConnectionEvent]) -> ImportAction {
        let pending = contacts[index]
        let merged = pending.contact.merging(contact)
        let newEvents = history.filter { !pending.history.contains($0) }
        guard merged != pending.contact || !newEvents.isEmpty else { return .unchanged }
        contacts[index] = Entry(id: pending.id, contact: merged, history: pending.history + newEvents, itemIndex: nil)
        return .updated
    }

    /// Writes the contacts, then their search entries in ascending key order, then histories.
    func write(to db: Database, documents pending: PendingResult<[PreparedDocument]>) throws {
        let columns = ["id"] + ContactRow.writtenColumns
        let insertContact = try RawStatement(
            db,
            sql: "INSERT INTO contact (\(columns.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")")
        for entry in contacts {
            try insertContact.run([entry.id.databaseValue] + ContactRow.values(of: entry.contact))
        }
        let documents = pending.wait()
        // FTS5 appends rows in ascending rowid order far faster than it inserts them at random.
        let indexed = contacts.compactMap { entry in
            SearchIndex.key(for: entry.contact, id: entry.id).map { key in
                (key: key, document: entry.itemIndex.map { documents[$0] } ?? PreparedDocument(SearchDocument(contact: entry.contact)))
            }
        }.sorted { $0.key < $1.key }
        let insertText = try RawStatement(db, sql: SearchIndex.insertTextSQL)
        let insertWords = try RawStatement(db, sql: SearchIndex.insertWordsSQL)
        for (key, prepared) in indexed {
            let document = prepared.document
            try insertText.run([
                key.databaseValue, document.name.databaseValue, document.alias.databaseValue,
                document.note.databaseValue, document.interests.databaseValue, document.location.databaseValue,
            ])
        }
        for (key, prepared) in indexed {
            try insertWords.run([key.databaseValue, prepared.tokens.databaseValue])
        }
        var knownWords = Set<String>()
        for (_, prepared) in indexed {
            try SearchIndex.insertVocabulary(prepared.vocabulary, in: db, knownWords: &knownWords)
        }
        for entry in contacts {
            for event in entry.history { try ContactDatabase.insertConnection(event, contactID: entry.id, in: db) }
        }
    }
}
