/// What the routing table asks of the engine, or tells it, after an event.
///
/// Only `.ping` asks for I/O; the others report what changed (for logs and counters).
public enum RoutingAction: Sendable, Equatable {
    /// Send this node a `ping`: to verify a candidate before it may enter the table, or to probe
    /// a questionable entry that a candidate is waiting to replace. Report the outcome with
    /// `noteResponse` or `noteFailure`.
    case ping(DHTNodeInfo)
    /// The node entered the table.
    case added(DHTNodeInfo)
    /// `new` took the place of `old`, which was bad.
    case replaced(old: DHTNodeInfo, new: DHTNodeInfo)
    /// The node was not admitted (and is not kept as a candidate either).
    case refused(DHTNodeInfo, RoutingRefusal)
}

/// Why the routing table turned a node away.
public enum RoutingRefusal: Sendable, Equatable {
    /// The node claims our own ID.
    case ownID
    /// Port 0 or an unspecified address: nothing we could send to.
    case unusableEndpoint
    /// Its ID breaks BEP 42 for its public address.
    case nonCompliantID
    /// Its ID is in the table at another endpoint whose entry is not bad: we do not let an
    /// unproven sender redirect a live node.
    case idAtOtherEndpoint
    /// Its endpoint is in the table under another ID whose entry is not bad.
    case endpointHasOtherID
    /// Its bucket already holds `perNetworkPerBucket` entries of its /24 or /48 network.
    case networkLimitInBucket
    /// The table already holds `perNetworkInTable` entries of its /24 or /48 network.
    case networkLimitInTable
}
