/// The closest nodes to a target: the start of every lookup and the body of every find_node or
/// get reply, so it touches only the buckets it must.
extension RoutingTable {
    /// The `count` non-bad entries closest to `target` by XOR distance, closest first.
    ///
    /// Purely by distance: a questionable node closer to the target comes before a good one
    /// farther away, since a lookup asks several nodes at once and a silent one costs only a
    /// timeout, while skipping it could skip the closest nodes there are.
    ///
    /// With `c` the prefix `target` shares with our ID, the buckets fall into bands that never
    /// overlap in distance: bucket `c` (sharing more than `c` bits with the target), then all of
    /// the deeper buckets together (sharing exactly `c`), then buckets `c - 1`, `c - 2`, ... 0,
    /// each farther than the one before. So the search stops at the first band that fills the
    /// answer, and sorts only what it keeps.
    public func closest(to target: NodeID, count: Int) -> [DHTNodeInfo] {
        guard count > 0 else { return [] }
        var result: [DHTNodeInfo] = []
        result.reserveCapacity(count)
        let shared = ownID.commonPrefixLength(with: target)
        if shared < NodeID.bitCount {
            collect(bucket: shared, toward: target, into: &result, limit: count)
            if result.count >= count { return result }
            for deeper in (shared + 1)..<NodeID.bitCount {
                collect(bucket: deeper, toward: target, into: &result, limit: count)
            }
        }
        var farther = shared - 1
        while farther >= 0 && result.count < count {
            collect(bucket: farther, toward: target, into: &result, limit: count)
            farther -= 1
        }
        return result
    }

    /// Inserts the non-bad entries of `bucket` into `result` (kept sorted by distance to
    /// `target` and at most `limit` long).
    private func collect(bucket: Int, toward target: NodeID, into result: inout [DHTNodeInfo], limit: Int) {
        for node in buckets[bucket].nodes where !isBad(node) {
            let distance = node.id.distance(to: target)
            if result.count == limit {
                guard let last = result.last, distance < last.id.distance(to: target) else { continue }
                result.removeLast()
            }
            var low = 0
            var high = result.count
            while low < high {
                let middle = (low + high) / 2
                if result[middle].id.distance(to: target) < distance { low = middle + 1 } else { high = middle }
            }
            result.insert(node.info, at: low)
        }
    }
}
