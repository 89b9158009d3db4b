/// Decides when an answering node hands a popular query's stranger answer to its other discovery
/// peers (issue 11, item 6; docs/PRIVACY.md, "Replicated results").
///
/// A query is popular at `now` when at least `popularityThreshold` **distinct** peers asked it in
/// the last `popularityWindow` seconds (an ask at `a` counts while `now < a + popularityWindow`):
/// one person repeating a search never makes it popular, so no single person's query is ever
/// forwarded. A popular query is replicated at most once per `resendInterval` (the receivers'
/// time to live), and the node replicates at most `burst` queries at once, `rate` per second
/// after that, so a crowd of askers cycling through queries cannot turn the node into an
/// amplifier. Everything is bounded: `capacity` queries tracked, `popularityThreshold` askers each.
///
/// Pure: the caller passes `now`, sends the messages and picks the peers (never the asker).
public struct ReplicationPlanner: Sendable {
    /// The limits; out-of-range values are clamped when made.
    public struct Settings: Hashable, Sendable {
        /// The standard: 8 distinct askers within 300 s, resent after 300 s, to 3 peers.
        public static let standard = Settings()

        /// Distinct askers within the window that make a query popular (1...1,000).
        public var popularityThreshold: Int
        /// Seconds over which asks are counted.
        public var popularityWindow: Double
        /// Seconds before the same query is replicated again: the receivers keep it that long.
        public var resendInterval: Double
        /// Discovery peers each replication goes to (0...8; 0 turns replication off).
        public var fanOut: Int
        /// Queries whose askers are tracked (least recently asked forgotten first).
        public var capacity: Int
        /// Replications allowed per second once the burst is spent.
        public var rate: Double
        /// Replications allowed at once.
        public var burst: Double

        /// Settings with the given limits, clamped to their ranges.
        public init(
            popularityThreshold: Int = 8, popularityWindow: Double = 300, resendInterval: Double = 300,
            fanOut: Int = 3, capacity: Int = 1000, rate: Double = 0.2, burst: Double = 10
        ) {
            self.popularityThreshold = min(max(popularityThreshold, 1), QueryCacheSettings.maximumPopularityThreshold)
            self.popularityWindow = popularityWindow.isFinite ? max(popularityWindow, 1) : 300
            self.resendInterval = resendInterval.isFinite ? max(resendInterval, 1) : 300
            self.fanOut = min(max(fanOut, 0), 8)
            self.capacity = min(max(capacity, 1), QueryCacheSettings.maximumCapacity)
            self.rate = rate.isFinite ? max(rate, 0) : 0
            self.burst = burst.isFinite ? max(burst, 1) : 1
        }
    }

    /// The limits in force.
    public let settings: Settings
    private var askers: LRUCache<QueryCacheKey, Askers>
    private var lastReplicated: LRUCache<QueryCacheKey, Double>
    private var budget: TokenBucket

    /// A planner that has seen no ask yet.
    public init(settings: Settings = .standard, now: Double) {
        self.settings = settings
        askers = LRUCache(capacity: settings.capacity)
        lastReplicated = LRUCache(capacity: settings.capacity)
        budget = TokenBucket(rate: settings.rate, burst: settings.burst, now: now)
    }

    // MARK: - Asks

    /// Records that `requester` asked `key` at `now`; true when the node should replicate the
    /// query now, which is then noted as done (the caller sends it).
    public mutating func recordAsk(_ key: QueryCacheKey, from requester: PeerID, now: Double) -> Bool {
        guard settings.fanOut > 0, !key.isEmpty else { return false }
        let settings = settings
        if askers.update(key, { $0.record(requester, at: now, settings: settings) }) == nil {
            var fresh = Askers()
            fresh.record(requester, at: now, settings: settings)
            askers.set(key, fresh)
        }
        guard isPopular(key, now: now) else { return false }
        if let last = lastReplicated.peek(key), now < last + settings.resendInterval { return false }
        guard budget.take(now: now) == .allowed else { return false }
        lastReplicated.set(key, now)
        return true
    }

    /// Whether at least `popularityThreshold` distinct peers asked `key` in the window ending at `now`.
    public func isPopular(_ key: QueryCacheKey, now: Double) -> Bool {
        guard let history = askers.peek(key) else { return false }
        return history.count(since: now - settings.popularityWindow) >= settings.popularityThreshold
    }

    /// When `key` was last replicated, if the planner still remembers.
    public func lastReplication(of key: QueryCacheKey) -> Double? { lastReplicated.peek(key) }

    /// Up to `fanOut` of `peers` to replicate to: never the asker, nor `ownID`, one per peer ID, in the given order.
    public func targets(from peers: [DiscoveryPeer], asker: PeerID, ownID: PeerID) -> [DiscoveryPeer] {
        var seen = Set<PeerID>([asker, ownID])
        return Array(peers.filter { seen.insert($0.peerID).inserted }.prefix(settings.fanOut))
    }

    // MARK: - Askers

    /// The latest ask of up to `popularityThreshold` distinct peers: enough to decide, bounded whatever the traffic.
    private struct Askers: Sendable {
        var lastAsk: [PeerID: Double] = [:]

        mutating func record(_ requester: PeerID, at now: Double, settings: Settings) {
            if lastAsk[requester] == nil, lastAsk.count >= settings.popularityThreshold,
                let oldest = lastAsk.min(by: { $0.value < $1.value })?.key
            {
                lastAsk[oldest] = nil
            }
            lastAsk[requester] = max(now, lastAsk[requester] ?? now)
        }

        /// Askers whose latest ask is after `start`.
        func count(since start: Double) -> Int {
            lastAsk.values.reduce(0) { $0 + ($1 > start ? 1 : 0) }
        }
    }
}

extension QueryCacheKey {
    /// Whether the key names no question: no term, no interest.
    public var isEmpty: Bool { text.isEmpty && interests.isEmpty }
}
