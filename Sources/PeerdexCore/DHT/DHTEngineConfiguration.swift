/// The settings of one DHT node: sizes, timeouts and limits, with Mainline's defaults.
public struct DHTEngineConfiguration: Sendable, Equatable {
    /// Bucket size and the number of closest nodes a lookup settles on (BEP 5: 8).
    public var k = 8
    /// Queries in flight per lookup (Kademlia's α).
    public var alpha = 3
    /// Replicas a put stores at (the seed's R); a put succeeds when a majority acknowledge.
    public var replication = 3
    /// Seconds before an unanswered query fails outright.
    public var queryTimeout = 3.0
    /// Bounds of the soft deadline after which a lookup stops waiting for a query; between them
    /// it follows the round trips measured (smoothed RTT + 4 × deviation, as TCP's RTO).
    public var overdueFloor = 0.05
    /// The soft deadline's ceiling, and its value before any round trip is measured.
    public var overdueCeiling = 1.0
    /// Queries we answer per second from one IP address, and the burst allowed.
    public var queriesPerSecondPerAddress = 250.0
    /// Whether loopback sources are rate-limited too (tests put every node on 127.0.0.1).
    public var limitLoopback = false
    /// BEP 43: announce ourselves read-only (we cannot be reached) and answer no queries.
    public var readOnly = false
    /// Whether the routing table exempts local addresses (loopback, private ranges: the tests'
    /// namespaces) from diversity limits; BEP 42 checks never apply to them.
    public var exemptLocalAddresses = true
    /// Whether node IDs from public addresses must follow BEP 42.
    public var enforceBEP42 = true
    /// Seconds between write-token secret rotations (BEP 5: 5 minutes).
    public var tokenRotationInterval = 300.0
    /// Seconds between republishing our own items (BEP 44 items expire after 2 hours).
    public var republishInterval = 3_600.0
    /// Seconds between maintenance rounds: bucket refresh, pings, expiry, replica upkeep.
    public var maintenanceInterval = 60.0
    /// Whether a holder keeps R copies of the items it holds between their owners' republishes
    /// (see `DHTEngine+ReplicaUpkeep`); off, only owners and joining nodes restore lost copies.
    public var replicaUpkeep = true
    /// Most operations running at once; more are refused at once (as failed).
    public var maximumOperations = 256
    /// The `v` we send in every message: "PX" and our version, as BEP 20 asks.
    public var clientVersion: [UInt8] = Array("PX".utf8) + [0, 1]

    /// The defaults.
    public init() {}

    /// Acknowledgements a put needs: a majority of the replicas.
    public var requiredAcknowledgements: Int { replication / 2 + 1 }
}
