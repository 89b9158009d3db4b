import NIOConcurrencyHelpers
import PeerdexCore

/// What answers the direct discovery requests: the app's side (contacts, profile, keys, load),
/// asked with the requester's peer ID as the Noise handshake proved it.
public protocol DiscoveryResponding: Sendable {
    /// The answer to a `ProfileRequest` from `requester`.
    func profileReply(to requester: PeerID) async -> WireProfileReply
    /// The answer to an `AudienceKeysRequest` from `requester`.
    func audienceKeysReply(to requester: PeerID) async -> WireAudienceKeysReply
    /// The answer to a `PeerQuery` from `requester`; throws for a query over the limits.
    func peerQueryReply(to query: WirePeerQuery, from requester: PeerID) async throws(DiscoveryMessageError)
        -> WirePeerQueryReply
}

/// Answers `ProfileRequest`, `AudienceKeysRequest` and `PeerQuery` through a `DiscoveryResponding`,
/// and leaves every other request to `next` (a rendezvous handler, say) or to the node.
///
/// ```swift
/// let discovery = DiscoveryHandler(responding: snapshot, next: rendezvousHandler)
/// let node = PeerdexNode(identity: identity, logger: logger, handler: discovery)
/// ```
public struct DiscoveryHandler: RequestHandler {
    /// Who decides the answers.
    public let responding: any DiscoveryResponding
    /// Who answers the other requests; nil leaves them to the node.
    public let next: (any RequestHandler)?

    /// A handler asking `responding`, passing other requests to `next`.
    public init(responding: any DiscoveryResponding, next: (any RequestHandler)? = nil) {
        self.responding = responding
        self.next = next
    }

    /// The reply to a discovery request; `next`'s answer (or nil) for any other request.
    public func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        switch request.body {
        case .profileRequest:
            return .profileReply(await responding.profileReply(to: peer.peerID))
        case .audienceKeysRequest:
            return .audienceKeysReply(await responding.audienceKeysReply(to: peer.peerID))
        case .peerQuery(let query):
            do {
                return .peerQueryReply(try await responding.peerQueryReply(to: query, from: peer.peerID))
            } catch {
                var reply = WireErrorReply()
                reply.code = .badRequest
                reply.message = error.description
                return .error(reply)
            }
        default:
            return await next?.respond(to: request, from: peer)
        }
    }
}

/// A `DiscoveryResponding` over the latest `DiscoveryResponder` the app handed it: the app
/// replaces the snapshot when the profile, contacts, preferences or keys change, and requests
/// read whichever snapshot is current. Until the first one, every answer is the empty one.
public final class DiscoveryResponderSnapshot: DiscoveryResponding {
    /// Our load now, 0 (idle) to 1; read for each peer query.
    public typealias Load = @Sendable () -> Float
    /// The discovery peers a busy answer to the requester may refer to.
    public typealias Referrals = @Sendable (_ requester: PeerID) async -> [DiscoveryPeer]

    private let responder: NIOLockedValueBox<DiscoveryResponder?>
    private let load: Load
    private let referrals: Referrals

    /// A snapshot holding `responder`, measuring load with `load` and finding referrals with `referrals`.
    public init(
        _ responder: DiscoveryResponder? = nil, load: @escaping Load = { 0 },
        referrals: @escaping Referrals = { _ in [] }
    ) {
        self.responder = NIOLockedValueBox(responder)
        self.load = load
        self.referrals = referrals
    }

    /// Replaces the responder that answers from now on.
    public func update(_ responder: DiscoveryResponder) {
        self.responder.withLockedValue { $0 = responder }
    }

    /// The responder answering now; nil until the app hands over the first one.
    public var current: DiscoveryResponder? { responder.withLockedValue { $0 } }

    /// Our profile as the snapshot allows `requester` to see it.
    public func profileReply(to requester: PeerID) async -> WireProfileReply {
        current?.profileReply(to: requester) ?? WireProfileReply()
    }

    /// The keys of the audiences `requester` belongs to.
    public func audienceKeysReply(to requester: PeerID) async -> WireAudienceKeysReply {
        current?.audienceKeysReply(to: requester) ?? WireAudienceKeysReply()
    }

    /// The answer to `query`, or busy with referrals.
    public func peerQueryReply(to query: WirePeerQuery, from requester: PeerID) async throws(DiscoveryMessageError)
        -> WirePeerQueryReply
    {
        guard let responder = current else {
            _ = try query.validated()
            return WirePeerQueryReply()
        }
        let load = load()
        let candidates = responder.busyPolicy.shouldAnswerBusy(load: load) ? await referrals(requester) : []
        return try responder.peerQueryReply(to: query, from: requester, load: load, referralCandidates: candidates)
    }
}
