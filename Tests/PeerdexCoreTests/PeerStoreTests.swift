import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// BEP 5 `announce_peer` / `get_peers` storage: bounded, expiring, one entry per endpoint.
@Suite struct PeerStoreTests {
    typealias F = DHTItemFixtures
    static let infoHash = NodeID(high: 0xAB, middle: 1, low: 2)

    static func endpoint(_ last: UInt8, port: UInt16 = 6881) -> DHTEndpoint {
        DHTEndpoint(ip: F.ipv4(last), port: port)
    }

    // MARK: - Announcing

    @Test func anAnnouncedPeerIsReturnedUntilItExpires() {
        var store = PeerStore()
        var random = SeededRandom(defaultSeed: 1)
        #expect(store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1), now: 0) == .added)
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1_799, using: &random) == [Self.endpoint(1)])
        #expect(store.hasPeers(for: Self.infoHash, now: 1_799))
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1_800, using: &random) == [])
        #expect(!store.hasPeers(for: Self.infoHash, now: 1_800))
        #expect(store.expire(now: 1_800) == 1)
        #expect(store.infoHashCount == 0)
        #expect(store.peerCount == 0)
    }

    @Test func reAnnouncingRefreshesTheOneEntryOfAnEndpoint() {
        var store = PeerStore()
        var random = SeededRandom(defaultSeed: 2)
        _ = store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1), now: 0)
        #expect(store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1), now: 1_000) == .refreshed)
        #expect(store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1, port: 6882), now: 1_000) == .added)
        #expect(store.peerCount == 2)
        #expect(store.expire(now: 2_000) == 0)
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 2_799, using: &random).count == 2)
        #expect(store.expire(now: 2_800) == 2)
    }

    @Test func portZeroIsRefused() {
        var store = PeerStore()
        #expect(store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1, port: 0), now: 0) == .refusedInvalidPort)
        #expect(store.peerCount == 0)
    }

    @Test func aFullInfoHashReplacesThePeerAnnouncedLongestAgo() {
        var store = PeerStore(configuration: .init(maximumPeersPerInfoHash: 3))
        var random = SeededRandom(defaultSeed: 3)
        for (index, last) in [UInt8(1), 2, 3].enumerated() {
            #expect(store.announce(infoHash: Self.infoHash, peer: Self.endpoint(last), now: Double(index)) == .added)
        }
        _ = store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1), now: 10)  // 2 is now the oldest
        #expect(
            store.announce(infoHash: Self.infoHash, peer: Self.endpoint(4), now: 11)
                == .addedReplacing(evicted: Self.endpoint(2)))
        #expect(
            store.announce(infoHash: Self.infoHash, peer: Self.endpoint(5), now: 12)
                == .addedReplacing(evicted: Self.endpoint(3)))
        #expect(
            Set(store.peers(for: Self.infoHash, ipv4: true, now: 12, using: &random))
                == [Self.endpoint(1), Self.endpoint(4), Self.endpoint(5)])
    }

    @Test func aFullTableRefusesNewInfoHashesUntilAWholeSwarmExpires() {
        var store = PeerStore(configuration: .init(maximumInfoHashes: 2))
        let hashes = (1...3).map { NodeID(high: 0, middle: 0, low: UInt32($0)) }
        #expect(store.announce(infoHash: hashes[0], peer: Self.endpoint(1), now: 0) == .added)
        #expect(store.announce(infoHash: hashes[1], peer: Self.endpoint(1), now: 100) == .added)
        #expect(store.announce(infoHash: hashes[2], peer: Self.endpoint(1), now: 200) == .refusedTableFull)
        // Existing swarms still take peers.
        #expect(store.announce(infoHash: hashes[0], peer: Self.endpoint(2), now: 300) == .added)
        // hashes[1]'s only peer expires at 1,900; hashes[0] lives on through its second peer.
        #expect(store.announce(infoHash: hashes[2], peer: Self.endpoint(1), now: 1_899) == .refusedTableFull)
        #expect(store.announce(infoHash: hashes[2], peer: Self.endpoint(1), now: 1_900) == .added)
        #expect(store.infoHashCount == 2)
        #expect(store.hasPeers(for: hashes[0], now: 1_900))
        #expect(!store.hasPeers(for: hashes[1], now: 1_900))
    }

    // MARK: - Replying

    @Test func repliesCarryOnlyTheAskersAddressFamily() {
        var store = PeerStore()
        var random = SeededRandom(defaultSeed: 4)
        let v6 = DHTEndpoint(ip: F.ipv6(net: 1, host: 1), port: 6881)
        _ = store.announce(infoHash: Self.infoHash, peer: Self.endpoint(1), now: 0)
        _ = store.announce(infoHash: Self.infoHash, peer: v6, now: 0)
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1, using: &random) == [Self.endpoint(1)])
        #expect(store.peers(for: Self.infoHash, ipv4: false, now: 1, using: &random) == [v6])
        #expect(store.peers(for: NodeID.zero, ipv4: true, now: 1, using: &random) == [])
    }

    @Test func aLargeSwarmGivesARandomSubsetCappedPerFamily() {
        var store = PeerStore()
        let v4 = (1...100).map { Self.endpoint(UInt8($0)) }
        let v6 = (1...100).map { DHTEndpoint(ip: F.ipv6(net: 7, host: UInt64($0)), port: 6881) }
        for peer in v4 + v6 { _ = store.announce(infoHash: Self.infoHash, peer: peer, now: 0) }
        var random = SeededRandom(defaultSeed: 5)
        let first = store.peers(for: Self.infoHash, ipv4: true, now: 1, using: &random)
        #expect(first.count == PeerStore.maximumIPv4PeersPerReply, "\(random)")
        #expect(Set(first).count == first.count && Set(first).isSubset(of: v4))
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1, limit: 500, using: &random).count == 50)
        #expect(store.peers(for: Self.infoHash, ipv4: false, now: 1, using: &random).count == 25)
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1, limit: 7, using: &random).count == 7)
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1, limit: 0, using: &random) == [])
        #expect(store.peers(for: Self.infoHash, ipv4: true, now: 1, limit: -3, using: &random) == [])
        // Different draws cover the swarm: every peer shows up within a few replies.
        var seen = Set<DHTEndpoint>()
        for _ in 0..<20 { seen.formUnion(store.peers(for: Self.infoHash, ipv4: true, now: 1, using: &random)) }
        #expect(seen.count == 100, "\(random)")
        // The same seed draws the same subset.
        var again = SeededRandom(defaultSeed: random.seed)
        var replay = SeededRandom(defaultSeed: random.seed)
        #expect(
            store.peers(for: Self.infoHash, ipv4: true, now: 1, using: &again)
                == store.peers(for: Self.infoHash, ipv4: true, now: 1, using: &replay))
    }

    /// The worst-case `get_peers` reply: a 16-byte transaction ID, `ip`, `v`, 8 IPv4 and 8 IPv6
    /// nodes, an 8-byte token and the most values of the asker's family.
    @Test(arguments: [true, false])
    func aFullReplyFitsOneDatagram(ipv4: Bool) {
        let count = ipv4 ? PeerStore.maximumIPv4PeersPerReply : PeerStore.maximumIPv6PeersPerReply
        let values = (0..<count).map { index in
            let ip = ipv4 ? F.ipv4(UInt8(index)) : F.ipv6(net: 1, host: UInt64(index))
            return BencodeValue.bytes(DHTEndpoint(ip: ip, port: 6881).compact)
        }
        let reply = BencodeValue.dictionary([
            "t": .bytes([UInt8](repeating: 1, count: 16)), "y": .string("r"), "v": .bytes([76, 84, 2, 8]),
            "ip": .bytes(DHTEndpoint(ip: ipv4 ? F.ipv4(9) : F.ipv6(net: 1, host: 9), port: 1).compact),
            "r": .dictionary([
                "id": .bytes([UInt8](repeating: 0, count: 20)), "nodes": .bytes([UInt8](repeating: 0, count: 8 * 26)),
                "nodes6": .bytes([UInt8](repeating: 0, count: 8 * 38)),
                "token": .bytes([UInt8](repeating: 0, count: 8)),
                "values": .list(values),
            ]),
        ])
        #expect(reply.encoded().count == (ipv4 ? 1_045 : 1_183))
        #expect(reply.encoded().count <= 1_232)
    }

    // MARK: - Hostile load

    @Test func aFloodOfAnnouncesStaysWithinTheBounds() {
        var store = PeerStore(configuration: .init(maximumPeersPerInfoHash: 10, maximumInfoHashes: 20))
        var random = SeededRandom(defaultSeed: 6)
        for step in 0..<5_000 {
            let infoHash = NodeID(high: 0, middle: 0, low: UInt32.random(in: 0..<50, using: &random))
            let peer = DHTEndpoint(
                ip: .v4(UInt32.random(in: 0...UInt32.max, using: &random)),
                port: UInt16.random(in: 1...UInt16.max, using: &random))
            _ = store.announce(infoHash: infoHash, peer: peer, now: Double(step))
            #expect(store.infoHashCount <= 20, "\(random)")
        }
        #expect(store.peerCount <= 200, "\(random)")
    }
}
