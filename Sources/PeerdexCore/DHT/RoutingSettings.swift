/// The routing table's parameters: BEP 5's constants and our admission limits.
public struct RoutingSettings: Sendable, Equatable {
    /// Entries per bucket: BEP 5's k.
    public var bucketSize: Int
    /// Candidates remembered per bucket for when an entry goes bad or leaves.
    public var replacementCacheSize: Int
    /// Seconds of silence after which a good node becomes questionable (BEP 5: 15 minutes).
    public var questionableAfter: Double
    /// Failed queries in a row that make a node bad.
    public var failuresUntilBad: Int
    /// Seconds without change after which a bucket wants a refresh lookup (BEP 5: 15 minutes).
    public var refreshInterval: Double
    /// Seconds before the table asks to ping the same node again, so that many sightings of
    /// candidates cost one ping, not a ping each.
    public var pingInterval: Double
    /// The most nodes one `nodesToPing(now:)` call returns.
    public var pingsPerCall: Int
    /// Entries of one /24 (IPv4) or /48 (IPv6) network allowed in one bucket.
    public var perNetworkPerBucket: Int
    /// Entries of one /24 or /48 network allowed in the whole table.
    public var perNetworkInTable: Int
    /// Whether local addresses (private, link-local...: `IPAddress.isLocal`) are exempt from the
    /// network limits, as loopback always is; test networks and LANs use such ranges.
    public var exemptLocalAddresses: Bool
    /// Whether nodes on public addresses whose IDs break BEP 42 are refused.
    public var enforceBEP42: Bool

    /// Settings from BEP 5 and the limits; every value can be overridden.
    public init(
        bucketSize: Int = 8, replacementCacheSize: Int = 8, questionableAfter: Double = 15 * 60,
        failuresUntilBad: Int = 2, refreshInterval: Double = 15 * 60, pingInterval: Double = 60,
        pingsPerCall: Int = 8, perNetworkPerBucket: Int = 2, perNetworkInTable: Int = 10,
        exemptLocalAddresses: Bool = true, enforceBEP42: Bool = true
    ) {
        self.bucketSize = max(bucketSize, 1)
        self.replacementCacheSize = max(replacementCacheSize, 0)
        self.questionableAfter = questionableAfter
        self.failuresUntilBad = max(failuresUntilBad, 1)
        self.refreshInterval = refreshInterval
        self.pingInterval = pingInterval
        self.pingsPerCall = max(pingsPerCall, 0)
        self.perNetworkPerBucket = max(perNetworkPerBucket, 1)
        self.perNetworkInTable = max(perNetworkInTable, 1)
        self.exemptLocalAddresses = exemptLocalAddresses
        self.enforceBEP42 = enforceBEP42
    }

    /// Whether `ip` escapes the per-network limits: loopback always, local ranges if so set.
    public func isExemptFromNetworkLimits(_ ip: IPAddress) -> Bool {
        ip.isLoopback || (exemptLocalAddresses && ip.isLocal)
    }
}
