extension DiscoveryCoordinator {
    // MARK: - Selection

    /// Picks up to `count` selectable peers for one query, spread over networks and key space.
    ///
    /// Each pick prefers, in this order: a network (/24 IPv4, /48 IPv6) no pick uses yet, then a
    /// key-space bucket (the top bits of the peer ID, enough bits for `count` buckets) no pick
    /// uses yet, then the lowest smoothed RTT; peers without an RTT come after measured ones, and
    /// `random` breaks the remaining ties. Two peers of one network are picked only when no other
    /// network is left.
    public func select(
        count: Int = 3,
        excluding excluded: Set<PeerID> = [],
        now: Double,
        random: inout some RandomNumberGenerator
    ) -> [DiscoveryPeer] {
        guard count > 0 else { return [] }
        // Random keys first, then the RTT order: equal RTTs (and unmeasured peers) fall in random order.
        var pool = [Candidate]()
        for peer in peers.values where !excluded.contains(peer.peerID) && isSelectable(peer.peerID, now: now) {
            let rtt = health[peer.peerID]?.smoothedRTT ?? Double.infinity
            pool.append(Candidate(peer: peer, rtt: rtt, tiebreak: random.next()))
        }
        pool.sort { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.tiebreak < $1.tiebreak }
        let bucketBits = Self.bucketBits(for: count)
        var networks = Set<IPAddress>()
        var buckets = Set<UInt8>()
        var picked = [DiscoveryPeer]()
        while picked.count < count, !pool.isEmpty {
            // The first peer (lowest RTT) among those that add the most diversity.
            var best = 0
            var bestRank = -1
            for (index, candidate) in pool.enumerated() {
                let newNetwork = !networks.contains(candidate.peer.endpoint.ip.diversityPrefix)
                let newBucket = !buckets.contains(Self.bucket(of: candidate.peer.peerID, bits: bucketBits))
                let rank = (newNetwork ? 2 : 0) + (newBucket ? 1 : 0)
                if rank > bestRank {
                    (best, bestRank) = (index, rank)
                    if rank == 3 { break }
                }
            }
            let chosen = pool.remove(at: best).peer
            networks.insert(chosen.endpoint.ip.diversityPrefix)
            buckets.insert(Self.bucket(of: chosen.peerID, bits: bucketBits))
            picked.append(chosen)
        }
        return picked
    }

    /// A selectable peer with its sort keys.
    private struct Candidate {
        var peer: DiscoveryPeer
        var rtt: Double
        var tiebreak: UInt64
    }

    /// Bits of key space needed for `count` distinct buckets: 1 for 2, 2 for 3 or 4, … at most 8.
    static func bucketBits(for count: Int) -> Int {
        var bits = 1
        while bits < 8, 1 << bits < count { bits += 1 }
        return bits
    }

    /// The key-space bucket of a peer: the top `bits` bits of its public key.
    static func bucket(of peerID: PeerID, bits: Int) -> UInt8 {
        (peerID.publicKey.first ?? 0) >> (8 - bits)
    }
}
