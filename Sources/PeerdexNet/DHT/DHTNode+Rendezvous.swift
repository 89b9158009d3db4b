import PeerdexCore

// MARK: - Nodes for a rendezvous server to hand out

extension DHTNode {
    /// Nodes that answered this node lately, most recently heard from first, at most `limit`,
    /// never this node itself (see `RoutingTable.recentlyAnsweredNodes`). Throws
    /// `DHTNodeError.stopped` once the node has stopped.
    public func recentlyAnsweredNodes(limit: Int) async throws -> [DHTNodeInfo] {
        let ownID = localID
        return try await inspect { engine in
            engine.routing.recentlyAnsweredNodes(limit: limit, now: DHTDatagramHandler.now()).filter { $0.id != ownID }
        }
    }
}
