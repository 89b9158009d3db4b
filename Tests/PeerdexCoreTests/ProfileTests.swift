import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct ProfileTests {
    @Test func aNewProfileIsEmptyPrivateAndUnsaved() throws {
        let profile = Profile()
        #expect(profile.name.isEmpty && profile.interests.isEmpty && profile.location.isEmpty)
        #expect(profile.visibility == .private)
        #expect(profile.seq == 0)
        #expect(profile.updatedAt == nil)
        try profile.validate()
    }

    @Test func fieldsAreNormalizedAsContactsAre() {
        let profile = Profile(
            name: "  Zoë\nMüller ", interests: [" Jazz ", "jazz", "go\nlang", ""], location: "\tBerlin ")
        #expect(profile.name == "Zoë Müller")
        #expect(profile.interests == ["Jazz", "go lang"])
        #expect(profile.interests == Contact.normalizedInterests([" Jazz ", "jazz", "go\nlang", ""]))
        #expect(profile.location == "Berlin")
    }

    @Test func limitsAreInUTF8Bytes() throws {
        // Given fields exactly at their limits, in ASCII and in three-byte CJK characters
        try Profile.validateName(String(repeating: "a", count: Profile.maximumNameBytes))
        try Profile.validateName(String(repeating: "東", count: Profile.maximumNameBytes / 3))
        try Profile.validateLocation(String(repeating: "b", count: Profile.maximumLocationBytes))
        try Profile.validateInterests(
            (0..<Profile.maximumInterestCount).map {
                "\($0)" + String(repeating: "x", count: Profile.maximumInterestBytes - 2)
            })
        // Then one byte more is refused, saying how long it is
        let longName = String(repeating: "東", count: Profile.maximumNameBytes / 3 + 1)
        #expect(throws: ProfileError.nameTooLong(bytes: 66, limit: 64)) { try Profile.validateName(longName) }
        #expect(throws: ProfileError.locationTooLong(bytes: 65, limit: 64)) {
            try Profile.validateLocation(String(repeating: "b", count: 65))
        }
        let longInterest = String(repeating: "x", count: 33)
        #expect(throws: ProfileError.interestTooLong(longInterest, bytes: 33, limit: 32)) {
            try Profile.validateInterests([longInterest])
        }
        #expect(throws: ProfileError.tooManyInterests(count: 13, limit: 12)) {
            try Profile.validateInterests((0..<13).map { "tag\($0)" })
        }
    }

    @Test func controlCharactersAndNegativeSeqAreRefused() {
        #expect(throws: ProfileError.controlCharacter(field: "name")) { try Profile(name: "a\u{1B}[2Jb").validate() }
        #expect(throws: ProfileError.controlCharacter(field: "location")) { try Profile(location: "a\tb").validate() }
        #expect(throws: ProfileError.controlCharacter(field: "interest")) {
            try Profile(interests: ["a\u{9B}b"]).validate()
        }
        #expect(throws: ProfileError.invalidSeq(-1)) { try Profile(seq: -1).validate() }
    }

    @Test func errorsReadAsOneLine() {
        let errors: [ProfileError] = [
            .nameTooLong(bytes: 70, limit: 64), .locationTooLong(bytes: 70, limit: 64),
            .interestTooLong(String(repeating: "x", count: 60), bytes: 60, limit: 32),
            .tooManyInterests(count: 13, limit: 12), .controlCharacter(field: "name"), .invalidSeq(-1),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.count < 120, "\(error)")
        }
        #expect(ProfileError.nameTooLong(bytes: 70, limit: 64).description.contains("70 bytes"))
    }

    // MARK: - Changes

    @Test func aChangeSetsOnlyTheGivenFields() throws {
        // Given a profile with every field set
        let profile = Profile(name: "Anna", interests: ["jazz"], location: "Oslo", visibility: .friends, seq: 4)
        // When a change gives only the location and an empty interest list
        let change = try ProfileChange(interests: [], location: " Bergen ")
        let changed = change.applied(to: profile)
        // Then those change (normalized), the rest and the seq stay
        #expect(changed == Profile(name: "Anna", interests: [], location: "Bergen", visibility: .friends, seq: 4))
        #expect(!change.isEmpty)
        #expect(try ProfileChange().isEmpty)
        #expect(try ProfileChange().applied(to: profile) == profile)
    }

    @Test func aChangeIsCheckedWhenMade() throws {
        #expect(throws: ProfileError.nameTooLong(bytes: 65, limit: 64)) {
            try ProfileChange(name: String(repeating: "n", count: 65))
        }
        #expect(throws: ProfileError.tooManyInterests(count: 13, limit: 12)) {
            try ProfileChange(interests: (0..<13).map { "tag\($0)" })
        }
        // Duplicates collapse before counting, so thirteen spellings of one tag are one interest
        #expect(try ProfileChange(interests: Array(repeating: "Jazz", count: 13)).interests == ["Jazz"])
    }

    @Test func aChangeReplacingWithAProfileMakesAnEqualProfile() throws {
        let wanted = Profile(name: "Bert", interests: ["go", "chess"], location: "Lyon", visibility: .public)
        let result = try ProfileChange(replacingWith: wanted).applied(to: Profile(seq: 9))
        #expect(
            result == Profile(name: "Bert", interests: ["go", "chess"], location: "Lyon", visibility: .public, seq: 9))
    }

    // MARK: - JSON

    @Test func jsonCarriesEveryFieldWithNullBeforeTheFirstChange() throws {
        let peerID = Fixtures.peerID(1)
        let fresh = ProfileJSON(Profile(), peerID: peerID)
        #expect(fresh.updatedAt == nil)
        #expect(fresh.visibility == "private")
        let saved = ProfileJSON(
            Profile(
                name: "Zoë", interests: ["jazz"], location: "Berlin", visibility: .public, seq: 3,
                updatedAt: Fixtures.now),
            peerID: peerID)
        #expect(saved.peerId == peerID.text)
        #expect(saved.updatedAt == "2026-11-26T03:00:00.000Z")
        #expect(saved.seq == 3)
    }
}
