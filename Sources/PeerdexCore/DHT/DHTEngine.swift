/// A Mainline DHT node (BEP 5 + BEP 44) as one state machine without I/O: datagrams, operations
/// and the passing of time go in, datagrams to send and finished operations come out.
///
/// The host (the UDP node in PeerdexNet, or the simulator) calls `receive` for every datagram,
/// `start` for every operation, and `tick` whenever `nextDeadline` passes; it performs the
/// `DHTAction`s returned, in order. Everything the engine decides — the routing table, lookups,
/// what it stores for others and what it answers — is decided here, so that a thousand engines
/// on a virtual clock behave as a thousand real nodes do.
public struct DHTEngine: Sendable {
    /// This node's ID.
    public let localID: NodeID
    /// Its settings.
    public let configuration: DHTEngineConfiguration
    /// Known nodes.
    public internal(set) var routing: RoutingTable
    /// BEP 44 items held for others.
    public internal(set) var items: ItemStore
    /// BEP 5 peers announced to us.
    public internal(set) var peers: PeerStore
    var tokens: WriteTokens
    /// Queries sent and not yet answered, by transaction ID.
    var inflight: [UInt32: InflightQuery] = [:]
    var nextTransaction: UInt32 = 0
    var operations: [DHTOperationID: RunningOperation] = [:]
    var nextOperation: UInt64 = 0
    var roundTrip = RoundTripEstimator()
    var queryBuckets: [IPAddress: TokenBucket] = [:]
    /// Items we publish ourselves and republish before they expire, by target.
    public internal(set) var published: [NodeID: PublishedItem] = [:]
    var nextMaintenance: Double
    var nextTokenRotation: Double
    /// Picks peers for get_peers replies; seeded from the first token secret.
    var random: DHTRandom
    /// Our address as the nodes that answer us see it (BEP 42 `ip`), once two agree.
    public internal(set) var externalAddress: DHTEndpoint?
    /// Which nodes told us which address we have.
    var addressVotes: [DHTEndpoint: Set<DHTEndpoint>] = [:]
    /// Items whose signature was checked, by signature: the same item comes back from every
    /// replica of every get and with every republish, and a check costs more than the rest of
    /// handling the datagram.
    var verifiedItems: [[UInt8]: MutableItem] = [:]
    /// Which fellow replicas hold the items we hold (see `DHTEngine+ReplicaUpkeep`).
    var replicaLedger = ReplicaLedger()
    /// Counters for `peerdex node`'s statistics.
    public internal(set) var statistics = DHTStatistics()

    /// An item we publish, and when it is due again.
    public struct PublishedItem: Sendable, Equatable {
        /// The signed item.
        public var item: MutableItem
        /// When to put it again.
        public var republishAt: Double
    }

    /// A node with this ID and settings, its write tokens seeded with `tokenSecret`.
    public init(localID: NodeID, configuration: DHTEngineConfiguration = DHTEngineConfiguration(), tokenSecret: [UInt8], now: Double) {
        self.localID = localID
        self.configuration = configuration
        routing = RoutingTable(
            ownID: localID,
            settings: RoutingSettings(
                bucketSize: configuration.k, exemptLocalAddresses: configuration.exemptLocalAddresses,
                enforceBEP42: configuration.enforceBEP42))
        items = ItemStore(localID: localID)
        peers = PeerStore()
        tokens = WriteTokens(secret: tokenSecret)
        random = DHTRandom(seed: tokenSecret.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
        nextMaintenance = now + configuration.maintenanceInterval
        nextTokenRotation = now + configuration.tokenRotationInterval
    }

    // MARK: - Inputs

    /// Handles one datagram from `source`.
    public mutating func receive(_ datagram: [UInt8], from source: DHTEndpoint, now: Double) -> [DHTAction] {
        statistics.datagramsReceived += 1
        let message: KRPCMessage
        do {
            message = try KRPCMessage(decoding: datagram)
        } catch {
            statistics.malformed += 1
            return answerMalformed(error, from: source, now: now)
        }
        switch message.kind {
        case .query(let query):
            return answer(query, message: message, from: source, now: now)
        case .response(let response):
            return handleResponse(response, message: message, from: source, now: now)
        case .error(let reply):
            return handleError(reply, message: message, from: source, now: now)
        }
    }

    /// Starts an operation; its result comes later as `DHTAction.finished`.
    public mutating func start(_ operation: DHTOperation, now: Double) -> (DHTOperationID, [DHTAction]) {
        nextOperation += 1
        let id = DHTOperationID(rawValue: nextOperation)
        var actions = [DHTAction]()
        guard operations.count < configuration.maximumOperations else {
            actions.append(.finished(id, emptyResult(for: operation, now: now)))
            return (id, actions)
        }
        operations[id] = RunningOperation(
            operation: operation, target: operation.target(localID: localID), configuration: configuration,
            seeds: routing.closest(to: operation.target(localID: localID), count: configuration.k * 2), now: now)
        if case .bootstrap(let endpoints) = operation {
            for endpoint in endpoints {
                actions += sendQuery(.findNode(id: localID, target: localID), to: endpoint, expecting: nil,
                                     purpose: .bootstrapSeed(id), now: now)
            }
            operations[id]?.pendingSeeds = endpoints.count
            operations[id]?.queriesSent += endpoints.count
        }
        actions += advance(id, now: now)
        return (id, actions)
    }

    /// Publishes our own item: puts it now, and again every `republishInterval` until withdrawn.
    public mutating func publish(_ item: MutableItem, now: Double) -> (DHTOperationID, [DHTAction]) {
        published[item.target] = PublishedItem(item: item, republishAt: now + configuration.republishInterval)
        return start(.putMutable(item), now: now)
    }

    /// Stops republishing the item under `target`.
    public mutating func withdraw(_ target: NodeID) { published[target] = nil }

    /// When `tick` should next be called.
    public var nextDeadline: Double {
        var deadline = min(nextMaintenance, nextTokenRotation)
        for query in inflight.values {
            deadline = min(deadline, query.overdueReported ? query.deadline : query.overdueAt)
        }
        for item in published.values { deadline = min(deadline, item.republishAt) }
        return deadline
    }

    /// Operations running now.
    public var runningOperations: Int { operations.count }

    /// Queries awaiting an answer.
    public var queriesInFlight: Int { inflight.count }

    // MARK: - Sending

    /// Sends a query, remembering it under a fresh transaction ID.
    mutating func sendQuery(
        _ query: KRPCQuery, to endpoint: DHTEndpoint, expecting id: NodeID?, purpose: InflightQuery.Purpose, now: Double
    ) -> [DHTAction] {
        nextTransaction &+= 1
        while inflight[nextTransaction] != nil { nextTransaction &+= 1 }
        let transaction = nextTransaction
        let overdue = roundTrip.overdueInterval(floor: configuration.overdueFloor, ceiling: configuration.overdueCeiling)
        inflight[transaction] = InflightQuery(
            endpoint: endpoint, expectedID: id, purpose: purpose, sentAt: now, overdueAt: now + overdue,
            deadline: now + configuration.queryTimeout)
        let message = KRPCMessage.query(
            query, transactionID: Self.transactionBytes(transaction), readOnly: configuration.readOnly,
            clientVersion: configuration.clientVersion)
        statistics.queriesSent += 1
        return [.send(message.encoded(), to: endpoint)]
    }

    static func transactionBytes(_ transaction: UInt32) -> [UInt8] {
        [UInt8(transaction >> 24), UInt8(transaction >> 16 & 0xff), UInt8(transaction >> 8 & 0xff), UInt8(transaction & 0xff)]
    }

    static func transactionNumber(_ bytes: [UInt8]) -> UInt32? {
        guard bytes.count == 4 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The item these fields make, its signature checked once: an item identical in every field
    /// to one already checked is not checked again.
    mutating func verifiedItem(
        publicKey: [UInt8], salt: [UInt8], seq: Int64, value: BencodeValue, signature: [UInt8]
    ) throws(DHTItemError) -> MutableItem {
        let valueBytes = value.encoded()
        if let known = verifiedItems[signature], known.seq == seq, known.publicKey == publicKey, known.salt == salt,
            known.valueBytes == valueBytes
        {
            return known
        }
        let item = try MutableItem(publicKey: publicKey, salt: salt, seq: seq, valueBytes: valueBytes, signature: signature)
        if verifiedItems.count >= 4_096 { verifiedItems.removeAll(keepingCapacity: true) }
        verifiedItems[signature] = item
        return item
    }

    /// The result an operation refused at the start reports.
    func emptyResult(for operation: DHTOperation, now: Double) -> DHTOperationResult {
        let outcome: DHTOperationOutcome =
            switch operation {
            case .bootstrap, .findNode: .nodes([])
            case .getMutable: .item(nil, holders: [])
            case .putMutable: .stored(acknowledged: 0, required: configuration.requiredAcknowledgements, refusals: [])
            case .getPeers: .peers([])
            case .announce: .announced(acknowledged: 0)
            }
        return DHTOperationResult(
            outcome: outcome, queriesSent: 0, responses: 0, hopsToClosest: 0, startedAt: now, finishedAt: now)
    }
}

/// What a node has done, for its statistics line.
public struct DHTStatistics: Sendable, Equatable {
    /// Datagrams received.
    public var datagramsReceived = 0
    /// Datagrams that were not KRPC.
    public var malformed = 0
    /// Queries we sent.
    public var queriesSent = 0
    /// Queries we answered.
    public var queriesAnswered = 0
    /// Queries refused by the per-address limit.
    public var queriesRateLimited = 0
    /// Our queries that timed out.
    public var timeouts = 0
    /// Answers that matched no query of ours (late, spoofed or duplicated).
    public var unmatchedResponses = 0

    /// All zero.
    public init() {}
}

/// SplitMix64: a small, fast, seedable generator, so that the engine draws nothing from the system.
struct DHTRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
