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
        migrator.registerMigration("v2-bulk-import") { db in
            // The peer ID's uniqueness moves from an inline UNIQUE (an index SQLite will not let go
            // of) to a named index, which a large import drops and rebuilds from sorted rows like
            // the others. Foreign keys are off during migrations, so the table can be rebuilt.
            try db.execute(
                sql: """
                    CREATE TABLE contactRebuilt (
                        id INTEGER PRIMARY KEY,
                        peerId TEXT NOT NULL,
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
                    INSERT INTO contactRebuilt SELECT
                        id, peerId, name, alias, note, interests, location, privacy, isFriend, favoritedAt,
                        blockedAt, addedAt, lastSeen, lastInteraction, sortKey
                    FROM contact;
                    DROP TABLE contact;
                    ALTER TABLE contactRebuilt RENAME TO contact;
                    CREATE UNIQUE INDEX contact_by_peerId ON contact(peerId);
                    CREATE INDEX contact_visible_by_sortKey ON contact(sortKey, id) WHERE blockedAt IS NULL;
                    CREATE INDEX contact_favorites_by_sortKey ON contact(sortKey, id)
                        WHERE favoritedAt IS NOT NULL AND blockedAt IS NULL;
                    CREATE INDEX contact_blocked_by_sortKey ON contact(sortKey, id) WHERE blockedAt IS NOT NULL;
                    CREATE INDEX contact_recent ON contact(lastInteraction DESC)
                        WHERE lastInteraction IS NOT NULL AND blockedAt IS NULL;

                    -- The word index keeps no copy of its tokens (nothing reads them back) and no
                    -- sizes (nothing ranks by them): half the writes. Deleting a row therefore
                    -- needs its tokens, which SearchIndex derives from contactText's folded text.
                    DROP TABLE contactWords;
                    CREATE VIRTUAL TABLE contactWords USING fts5(
                        tokens, tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
                        prefix = '1 2 3', detail = none, content = '', columnsize = 0);
                    """
            )
            try SearchIndex.refillWords(in: db)
        }
        migrator.registerMigration("v3-lean-trigrams") { db in
            // The text is folded before it is stored (TextFolder lower-cases it), and queries are
            // folded the same way, so the trigram tokenizer's own case folding of every character
            // is work for nothing. Nothing ranks by column sizes either. Together about a quarter
            // of the trigram index's cost in a bulk import.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE contactTextRebuilt USING fts5(
                        name, alias, note, interests, location,
                        tokenize = 'trigram case_sensitive 1', columnsize = 0);
                    INSERT INTO contactTextRebuilt (rowid, name, alias, note, interests, location)
                        SELECT rowid, name, alias, note, interests, location FROM contactText;
                    DROP TABLE contactText;
                    ALTER TABLE contactTextRebuilt RENAME TO contactText;
                    """
            )
        }
        return migrator
    }
}
