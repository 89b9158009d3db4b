import PeerdexCore
import PeerdexNet

// MARK: - Replication peers

/// The discovery peers that `ReplicatingResponder` replicates popular queries to and hears
/// replications from: the ones this service knows (issue 11, item 6).
extension DiscoveryService: ReplicationPeers {
    /// Whether `peer` is a discovery peer we know, healthy or not.
    public func isDiscoveryPeer(_ peer: PeerID) async -> Bool {
        coordinator.peers[peer] != nil
    }

    /// The coordinator's pick of healthy, unloaded discovery peers, none of `excluded`.
    public func replicationTargets(count: Int, excluding excluded: Set<PeerID>) async -> [DiscoveryPeer] {
        var random = SystemRandomNumberGenerator()
        return coordinator.select(count: count, excluding: excluded, now: now, random: &random)
    }

    /// Sends `message` over our node to `peer`; whether it acknowledged.
    public nonisolated func send(
        _ message: WireReplicatedResults, to peer: DiscoveryPeer, timeout: Duration
    ) async -> Bool {
        await node.replicate(message, to: peer, timeout: timeout)
    }
}
