/// A discovery peer: who it is (its peer ID, as the Noise handshake proves it) and where it listens.
///
/// The address reuses `DHTEndpoint` (an IP address and a port): the Noise listener's TCP port is
/// the DHT's UDP port number (BRIEF §3b), and Core cannot see PeerdexNet's `PeerAddress`.
public struct DiscoveryPeer: Hashable, Sendable, CustomStringConvertible {
    /// The peer's ID.
    public var peerID: PeerID
    /// Its TCP address.
    public var endpoint: DHTEndpoint

    /// A peer from its parts.
    public init(peerID: PeerID, endpoint: DHTEndpoint) {
        self.peerID = peerID
        self.endpoint = endpoint
    }

    /// `shortID@endpoint`.
    public var description: String { "\(peerID.shortText)@\(endpoint)" }
}

/// What the coordinator knows of one discovery peer's health and load.
public struct DiscoveryPeerHealth: Hashable, Sendable {
    /// Smoothed round-trip time in seconds (TCP's SRTT); nil before the first measurement.
    public var smoothedRTT: Double?
    /// Failures since the last success.
    public var consecutiveFailures = 0
    /// Last load the peer reported in a PONG, 0 (idle) to 1 (at capacity); nil before the first.
    public var load: Float?
    /// When `load` was reported.
    public var loadReportedAt: Double?
    /// When we last asked the peer anything (request or PING), success or not.
    public var lastAttemptAt: Double?

    /// A peer nothing is known about yet.
    public init() {}
}

/// Keeps health per discovery peer and picks which ones a query asks (issue 11, item 3).
///
/// Round-trip times are smoothed as TCP smooths them (RFC 6298: the first sample is taken as
/// is, then `srtt = (1 − α)·srtt + α·sample` with α = 1/8). A peer is unhealthy after 5
/// failures in a row and healthy again after one success; since unhealthy peers are never
/// selected, `peersToPing(now:)` keeps probing them, which is the only way back. Load comes from
/// PING replies (`Pong.load`) and is trusted for `loadLifetime` seconds, so that a peer once
/// reported busy is tried again. Pure: time and randomness are passed in.
public struct DiscoveryCoordinator: Sendable {
    /// Tunables; the defaults are issue 11's.
    public struct Configuration: Hashable, Sendable {
        /// Failures in a row after which a peer is unhealthy.
        public var unhealthyAfterFailures = 5
        /// Weight of a new round-trip sample (TCP's α).
        public var rttSmoothing = 0.125
        /// Peers reporting this load or more are not selected.
        public var maximumLoad: Float = 0.8
        /// Seconds a load reading stays valid; after that the load counts as unknown.
        public var loadLifetime: Double = 300
        /// Seconds between PINGs to a peer.
        public var pingInterval: Double = 60
        /// The most discovery peers known at once.
        public var maximumPeers = 256

        /// The defaults.
        public init() {}
    }

    /// Our own peer ID, never a discovery peer of ours.
    public let ownID: PeerID
    /// The tunables.
    public let configuration: Configuration
    /// Known discovery peers by ID.
    public private(set) var peers: [PeerID: DiscoveryPeer] = [:]
    /// Health by peer ID, for every known peer.
    public private(set) var health: [PeerID: DiscoveryPeerHealth] = [:]

    /// A coordinator that knows no peer yet.
    public init(ownID: PeerID, configuration: Configuration = Configuration()) {
        self.ownID = ownID
        self.configuration = configuration
    }

    // MARK: - Peers

    /// Adds a peer, or updates its address; false for ourselves or when the table is full.
    @discardableResult
    public mutating func add(_ peer: DiscoveryPeer) -> Bool {
        guard peer.peerID != ownID else { return false }
        guard peers[peer.peerID] != nil || peers.count < configuration.maximumPeers else { return false }
        peers[peer.peerID] = peer
        if health[peer.peerID] == nil { health[peer.peerID] = DiscoveryPeerHealth() }
        return true
    }

    /// Forgets a peer and its health.
    public mutating func remove(_ peerID: PeerID) {
        peers[peerID] = nil
        health[peerID] = nil
    }

    // MARK: - Health

    /// Records an answer that took `rtt` seconds: resets the failure count and smooths the RTT.
    ///
    /// A sample that is negative, infinite or NaN still counts as a success but leaves the RTT alone.
    public mutating func recordSuccess(of peerID: PeerID, rtt: Double, now: Double) {
        guard var entry = health[peerID] else { return }
        entry.consecutiveFailures = 0
        entry.lastAttemptAt = now
        if rtt.isFinite, rtt >= 0 {
            let alpha = configuration.rttSmoothing
            entry.smoothedRTT = entry.smoothedRTT.map { (1 - alpha) * $0 + alpha * rtt } ?? rtt
        }
        health[peerID] = entry
    }

    /// Records a request that failed or timed out.
    public mutating func recordFailure(of peerID: PeerID, now: Double) {
        guard var entry = health[peerID] else { return }
        entry.consecutiveFailures = min(entry.consecutiveFailures + 1, Int(Int32.max))
        entry.lastAttemptAt = now
        health[peerID] = entry
    }

    /// Records the load a peer reported; clamped to 0...1, and NaN read as 1 (a peer that cannot say is busy).
    public mutating func recordLoad(of peerID: PeerID, load: Float, now: Double) {
        guard health[peerID] != nil else { return }
        health[peerID]?.load = load.isNaN ? 1 : min(max(load, 0), 1)
        health[peerID]?.loadReportedAt = now
    }

    /// Records a PONG: a success after `rtt` seconds and the load it reports.
    public mutating func recordPong(of peerID: PeerID, rtt: Double, load: Float, now: Double) {
        recordSuccess(of: peerID, rtt: rtt, now: now)
        recordLoad(of: peerID, load: load, now: now)
    }

    /// Whether a known peer has failed fewer than `unhealthyAfterFailures` times in a row.
    public func isHealthy(_ peerID: PeerID) -> Bool {
        guard let entry = health[peerID] else { return false }
        return entry.consecutiveFailures < configuration.unhealthyAfterFailures
    }

    /// The peer's load if reported within `loadLifetime` seconds of `now`, else nil.
    public func currentLoad(of peerID: PeerID, now: Double) -> Float? {
        guard let entry = health[peerID], let load = entry.load, let at = entry.loadReportedAt,
            now - at <= configuration.loadLifetime
        else { return nil }
        return load
    }

    /// Whether a query may go to the peer now: healthy, and not known to be loaded to `maximumLoad` or more.
    public func isSelectable(_ peerID: PeerID, now: Double) -> Bool {
        guard isHealthy(peerID) else { return false }
        return (currentLoad(of: peerID, now: now) ?? 0) < configuration.maximumLoad
    }

    /// Peers due a PING: never asked, or not asked for `pingInterval` seconds, unhealthy ones
    /// included (a success is how they recover). Ordered by peer ID.
    public func peersToPing(now: Double) -> [DiscoveryPeer] {
        peers.values.filter { peer in
            guard let last = health[peer.peerID]?.lastAttemptAt else { return true }
            return now - last >= configuration.pingInterval
        }
        .sorted { $0.peerID < $1.peerID }
    }
}
