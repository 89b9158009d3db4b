// MARK: - Nodes to hand a newcomer

extension RoutingTable {
    /// Nodes that answered our queries lately, most recently heard from first, at most `limit`:
    /// the good entries, then the replacement-cache candidates that answered within
    /// `questionableAfter` (a full bucket keeps live nodes there too). What a rendezvous server
    /// hands out. Nodes that only queried us are left out: their source address is unproven, and
    /// handing it out would let a spoofed datagram aim newcomers at any address. Our own ID is
    /// never in the table, so never in the answer.
    public func recentlyAnsweredNodes(limit: Int, now: Double) -> [DHTNodeInfo] {
        guard limit > 0 else { return [] }
        let recent = now - settings.questionableAfter
        var found: [(info: DHTNodeInfo, lastSeen: Double)] = []
        for bucket in buckets where !bucket.nodes.isEmpty || !bucket.candidates.isEmpty {
            for node in bucket.nodes where node.state(now: now, settings: settings) == .good {
                found.append((node.info, node.lastSeen))
            }
            for candidate in bucket.candidates {
                guard let answered = candidate.lastResponse, answered > recent else { continue }
                found.append((candidate.info, candidate.lastSeen))
            }
        }
        found.sort { $0.lastSeen > $1.lastSeen }
        var ids = Set<NodeID>()
        var endpoints = Set<DHTEndpoint>()
        var nodes = [DHTNodeInfo]()
        nodes.reserveCapacity(min(limit, found.count))
        for (info, _) in found where nodes.count < limit && info.id != ownID {
            guard ids.insert(info.id).inserted, endpoints.insert(info.endpoint).inserted else { continue }
            nodes.append(info)
        }
        return nodes
    }
}
