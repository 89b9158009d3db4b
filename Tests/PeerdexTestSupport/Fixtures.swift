import Foundation
import PeerdexCore

/// Deterministic test data shared by every test target.
public enum Fixtures {
    /// A fixed instant (2026-11-26T03:00:00Z) that tests count from.
    public static let now = Date(timeIntervalSince1970: 1_795_662_000)

    /// A valid peer ID derived from `seed`; equal seeds give equal IDs.
    public static func peerID(_ seed: Int) -> PeerID {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        let key = (0..<PeerID.keyLength).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        return try! PeerID(publicKey: key)
    }

    /// A contact with a deterministic ID and the given fields, added at `now`.
    public static func contact(
        _ seed: Int,
        name: String = "",
        alias: String = "",
        note: String = "",
        interests: [String] = [],
        location: String = "",
        favorite: Bool = false,
        blocked: Bool = false,
        lastInteraction: Date? = nil
    ) -> Contact {
        Contact(
            peerID: peerID(seed), name: name, alias: alias, note: note, interests: interests, location: location,
            favoritedAt: favorite ? now : nil, blockedAt: blocked ? now : nil, addedAt: now,
            lastInteraction: lastInteraction)
    }
}
