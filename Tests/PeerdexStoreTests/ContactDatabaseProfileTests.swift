import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct ContactDatabaseProfileTests {
    let database = try! ContactDatabase.inMemory()
    /// A database file for the tests that need one (or two connections to one).
    let path = NSTemporaryDirectory() + "peerdex-profile-\(UUID().uuidString).sqlite"

    func removeFiles() {
        for suffix in ["", "-wal", "-shm", "-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func aNewBookHasAnEmptyPrivateProfile() throws {
        // Given a new book, When its profile is read, Then it is empty, private and never saved
        #expect(try database.profile() == Profile())
        #expect(try database.profile().visibility == .private)
    }

    @Test func aChangeIsSavedWithTheNextSeqAndItsTime() throws {
        // Given a new book
        // When the name and interests are set
        let (saved, changed) = try database.updateProfile(
            ProfileChange(name: "Zoë Müller", interests: ["jazz", "climbing"]), at: Fixtures.now)
        // Then the profile reads back with seq 1 and the time of the change, the rest untouched
        #expect(changed)
        let expected = Profile(
            name: "Zoë Müller", interests: ["jazz", "climbing"], visibility: .private, seq: 1, updatedAt: Fixtures.now)
        #expect(saved == expected)
        #expect(try database.profile() == expected)
    }

    @Test func onlyTheGivenFieldsChange() throws {
        // Given a profile with every field set
        try database.updateProfile(
            ProfileChange(name: "Anna", interests: ["go"], location: "Oslo", visibility: .public), at: Fixtures.now)
        // When only the location changes, and then the interests are cleared
        try database.updateProfile(ProfileChange(location: "Bergen"), at: Fixtures.now.addingTimeInterval(1))
        let (saved, _) = try database.updateProfile(
            ProfileChange(interests: []), at: Fixtures.now.addingTimeInterval(2))
        // Then the other fields stay, and each change counted once
        #expect(saved.name == "Anna" && saved.location == "Bergen" && saved.interests.isEmpty)
        #expect(saved.visibility == .public)
        #expect(saved.seq == 3)
        #expect(saved.updatedAt == Fixtures.now.addingTimeInterval(2))
    }

    @Test func anIdenticalChangeWritesNothing() throws {
        // Given a saved profile
        let (first, _) = try database.updateProfile(ProfileChange(name: "Anna", interests: ["go"]), at: Fixtures.now)
        // When the same values are saved again (as normalized), later, and an empty change too
        let (again, changed) = try database.updateProfile(
            ProfileChange(name: " Anna ", interests: ["go", "Go"]), at: Fixtures.now.addingTimeInterval(60))
        let (empty, emptyChanged) = try database.updateProfile(ProfileChange(), at: Fixtures.now.addingTimeInterval(90))
        // Then neither seq nor time moves ("go" and "Go" are one interest; the first spelling stays)
        #expect(!changed && !emptyChanged)
        #expect(again == first && empty == first)
        #expect(try database.profile().seq == 1)
        #expect(try database.profile().updatedAt == Fixtures.now)
        // And setting the defaults on a new profile is no change either
        let fresh = try ContactDatabase.inMemory()
        #expect(try fresh.updateProfile(ProfileChange(visibility: .private), at: Fixtures.now).changed == false)
        #expect(try fresh.profile().seq == 0)
    }

    @Test func seqNeverRepeatsAcrossProcessesSharingTheFile() throws {
        defer { removeFiles() }
        // Given two connections to one file, as two processes would have
        let first = try ContactDatabase.open(at: path)
        let second = try ContactDatabase.open(at: path)
        // When both save changes at once
        let seqs = Locked([Int64]())
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            let book = index.isMultiple(of: 2) ? first : second
            let result = try? book.updateProfile(ProfileChange(name: "name \(index)"), at: Fixtures.now)
            if let result, result.changed { seqs.withLock { $0.append(result.profile.seq) } }
        }
        // Then every change got its own seq, and the last one is what is stored
        let all = seqs.withLock { $0 }.sorted()
        #expect(all == Array(1...Int64(all.count)))
        #expect(all.count >= 20)
        #expect(try first.profile().seq == all.last)
        #expect(try second.profile() == first.profile())
    }

    @Test func theProfileSurvivesReopening() throws {
        defer { removeFiles() }
        // Given a profile saved in a file
        let saved = try ContactDatabase.open(at: path).updateProfile(
            ProfileChange(name: "東京タワー", interests: ["写真", "jazz"], location: "Tōkyō", visibility: .friends),
            at: Fixtures.now
        ).profile
        // When the file is opened again, Then the profile reads back exactly
        #expect(try ContactDatabase.open(at: path).profile() == saved)
    }

    @Test func theMigrationAddsOneEmptyPrivateRowToAnOlderBook() throws {
        defer { removeFiles() }
        // Given a book of the schema before profiles, with a contact
        let queue = try DatabaseQueue(path: path)
        try ContactDatabase.migrator.migrate(queue, upTo: "v3-lean-trigrams")
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO contact (peerId, name, addedAt, sortKey) VALUES (?, 'Anna', 0, 'anna')",
                arguments: [Fixtures.peerID(1).text])
        }
        try queue.close()
        // When the current program opens it
        let database = try ContactDatabase.open(at: path)
        // Then the contact is still there and the profile is the one row, empty and private
        #expect(try database.count(in: .all) == 1)
        #expect(try database.profile() == Profile())
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profile") } == 1)
        // And the table refuses a second row or an unknown visibility
        #expect(throws: (any Error).self) {
            try database.writer.write { db in try db.execute(sql: "INSERT INTO profile (id) VALUES (2)") }
        }
        #expect(throws: (any Error).self) {
            try database.writer.write { db in try db.execute(sql: "UPDATE profile SET visibility = 'everyone'") }
        }
        #expect(try database.integrityCheck() == "ok")
    }
}
