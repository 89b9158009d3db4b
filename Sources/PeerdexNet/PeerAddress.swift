import PeerdexCore

/// Where to reach a peer, and optionally who it must prove to be.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host and TCP port.
    public var hostPort: HostPort
    /// The peer ID the other end must prove; nil accepts whoever answers.
    public var peerID: PeerID?

    /// A peer at `hostPort`, expected to be `peerID` when given.
    public init(_ hostPort: HostPort, peerID: PeerID? = nil) {
        self.hostPort = hostPort
        self.peerID = peerID
    }

    /// The address of an invite that names one.
    public init?(invite: Invite) {
        guard let address = invite.address else { return nil }
        self.init(address, peerID: invite.peerID)
    }

    /// `host:port`, with the expected peer in front when there is one.
    public var description: String {
        peerID.map { "\($0)@\(hostPort)" } ?? "\(hostPort)"
    }
}
