import GRDB

extension ContactDatabase {
    /// The schema's history. Migrations are append-only: once shipped, never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-contacts") { db in
            // Times are whole milliseconds since 1970 (UTC): exact round trips, cheap ordering.
            try db.execute(
                sql: """
                    CREATE TABLE contact (
                        id INTEGER PRIMARY KEY,
                        peerId TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL DEFAULT '',
                        alias TEXT NOT NULL DEFAULT '',
                        note TEXT NOT NULL DEFAULT '',
                        interests TEXT NOT NULL DEFAULT '',
                        location TEXT NOT NULL DEFAULT '',
                        privacy TEXT NOT NULL DEFAULT 'private'
                            CHECK (privacy IN ('public', 'contacts', 'friends', 'private')),
                        isFriend BOOLEAN NOT NULL DEFAULT 0,
                        favoritedAt INTEGER,
                        blockedAt INTEGER,
                        addedAt INTEGER NOT NULL,
                        lastSeen INTEGER,
                        lastInteraction INTEGER,
                        sortKey TEXT NOT NULL DEFAULT ''
                    );
                    CREATE INDEX contact_visible_by_sortKey ON contact(sortKey, id) WHERE blockedAt IS NULL;
                    CREATE INDEX contact_favorites_by_sortKey ON contact(sortKey, id)
                        WHERE favoritedAt IS NOT NULL AND blockedAt IS NULL;
                    CREATE INDEX contact_blocked_by_sortKey ON contact(sortKey, id) WHERE blockedAt IS NOT NULL;
                    CREATE INDEX contact_recent ON contact(lastInteraction DESC)
                        WHERE lastInteraction IS NOT NULL AND blockedAt IS NULL;

                    CREATE TABLE connectionEvent (
                        id INTEGER PRIMARY KEY,
                        contactId INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
                        time INTEGER NOT NULL,
                        address TEXT NOT NULL,
                        outcome TEXT NOT NULL
                    );
                    CREATE INDEX connectionEvent_by_contact ON connectionEvent(contactId, time);

                    -- Folded text for substring search (trigrams); rowid = the search key (SearchIndex).
                    CREATE VIRTUAL TABLE contactText USING fts5(
                        name, alias, note, interests, location, tokenize = 'trigram');
                    -- Folded words and CJK bigrams for exact and prefix search; rowid = the search key.
                    -- Marks count as letters, as in SearchWords, so a word is never split in two.
                    CREATE VIRTUAL TABLE contactWords USING fts5(
                        tokens, tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
                        prefix = '1 2 3', detail = none);
                    -- Typo search: every indexed word and its one-deletion keys (SymSpell).
                    CREATE TABLE searchVocabulary (word TEXT PRIMARY KEY) WITHOUT ROWID;
                    CREATE TABLE searchFuzzyKey (
                        key TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (key, word)) WITHOUT ROWID;
                    """
            )
        }
        return migrator
    }
}
