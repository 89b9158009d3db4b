import PeerdexCore

/// Every timeout and limit of a node, with the defaults a user's node runs with
/// (docs/PROTOCOL.md, "Limits"). Tests shorten the timeouts and tighten the limits.
public struct NodeConfiguration: Sendable {
    /// How long a connection may take from TCP accept (or connect) to a verified identity; a peer
    /// that sends nothing, or a byte a second, is dropped when it runs out.
    public var handshakeTimeout: Duration = .seconds(5)
    /// How long a TCP connect may take.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a request waits for its response.
    public var requestTimeout: Duration = .seconds(5)
    /// A dialled connection with no traffic and nothing in flight for this long is closed; the
    /// next request to that peer dials again.
    public var idleTimeout: Duration = .seconds(60)
    /// An accepted connection with no traffic for this long is closed (longer than
    /// `idleTimeout`, so that the dialling side, which knows when it is done, closes first).
    public var inboundIdleTimeout: Duration = .seconds(300)
    /// How long shutdown waits for requests in flight to be answered before closing anyway.
    public var shutdownGracePeriod: Duration = .seconds(2)
    /// The most accepted connections open at once.
    public var maximumConnections = 2_048
    /// The most accepted connections open at once from one IP address.
    public var maximumConnectionsPerAddress = 16
    /// Whether loopback addresses count against `maximumConnectionsPerAddress` (off: one machine
    /// running many nodes, as `peerdex demo` does, is not a flood).
    public var limitLoopback = false
    /// Requests a peer may make per second, over all its connections.
    public var requestsPerSecondPerPeer: Double = 1_000
    /// Requests a peer may make at once above that rate, after a quiet spell.
    public var requestBurstPerPeer: Double = 2_000
    /// Requests one connection may have in flight at this node; more are answered BUSY.
    public var maximumRequestsInFlightPerConnection = 256
    /// Requests in flight at this node over all connections; more are answered BUSY.
    public var maximumRequestsInFlight = 8_192
    /// The largest transport frame accepted, at most Noise's 65,535 bytes.
    public var maximumFrameLength = 65_535
    /// What the node's Pong says it offers (PeerCapability names).
    public var capabilities: [String] = []

    /// The defaults.
    public init() {}
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
