import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// `LookupSession.read`: a sealed profile record opens with the owner's current key, stays
/// closed with a rotated (old) key or none, and the report says which.
@Suite struct LookupSessionTests {
    static let owner = Fixtures.peerID(1)
    static let fields = ProfileSealer.OpenFields(name: "Cora", interests: ["jazz", "tango"], location: "Berlin")

    static func sealedRecord(under key: AudienceKey, owner: PeerID = owner) throws -> ProfileRecord {
        var random = SeededRandom(exactSeed: 3)
        let content = try ProfileSealer.seal(fields, ownerKey: owner.publicKey, with: key, using: &random)
        return ProfileRecord(content: content, port: 4_000)
    }

    @Test func aSealedRecordOpensWithTheOwnersCurrentKey() throws {
        var random = SeededRandom(exactSeed: 1)
        let old = AudienceKey.generate(for: .contacts, using: &random)
        let current = old.rotated(using: &random)
        let record = try Self.sealedRecord(under: current)

        // Held among older keys, newest first, as the keyring keeps them
        #expect(LookupSession.read(record, owner: Self.owner, keys: [current, old]) == .opened(Self.fields))
        var report = Self.emptyReport(sealed: true)
        report.apply(LookupSession.read(record, owner: Self.owner, keys: [current]))
        #expect(report.opened && report.name == "Cora" && report.interests == ["jazz", "tango"])
        #expect(report.location == "Berlin" && report.unopenedReason == nil)
    }

    @Test func aRotatedKeyLeavesItSealedWithoutACurrentKey() throws {
        var random = SeededRandom(exactSeed: 2)
        let old = AudienceKey.generate(for: .contacts, using: &random)
        let record = try Self.sealedRecord(under: old.rotated(using: &random))
        let reading = LookupSession.read(record, owner: Self.owner, keys: [old])
        #expect(reading == .sealed(reason: LookupSession.noCurrentKeyReason))

        var report = Self.emptyReport(sealed: true)
        report.apply(reading)
        #expect(!report.opened && report.name == nil)
        #expect(report.unopenedReason?.hasPrefix("no current key from this peer") == true)
    }

    @Test func noKeyLeavesItSealed() throws {
        var random = SeededRandom(exactSeed: 4)
        let record = try Self.sealedRecord(under: AudienceKey.generate(for: .friends, using: &random))
        #expect(LookupSession.read(record, owner: Self.owner, keys: []) == .sealed(reason: LookupSession.noKeyReason))
    }

    @Test func aKeyFromOneOwnerDoesNotOpenAnotherOwnersRecordMovedUnderIt() throws {
        // A box sealed for owner 2 under the same key does not verify as owner 1's record.
        var random = SeededRandom(exactSeed: 5)
        let key = AudienceKey.generate(for: .contacts, using: &random)
        let record = try Self.sealedRecord(under: key, owner: Fixtures.peerID(2))
        let reading = LookupSession.read(record, owner: Self.owner, keys: [key])
        #expect(reading == .sealed(reason: ProfileSealError.notAuthentic.description))
    }

    @Test func anOpenRecordNeedsNoKey() {
        let record = ProfileRecord(content: .open(name: "Ada", interests: ["chess"], location: "Paris"))
        let reading = LookupSession.read(record, owner: Self.owner, keys: [])
        #expect(reading == .open(ProfileSealer.OpenFields(name: "Ada", interests: ["chess"], location: "Paris")))
        var report = Self.emptyReport(sealed: false)
        report.apply(reading)
        #expect(!report.opened && report.name == "Ada")
    }

    static func emptyReport(sealed: Bool) -> LookupSession.Report {
        LookupSession.Report(
            peerId: owner.text, name: nil, interests: nil, location: nil, sealed: sealed, opened: false,
            unopenedReason: sealed ? LookupSession.noKeyReason : nil, keyRequest: nil, seq: 1, port: nil, addresses: [],
            capabilities: [], foundAt: [], elapsedMs: 0, queries: 0)
    }
}
