import PeerdexCore

// MARK: - Joining: the converged fast path and the real bootstrap

extension DHTSimulator {
    /// Fills every live node's routing table from global knowledge, as a converged network would
    /// have it: for each bucket, up to k live nodes from that bucket's range (all of them when
    /// there are no more, a random k otherwise), entered as nodes that have just answered, with
    /// every bucket freshly refreshed. No datagram is sent, so a 10,000-node network is ready in
    /// seconds rather than after a long bootstrap. Meant for a network whose tables are empty.
    public func convergeTables() {
        let sorted = liveNodes.map { (id: infos[$0].id, node: $0) }.sorted { $0.id < $1.id }
        let ids = sorted.map(\.id)
        let k = configuration.k
        for node in liveNodes {
            let own = infos[node].id
            for bucket in 0..<NodeID.bitCount {
                // Bucket `bucket` holds the IDs sharing exactly `bucket` leading bits with ours: those
                // under our first `bucket` bits followed by the flipped next bit, a contiguous range.
                let range = Self.range(of: ids, sharingPrefix: bucket + 1, with: own.flipping(bit: bucket))
                for index in Self.sample(range, count: k, using: &random) {
                    engines[node]!.admitRespondingNode(infos[sorted[index].node], now: now)
                }
                // Nobody else shares `bucket + 1` bits with us: every deeper bucket is empty.
                if Self.range(of: ids, sharingPrefix: bucket + 1, with: own).count <= 1 { break }
            }
            engines[node]!.markBucketsRefreshed(now: now)
        }
    }

    /// Joins each of `nodes` in turn through the real protocol: a `.bootstrap` operation to
    /// `contacts` random live nodes that are already in the network (those not in `nodes`, and
    /// those of `nodes` that joined before). The first node of an empty network has nobody to ask
    /// and is skipped. Returns the bootstrap results of the others.
    @discardableResult
    public func bootstrap(_ nodes: [Node], contacts: Int = 3) throws(SimulationError) -> [DHTOperationResult] {
        let joining = Set(nodes)
        var joined = liveNodes.filter { !joining.contains($0) }
        var results = [DHTOperationResult]()
        for node in nodes {
            defer { joined.append(node) }
            guard !joined.isEmpty else { continue }
            var pool = joined
            var seeds = [DHTEndpoint]()
            for index in 0..<min(contacts, pool.count) {
                pool.swapAt(index, index + random.below(pool.count - index))
                seeds.append(infos[pool[index]].endpoint)
            }
            results.append(try run(.bootstrap(seeds), from: node))
        }
        return results
    }

    // MARK: - Global knowledge

    /// The `count` live nodes closest to `target` (by XOR distance), closest first, none of
    /// `excluding`: the truth a lookup is judged against.
    public func closestLiveNodes(to target: NodeID, count: Int, excluding: Set<Node> = []) -> [Node] {
        guard count > 0 else { return [] }
        var closest = [(distance: NodeID, node: Node)]()
        closest.reserveCapacity(count + 1)
        for node in engines.indices where engines[node] != nil && !excluding.contains(node) {
            let distance = infos[node].id.distance(to: target)
            if closest.count == count, let last = closest.last, !(distance < last.distance) { continue }
            let position = closest.firstIndex { distance < $0.distance } ?? closest.count
            closest.insert((distance, node), at: position)
            if closest.count > count { closest.removeLast() }
        }
        return closest.map(\.node)
    }

    /// The node at `endpoint`, if one was ever added there.
    public func node(at endpoint: DHTEndpoint) -> Node? {
        VirtualNetwork.node(at: endpoint).flatMap { $0 < infos.count ? $0 : nil }
    }

    /// The live nodes holding an unexpired item under `target`, closest to it first.
    public func holders(of target: NodeID) -> [Node] {
        liveNodes.filter { engines[$0]!.items.get(target: target, now: now) != nil }
            .sorted { infos[$0].id.distance(to: target) < infos[$1].id.distance(to: target) }
    }

    // MARK: - Support

    /// The positions in sorted `ids` of the IDs whose first `length` bits are `prefix`'s.
    static func range(of ids: [NodeID], sharingPrefix length: Int, with prefix: NodeID) -> Range<Int> {
        let lowest = prefix.randomized(after: length, with: .zero)
        let highest = prefix.randomized(after: length, with: NodeID(high: .max, middle: .max, low: .max))
        return firstIndex(in: ids, notBelow: lowest)..<firstIndex(in: ids, above: highest)
    }

    private static func firstIndex(in ids: [NodeID], notBelow bound: NodeID) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func firstIndex(in ids: [NodeID], above bound: NodeID) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if bound < ids[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// All of `range` if it holds at most `count`, else `count` distinct members at random.
    static func sample(_ range: Range<Int>, count: Int, using random: inout SimulationRandom) -> [Int] {
        guard range.count > count else { return Array(range) }
        var chosen = [Int]()
        chosen.reserveCapacity(count)
        while chosen.count < count {
            let index = range.lowerBound + random.below(range.count)
            if !chosen.contains(index) { chosen.append(index) }
        }
        return chosen
    }
}

extension NodeID {
    /// This ID with bit `bit` (0 = most significant) inverted.
    func flipping(bit: Int) -> NodeID {
        switch bit {
        case 0..<64: NodeID(high: high ^ (1 << UInt64(63 - bit)), middle: middle, low: low)
        case 64..<128: NodeID(high: high, middle: middle ^ (1 << UInt64(127 - bit)), low: low)
        default: NodeID(high: high, middle: middle, low: low ^ (1 << UInt32(159 - bit)))
        }
    }
}
