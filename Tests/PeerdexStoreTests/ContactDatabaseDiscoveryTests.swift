import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct ContactDatabaseDiscoveryTests {
    let database = try! ContactDatabase.inMemory()

    /// A contact with a deterministic ID, a friend when asked.
    func contact(_ seed: Int, friend: Bool = false, blocked: Bool = false) -> Contact {
        var contact = Fixtures.contact(seed, name: "person \(seed)", blocked: blocked)
        contact.isFriend = friend
        return contact
    }

    func setVisibility(_ visibility: PrivacyLevel) throws {
        try database.updateProfile(try ProfileChange(visibility: visibility), at: Fixtures.now)
    }

    func key(_ audience: AudienceKey.Audience, generation: UInt32, fill: UInt8) -> AudienceKey {
        AudienceKey(audience: audience, generation: generation, bytes: Array(repeating: fill, count: 32))!
    }

    // MARK: - Sharing preferences

    @Test func sharingStartsOffAndRoundTrips() throws {
        // Given a new book, Then nothing is shared and discoverableBy is the private profile's
        #expect(try database.sharingPreferences() == SharingPreferences())
        // When one switch is set, Then only it changes, and the visibility is the profile's
        try setVisibility(.friends)
        let (preferences, changed) = try database.updateSharing(shareWithDiscoveryPeers: true, allowContactSharing: nil)
        #expect(changed)
        #expect(preferences == SharingPreferences(discoverableBy: .friends, shareWithDiscoveryPeers: true))
        #expect(try database.sharingPreferences() == preferences)
        // When the same values are set again, Then nothing changes
        #expect(try database.updateSharing(shareWithDiscoveryPeers: true, allowContactSharing: nil).changed == false)
        // When the other is set, Then both hold
        try database.updateSharing(shareWithDiscoveryPeers: nil, allowContactSharing: true)
        #expect(
            try database.sharingPreferences()
                == SharingPreferences(discoverableBy: .friends, shareWithDiscoveryPeers: true, allowContactSharing: true))
        // And the profile's seq counts only the visibility change: the switches are not in the record
        #expect(try database.profile().seq == 1)
    }

    // MARK: - Own keys

    @Test func syncMakesTheAudienceKeyOnceAndRaisesSeqOnce() throws {
        var random = SeededRandom(defaultSeed: 11)
        try database.add(contact(1))
        try database.add(contact(2, friend: true))
        // Given a public profile, When synced, Then no key is made and seq stays
        try setVisibility(.public)
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [])
        #expect(try database.audienceKeyring().own.isEmpty)
        #expect(try database.profile().seq == 1)
        // When the visibility becomes contacts and the keys are synced
        try setVisibility(.contacts)
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [], "\(random)")
        // Then a first-generation contacts key exists, its members are saved, and seq rose once more
        let key = try #require(try database.audienceKeyring().own[.contacts])
        #expect(key.generation == 0)
        #expect(try database.syncedMembers(of: .contacts) == [Fixtures.peerID(1), Fixtures.peerID(2)])
        #expect(try database.profile().seq == 3)
        // When synced again with nothing changed, Then nothing is written
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [])
        #expect(try database.audienceKeyring().own == [.contacts: key])
        #expect(try database.profile().seq == 3)
    }

    @Test func blockingRotatesAndRaisesSeqAddingDoesNot() throws {
        var random = SeededRandom(defaultSeed: 12)
        try database.add(contact(1))
        try database.add(contact(2))
        try setVisibility(.contacts)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        let first = try #require(try database.audienceKeyring().own[.contacts])
        let seq = try database.profile().seq
        // When a contact is added, Then the newcomer joins the audience under the same key
        try database.add(contact(3))
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [])
        #expect(try database.audienceKeyring().own[.contacts] == first)
        #expect(try database.syncedMembers(of: .contacts).contains(Fixtures.peerID(3)))
        #expect(try database.profile().seq == seq)
        // When a contact is blocked, Then the key rotates (new ID, next generation) and seq rises
        try database.setBlocked(Fixtures.peerID(2), true, at: Fixtures.now)
        let later = Fixtures.now.addingTimeInterval(60)
        #expect(try database.syncAudienceKeys(at: later, using: &random) == [.contacts], "\(random)")
        let second = try #require(try database.audienceKeyring().own[.contacts])
        #expect(second.id != first.id)
        #expect(second.generation == first.generation + 1)
        #expect(try database.profile().seq == seq + 1)
        #expect(try database.profile().updatedAt == later)
        #expect(try database.syncedMembers(of: .contacts) == [Fixtures.peerID(1), Fixtures.peerID(3)])
        // When a contact is removed, Then it rotates again
        try database.remove(Fixtures.peerID(3))
        #expect(try database.syncAudienceKeys(at: later, using: &random) == [.contacts])
        #expect(try database.audienceKeyring().own[.contacts]?.generation == first.generation + 2)
        #expect(try database.profile().seq == seq + 2)
    }

    @Test func unfriendingRotatesTheFriendsKeyOnly() throws {
        var random = SeededRandom(defaultSeed: 13)
        try database.add(contact(1, friend: true))
        try database.add(contact(2, friend: true))
        // Given keys for both audiences, the profile's audience being friends
        try setVisibility(.contacts)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        try setVisibility(.friends)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        let before = try database.audienceKeyring().own
        #expect(before.count == 2)
        let seq = try database.profile().seq
        // When a friend is no longer one, Then only the friends key rotates, and seq rises
        try database.update(Fixtures.peerID(1)) { $0.isFriend = false }
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [.friends])
        let after = try database.audienceKeyring().own
        #expect(after[.contacts] == before[.contacts])
        #expect(after[.friends]?.generation == 1)
        #expect(try database.profile().seq == seq + 1)
    }

    @Test func rotatingAnotherAudienceLeavesSeqAlone() throws {
        var random = SeededRandom(defaultSeed: 14)
        try database.add(contact(1, friend: true))
        try setVisibility(.friends)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        // Given the profile is now contacts-only (a new key and a seq) but a friends key remains
        try setVisibility(.contacts)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        let seq = try database.profile().seq
        // When the friend is unfriended, Then the friends key rotates but the record is untouched
        try database.update(Fixtures.peerID(1)) { $0.isFriend = false }
        #expect(try database.syncAudienceKeys(at: Fixtures.now, using: &random) == [.friends])
        #expect(try database.profile().seq == seq)
    }

    @Test func onlyChangesToMembershipMakeTheNextSyncCompare() throws {
        var random = SeededRandom(defaultSeed: 17)
        func flagged() throws -> Bool {
            try database.writer.read { db in try Bool.fetchOne(db, sql: "SELECT membersChanged FROM audienceSync") } == true
        }
        try database.add(contact(1))
        try setVisibility(.contacts)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        #expect(try flagged() == false)
        // When a contact changes in ways no audience cares about, Then no comparison is due
        try database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now)
        try database.update(Fixtures.peerID(1)) { $0.note = "met at the fair" }
        try database.add(contact(2, blocked: true))
        #expect(try flagged() == false)
        // When one is unblocked, friended, added or removed, Then the next sync compares
        let changes: [() throws -> Void] = [
            { try database.setBlocked(Fixtures.peerID(2), false, at: Fixtures.now) },
            { try database.update(Fixtures.peerID(1)) { $0.isFriend = true } },
            { try database.add(contact(3)) },
            { try database.remove(Fixtures.peerID(3)) },
        ]
        for change in changes {
            try change()
            #expect(try flagged())
            try database.syncAudienceKeys(at: Fixtures.now, using: &random)
            #expect(try flagged() == false)
        }
        #expect(try database.syncedMembers(of: .contacts) == [Fixtures.peerID(1), Fixtures.peerID(2)])
    }

    @Test(arguments: AudienceKey.Audience.allCases)
    func savedMembersAreTheKeyringsMembers(audience: AudienceKey.Audience) throws {
        // Given a book of every kind of contact, seeded
        var random = SeededRandom(defaultSeed: 15)
        var contacts = [Contact]()
        for seed in 0..<60 {
            let shape = random.next()
            contacts.append(contact(seed, friend: shape & 1 == 1, blocked: shape & 2 == 2))
        }
        for contact in contacts { try database.add(contact) }
        // When the keys are synced for the audience
        try setVisibility(audience == .contacts ? .contacts : .friends)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        // Then the SQL membership is AudienceKeyring's
        #expect(
            try database.syncedMembers(of: audience) == AudienceKeyring.members(of: audience, in: contacts), "\(random)")
    }

    // MARK: - Received keys

    @Test func receivedKeysRoundTripNewestFirstAndForget() throws {
        let owner = Fixtures.peerID(1)
        // When three keys arrive, one twice
        let keys = [key(.contacts, generation: 0, fill: 1), key(.friends, generation: 2, fill: 2)]
        #expect(try database.receiveAudienceKeys(keys, from: owner, at: Fixtures.now) == 2)
        #expect(try database.receiveAudienceKeys([keys[0]], from: owner, at: Fixtures.now) == 0)
        #expect(try database.receiveAudienceKeys([key(.contacts, generation: 1, fill: 3)], from: owner, at: Fixtures.now) == 1)
        // Then they read back newest first
        let held = try database.audienceKeyring().keys(from: owner)
        #expect(held.map(\.generation) == [2, 1, 0])
        #expect(held.map(\.bytes.first) == [2, 3, 1])
        // When forgotten, Then none is left, and another owner's keys stay
        try database.receiveAudienceKeys([key(.contacts, generation: 0, fill: 9)], from: Fixtures.peerID(2), at: Fixtures.now)
        try database.forgetAudienceKeys(from: owner)
        #expect(try database.audienceKeyring().received == [Fixtures.peerID(2): [key(.contacts, generation: 0, fill: 9)]])
    }

    @Test func receivedKeysKeepTheNewestFourPerOwner() throws {
        let owner = Fixtures.peerID(1)
        let keys = (0..<6).map { key(.contacts, generation: UInt32($0), fill: UInt8($0)) }
        // When six generations arrive out of order
        #expect(try database.receiveAudienceKeys([keys[3], keys[0], keys[5]], from: owner, at: Fixtures.now) == 3)
        #expect(try database.receiveAudienceKeys([keys[1], keys[4], keys[2]], from: owner, at: Fixtures.now) == 2)
        // Then the four newest are kept, as the keyring would keep them
        var keyring = AudienceKeyring()
        for key in [keys[3], keys[0], keys[5], keys[1], keys[4], keys[2]] { keyring.receive(key, from: owner, now: 0) }
        #expect(try database.audienceKeyring().keys(from: owner) == keyring.keys(from: owner))
        #expect(try database.audienceKeyring().keys(from: owner).map(\.generation) == [5, 4, 3, 2])
        // And an older one than all kept is refused
        #expect(try database.receiveAudienceKeys([keys[0]], from: owner, at: Fixtures.now) == 0)
    }

    @Test func pastTheOwnerLimitTheStalestOwnerIsForgotten() throws {
        // Given the maximum number of owners, the first heard from longest ago
        let limit = AudienceKeyring.maximumOwners
        try database.writer.write { db in
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO receivedAudienceKey (owner, audience, generation, keyBytes, receivedAt)
                    VALUES (?, 'contacts', 0, ?, ?)
                    """)
            for seed in 0..<limit {
                try insert.execute(arguments: [
                    Fixtures.peerID(seed).text, Data(repeating: 7, count: 32), ISO8601.milliseconds(Fixtures.now) + Int64(seed),
                ])
            }
        }
        // When an owner already held sends a key, Then nobody is forgotten
        let later = Fixtures.now.addingTimeInterval(3600)
        try database.receiveAudienceKeys([key(.friends, generation: 1, fill: 1)], from: Fixtures.peerID(0), at: later)
        #expect(try database.audienceKeyring().received.count == limit)
        // When a new owner sends one, Then the owner heard from longest ago (now seed 1) is forgotten
        try database.receiveAudienceKeys([key(.friends, generation: 0, fill: 2)], from: Fixtures.peerID(limit), at: later)
        let received = try database.audienceKeyring().received
        #expect(received.count == limit)
        #expect(received[Fixtures.peerID(1)] == nil)
        #expect(received[Fixtures.peerID(0)]?.count == 2)
        #expect(received[Fixtures.peerID(limit)] != nil)
    }

    @Test func damagedKeyRowsAreSkipped() throws {
        let owner = Fixtures.peerID(1)
        try database.receiveAudienceKeys([key(.contacts, generation: 0, fill: 1)], from: owner, at: Fixtures.now)
        try database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO receivedAudienceKey (owner, audience, generation, keyBytes, receivedAt) VALUES
                        (?1, 'contacts', 1, x'0102', 0), (?1, 'strangers', 2, zeroblob(32), 0),
                        (?1, 'friends', -1, zeroblob(32), 0), ('not a peer', 'friends', 0, zeroblob(32), 0);
                    INSERT INTO audienceKey (audience, generation, keyBytes) VALUES ('friends', 0, 'text');
                    """,
                arguments: [owner.text])
        }
        let keyring = try database.audienceKeyring()
        #expect(keyring.received == [owner: [key(.contacts, generation: 0, fill: 1)]])
        #expect(keyring.own.isEmpty)
    }

    // MARK: - Migration

    @Test func aVersionFiveBookKeepsItsDataAndSharesNothing() throws {
        let path = NSTemporaryDirectory() + "peerdex-discovery-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", "-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // Given a book written before discovery: a contact and a saved contacts-only profile
        do {
            let queue = try DatabaseQueue(path: path)
            try ContactDatabase.migrator.migrate(queue, upTo: "v5-dht-state")
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO contact (peerId, name, addedAt, sortKey) VALUES (?, 'Ada', 0, 'ada')",
                    arguments: [Fixtures.peerID(1).text])
                try db.execute(sql: "UPDATE profile SET name = 'Me', visibility = 'contacts', seq = 4 WHERE id = 1")
            }
        }
        // When the current program opens it
        let database = try ContactDatabase.open(at: path)
        // Then the contact and profile are as they were, and sharing is off with no key yet
        #expect(try database.contact(Fixtures.peerID(1))?.name == "Ada")
        #expect(try database.profile().seq == 4)
        #expect(try database.sharingPreferences() == SharingPreferences(discoverableBy: .contacts))
        #expect(try database.audienceKeyring() == AudienceKeyring())
        // And the first sync makes the key and raises seq past the old one
        var random = SeededRandom(defaultSeed: 16)
        try database.syncAudienceKeys(at: Fixtures.now, using: &random)
        #expect(try database.profile().seq == 5)
        #expect(try database.syncedMembers(of: .contacts) == [Fixtures.peerID(1)])
        #expect(try database.integrityCheck() == "ok")
    }
}
