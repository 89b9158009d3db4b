/// Upkeep the engine runs on a timer (refreshing buckets, pinging questionable nodes) and the
/// table's persistence.
extension RoutingTable {
    // MARK: - Refresh

    /// The buckets to refresh at `now`: those unchanged for `refreshInterval`, from bucket 0 to
    /// one past the deepest occupied bucket. Deeper buckets are empty because the network has
    /// (almost) no nodes that close to us; the lookup refreshing the first of them reaches them all.
    public func bucketsNeedingRefresh(now: Double) -> [Int] {
        let deepestOccupied = buckets.lastIndex { !$0.nodes.isEmpty } ?? -1
        let last = min(deepestOccupied + 1, NodeID.bitCount - 1)
        return (0...last).filter { now - buckets[$0].lastChanged >= settings.refreshInterval }
    }

    /// A lookup target in `bucket`'s range: our first `bucket` bits, the next one flipped, the rest
    /// from `random`.
    public func refreshTarget(forBucket bucket: Int, random: NodeID) -> NodeID {
        let index = min(max(bucket, 0), NodeID.bitCount - 1)
        let kept = ownID.randomized(after: index + 1, with: random)
        return kept.distance(to: Self.singleBit(index))
    }

    /// Marks `bucket` as refreshed at `now` (the engine started its refresh lookup), so that it is
    /// not asked for again within `refreshInterval` even if the lookup finds nobody new.
    public mutating func noteRefreshStarted(bucket: Int, now: Double) {
        guard buckets.indices.contains(bucket) else { return }
        buckets[bucket].lastChanged = now
    }

    /// The ID with only bit `index` (0 = most significant) set.
    private static func singleBit(_ index: Int) -> NodeID {
        switch index {
        case 0..<64: NodeID(high: 1 << UInt64(63 - index), middle: 0, low: 0)
        case 64..<128: NodeID(high: 0, middle: 1 << UInt64(127 - index), low: 0)
        default: NodeID(high: 0, middle: 0, low: 1 << UInt32(159 - index))
        }
    }

    // MARK: - Pings

    /// Up to `pingsPerCall` questionable entries to ping at `now`, least recently seen first,
    /// skipping those pinged within `pingInterval`; each is marked as pinged.
    public mutating func nodesToPing(now: Double) -> [DHTNodeInfo] {
        guard settings.pingsPerCall > 0 else { return [] }
        var due: [(lastSeen: Double, bucket: Int, index: Int)] = []
        for (bucket, entries) in buckets.enumerated() {
            for (index, node) in entries.nodes.enumerated()
            where node.state(now: now, settings: settings) == .questionable {
                if let pinged = node.lastPing, now - pinged < settings.pingInterval { continue }
                due.append((node.lastSeen, bucket, index))
            }
        }
        due.sort { $0.lastSeen < $1.lastSeen }
        return due.prefix(settings.pingsPerCall).map { entry in
            buckets[entry.bucket].nodes[entry.index].lastPing = now
            return buckets[entry.bucket].nodes[entry.index].info
        }
    }

    // MARK: - Persistence

    /// Every entry, bad ones included (they may only have suffered our own outage), longest-lived
    /// first, so that a store keeping only some keeps the most stable.
    public var allNodes: [RoutingNodeRecord] {
        buckets.flatMap { $0.nodes.map(\.record) }.sorted { $0.firstSeen < $1.firstSeen }
    }

    /// Adds saved entries, longest-lived first, through the same checks as any node; they start
    /// questionable and become good only by answering again. Entries beyond a bucket's capacity
    /// are dropped. Returns how many entered.
    @discardableResult
    public mutating func restore(_ records: [RoutingNodeRecord]) -> Int {
        var restored = 0
        for record in records.sorted(by: { $0.firstSeen < $1.firstSeen }) {
            let info = record.info
            guard refusalBeforeLookup(of: info) == nil, let bucket = bucketIndex(for: info.id),
                buckets[bucket].nodes.count < settings.bucketSize, node(id: info.id) == nil,
                idsByEndpoint[info.endpoint] == nil,
                networkRefusal(for: info.endpoint.ip, bucket: bucket, leaving: []) == nil
            else { continue }
            appendEntry(RoutingNode(restoring: record), bucket: bucket)
            restored += 1
        }
        return restored
    }

    /// A table for `ownID` holding `records` (see `restore(_:)`).
    public init(ownID: NodeID, settings: RoutingSettings = RoutingSettings(), restoring records: [RoutingNodeRecord]) {
        self.init(ownID: ownID, settings: settings)
        restore(records)
    }
}
