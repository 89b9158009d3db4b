/// The results other discovery peers replicated to us, by normalized query, for a few minutes
/// (issue 11, item 6; docs/PROTOCOL.md, "Replicated results").
///
/// Only peers we know as discovery peers are heard, each at most `perSenderRate` messages per
/// second after a burst of `perSenderBurst`. Each entry lives `ttl` seconds from the message that
/// brought it (an entry at `t` is served while `now < t + ttl`); per peer ID the highest `seq`
/// wins, and an equal `seq` confirms the entry and restarts its time. Entries about peers we
/// have blocked, and about ourselves (we answer for ourselves), are dropped. Bounded: `capacity`
/// queries (least recently used evicted), `maximumResultsPerQuery` entries each (expired ones
/// make room first, then newcomers are refused), `maximumSenders` rate records.
///
/// Pure: the caller passes `now` and says who is a discovery peer and who is blocked.
public struct ReplicatedResultsCache: Sendable {
    /// The limits; out-of-range values are clamped when made.
    public struct Settings: Hashable, Sendable {
        /// 1,000 queries for 300 s, 50 entries each; a sender may send 1 message a second after 20.
        public static let standard = Settings()

        /// Queries kept.
        public var capacity: Int
        /// Seconds an entry is served after the message that brought it.
        public var ttl: Double
        /// Entries kept per query.
        public var maximumResultsPerQuery: Int
        /// Messages per second a sender may send once its burst is spent.
        public var perSenderRate: Double
        /// Messages a sender may send at once.
        public var perSenderBurst: Double
        /// Senders whose rate is remembered (least recently heard forgotten first).
        public var maximumSenders: Int

        /// Settings with the given limits, clamped to their ranges.
        public init(
            capacity: Int = 1000, ttl: Double = 300, maximumResultsPerQuery: Int = ReplicationProtocol.maximumResults,
            perSenderRate: Double = 1, perSenderBurst: Double = 20, maximumSenders: Int = 256
        ) {
            self.capacity = min(max(capacity, 1), QueryCacheSettings.maximumCapacity)
            self.ttl = ttl.isFinite ? max(ttl, 1) : 300
            self.maximumResultsPerQuery = min(max(maximumResultsPerQuery, 1), ReplicationProtocol.maximumResults)
            self.perSenderRate = perSenderRate.isFinite ? max(perSenderRate, 0) : 0
            self.perSenderBurst = perSenderBurst.isFinite ? max(perSenderBurst, 1) : 1
            self.maximumSenders = min(max(maximumSenders, 1), 65_536)
        }
    }

    /// What became of one message.
    public enum Verdict: Hashable, Sendable {
        /// Heard: `kept` entries stored or refreshed, `dropped` refused (blocked, ourselves, older, no room).
        case accepted(kept: Int, dropped: Int)
        /// The sender is not a discovery peer of ours: nothing kept.
        case notDiscoveryPeer
        /// The sender is over its rate: nothing kept; it may retry after that many seconds.
        case rateLimited(retryAfter: Double)
    }

    /// The limits in force.
    public let settings: Settings
    private var queries: LRUCache<QueryCacheKey, [PeerID: Entry]>
    private var senders: LRUCache<PeerID, TokenBucket>

    /// An empty cache.
    public init(settings: Settings = .standard) {
        self.settings = settings
        queries = LRUCache(capacity: settings.capacity)
        senders = LRUCache(capacity: settings.maximumSenders)
    }

    /// How many queries have entries, fresh or not yet met expired.
    public var count: Int { queries.count }

    // MARK: - Receiving

    /// Stores `message` from `sender`, if a discovery peer within its rate; `isBlocked` says
    /// whom we have blocked, `ownID` is ours.
    public mutating func receive(
        _ message: ReplicatedQueryResults, from sender: PeerID, senderIsDiscoveryPeer: Bool, ownID: PeerID,
        now: Double, isBlocked: (PeerID) -> Bool
    ) -> Verdict {
        guard senderIsDiscoveryPeer, sender != ownID else { return .notDiscoveryPeer }
        let settings = settings
        let decision =
            senders.update(sender) { $0.take(now: now) }
            ?? {
                var bucket = TokenBucket(rate: settings.perSenderRate, burst: settings.perSenderBurst, now: now)
                let first = bucket.take(now: now)
                senders.set(sender, bucket)
                return first
            }()
        if case .refused(let retryAfter) = decision { return .rateLimited(retryAfter: retryAfter) }

        var entries = queries.peek(message.key) ?? [:]
        entries = entries.filter { now < $0.value.expiresAt }
        var kept = 0
        for peer in message.results {
            guard peer.peerID != ownID, !isBlocked(peer.peerID) else { continue }
            let fresh = Entry(peer: Self.stripped(peer), expiresAt: now + settings.ttl)
            if let existing = entries[peer.peerID] {
                guard peer.seq >= existing.peer.seq else { continue }
                // An equal seq is the same record confirmed: it restarts the time, keeps the first copy.
                entries[peer.peerID] =
                    peer.seq == existing.peer.seq ? Entry(peer: existing.peer, expiresAt: fresh.expiresAt) : fresh
            } else {
                guard entries.count < settings.maximumResultsPerQuery else { continue }
                entries[peer.peerID] = fresh
            }
            kept += 1
        }
        if entries.isEmpty {
            queries.remove(message.key)
        } else {
            queries.set(message.key, entries)
        }
        return .accepted(kept: kept, dropped: message.results.count - kept)
    }

    // MARK: - Reading

    /// The entries for `key` fresh at `now`, without those `isExcluded` rejects (blocked since);
    /// a use. Expired entries are dropped as they are met.
    public mutating func results(
        for key: QueryCacheKey, now: Double, excluding isExcluded: (PeerID) -> Bool = { _ in false }
    ) -> [DiscoveredPeer] {
        guard let entries = queries.peek(key) else { return [] }
        let fresh = entries.filter { now < $0.value.expiresAt }
        if fresh.isEmpty {
            queries.remove(key)
            return []
        }
        if fresh.count != entries.count {
            queries.set(key, fresh)
        } else {
            _ = queries.get(key)
        }
        return fresh.values.map(\.peer).filter { !isExcluded($0.peerID) }.sorted { $0.peerID < $1.peerID }
    }

    /// `own` answer with `replicated` entries merged in for `requester`: one entry per peer ID,
    /// the highest `seq` winning (our own entry on a tie), matched and ranked as a network search
    /// ranks, never the requester itself, at most `limit`.
    public static func merge(
        own: [DiscoveredPeer], replicated: [DiscoveredPeer], query: DiscoveryQuery, requester: PeerID, limit: Int
    ) -> [DiscoveredPeer] {
        guard limit > 0 else { return [] }
        guard !replicated.isEmpty else { return Array(own.prefix(limit)) }
        var merger = DiscoveryResultMerger(
            query: query, ownID: requester, maximumResults: min(limit, ReplicationProtocol.maximumResults))
        // Sources tell the two apart only for ranking ties; the wire never carries them.
        _ = merger.merge(own, from: requester)
        _ = merger.merge(replicated, from: requester)
        return merger.ranked.prefix(limit).map(Self.stripped)
    }

    private static func stripped(_ peer: DiscoveredPeer) -> DiscoveredPeer {
        DiscoveredPeer(
            peerID: peer.peerID, name: peer.name, interests: peer.interests, location: peer.location, seq: peer.seq)
    }

    private struct Entry: Sendable {
        var peer: DiscoveredPeer
        var expiresAt: Double
    }
}
