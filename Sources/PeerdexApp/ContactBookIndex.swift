import PeerdexCore
import PeerdexStore

/// Who is in the contact book, by peer ID: what a network search needs to leave blocked peers
/// out and to mark the results already known.
struct ContactBookIndex: Sendable {
    /// Every contact, blocked or not.
    let known: Set<PeerID>
    /// The blocked ones.
    let blocked: Set<PeerID>

    /// Reads both sets from `database`.
    init(database: ContactDatabase) throws {
        let blocked = Set(try database.contacts(in: .blocked).map(\.peerID))
        self.blocked = blocked
        known = blocked.union(try database.contacts(in: .all).map(\.peerID))
    }
}
