import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// The answering side of discovery on a running node: the `DiscoveryResponder` that answers
/// profile, audience-key and peer-query requests, rebuilt from the book whenever the book
/// changes (issue 11, items 1–2).
///
/// Every privacy decision is the responder's (`PrivacyController`), made against the
/// requester's peer ID as the Noise handshake proved it; this type only keeps it fed.
public enum DiscoveryServing {
    /// How often the book is checked for a change (one `PRAGMA data_version`: cheap).
    public static let checkInterval: Duration = .seconds(1)

    /// Our privacy controller as the book stands: identity, profile and sharing preferences.
    public static func controller(of book: ContactBook) throws(AppError) -> PrivacyController {
        PrivacyController(
            ownPeerID: book.identity.peerID, profile: try book.profile(), preferences: try book.sharingPreferences())
    }

    /// A responder for the book as it stands, every contact included (blocked ones too: the
    /// controller must know whom to refuse).
    public static func responder(of book: ContactBook) throws(AppError) -> DiscoveryResponder {
        let controller = try controller(of: book)
        let contacts = try book.store { database in
            try database.contacts(in: .all) + database.contacts(in: .blocked)
        }
        return DiscoveryResponder(controller: controller, contacts: contacts, keyring: try book.audienceKeyring())
    }

    /// The capabilities our PONG advertises, as the book's preferences stand now.
    public static func capabilities(of book: ContactBook) -> [String] {
        let sharing = (try? book.sharingPreferences())?.shareWithDiscoveryPeers ?? false
        return capabilities(sharing: sharing)
    }

    /// `contactDiscovery` when we share with discovery peers, nothing otherwise.
    static func capabilities(sharing: Bool) -> [String] { sharing ? [PeerCapability.contactDiscovery] : [] }

    /// `node`'s capabilities with `contactDiscovery` offered exactly when `sharing` says so,
    /// the others (a rendezvous server's, say) kept.
    static func capabilities(of node: PeerdexNode, sharing: Bool) -> [String] {
        node.capabilities.filter { $0 != PeerCapability.contactDiscovery } + capabilities(sharing: sharing)
    }

    /// Brings the audience keys in line with the book, fills `snapshot`, then keeps both up to
    /// date until cancelled: a change to the book (from any process) syncs the keys (a lost
    /// member rotates its audience's key) and rebuilds the responder, and `node`'s PONG offers
    /// discovery exactly while the owner shares with discovery peers.
    public static func keepServing(
        _ book: ContactBook, into snapshot: DiscoveryResponderSnapshot, advertisingOn node: PeerdexNode? = nil,
        logger: Logger
    ) async {
        let observer = try? book.store { try $0.changeObserver() }
        refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        while !Task.isCancelled {
            try? await Task.sleep(for: checkInterval)
            guard let observer else { continue }
            guard (try? observer.hasChanged()) == true else { continue }
            refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        }
    }

    /// One sync and rebuild; a failure is logged and leaves the previous answers in place.
    static func refresh(
        _ book: ContactBook, into snapshot: DiscoveryResponderSnapshot, advertisingOn node: PeerdexNode? = nil,
        logger: Logger
    ) {
        do {
            let rotated = try book.syncAudienceKeys()
            if !rotated.isEmpty {
                logger.info("audience keys rotated", metadata: ["audiences": "\(rotated.map(\.rawValue))"])
            }
            let responder = try responder(of: book)
            snapshot.update(responder)
            if let node {
                let sharing = responder.controller.preferences.shareWithDiscoveryPeers
                let offered = capabilities(of: node, sharing: sharing)
                if offered != node.capabilities {
                    node.advertise(offered)
                    logger.info("discovery \(sharing ? "offered" : "withdrawn") in our PONG")
                }
            }
        } catch {
            logger.error("cannot refresh the discovery answers", metadata: ["error": "\(error)"])
        }
    }
}
