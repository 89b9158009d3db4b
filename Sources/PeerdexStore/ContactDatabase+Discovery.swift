import Foundation
import GRDB
import PeerdexCore

// MARK: - Reads

extension ContactDatabase {
    /// The sharing preferences: the two switches as saved (off until changed), and the profile's
    /// visibility as `discoverableBy`, read together so that they never come from two states.
    public func sharingPreferences() throws(ContactStoreError) -> SharingPreferences {
        try perform { writer in
            try writer.read { db in
                let profile = try ProfileRow.fetch(in: db)
                return try DiscoveryRows.preferences(discoverableBy: profile.visibility, in: db)
            }
        }
    }

    /// Our own audience keys and the keys other owners handed us. A damaged row is skipped.
    public func audienceKeyring() throws(ContactStoreError) -> AudienceKeyring {
        try perform { writer in
            try writer.read { db in
                AudienceKeyring(own: try DiscoveryRows.ownKeys(in: db), received: try DiscoveryRows.receivedKeys(in: db))
            }
        }
    }

    /// The members of `audience` as saved by the last `syncAudienceKeys` (empty without a key).
    public func syncedMembers(of audience: AudienceKey.Audience) throws(ContactStoreError) -> Set<PeerID> {
        try perform { writer in
            try writer.read { db in
                let texts = try String.fetchAll(
                    db, sql: "SELECT peerId FROM audienceMember WHERE audience = ?", arguments: [audience.rawValue])
                return Set(texts.compactMap(PeerID.init(storedText:)))
            }
        }
    }
}

// MARK: - Writes

extension ContactDatabase {
    /// Sets the switches given (nil leaves one as it is) and returns the preferences as committed;
    /// `changed` is false when both already had the values given.
    @discardableResult
    public func updateSharing(shareWithDiscoveryPeers: Bool?, allowContactSharing: Bool?) throws(ContactStoreError)
        -> (preferences: SharingPreferences, changed: Bool)
    {
        try perform { writer in
            try writer.write { db in
                let profile = try ProfileRow.fetch(in: db)
                let stored = try DiscoveryRows.preferences(discoverableBy: profile.visibility, in: db)
                var preferences = stored
                preferences.shareWithDiscoveryPeers = shareWithDiscoveryPeers ?? stored.shareWithDiscoveryPeers
                preferences.allowContactSharing = allowContactSharing ?? stored.allowContactSharing
                guard preferences != stored else { return (stored, false) }
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO discoverySharing (id, shareWithDiscoveryPeers, allowContactSharing)
                        VALUES (1, ?, ?)
                        """,
                    arguments: [preferences.shareWithDiscoveryPeers, preferences.allowContactSharing])
                return (preferences, true)
            }
        }
    }

    /// Brings our audience keys in line with the book, in one transaction.
    ///
    /// Makes a key for the audience of the profile's visibility if it has none; rotates the key
    /// of every audience that lost a member (removed, unfriended or blocked) since the last sync;
    /// saves each keyed audience's members for the next sync. When the key of the profile's own
    /// audience is new or rotated, the profile's `seq` rises by one (and `updatedAt` becomes
    /// `now`), so that the record sealed under the new key outranks the old one in the DHT.
    /// Returns the rotated audiences; a second call with nothing changed writes nothing.
    @discardableResult
    public func syncAudienceKeys(at now: Date, using random: inout some RandomNumberGenerator)
        throws(ContactStoreError) -> [AudienceKey.Audience]
    {
        try perform { writer in
            try writer.write { db in try DiscoveryRows.syncAudienceKeys(at: now, using: &random, in: db) }
        }
    }

    /// Keeps the keys `owner` handed us, as `AudienceKeyring.receive` would (the newest
    /// `keptPerOwner`; past `maximumOwners` owners the one heard from longest ago is forgotten);
    /// returns how many of them are newly kept.
    @discardableResult
    public func receiveAudienceKeys(_ keys: [AudienceKey], from owner: PeerID, at now: Date)
        throws(ContactStoreError) -> Int
    {
        try perform { writer in
            try writer.write { db in try DiscoveryRows.receive(keys, from: owner, at: now, in: db) }
        }
    }

    /// Forgets every key `owner` handed us.
    public func forgetAudienceKeys(from owner: PeerID) throws(ContactStoreError) {
        try perform { writer in
            try writer.write { db in
                try db.execute(sql: "DELETE FROM receivedAudienceKey WHERE owner = ?", arguments: [owner.text])
            }
        }
    }
}

// MARK: - Rows

/// Maps between the discovery tables and `SharingPreferences` / `AudienceKeyring`; GRDB types
/// never leave this module.
enum DiscoveryRows {
    static func preferences(discoverableBy: PrivacyLevel, in db: Database) throws -> SharingPreferences {
        let row = try Row.fetchOne(
            db, sql: "SELECT shareWithDiscoveryPeers, allowContactSharing FROM discoverySharing WHERE id = 1")
        return SharingPreferences(
            discoverableBy: discoverableBy, shareWithDiscoveryPeers: row?[0] ?? false,
            allowContactSharing: row?[1] ?? false)
    }

    // MARK: Own keys

    static func ownKeys(in db: Database) throws -> [AudienceKey] {
        let rows = try Row.fetchAll(db, sql: "SELECT audience, generation, keyBytes FROM audienceKey")
        return rows.compactMap { key(audience: $0[0], generation: $0[1], bytes: $0[2]) }
    }

    static func saveOwnKey(_ key: AudienceKey, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO audienceKey (audience, generation, keyBytes) VALUES (?, ?, ?)",
            arguments: [key.audience.rawValue, Int64(key.generation), Data(key.bytes)])
    }

    static func syncAudienceKeys(
        at now: Date, using random: inout some RandomNumberGenerator, in db: Database
    ) throws -> [AudienceKey.Audience] {
        var keyring = AudienceKeyring(own: try ownKeys(in: db), received: [:])
        let membersChanged = try Bool.fetchOne(db, sql: "SELECT membersChanged FROM audienceSync WHERE id = 1") ?? true
        // Only who left matters to rotation (before minus after), so SQL finds just those rather
        // than both whole member sets, which for 100,000 contacts would be 200,000 peer IDs.
        var departed = [AudienceKey.Audience: Set<PeerID>]()
        for audience in keyring.own.keys where membersChanged {
            departed[audience] = Set(try departedMembers(of: audience, in: db).compactMap(PeerID.init(storedText:)))
        }
        let rotated = keyring.rotateForLostMembers(before: departed, after: [:], using: &random)
        var profile = try ProfileRow.fetch(in: db)
        var renewed = rotated
        if let audience = AudienceKey.Audience(visibility: profile.visibility), keyring.own[audience] == nil {
            _ = keyring.ownKey(for: audience, using: &random)
            renewed.append(audience)
        }
        for audience in renewed { try saveOwnKey(keyring.own[audience]!, in: db) }
        for audience in keyring.own.keys where membersChanged || renewed.contains(audience) {
            try saveMembers(of: audience, in: db)
        }
        if membersChanged { try db.execute(sql: "UPDATE audienceSync SET membersChanged = 0 WHERE id = 1") }
        if let audience = AudienceKey.Audience(visibility: profile.visibility), renewed.contains(audience) {
            guard profile.seq < Int64.max else {
                throw ContactStoreError.database("the profile's sequence number cannot grow any further")
            }
            profile.seq += 1
            profile.updatedAt = now
            try ProfileRow.save(profile, in: db)
        }
        return rotated
    }

    // MARK: Members

    /// The SQL condition for a contact row in `audience`, as `AudienceKeyring.members(of:in:)`
    /// decides it: never blocked, and a friend for `friends`.
    private static func membership(_ audience: AudienceKey.Audience, row: String) -> String {
        switch audience {
        case .contacts: "\(row).blockedAt IS NULL"
        case .friends: "\(row).blockedAt IS NULL AND \(row).isFriend"
        }
    }

    /// Peer IDs saved as members of `audience` that the book no longer puts in it.
    private static func departedMembers(of audience: AudienceKey.Audience, in db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT member.peerId FROM audienceMember member
                WHERE member.audience = ? AND NOT EXISTS (
                    SELECT 1 FROM contact WHERE contact.peerId = member.peerId AND \(membership(audience, row: "contact")))
                """,
            arguments: [audience.rawValue])
    }

    /// Makes the saved members of `audience` those the book puts in it now, touching only the
    /// rows that differ.
    private static func saveMembers(of audience: AudienceKey.Audience, in db: Database) throws {
        let condition = membership(audience, row: "contact")
        try db.execute(
            sql: """
                DELETE FROM audienceMember
                WHERE audience = ? AND NOT EXISTS (
                    SELECT 1 FROM contact WHERE contact.peerId = audienceMember.peerId AND \(condition))
                """,
            arguments: [audience.rawValue])
        try db.execute(
            sql: """
                INSERT INTO audienceMember (audience, peerId)
                SELECT ?1, contact.peerId FROM contact
                WHERE \(condition) AND NOT EXISTS (
                    SELECT 1 FROM audienceMember member WHERE member.audience = ?1 AND member.peerId = contact.peerId)
                """,
            arguments: [audience.rawValue])
    }

    // MARK: Received keys

    static func receivedKeys(in db: Database) throws -> [PeerID: [AudienceKey]] {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT owner, audience, generation, keyBytes FROM receivedAudienceKey")
        var keys = [PeerID: [AudienceKey]]()
        while let row = try rows.next() {
            guard let owner = PeerID(storedText: row[0]), let key = key(audience: row[1], generation: row[2], bytes: row[3])
            else { continue }
            keys[owner, default: []].append(key)
        }
        return keys
    }

    static func receive(_ keys: [AudienceKey], from owner: PeerID, at now: Date, in db: Database) throws -> Int {
        let rows = try Row.fetchAll(
            db, sql: "SELECT audience, generation, keyBytes, receivedAt FROM receivedAudienceKey WHERE owner = ?",
            arguments: [owner.text])
        var receivedAt = [AudienceKey: Int64]()
        for row in rows {
            guard let key = key(audience: row[0], generation: row[1], bytes: row[2]) else { continue }
            receivedAt[key] = row[3]
        }
        var keyring = AudienceKeyring(own: [], received: [owner: Array(receivedAt.keys)])
        for key in keys { keyring.receive(key, from: owner, now: 0) }
        let kept = keyring.keys(from: owner)
        let newlyKept = kept.filter { receivedAt[$0] == nil }.count
        guard newlyKept > 0 else { return 0 }

        let nowMilliseconds = ISO8601.milliseconds(now)
        try db.execute(sql: "DELETE FROM receivedAudienceKey WHERE owner = ?", arguments: [owner.text])
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO receivedAudienceKey (owner, audience, generation, keyBytes, receivedAt)
                VALUES (?, ?, ?, ?, ?)
                """)
        for key in kept {
            try insert.execute(arguments: [
                owner.text, key.audience.rawValue, Int64(key.generation), Data(key.bytes),
                receivedAt[key] ?? nowMilliseconds,
            ])
        }
        if receivedAt.isEmpty { try forgetStalestOwners(keeping: owner, in: db) }
        return newlyKept
    }

    /// Past `AudienceKeyring.maximumOwners` owners, forgets those whose newest key came longest
    /// ago (never `newcomer`, whose keys were just kept).
    private static func forgetStalestOwners(keeping newcomer: PeerID, in db: Database) throws {
        let owners = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT owner) FROM receivedAudienceKey") ?? 0
        let excess = owners - AudienceKeyring.maximumOwners
        guard excess > 0 else { return }
        try db.execute(
            sql: """
                DELETE FROM receivedAudienceKey WHERE owner IN (
                    SELECT owner FROM receivedAudienceKey WHERE owner != ?
                    GROUP BY owner ORDER BY MAX(receivedAt), owner LIMIT ?)
                """,
            arguments: [newcomer.text, excess])
    }

    // MARK: Columns

    /// A key from its columns; nil for an unknown audience, a negative or oversized generation,
    /// or bytes that are not a 32-byte BLOB (a damaged row).
    private static func key(audience: DatabaseValue, generation: DatabaseValue, bytes: DatabaseValue) -> AudienceKey? {
        guard let name = String.fromDatabaseValue(audience), let audience = AudienceKey.Audience(rawValue: name),
            case .int64(let number) = generation.storage, let generation = UInt32(exactly: number),
            case .blob(let data) = bytes.storage
        else { return nil }
        return AudienceKey(audience: audience, generation: generation, bytes: [UInt8](data))
    }
}
