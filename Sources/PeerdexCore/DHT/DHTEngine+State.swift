/// A query we sent and await an answer to.
struct InflightQuery: Sendable, Equatable {
    /// Why it was sent, and so where its answer goes.
    enum Purpose: Sendable, Equatable {
        /// One step of an operation's lookup.
        case lookup(DHTOperationID)
        /// A bootstrap operation's question to one of its seed endpoints.
        case bootstrapSeed(DHTOperationID)
        /// Storing at a replica: a put or an announcement of an operation.
        case store(DHTOperationID)
        /// A routing-table ping (verifying a candidate, probing a questionable node).
        case maintenance
        /// Pushing a newer item to a node that answered a get with an older one (no answer awaited
        /// by anyone).
        case repair
        /// Asking a closer node or a fellow replica for its `seq` of `target`'s item and a token,
        /// to hand our copy on to it if its own is older (see `DHTEngine+ReplicaUpkeep`).
        case handOff(NodeID)
        /// The put that follows a hand-off: acknowledged, the node is known to hold `seq`.
        case handOffPut(NodeID, seq: Int64)
        /// A liveness ping of a fellow replica of an item we hold.
        case replicaCheck
    }

    var endpoint: DHTEndpoint
    var expectedID: NodeID?
    var purpose: Purpose
    var sentAt: Double
    var overdueAt: Double
    var deadline: Double
    var overdueReported = false
}

/// An operation in progress: its lookup, then (for puts and announcements) its store phase.
struct RunningOperation: Sendable {
    let operation: DHTOperation
    let startedAt: Double
    var lookup: IterativeLookup
    /// Bootstrap seed endpoints not yet answered or timed out.
    var pendingSeeds = 0
    /// Hops of each candidate, by node ID: seeds are 1, a node named by a hop-h node is h + 1.
    var hops: [NodeID: Int] = [:]
    var queriesSent = 0
    var responses = 0
    /// The store phase, once the lookup is done (puts and announcements).
    var store: StorePhase?
    /// Whether the caller has its result (a put reports at a majority and finishes its sends).
    var reported = false
    /// Best item seen by a get, and the nodes that answered with it or with an older one.
    var bestItem: MutableItem?
    var holders: [DHTEndpoint] = []
    /// Every node that answered a get with a token, and the seq it held.
    var responders: [(node: DHTNodeInfo, token: [UInt8], seq: Int64?)] = []
    /// Peers collected by get_peers.
    var foundPeers: [DHTEndpoint] = []
    var foundPeerSet: Set<DHTEndpoint> = []

    init(operation: DHTOperation, target: NodeID, configuration: DHTEngineConfiguration, seeds: [DHTNodeInfo], now: Double) {
        self.operation = operation
        startedAt = now
        let settle: Int =
            switch operation {
            case .getMutable: configuration.replication
            default: configuration.k
            }
        lookup = IterativeLookup(target: target, seeds: seeds, alpha: configuration.alpha, settleCount: settle)
        for seed in seeds { hops[seed.id] = 1 }
    }
}

extension RunningOperation {
    /// What a settled lookup does next.
    enum Settled {
        /// Finish: any operation but a get, or a get holding an item or done looking.
        case finish
        /// Ask farther: a get that found nothing among the R closest now settles on the k closest.
        case askFarther
        /// Wait: a get that found nothing still has overdue queries among the closest, and a slow
        /// node may be the replica; each one ends by answering or at its hard timeout.
        case awaitOverdue
    }

    /// What this operation does now that its lookup has settled. A get that found nothing widens
    /// its lookup to the `k` closest once (the put that stored the item settled on the k closest,
    /// so the replicas may sit a little farther out when a stall made the closest look overdue to
    /// the putter), then waits for its overdue queries rather than passing them over.
    mutating func settled(widenedTo k: Int) -> Settled {
        guard case .getMutable = operation, bestItem == nil else { return .finish }
        if lookup.settleCount < k {
            lookup.widen(settleCount: k)
            if !lookup.isDone { return .askFarther }
        }
        return lookup.isDoneAwaitingOverdue ? .finish : .awaitOverdue
    }
}

/// The replicas of a put or announcement: who was asked, who acknowledged, who is next.
struct StorePhase: Sendable {
    /// Closest responders not asked yet, with their tokens.
    var queue: [(node: DHTNodeInfo, token: [UInt8])]
    /// Stores in flight (not yet answered, failed or overdue).
    var inFlight = 0
    var acknowledged = 0
    var refusals: [KRPCErrorReply] = []
    /// Replicas wanted at once (R for a put, k for an announcement).
    let wanted: Int
    /// Acknowledgements that make it a success.
    let required: Int
}

/// Smoothed round-trip time and its deviation (RFC 6298), from which a query's soft deadline.
struct RoundTripEstimator: Sendable, Equatable {
    private var smoothed: Double?
    private var deviation = 0.0

    /// Takes one measured round trip.
    mutating func add(_ sample: Double) {
        guard let current = smoothed else {
            smoothed = sample
            deviation = sample / 2
            return
        }
        deviation = 0.75 * deviation + 0.25 * abs(current - sample)
        smoothed = 0.875 * current + 0.125 * sample
    }

    /// Seconds after which a query is overdue: smoothed + 4 × deviation within the bounds, the
    /// ceiling before any sample.
    func overdueInterval(floor: Double, ceiling: Double) -> Double {
        guard let smoothed else { return ceiling }
        return min(max(smoothed + 4 * deviation, floor), ceiling)
    }
}
