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
        migrator.registerMigration("v4-profile") { db in
            // The user's own profile: exactly one row (id 1), created here empty and `private`, so
            // that nothing is published before the user chooses to. `seq` counts saved changes
            // (the BEP 44 sequence number); `updatedAt` is NULL until the first one.
            try db.execute(
                sql: """
                    CREATE TABLE profile (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        name TEXT NOT NULL DEFAULT '',
                        interests TEXT NOT NULL DEFAULT '',
                        location TEXT NOT NULL DEFAULT '',
                        visibility TEXT NOT NULL DEFAULT 'private'
                            CHECK (visibility IN ('public', 'contacts', 'friends', 'private')),
                        seq INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0),
                        updatedAt INTEGER
                    );
                    INSERT INTO profile (id) VALUES (1);
                    """
            )
        }
        migrator.registerMigration("v5-dht-state") { db in
            // What the DHT node keeps across restarts (ContactDatabase+DHTState.swift). The node ID
            // is one row (id 1), so a book has one DHT identity; the lists are rewritten whole at
            // every save, in the order given (`position`, best first). Lengths and signatures are
            // checked when read back, not here, so that a damaged row is skipped rather than
            // failing a whole save or load.
            try db.execute(
                sql: """
                    CREATE TABLE dhtState (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        nodeId BLOB NOT NULL
                    );
                    CREATE TABLE dhtRoutingNode (
                        position INTEGER PRIMARY KEY,
                        nodeId BLOB NOT NULL,
                        endpoint BLOB NOT NULL,
                        firstSeen INTEGER NOT NULL,
                        lastResponse INTEGER NOT NULL
                    );
                    -- An immutable item has no publicKey, salt, seq or signature. An empty salt is
                    -- stored as NULL (SQLite may read an empty blob back as NULL anyway).
                    CREATE TABLE dhtHeldItem (
                        position INTEGER PRIMARY KEY,
                        target BLOB NOT NULL,
                        publicKey BLOB,
                        salt BLOB,
                        seq INTEGER,
                        value BLOB NOT NULL,
                        signature BLOB,
                        storedAt INTEGER NOT NULL,
                        announcers INTEGER NOT NULL DEFAULT 1
                    );
                    CREATE TABLE dhtPublishedItem (
                        position INTEGER PRIMARY KEY,
                        target BLOB NOT NULL,
                        publicKey BLOB NOT NULL,
                        salt BLOB,
                        seq INTEGER NOT NULL,
                        value BLOB NOT NULL,
                        signature BLOB NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v6-discovery") { db in
            // Discovery (ContactDatabase+Discovery.swift). The sharing switches are one row (id 1),
            // created off so that nothing is shared until the user chooses to. Our own audience
            // keys are one row per audience (the current generation only), with the members the
            // audience had when the keys were last synced, so that any later process can tell who
            // left and rotate. Keys handed to us are kept per owner, bounded as AudienceKeyring
            // bounds them; lengths are checked when read back, so a damaged row is skipped.
            try db.execute(
                sql: """
                    CREATE TABLE discoverySharing (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        shareWithDiscoveryPeers BOOLEAN NOT NULL DEFAULT 0,
                        allowContactSharing BOOLEAN NOT NULL DEFAULT 0
                    );
                    INSERT INTO discoverySharing (id) VALUES (1);
                    CREATE TABLE audienceKey (
                        audience TEXT PRIMARY KEY CHECK (audience IN ('contacts', 'friends')),
                        generation INTEGER NOT NULL CHECK (generation >= 0),
                        keyBytes BLOB NOT NULL
                    );
                    CREATE TABLE audienceMember (
                        audience TEXT NOT NULL,
                        peerId TEXT NOT NULL,
                        PRIMARY KEY (audience, peerId)
                    ) WITHOUT ROWID;
                    CREATE TABLE receivedAudienceKey (
                        id INTEGER PRIMARY KEY,
                        owner TEXT NOT NULL,
                        audience TEXT NOT NULL,
                        generation INTEGER NOT NULL,
                        keyBytes BLOB NOT NULL,
                        receivedAt INTEGER NOT NULL
                    );
                    CREATE INDEX receivedAudienceKey_by_owner ON receivedAudienceKey(owner);

                    -- Set whenever a change to the book may change an audience, so that a sync with
                    -- nothing to do skips comparing 100,000 members. Only the first such row of a
                    -- bulk import writes; the rest find the flag set.
                    CREATE TABLE audienceSync (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        membersChanged BOOLEAN NOT NULL DEFAULT 1
                    );
                    INSERT INTO audienceSync (id) VALUES (1);
                    CREATE TRIGGER contact_joins_audiences AFTER INSERT ON contact
                    WHEN NEW.blockedAt IS NULL AND NOT (SELECT membersChanged FROM audienceSync WHERE id = 1)
                    BEGIN UPDATE audienceSync SET membersChanged = 1 WHERE id = 1; END;
                    CREATE TRIGGER contact_leaves_audiences AFTER DELETE ON contact
                    WHEN NOT (SELECT membersChanged FROM audienceSync WHERE id = 1)
                    BEGIN UPDATE audienceSync SET membersChanged = 1 WHERE id = 1; END;
                    CREATE TRIGGER contact_changes_audiences AFTER UPDATE ON contact
                    WHEN (OLD.blockedAt IS NULL) IS NOT (NEW.blockedAt IS NULL) OR OLD.isFriend IS NOT NEW.isFriend
                        OR OLD.peerId IS NOT NEW.peerId
                    BEGIN UPDATE audienceSync SET membersChanged = 1 WHERE id = 1; END;
                    """
            )
        }
        return migrator
    }
}
