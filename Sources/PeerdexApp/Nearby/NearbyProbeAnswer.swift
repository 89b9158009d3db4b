import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// What we answer a `NearbyProbe` (issue 12, items 3 and 4): our signed nearby advertisement, as
/// the profile's visibility allows for the asker the handshake proved. `private` answers nobody;
/// a blocked asker gets nothing; `public` answers everyone with the name; `contacts` answers only
/// contacts and `friends` only friends, both without the name (as their mDNS advertisement).
enum NearbyProbeAnswer {
    /// The advertisement `asker` (their contact row, nil for a stranger) may have of a profile
    /// with `visibility` and `name`, signed with `seq`; nil when none.
    static func advertisement(
        visibility: PrivacyLevel, name: String, asker: Contact?, seq: UInt64, port: UInt16,
        signingKey: Curve25519.Signing.PrivateKey
    ) -> NearbyAdvertisement? {
        if asker?.isBlocked == true { return nil }
        switch visibility {
        case .private: return nil
        case .public: break
        case .contacts: guard asker != nil else { return nil }
        case .friends: guard asker?.isFriend == true else { return nil }
        }
        return try? NearbyAdvertisement.advertised(
            visibility: visibility, name: name, seq: seq, port: port, with: signingKey)
    }

    /// The TXT strings for `asker` from the book's profile and contact row, signed now (the seq is
    /// Unix time in milliseconds, as the mDNS advertiser's, so it keeps growing); nil when none,
    /// or when the book cannot be read.
    static func txtStrings(for asker: PeerID, book: ContactBook, port: UInt16, logger: Logger) -> [[UInt8]]? {
        do {
            let (profile, contact) = try book.store { database in (try database.profile(), try database.contact(asker)) }
            let seq = UInt64(max(Date().timeIntervalSince1970 * 1_000, 1))
            return advertisement(
                visibility: profile.visibility, name: profile.name, asker: contact, seq: seq, port: port,
                signingKey: book.identity.signingKey)?.txtStrings
        } catch {
            logger.warning("cannot read the book to answer a nearby probe", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A handler answering probes from `book` in front of `next`; `port` is the listener's
    /// (read per probe: it is known only once the listener is up, after the handler is made).
    static func handler(
        book: ContactBook, port: @escaping @Sendable () -> UInt16?, logger: Logger, next: (any RequestHandler)?
    ) -> NearbyProbeHandler {
        NearbyProbeHandler(
            answer: { asker in
                guard let port = port() else { return nil }
                return txtStrings(for: asker, book: book, port: port, logger: logger)
            }, next: next)
    }
}
