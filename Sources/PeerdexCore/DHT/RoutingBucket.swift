/// One bucket of the routing table: up to k entries whose IDs share exactly `index` leading bits
/// with ours, and a small cache of candidates to replace them.
public struct RoutingBucket: Sendable, Equatable {
    /// The entries, in order of arrival.
    public internal(set) var nodes: [RoutingNode] = []
    /// The replacement cache, in no particular order.
    public internal(set) var candidates: [RoutingCandidate] = []
    /// When an entry last joined, was replaced or answered, or a refresh lookup last started here
    /// (BEP 5's "last changed"); never at first.
    public internal(set) var lastChanged: Double = -.infinity

    // MARK: - Entries

    /// The position of the entry with `id`.
    func index(of id: NodeID) -> Int? {
        nodes.firstIndex { $0.info.id == id }
    }

    /// The bad entry to replace first: the most failures, then the longest silent.
    func worstBadIndex(now: Double, settings: RoutingSettings) -> Int? {
        var worst: Int?
        for (index, node) in nodes.enumerated() where node.state(now: now, settings: settings) == .bad {
            guard let current = worst else {
                worst = index
                continue
            }
            let other = nodes[current]
            if node.failures > other.failures || (node.failures == other.failures && node.lastSeen < other.lastSeen) {
                worst = index
            }
        }
        return worst
    }

    /// The questionable entry to probe: the least recently seen among those not pinged within
    /// `pingInterval`.
    func probeIndex(now: Double, settings: RoutingSettings) -> Int? {
        var best: Int?
        for (index, node) in nodes.enumerated() where node.state(now: now, settings: settings) == .questionable {
            if let pinged = node.lastPing, now - pinged < settings.pingInterval { continue }
            if best.map({ node.lastSeen < nodes[$0].lastSeen }) ?? true { best = index }
        }
        return best
    }

    /// How many entries are on `network` (a diversity prefix).
    func count(onNetwork network: IPAddress) -> Int {
        nodes.count(where: { $0.info.endpoint.ip.diversityPrefix == network })
    }

    // MARK: - Replacement cache

    /// Remembers `info` as a candidate (replacing any candidate with its ID or endpoint), dropping
    /// the least useful one when the cache is full; returns its position, or nil when it was not
    /// kept (no cache, or a full one of candidates that answered while it did not).
    @discardableResult
    mutating func remember(_ info: DHTNodeInfo, respondedAt response: Double?, now: Double, capacity: Int) -> Int? {
        guard capacity > 0 else { return nil }
        if let index = candidates.firstIndex(where: { $0.info == info }) {
            // The same node again: a response upgrades it; a later query never downgrades it.
            candidates[index].lastSeen = now
            if let response { candidates[index].lastResponse = response }
            return index
        }
        // One candidate per ID and per endpoint: the latest sighting wins. A ping already sent to
        // this endpoint still counts, so that a sender changing IDs gains no extra pings.
        let lastPing = candidates.first { $0.info.endpoint == info.endpoint }?.lastPing
        candidates.removeAll { $0.info.id == info.id || $0.info.endpoint == info.endpoint }
        let candidate = RoutingCandidate(info: info, lastSeen: now, lastResponse: response, lastPing: lastPing)
        if candidates.count >= capacity {
            var weakest = 0
            for index in candidates.indices where candidates[weakest].outranks(candidates[index]) { weakest = index }
            // A newcomer is seen last, so it displaces the weakest unless that one answered and it did not.
            guard !candidates[weakest].outranks(candidate) else { return nil }
            candidates.remove(at: weakest)
        }
        candidates.append(candidate)
        return candidates.count - 1
    }

    /// The most recently seen candidate among those that have answered us.
    func bestRespondedCandidateIndex() -> Int? {
        var best: Int?
        for (index, candidate) in candidates.enumerated() where candidate.hasResponded {
            if best.map({ candidate.outranks(candidates[$0]) }) ?? true { best = index }
        }
        return best
    }

    /// The best candidate not pinged within `pingInterval`.
    func candidateToPing(now: Double, settings: RoutingSettings) -> Int? {
        var best: Int?
        for (index, candidate) in candidates.enumerated() {
            if let pinged = candidate.lastPing, now - pinged < settings.pingInterval { continue }
            if best.map({ candidate.outranks(candidates[$0]) }) ?? true { best = index }
        }
        return best
    }

    /// Forgets the candidate with `id`, if any.
    mutating func forgetCandidate(id: NodeID) {
        candidates.removeAll { $0.info.id == id }
    }
}
