import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Who gets our nearby advertisement in answer to a probe (issue 12, item 4): `private` nobody,
/// `public` everyone with the name, `contacts` contacts and `friends` friends without it, a
/// blocked asker never.
@Suite struct NearbyProbeAnswerTests {
    static var key: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32))
    }
    static let asker = Fixtures.peerID(3)
    static var stranger: Contact? { nil }
    static var contact: Contact { Contact(peerID: asker, name: "Cyd", addedAt: Fixtures.now) }
    static var friend: Contact {
        var friend = contact
        friend.isFriend = true
        return friend
    }
    static var blockedFriend: Contact {
        var blocked = friend
        blocked.blockedAt = Fixtures.now
        return blocked
    }

    /// The name the answer carries, "-" for an answer with none, nil for no answer.
    static func answer(_ visibility: PrivacyLevel, to asker: Contact?) -> String?? {
        let advertisement = NearbyProbeAnswer.advertisement(
            visibility: visibility, name: "Zoë", asker: asker, seq: 77, port: 7447, signingKey: key)
        guard let advertisement else { return nil }
        #expect(advertisement.seq == 77)
        #expect(advertisement.port == 7447)
        #expect(advertisement.peerID == (try! PeerID(publicKey: Array(key.publicKey.rawRepresentation))))
        return .some(advertisement.name)
    }

    @Test func eachVisibilityAnswersWhomItShould() {
        // public: everyone, with the name
        #expect(Self.answer(.public, to: Self.stranger) == .some("Zoë"))
        #expect(Self.answer(.public, to: Self.contact) == .some("Zoë"))
        // contacts: contacts and friends, no name
        #expect(Self.answer(.contacts, to: Self.stranger) == nil)
        #expect(Self.answer(.contacts, to: Self.contact) == .some(nil))
        #expect(Self.answer(.contacts, to: Self.friend) == .some(nil))
        // friends: friends only, no name
        #expect(Self.answer(.friends, to: Self.contact) == nil)
        #expect(Self.answer(.friends, to: Self.friend) == .some(nil))
        // private: nobody
        #expect(Self.answer(.private, to: Self.friend) == nil)
        #expect(Self.answer(.private, to: Self.stranger) == nil)
    }

    @Test func aBlockedAskerGetsNothingWhateverTheVisibility() {
        for visibility in [PrivacyLevel.public, .contacts, .friends, .private] {
            #expect(Self.answer(visibility, to: Self.blockedFriend) == nil, "\(visibility)")
        }
    }

    @Test func theBookDecidesAndTheAnswerIsSignedNow() throws {
        let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        _ = try book.updateProfile(try ProfileChange(name: "Zoë", visibility: .contacts))
        #expect(NearbyProbeAnswer.txtStrings(for: Self.asker, book: book, port: 7000, logger: logger) == nil)

        _ = try book.add(Self.contact)
        let before = UInt64(Date().timeIntervalSince1970 * 1_000)
        let strings = try #require(NearbyProbeAnswer.txtStrings(for: Self.asker, book: book, port: 7000, logger: logger))
        let advertisement = try NearbyAdvertisement(txtStrings: strings)
        #expect(advertisement.peerID == book.identity.peerID)
        #expect(advertisement.port == 7000)
        #expect(advertisement.name == nil)
        #expect(advertisement.seq >= before && advertisement.seq <= before + 60_000)

        _ = try book.store { try $0.setBlocked(Self.asker, true, at: Date()) }
        #expect(NearbyProbeAnswer.txtStrings(for: Self.asker, book: book, port: 7000, logger: logger) == nil)
    }
}
