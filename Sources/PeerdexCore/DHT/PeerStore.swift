/// The peers this node holds for others (BEP 5): who announced themselves under which info-hash,
/// filled by `announce_peer` and read by `get_peers`.
///
/// Bounded everywhere, since any address on the internet can announce: `maximumInfoHashes`
/// info-hashes, `maximumPeersPerInfoHash` peers of each address family under each, one entry per
/// endpoint, and an entry forgotten `peerLifetime` seconds after its last announce (BEP 5 peers
/// re-announce every 30 minutes or so; libtorrent keeps them 30 minutes too).
///
/// When an info-hash is full, a new peer replaces the one announced longest ago (libtorrent drops
/// the newcomer instead, which lets one address announcing 100 of its ports lock a swarm). When the
/// table of info-hashes is full, a new info-hash is refused unless a whole swarm has expired
/// (as libtorrent), so that a flood of fresh info-hashes cannot push out the established ones.
public struct PeerStore: Sendable, Equatable {
    /// The limits.
    public struct Configuration: Sendable, Equatable {
        /// Most peers kept under one info-hash for each address family (as libtorrent), so that
        /// a crowd of one family cannot push out the other.
        public var maximumPeersPerInfoHash: Int
        /// Most info-hashes kept (libtorrent's `dht_max_torrents` default).
        public var maximumInfoHashes: Int
        /// Seconds a peer is kept after its last announce.
        public var peerLifetime: Double

        /// Limits from their parts.
        public init(maximumPeersPerInfoHash: Int = 100, maximumInfoHashes: Int = 2_000, peerLifetime: Double = 1_800) {
            self.maximumPeersPerInfoHash = max(maximumPeersPerInfoHash, 1)
            self.maximumInfoHashes = max(maximumInfoHashes, 1)
            self.peerLifetime = peerLifetime
        }

        /// 100 peers per info-hash, 2,000 info-hashes, 30 minutes.
        public static let `default` = Configuration()
    }

    /// Most IPv4 peers in one `get_peers` reply. A worst-case reply (a 16-byte transaction ID, `ip`,
    /// `v`, 8 IPv4 and 8 IPv6 nodes, an 8-byte token) is 645 bytes with an empty `values`; 50
    /// entries of 8 bytes bring it to 1,045, under the ~1,400 bytes a UDP datagram carries
    /// unfragmented on common paths, and under IPv6's 1,232 too (94 would still fit in 1,400).
    /// libtorrent sends up to 100.
    public static let maximumIPv4PeersPerReply = 50
    /// Most IPv6 peers in one reply: that reply is 658 bytes with an empty `values` (a longer
    /// `ip`), and 25 entries of 21 bytes bring it to 1,183, under 1,232 (the IPv6 minimum MTU less
    /// headers; 27 would fit). libtorrent sends a quarter of its IPv4 count.
    public static let maximumIPv6PeersPerReply = 25

    /// What an announce did.
    public enum AnnounceOutcome: Equatable, Sendable {
        /// A new peer is held.
        case added
        /// A new peer is held in place of `evicted`, the one announced longest ago.
        case addedReplacing(evicted: DHTEndpoint)
        /// The peer was held already; its lifetime starts again.
        case refreshed
        /// Not held: the table of info-hashes is full (the announce is still answered, as libtorrent).
        case refusedTableFull
        /// Not held: port 0 is nobody's listening port.
        case refusedInvalidPort
    }

    /// The limits in force.
    public let configuration: Configuration
    private var swarms: [NodeID: Swarm] = [:]

    /// An empty store.
    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    /// How many info-hashes have peers (some may have expired since the last `expire`).
    public var infoHashCount: Int { swarms.count }
    /// How many peers are held in all.
    public var peerCount: Int { swarms.values.reduce(0) { $0 + $1.peers.count } }

    // MARK: - Writes

    /// Holds `peer` under `infoHash` (an `announce_peer` whose token the engine has checked; the
    /// address is the packet's source address, the port the announced or implied one).
    public mutating func announce(infoHash: NodeID, peer: DHTEndpoint, now: Double) -> AnnounceOutcome {
        guard peer.port != 0 else { return .refusedInvalidPort }
        if var swarm = swarms[infoHash] {
            let outcome = swarm.announce(peer, now: now, limit: configuration.maximumPeersPerInfoHash)
            swarms[infoHash] = swarm
            return outcome
        }
        if swarms.count >= configuration.maximumInfoHashes, !dropOneExpiredSwarm(now: now) {
            return .refusedTableFull
        }
        swarms[infoHash] = Swarm(peers: [Peer(endpoint: peer, announcedAt: now)], lastAnnouncedAt: now)
        return .added
    }

    /// Forgets peers not announced for `peerLifetime` seconds, and info-hashes left without peers;
    /// returns how many peers went.
    @discardableResult
    public mutating func expire(now: Double) -> Int {
        var removed = 0
        swarms = swarms.compactMapValues { swarm in
            var swarm = swarm
            let before = swarm.peers.count
            swarm.peers.removeAll { !isLive($0.announcedAt, now: now) }
            removed += before - swarm.peers.count
            return swarm.peers.isEmpty ? nil : swarm
        }
        return removed
    }

    // MARK: - Reads

    /// Up to `limit` live peers of one address family under `infoHash`, picked at random (so that
    /// the load spreads over a large swarm), in the order they were first announced; `limit` is
    /// capped at `maximumIPv4PeersPerReply` or `maximumIPv6PeersPerReply`.
    public func peers(
        for infoHash: NodeID, ipv4: Bool, now: Double, limit: Int? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> [DHTEndpoint] {
        guard let swarm = swarms[infoHash] else { return [] }
        let cap = ipv4 ? Self.maximumIPv4PeersPerReply : Self.maximumIPv6PeersPerReply
        var wanted = min(max(limit ?? cap, 0), cap)
        var candidates = swarm.peers.reduce(0) { $0 + (isCandidate($1, ipv4: ipv4, now: now) ? 1 : 0) }
        var picked = [DHTEndpoint]()
        picked.reserveCapacity(min(wanted, candidates))
        // Selection sampling: each candidate is taken with probability wanted / candidates left.
        for peer in swarm.peers where wanted > 0 && isCandidate(peer, ipv4: ipv4, now: now) {
            if UInt64.random(in: 0..<UInt64(candidates), using: &generator) < UInt64(wanted) {
                picked.append(peer.endpoint)
                wanted -= 1
            }
            candidates -= 1
        }
        return picked
    }

    /// Whether any live peer is held under `infoHash`.
    public func hasPeers(for infoHash: NodeID, now: Double) -> Bool {
        swarms[infoHash]?.peers.contains { isLive($0.announcedAt, now: now) } ?? false
    }

    // MARK: - Internals

    private func isLive(_ announcedAt: Double, now: Double) -> Bool {
        now < announcedAt + configuration.peerLifetime
    }

    private func isCandidate(_ peer: Peer, ipv4: Bool, now: Double) -> Bool {
        peer.endpoint.ip.isIPv4 == ipv4 && isLive(peer.announcedAt, now: now)
    }

    /// Removes one info-hash none of whose peers is live (the first in ID order, so that the choice
    /// does not depend on hashing); false if every swarm is live.
    private mutating func dropOneExpiredSwarm(now: Double) -> Bool {
        var victim: NodeID?
        for (infoHash, swarm) in swarms where !isLive(swarm.lastAnnouncedAt, now: now) {
            if victim.map({ infoHash < $0 }) ?? true { victim = infoHash }
        }
        guard let victim else { return false }
        swarms[victim] = nil
        return true
    }

    private struct Peer: Sendable, Equatable {
        var endpoint: DHTEndpoint
        var announcedAt: Double
    }

    /// The peers under one info-hash, in the order they were first announced.
    private struct Swarm: Sendable, Equatable {
        var peers: [Peer]
        /// The newest `announcedAt` among `peers`: the swarm is dead once this has expired.
        var lastAnnouncedAt: Double

        mutating func announce(_ endpoint: DHTEndpoint, now: Double, limit: Int) -> AnnounceOutcome {
            lastAnnouncedAt = max(lastAnnouncedAt, now)
            if let index = peers.firstIndex(where: { $0.endpoint == endpoint }) {
                peers[index].announcedAt = now
                return .refreshed
            }
            let newcomer = Peer(endpoint: endpoint, announcedAt: now)
            let family = endpoint.ip.isIPv4
            var familyCount = 0
            var oldest: Int?  // oldest announce first; among equals the earliest in the list
            for index in peers.indices where peers[index].endpoint.ip.isIPv4 == family {
                familyCount += 1
                if oldest.map({ peers[index].announcedAt < peers[$0].announcedAt }) ?? true { oldest = index }
            }
            guard familyCount >= limit, let oldest else {
                peers.append(newcomer)
                return .added
            }
            let evicted = peers.remove(at: oldest).endpoint
            peers.append(newcomer)
            return .addedReplacing(evicted: evicted)
        }
    }
}
