import Foundation
import GRDB
import PeerdexCore

// MARK: - Reads

extension ContactDatabase {
    /// The user's own profile; empty and `private` at seq 0 before the first change.
    public func profile() throws(ContactStoreError) -> Profile {
        try perform { writer in try writer.read { db in try ProfileRow.fetch(in: db) } }
    }
}

// MARK: - Writes

extension ContactDatabase {
    /// Applies `change` to the stored profile in one transaction, committed before it returns.
    ///
    /// A change that alters anything raises `seq` by one and stamps `updatedAt` with `now`, both
    /// inside the transaction, so two processes saving at once never hand out the same `seq`. A
    /// change that alters nothing writes nothing: `seq` and `updatedAt` stay, `changed` is false.
    @discardableResult
    public func updateProfile(_ change: ProfileChange, at now: Date) throws(ContactStoreError)
        -> (profile: Profile, changed: Bool)
    {
        try perform { writer in
            try writer.write { db in
                let stored = try ProfileRow.fetch(in: db)
                var profile = change.applied(to: stored)
                guard profile != stored else { return (stored, false) }
                guard stored.seq < Int64.max else {
                    throw ContactStoreError.database("the profile's sequence number cannot grow any further")
                }
                profile.seq = stored.seq + 1
                profile.updatedAt = now
                try ProfileRow.save(profile, in: db)
                return (profile, true)
            }
        }
    }
}

// MARK: - Rows

/// Maps between the one `profile` row and `Profile`; GRDB types never leave this module.
enum ProfileRow {
    /// The profile as stored, or the new profile when the row is missing.
    static func fetch(in db: Database) throws -> Profile {
        let sql = "SELECT name, interests, location, visibility, seq, updatedAt FROM profile WHERE id = 1"
        guard let row = try Row.fetchOne(db, sql: sql) else { return Profile() }
        let interests: String = row[1]
        let visibility: String = row[3]
        guard let level = PrivacyLevel(rawValue: visibility) else {
            throw ContactStoreError.database("stored profile visibility '\(visibility)' is unknown")
        }
        var profile = Profile(name: row[0], location: row[2], visibility: level, seq: row[4])
        // Stored interests were normalized on the way in; assigning skips doing it again.
        profile.interests = interests.isEmpty ? [] : interests.split(separator: "\n").map(String.init)
        profile.updatedAt = (row[5] as Int64?).map(ISO8601.date(milliseconds:))
        return profile
    }

    /// Writes every field of the profile into the one row.
    static func save(_ profile: Profile, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO profile (id, name, interests, location, visibility, seq, updatedAt)
                VALUES (1, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                profile.name, profile.interests.joined(separator: "\n"), profile.location,
                profile.visibility.rawValue, profile.seq, profile.updatedAt.map(ISO8601.milliseconds),
            ])
    }
}
