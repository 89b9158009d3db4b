/// A peer's profile as the asking side last saw it, and when (seconds on the caller's clock).
public struct SeenProfile: SequencedRecord, Hashable, Sendable {
    /// The profile, without a search's ranking or sources.
    public var peer: DiscoveredPeer
    /// When it was last fetched from the peer or reported by a discovery peer.
    public var seenAt: Double

    /// The profile record's seq.
    public var seq: Int64 { peer.seq }

    /// `peer` seen at `seenAt`, its ranking and sources cleared.
    public init(_ peer: DiscoveredPeer, seenAt: Double) {
        var bare = peer
        bare.sources = []
        bare.tier = nil
        bare.score = 0
        self.peer = bare
        self.seenAt = seenAt
    }
}

/// Decides which announced endpoints an interest search asks for their profiles (issue 11,
/// items 5–6): an endpoint whose peer we know, with a profile seen less than `freshness` ago, is
/// answered from the cache instead of being dialled again.
///
/// It keeps peers' latest profile records in a `ContactRecordCache` (owners' own records only:
/// seq 0 is hearsay from shared contacts and is never kept), fed by search results and fetched
/// profiles, and which peer last answered at which endpoint, both LRU-bounded. The same seq seen
/// again restarts a record's time: the version is still current. Times are seconds on the
/// caller's clock (Core reads none).
public struct ProfileFetchPlanner: Sendable {
    /// Tunables; the defaults are what a user's node runs with.
    public struct Configuration: Sendable, Equatable {
        /// Peers whose profile records are kept.
        public var profileCapacity = ContactRecordCache<SeenProfile>.standardCapacity
        /// Endpoints whose answering peer is remembered.
        public var endpointCapacity = 5000
        /// Seconds a seen profile stands in for a fetch.
        public var freshness = 300.0

        /// The defaults.
        public init() {}
    }

    /// What to do about a list of announced endpoints.
    public struct Plan: Sendable, Equatable {
        /// Fresh cached profiles standing in for their endpoints, blocked peers left out, one per peer.
        public var cached: [DiscoveredPeer] = []
        /// Endpoints to ask, in the order given.
        public var toFetch: [DHTEndpoint] = []

        /// A plan of the given parts: by default nothing cached, nothing to ask.
        public init(cached: [DiscoveredPeer] = [], toFetch: [DHTEndpoint] = []) {
            self.cached = cached
            self.toFetch = toFetch
        }
    }

    /// The tunables.
    public let configuration: Configuration
    /// Peers' latest known profile records.
    public private(set) var profiles: ContactRecordCache<SeenProfile>
    private var peerByEndpoint: LRUCache<DHTEndpoint, PeerID>

    /// An empty planner.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        profiles = ContactRecordCache(capacity: max(1, configuration.profileCapacity))
        peerByEndpoint = LRUCache(capacity: max(1, configuration.endpointCapacity))
    }

    // MARK: - Learning

    /// Keeps `peer`'s profile, seen at `now` in a search result; a higher seq replaces the cached
    /// one, the same seq restarts its time, a lower one or seq 0 is ignored.
    public mutating func remember(_ peer: DiscoveredPeer, now: Double) {
        guard peer.seq > 0 else { return }
        let seen = SeenProfile(peer, seenAt: now)
        guard case .rejected(let knownSeq) = profiles.store(seen, for: peer.peerID), knownSeq == peer.seq else {
            return
        }
        // The store keeps the first record of a seq; this one is as current and newer in time.
        profiles.remove(peer.peerID)
        profiles.store(seen, for: peer.peerID)
    }

    /// Keeps `peer`'s profile as fetched from `endpoint` at `now`, and that `peer` answers there.
    public mutating func remember(_ peer: DiscoveredPeer, answeredAt endpoint: DHTEndpoint, now: Double) {
        peerByEndpoint.set(endpoint, peer.peerID)
        remember(peer, now: now)
    }

    // MARK: - Planning

    /// The peer that last answered at `endpoint`, if remembered.
    public func peer(at endpoint: DHTEndpoint) -> PeerID? {
        peerByEndpoint.peek(endpoint)
    }

    /// `peer`'s cached profile if seen less than `freshness` before `now`.
    public func freshProfile(of peer: PeerID, now: Double) -> DiscoveredPeer? {
        guard let seen = profiles.peekRecord(for: peer), now - seen.seenAt < configuration.freshness else { return nil }
        return seen.peer
    }

    /// Splits `endpoints` into fresh cached profiles and endpoints to ask. A fresh blocked peer's
    /// endpoint is neither asked nor answered for; a repeated endpoint counts once.
    public mutating func plan(_ endpoints: [DHTEndpoint], blocked: Set<PeerID>, now: Double) -> Plan {
        var plan = Plan()
        var seenEndpoints = Set<DHTEndpoint>()
        var seenPeers = Set<PeerID>()
        for endpoint in endpoints where seenEndpoints.insert(endpoint).inserted {
            guard let peer = peerByEndpoint.get(endpoint), let profile = freshProfile(of: peer, now: now) else {
                plan.toFetch.append(endpoint)
                continue
            }
            _ = profiles.record(for: peer)  // a use: keeps it from being evicted first
            if !blocked.contains(peer), seenPeers.insert(peer).inserted { plan.cached.append(profile) }
        }
        return plan
    }
}
