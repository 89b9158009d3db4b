/// The Kademlia routing table of a Mainline DHT node (BEP 5), as a state machine: the engine
/// reports responses, queries and failures with the time, and carries out the pings it returns.
///
/// **Buckets.** Bucket `i` holds nodes whose IDs share exactly `i` leading bits with ours
/// (0...159), up to `bucketSize` each, plus a replacement cache of candidates. This is BEP 5's
/// split-on-own-bucket tree with every split already made: the buckets far from us are the same,
/// and the ones near us are kept apart rather than merged into one bucket of k. They fill only as
/// far as the network is dense (about N / 2^(i+1) nodes exist for bucket i), so keeping them apart
/// costs little and lets us hold more of our own neighbourhood, which is where we store and serve
/// values. Refresh covers only the occupied depth (see `bucketsNeedingRefresh`).
///
/// **Admission.** Only a node that has answered one of our queries enters the table; a node that
/// only queried us becomes a candidate, pinged when there is room for it. A full bucket never
/// evicts a good node: a bad entry is replaced at once, a questionable one is pinged first (its
/// failures make it bad, then the best candidate takes its place). Nodes on public addresses must
/// carry BEP 42 IDs (`enforceBEP42`), and each /24 or /48 network is limited per bucket and per
/// table. One ID per endpoint and one endpoint per ID: a known ID at a new endpoint, or a new ID
/// at a known endpoint, displaces the existing entry only if that entry is bad, so an unproven
/// sender can neither redirect nor evict a live node.
///
/// The table accepts both address families; the engine keeps one table per family (BEP 32).
public struct RoutingTable: Sendable {
    /// Our own node ID.
    public let ownID: NodeID
    /// The table's parameters.
    public let settings: RoutingSettings
    /// The 160 buckets; bucket `i` holds IDs sharing `i` leading bits with `ownID`.
    public internal(set) var buckets: [RoutingBucket]
    /// Entries in the table, in every state.
    public internal(set) var count = 0
    /// The ID at each endpoint in the table.
    var idsByEndpoint: [DHTEndpoint: NodeID] = [:]
    /// Entries per network (diversity prefix), for addresses the limits apply to.
    var entriesByNetwork: [IPAddress: Int] = [:]

    /// An empty table for `ownID`.
    public init(ownID: NodeID, settings: RoutingSettings = RoutingSettings()) {
        self.ownID = ownID
        self.settings = settings
        buckets = Array(repeating: RoutingBucket(), count: NodeID.bitCount)
    }

    // MARK: - Reads

    /// The bucket an ID belongs in, or nil for our own ID.
    public func bucketIndex(for id: NodeID) -> Int? {
        let index = ownID.commonPrefixLength(with: id)
        return index < NodeID.bitCount ? index : nil
    }

    /// The entry with `id`, if the table holds it.
    public func node(id: NodeID) -> RoutingNode? {
        guard let bucket = bucketIndex(for: id), let index = buckets[bucket].index(of: id) else { return nil }
        return buckets[bucket].nodes[index]
    }

    /// The state at `now` of the entry with `id`, if the table holds it.
    public func state(of id: NodeID, now: Double) -> RoutingNodeState? {
        node(id: id)?.state(now: now, settings: settings)
    }

    /// How many entries are good at `now`.
    public func goodCount(now: Double) -> Int {
        buckets.reduce(0) { total, bucket in
            total + bucket.nodes.count(where: { $0.state(now: now, settings: settings) == .good })
        }
    }

    // MARK: - Events

    /// The node answered one of our queries: refreshes its entry, or admits it (which may ask to
    /// probe a questionable entry of its full bucket, leaving it a candidate meanwhile).
    public mutating func noteResponse(from info: DHTNodeInfo, now: Double) -> [RoutingAction] {
        if let refusal = refusalBeforeLookup(of: info) { return [.refused(info, refusal)] }
        guard let bucket = bucketIndex(for: info.id) else { return [.refused(info, .ownID)] }
        if let index = buckets[bucket].index(of: info.id), buckets[bucket].nodes[index].info.endpoint == info.endpoint {
            buckets[bucket].nodes[index].lastResponse = now
            buckets[bucket].nodes[index].failures = 0
            buckets[bucket].nodes[index].isVerified = true
            buckets[bucket].lastChanged = now
            // BEP 5: once a probed entry answers, the next questionable one is probed for the candidate.
            return buckets[bucket].candidates.isEmpty ? [] : maintain(bucket: bucket, now: now)
        }
        switch place(info, respondedAt: now, now: now) {
        case .refused(let refusal):
            return [.refused(info, refusal)]
        case .placed(let actions):
            return actions
        case .noRoom:
            buckets[bucket].remember(info, respondedAt: now, now: now, capacity: settings.replacementCacheSize)
            return maintain(bucket: bucket, now: now)
        }
    }

    /// The node sent us a query: refreshes a known entry's `lastQuery`; an unknown node becomes a
    /// candidate, and is pinged to verify it when its bucket has room or a bad entry.
    public mutating func noteQuery(from info: DHTNodeInfo, now: Double) -> [RoutingAction] {
        if let refusal = refusalBeforeLookup(of: info) { return [.refused(info, refusal)] }
        guard let bucket = bucketIndex(for: info.id) else { return [.refused(info, .ownID)] }
        if let index = buckets[bucket].index(of: info.id), buckets[bucket].nodes[index].info.endpoint == info.endpoint {
            buckets[bucket].nodes[index].lastQuery = now
            return []
        }
        if let refusal = refusalForCandidate(info, bucket: bucket) { return [.refused(info, refusal)] }
        let cached = buckets[bucket].remember(info, respondedAt: nil, now: now, capacity: settings.replacementCacheSize)
        if cached == nil {
            return hasVacancy(bucket: bucket) ? [.ping(info)] : []
        }
        return maintain(bucket: bucket, now: now)
    }

    /// A query to the node timed out: counts a failure against its entry (asking to ping it again
    /// while a candidate waits, and replacing it once bad), or forgets it as a candidate.
    public mutating func noteFailure(id: NodeID, endpoint: DHTEndpoint, now: Double) -> [RoutingAction] {
        guard let bucket = bucketIndex(for: id) else { return [] }
        if let index = buckets[bucket].index(of: id), buckets[bucket].nodes[index].info.endpoint == endpoint {
            buckets[bucket].nodes[index].failures += 1
            let node = buckets[bucket].nodes[index]
            switch node.state(now: now, settings: settings) {
            case .bad:
                return maintain(bucket: bucket, now: now)
            case .questionable where !buckets[bucket].candidates.isEmpty:
                buckets[bucket].nodes[index].lastPing = now
                return [.ping(node.info)]
            case .questionable, .good:
                return []
            }
        }
        let before = buckets[bucket].candidates.count
        buckets[bucket].candidates.removeAll { $0.info.id == id && $0.info.endpoint == endpoint }
        return buckets[bucket].candidates.count < before ? maintain(bucket: bucket, now: now) : []
    }

    /// Removes the entry (or candidate) with `id`; a candidate that has answered may take its place.
    @discardableResult
    public mutating func remove(id: NodeID, now: Double) -> [RoutingAction] {
        guard let bucket = bucketIndex(for: id) else { return [] }
        buckets[bucket].forgetCandidate(id: id)
        guard let index = buckets[bucket].index(of: id) else { return [] }
        removeEntry(bucket: bucket, index: index)
        return maintain(bucket: bucket, now: now)
    }
}
