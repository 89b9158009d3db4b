// MARK: - Building a converged network without its traffic

extension DHTEngine {
    /// Enters `node` in the routing table as if it had just answered one of our queries, through
    /// the table's usual admission checks; returns what the table did (`.added`, or a refusal).
    ///
    /// For the simulator and tests that start from the table a converged network would have
    /// built, rather than paying for a long bootstrap. It sends nothing: a `.ping` the table may
    /// ask for (a full bucket probing a questionable entry) is the caller's to ignore or perform.
    @discardableResult
    public mutating func admitRespondingNode(_ node: DHTNodeInfo, now: Double) -> [RoutingAction] {
        routing.noteResponse(from: node, now: now)
    }

    /// Marks every bucket as refreshed at `now`, as in a node whose refresh lookups have all just
    /// run; the next refresh of each is due `refreshInterval` later.
    public mutating func markBucketsRefreshed(now: Double) {
        for bucket in 0..<NodeID.bitCount { routing.noteRefreshStarted(bucket: bucket, now: now) }
    }
}
