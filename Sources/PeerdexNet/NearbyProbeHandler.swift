import Foundation
import PeerdexCore

/// Answers `NearbyProbe` (issue 12, item 3: the direct probe for networks that drop multicast)
/// with what `answer` gives for the requester as its handshake proved it, and leaves every other
/// request to `next`.
///
/// ```swift
/// let probes = NearbyProbeHandler(answer: { asker in await policy.txtStrings(for: asker) }, next: discovery)
/// let node = PeerdexNode(identity: identity, logger: logger, handler: probes)
/// ```
public struct NearbyProbeHandler: RequestHandler {
    /// Our signed advertisement's TXT strings for `asker`, or nil when it is not for them.
    public typealias Answer = @Sendable (_ asker: PeerID) async -> [[UInt8]]?

    /// Who decides the answer.
    public let answer: Answer
    /// Who answers the other requests; nil leaves them to the node.
    public let next: (any RequestHandler)?

    /// A handler asking `answer`, passing other requests to `next`.
    public init(answer: @escaping Answer, next: (any RequestHandler)? = nil) {
        self.answer = answer
        self.next = next
    }

    /// The reply to a probe (empty TXT: "not for you"); `next`'s answer (or nil) for any other request.
    public func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        guard case .nearbyProbe = request.body else { return await next?.respond(to: request, from: peer) }
        var reply = WireNearbyProbeReply()
        reply.txt = (await answer(peer.peerID) ?? []).map { Data($0) }
        return .nearbyProbeReply(reply)
    }
}
