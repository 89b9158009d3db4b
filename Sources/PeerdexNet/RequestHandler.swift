import PeerdexCore

/// Answers requests beyond the transport's own (PING): the discovery and profile services of
/// later layers plug in here. A handler that does not know a body returns nil and the node
/// falls back to its own answer (PING) or to UNKNOWN_MESSAGE.
public protocol RequestHandler: Sendable {
    /// The response body to `request` from `peer`, or nil to leave it to the node.
    func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body?
}

/// What a PING told about a peer.
public struct PingReply: Sendable, Equatable {
    /// The peer as its handshake proved it.
    public let peer: PeerID
    /// How busy it said it is, 0 to 1 (out-of-range answers are clamped; NaN reads as 1).
    public let load: Double
    /// What it offers, by name.
    public let capabilities: [String]
    /// The software that answered.
    public let agent: String
    /// From sending the PING to reading the PONG.
    public let roundTrip: Duration

    /// A reply from its parts.
    public init(peer: PeerID, load: Double, capabilities: [String], agent: String, roundTrip: Duration) {
        self.peer = peer
        self.load = load.isNaN ? 1 : min(max(load, 0), 1)
        self.capabilities = capabilities
        self.agent = agent
        self.roundTrip = roundTrip
    }
}
