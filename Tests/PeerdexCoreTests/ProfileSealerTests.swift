import Crypto
import PeerdexCore
import PeerdexTestSupport
import Testing

/// `ProfileSealer` and `AudienceKey`: a contacts or friends profile sealed for its audience opens
/// with the audience's key only, for its owner only, and tells a holder nothing but the key's ID.
@Suite struct ProfileSealerTests {
    static let owner = Array(Fixtures.peerID(1).publicKey)
    static let fields = ProfileSealer.OpenFields(name: "Ada Lovelace", interests: ["maths", "engines"], location: "London")

    static func key(_ audience: AudienceKey.Audience = .contacts, seed: UInt64 = 7) -> AudienceKey {
        var random = SeededRandom(exactSeed: seed)
        return AudienceKey.generate(for: audience, using: &random)
    }

    static func sealed(_ fields: ProfileSealer.OpenFields = fields, with key: AudienceKey = key(), seed: UInt64 = 9) throws
        -> (ciphertext: [UInt8], keyID: [UInt8])
    {
        var random = SeededRandom(exactSeed: seed)
        guard case .sealed(let ciphertext, let keyID) = try ProfileSealer.seal(
            fields, ownerKey: owner, with: key, using: &random)
        else { throw ProfileSealError.malformed("seal returned open content") }
        return (ciphertext, keyID)
    }

    // MARK: - Round trips

    @Test func aSealedProfileOpensWithItsKeyToTheSameFields() throws {
        let (ciphertext, keyID) = try Self.sealed()
        #expect(keyID == Self.key().id)
        let opened = try ProfileSealer.open(
            ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Self.owner, with: [Self.key(seed: 1), Self.key()])
        #expect(opened == Self.fields)
    }

    @Test func emptyAndUnicodeFieldsRoundTrip() throws {
        for fields in [
            ProfileSealer.OpenFields(name: "", interests: [], location: ""),
            ProfileSealer.OpenFields(name: "山田 太郎 👩‍💻", interests: ["café", "🧗"], location: "Zürich, CH"),
        ] {
            let (ciphertext, keyID) = try Self.sealed(fields)
            let opened = try ProfileSealer.open(
                ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Self.owner, with: [Self.key()])
            #expect(opened == fields)
        }
    }

    @Test func aSealedRecordFitsTheRecordLimitAndReadsBackAsSealed() throws {
        // The largest valid profile: 64-byte name and location, twelve 32-byte interests.
        let fields = ProfileSealer.OpenFields(
            name: String(repeating: "n", count: 64), interests: (0..<12).map { String(repeating: "\($0 % 10)", count: 32) },
            location: String(repeating: "l", count: 64))
        var random = SeededRandom(exactSeed: 3)
        let content = try ProfileSealer.seal(fields, ownerKey: Self.owner, with: Self.key(), using: &random)
        let record = ProfileRecord(
            content: content, port: 4747,
            addressHints: (0..<4).map { DHTEndpoint(ip: .v6(UInt64($0), 1), port: 4747) },
            capabilities: (0..<8).map { String(repeating: "c", count: 15) + "\($0)" })
        let bytes = try record.encoded()
        #expect(bytes.count <= ProfileRecord.maximumEncodedSize)
        #expect(try ProfileRecord(decoding: bytes).content == content)
    }

    // MARK: - Who cannot read it

    @Test func aHolderWithoutTheKeyGetsNoKeyAndAnotherKeyWithTheSameIDCannotOpenIt() throws {
        let (ciphertext, keyID) = try Self.sealed()
        #expect(throws: ProfileSealError.noKey) {
            try ProfileSealer.open(ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Self.owner, with: [Self.key(seed: 1)])
        }
        #expect(throws: ProfileSealError.noKey) {
            try ProfileSealer.open(ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Self.owner, with: [])
        }
    }

    @Test func aBoxMovedUnderAnotherOwnerOrTamperedWithDoesNotOpen() throws {
        let (ciphertext, keyID) = try Self.sealed()
        let otherOwner = Array(Fixtures.peerID(2).publicKey)
        #expect(throws: ProfileSealError.notAuthentic) {
            try ProfileSealer.open(ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: otherOwner, with: [Self.key()])
        }
        for index in [0, 12, ciphertext.count / 2, ciphertext.count - 1] {
            var tampered = ciphertext
            tampered[index] ^= 0x01
            #expect(throws: ProfileSealError.notAuthentic, "byte \(index)") {
                try ProfileSealer.open(ciphertext: tampered, audienceKeyID: keyID, ownerKey: Self.owner, with: [Self.key()])
            }
        }
        #expect(throws: ProfileSealError.self) {
            try ProfileSealer.open(ciphertext: [1, 2, 3], audienceKeyID: keyID, ownerKey: Self.owner, with: [Self.key()])
        }
    }

    @Test func theCiphertextHidesTheFieldsAndTheirExactLength() throws {
        let short = try Self.sealed(ProfileSealer.OpenFields(name: "Al", interests: [], location: ""))
        let longer = try Self.sealed(ProfileSealer.OpenFields(name: "Alexandra Jones", interests: ["x"], location: "Oslo"))
        #expect(short.ciphertext.count == longer.ciphertext.count, "both pad to one 128-byte block")
        #expect((short.ciphertext.count - ProfileSealer.overhead) % ProfileSealer.paddingBlock == 0)
        let (ciphertext, _) = try Self.sealed()
        for needle in ["Ada", "maths", "London"] {
            let bytes = Array(needle.utf8)
            let found = (0...(ciphertext.count - bytes.count)).contains { Array(ciphertext[$0..<($0 + bytes.count)]) == bytes }
            #expect(!found, "\(needle) in the clear")
        }
    }

    @Test func twoSealsOfOneProfileDifferByTheirNonce() throws {
        let first = try Self.sealed(seed: 1)
        let second = try Self.sealed(seed: 2)
        #expect(first.ciphertext != second.ciphertext)
        #expect(first.ciphertext.prefix(12) != second.ciphertext.prefix(12))
    }

    // MARK: - Keys

    @Test func aKeyIsThirtyTwoBytesItsIDEightAndTheDescriptionLeavesTheKeyOut() {
        let key = Self.key()
        #expect(key.bytes.count == 32)
        #expect(key.id.count == 8)
        #expect(AudienceKey(audience: .friends, generation: 0, bytes: [1, 2, 3]) == nil)
        #expect(!key.description.contains(HexBytes.encode(key.bytes)))
        #expect(key.description.contains(HexBytes.encode(key.id)))
        // The ID is SHA-256("peerdex/audience-key-id" ‖ key), cut to 8 bytes: computed here apart.
        let digest = SHA256.hash(data: Array("peerdex/audience-key-id".utf8) + key.bytes)
        #expect(key.id == Array(digest.prefix(8)))
    }

    @Test func aRotatedKeyIsANewKeyOfTheNextGenerationThatCannotOpenTheOldBox() throws {
        let key = Self.key()
        var random = SeededRandom(exactSeed: 11)
        let next = key.rotated(using: &random)
        #expect(next.generation == key.generation + 1)
        #expect(next.audience == key.audience)
        #expect(next.bytes != key.bytes && next.id != key.id)
        let (ciphertext, keyID) = try Self.sealed(with: next)
        #expect(throws: ProfileSealError.noKey) {
            try ProfileSealer.open(ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: Self.owner, with: [key])
        }
    }

    @Test(arguments: PrivacyLevel.allCases)
    func onlyContactsAndFriendsProfilesHaveAnAudience(level: PrivacyLevel) {
        let expected: AudienceKey.Audience? =
            switch level {
            case .contacts: .contacts
            case .friends: .friends
            case .public, .private: nil
            }
        #expect(AudienceKey.Audience(visibility: level) == expected)
    }
}
