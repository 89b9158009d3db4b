import Foundation
import GRDB
import PeerdexCore
import PeerdexParallel

// MARK: - Import

extension ContactDatabase {
    /// Merges contacts (and their connection history) into the book in one transaction.
    ///
    /// Returns what happened to each, in order. Existing contacts — in the book, or earlier in the
    /// same batch — are merged with `Contact.merging(_:)`; history events already present are not
    /// added twice.
    ///
    /// The CPU work that needs no database runs on the other cores while this thread writes: each
    /// item's sort key and folded text while it finds duplicates and writes the contact rows, the
    /// word tokens and typo words while it writes the trigram rows. This thread computes what is
    /// left itself whenever it would otherwise wait (items that turn out to be merges are prepared
    /// for nothing, which costs only spare cores). Contact rows go in groups through multi-row
    /// statements; search entries go in search-key order, so that FTS5 appends to its doclists
    /// instead of inserting into them.
    public func importContacts(_ items: [(contact: Contact, history: [ConnectionEvent])]) throws(ContactStoreError)
        -> [ImportAction]
    {
        let contacts = items.map(\.contact)
        let prepared = PreparedImport(
            sortKeys: ChunkedMap(contacts) { ContactRow.sortKey(of: $0) },
            documents: ChunkedMap(contacts) { SearchDocument(contact: $0) })
        BackgroundThreads.start([prepared.sortKeys, prepared.documents])
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
                let indexes = batch.contacts.count > existing ? try Self.dropSecondaryIndexes(db) : []
                try batch.writeContacts(to: db, sortKeys: prepared.sortKeys.wait())
                for sql in indexes { try db.execute(sql: sql) }
                try SearchIndex.withBulkHash(in: db) {
                    try batch.writeSearchEntries(to: db, documents: prepared.documents.wait())
                }
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
}

/// What an import computes away from the writer: per item, its sort key and its search entries.
private struct PreparedImport {
    var sortKeys: ChunkedMap<Contact, String>
    var documents: ChunkedMap<Contact, SearchDocument>
}

/// New contacts of one import, held until they can be written in batches.
private struct ImportBatch {
    /// A new contact: its row id, and the item its prepared sort key and folded text come from.
    struct Entry {
        var id: Int64
        var contact: Contact
        var history: [ConnectionEvent]
        /// The first item of the file that is this contact.
        var itemIndex: Int
        /// Whether later items merged into it, so that what was prepared from the first is stale.
        var isMerged = false
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
        contacts[index].contact = merged
        contacts[index].history += newEvents
        contacts[index].isMerged = true
        return .updated
    }

    /// Writes the contact rows and their connection histories.
    func writeContacts(to db: Database, sortKeys: [String]) throws {
        let insertContact = BulkInsert(db, table: "contact", columns: ["id"] + ContactRow.writtenColumns)
        for entry in contacts {
            let sortKey = entry.isMerged ? ContactRow.sortKey(of: entry.contact) : sortKeys[entry.itemIndex]
            try insertContact.insert(rowid: entry.id, ContactRow.values(of: entry.contact, sortKey: sortKey))
        }
        try insertContact.finish()
        for entry in contacts {
            for event in entry.history { try ContactDatabase.insertConnection(event, contactID: entry.id, in: db) }
        }
    }

    /// Writes the search entries in ascending key order: FTS5 appends rows in rowid order far
    /// faster than it inserts them at random.
    func writeSearchEntries(to db: Database, documents: consuming [SearchDocument]) throws {
        for entry in contacts where entry.isMerged {
            documents[entry.itemIndex] = SearchDocument(contact: entry.contact)
        }
        let indexed = contacts.compactMap { entry in
            SearchIndex.key(for: entry.contact, id: entry.id).map { (key: $0, item: entry.itemIndex) }
        }.sorted { $0.key < $1.key }
        let ordered = indexed.map { documents[$0.item] }
        // Other cores derive the word tokens and typo words while this one writes the trigram rows.
        let entries = ChunkedMap(ordered) { $0.indexEntries() }
        BackgroundThreads.start([entries])
        // One row per execution here: a multi-row VALUES into an FTS5 table runs several times slower.
        let insertText = try RawStatement(db, sql: SearchIndex.insertTextSQL)
        for ((key, _), document) in zip(indexed, ordered) {
            insertText.bind(key, at: 1)
            try insertText.run(
                [
                    document.name.databaseValue, document.alias.databaseValue, document.note.databaseValue,
                    document.interests.databaseValue, document.location.databaseValue,
                ], from: 2)
        }
        let indexEntries = entries.wait()
        // Another core gathers the distinct typo words and their keys while this one writes the word rows.
        let vocabulary = BackgroundTask { [indexEntries] in SearchIndex.BulkVocabulary(indexEntries.map(\.vocabulary)) }
        let insertWords = try RawStatement(db, sql: SearchIndex.insertWordsSQL)
        for ((key, _), entry) in zip(indexed, indexEntries) {
            insertWords.bind(key, at: 1)
            try insertWords.run([entry.tokens.databaseValue], from: 2)
        }
        try SearchIndex.insert(vocabulary.wait(), in: db)
    }
}
