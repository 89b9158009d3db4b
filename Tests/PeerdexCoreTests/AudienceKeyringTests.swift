import PeerdexCore
import PeerdexTestSupport
import Testing

/// `AudienceKeyring`: our keys rotate when an audience loses a member; keys handed to us are
/// kept, newest first, within bounds.
@Suite struct AudienceKeyringTests {
    static func contact(_ seed: Int, friend: Bool = false, blocked: Bool = false) -> Contact {
        var contact = Fixtures.contact(seed, name: "c\(seed)", blocked: blocked)
        contact.isFriend = friend
        return contact
    }

    @Test func membersAreTheUnblockedContactsOrTheUnblockedFriends() {
        let book = [
            Self.contact(1), Self.contact(2, friend: true), Self.contact(3, blocked: true),
            Self.contact(4, friend: true, blocked: true),
        ]
        #expect(AudienceKeyring.members(of: .contacts, in: book) == [Fixtures.peerID(1), Fixtures.peerID(2)])
        #expect(AudienceKeyring.members(of: .friends, in: book) == [Fixtures.peerID(2)])
    }

    @Test func losingAMemberRotatesThatAudiencesKeyAndGainingOneDoesNot() {
        var random = SeededRandom(exactSeed: 5)
        var keyring = AudienceKeyring()
        let contactsKey = keyring.ownKey(for: .contacts, using: &random)
        let friendsKey = keyring.ownKey(for: .friends, using: &random)
        #expect(keyring.ownKey(for: .contacts, using: &random) == contactsKey, "made once")

        let (a, b, c) = (Fixtures.peerID(1), Fixtures.peerID(2), Fixtures.peerID(3))
        var rotated = keyring.rotateForLostMembers(
            before: [.contacts: [a, b], .friends: [a]], after: [.contacts: [a, b, c], .friends: [a]], using: &random)
        #expect(rotated.isEmpty, "a new member is handed the current key")
        #expect(keyring.own[.contacts] == contactsKey)

        // b is blocked: it leaves the contacts audience (it was not a friend).
        rotated = keyring.rotateForLostMembers(
            before: [.contacts: [a, b, c], .friends: [a]], after: [.contacts: [a, c], .friends: [a]], using: &random)
        #expect(rotated == [.contacts])
        #expect(keyring.own[.contacts]?.generation == 1)
        #expect(keyring.own[.contacts] != contactsKey)
        #expect(keyring.own[.friends] == friendsKey)
    }

    @Test func anAudienceWithoutAKeyHasNothingToRotate() {
        var random = SeededRandom(exactSeed: 5)
        var keyring = AudienceKeyring()
        let rotated = keyring.rotateForLostMembers(
            before: [.friends: [Fixtures.peerID(1)]], after: [:], using: &random)
        #expect(rotated.isEmpty)
        #expect(keyring.own.isEmpty)
    }

    @Test func receivedKeysAreKeptNewestFirstAtMostFourPerOwner() {
        var random = SeededRandom(exactSeed: 8)
        var keyring = AudienceKeyring()
        let owner = Fixtures.peerID(9)
        var key = AudienceKey.generate(for: .friends, using: &random)
        var handed = [key]
        for _ in 0..<5 {
            key = key.rotated(using: &random)
            handed.append(key)
        }
        for key in handed.shuffled(using: &random) { keyring.receive(key, from: owner, now: 1) }
        #expect(keyring.keys(from: owner).map(\.generation) == [5, 4, 3, 2])
        let tookOldest = keyring.receive(handed[0], from: owner, now: 2)
        let tookAgain = keyring.receive(handed[5], from: owner, now: 2)
        #expect(!tookOldest, "older than all kept")
        #expect(!tookAgain, "already held")
        keyring.forget(owner)
        #expect(keyring.keys(from: owner).isEmpty)
    }

    @Test func keysFromOneOwnerDoNotOpenAnothersProfile() throws {
        var random = SeededRandom(exactSeed: 4)
        var keyring = AudienceKeyring()
        let (alice, bob) = (Fixtures.peerID(1), Fixtures.peerID(2))
        let aliceKey = AudienceKey.generate(for: .contacts, using: &random)
        keyring.receive(aliceKey, from: alice, now: 0)
        let fields = ProfileSealer.OpenFields(name: "Alice", interests: [], location: "")
        guard case .sealed(let ciphertext, let keyID) = try ProfileSealer.seal(
            fields, ownerKey: Array(alice.publicKey), with: aliceKey, using: &random)
        else { return }
        #expect(
            try ProfileSealer.open(
                ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Array(alice.publicKey),
                with: keyring.keys(from: alice)) == fields)
        #expect(throws: ProfileSealError.noKey) {
            try ProfileSealer.open(
                ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Array(bob.publicKey), with: keyring.keys(from: bob))
        }
    }

    @Test func aSavedKeyringRestoresTheNewestOwnKeyPerAudience() {
        var random = SeededRandom(exactSeed: 6)
        let first = AudienceKey.generate(for: .contacts, using: &random)
        let second = first.rotated(using: &random)
        let restored = AudienceKeyring(own: [second, first], received: [:])
        #expect(restored.own[.contacts] == second)
    }
}
