/// Who a requester is to us, the answering node, judged from the peer ID its Noise handshake proved.
///
/// Only a proven peer ID may be classified: a peer ID merely claimed in a message proves nothing.
public enum Relationship: String, CaseIterable, Hashable, Sendable {
    /// Another device holding our own identity key.
    case selfPeer
    /// Not in our contact book.
    case stranger
    /// In our contact book, not a friend, not blocked.
    case contact
    /// In our contact book and marked as a friend, not blocked.
    case friend
    /// In our contact book and blocked.
    case blocked

    /// Classifies `requester` against our own peer ID and our contact book.
    ///
    /// Blocked wins over everything, our own key included: a user who blocks an ID (even one
    /// holding our key, say a lost device) expects it to get nothing. Then our own key, then
    /// friend, then contact. A lookup that answers with a contact of another peer ID is ignored,
    /// so a faulty lookup makes a requester a stranger, never a friend.
    public init(requester: PeerID, ownPeerID: PeerID, contact lookup: (PeerID) -> Contact?) {
        let contact = lookup(requester).flatMap { $0.peerID == requester ? $0 : nil }
        if let contact, contact.isBlocked {
            self = .blocked
        } else if requester == ownPeerID {
            self = .selfPeer
        } else if let contact {
            self = contact.isFriend ? .friend : .contact
        } else {
            self = .stranger
        }
    }
}
