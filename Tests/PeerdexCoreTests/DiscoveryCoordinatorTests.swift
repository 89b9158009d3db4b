import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct DiscoveryCoordinatorTests {
    let me = Fixtures.peerID(0)

    /// A peer at `ip`:4000 whose public key starts with `firstByte` (for key-space tests) or is seeded.
    static func peer(_ seed: Int, ip: String, firstByte: UInt8? = nil) -> DiscoveryPeer {
        var key = Fixtures.peerID(seed).publicKey
        if let firstByte { key[0] = firstByte }
        let endpoint = DHTEndpoint(ip: IPAddress(parsing: ip)!, port: 4000)
        return DiscoveryPeer(peerID: try! PeerID(publicKey: key), endpoint: endpoint)
    }

    func coordinator(_ peers: [DiscoveryPeer], rtts: [Double?] = []) -> DiscoveryCoordinator {
        var coordinator = DiscoveryCoordinator(ownID: me)
        for (index, peer) in peers.enumerated() {
            coordinator.add(peer)
            if index < rtts.count, let rtt = rtts[index] {
                coordinator.recordSuccess(of: peer.peerID, rtt: rtt, now: 0)
            }
        }
        return coordinator
    }

    // MARK: - Health

    @Test func aPeerIsUnhealthyAfterFiveFailuresInARowAndRecoversOnASuccess() {
        let peer = Self.peer(1, ip: "198.51.100.1")
        var coordinator = coordinator([peer])
        #expect(coordinator.isHealthy(peer.peerID))
        for _ in 0..<4 { coordinator.recordFailure(of: peer.peerID, now: 1) }
        #expect(coordinator.isHealthy(peer.peerID))
        coordinator.recordFailure(of: peer.peerID, now: 2)
        #expect(!coordinator.isHealthy(peer.peerID))
        coordinator.recordSuccess(of: peer.peerID, rtt: 0.05, now: 3)
        #expect(coordinator.isHealthy(peer.peerID))
        #expect(coordinator.health[peer.peerID]?.consecutiveFailures == 0)
    }

    @Test func successesBetweenFailuresResetTheCount() {
        let peer = Self.peer(1, ip: "198.51.100.1")
        var coordinator = coordinator([peer])
        for _ in 0..<4 { coordinator.recordFailure(of: peer.peerID, now: 1) }
        coordinator.recordSuccess(of: peer.peerID, rtt: 0.05, now: 2)
        for _ in 0..<4 { coordinator.recordFailure(of: peer.peerID, now: 3) }
        #expect(coordinator.isHealthy(peer.peerID))
    }

    @Test func rttIsSmoothedAsTCPSmoothsIt() throws {
        let peer = Self.peer(1, ip: "198.51.100.1")
        var coordinator = coordinator([peer])
        let expected = [0.100, 0.1125, 0.1609375, 0.1408203125]  // srtt = 7/8 srtt + 1/8 sample
        for (sample, value) in zip([0.1, 0.2, 0.5, 0.0], expected) {
            coordinator.recordSuccess(of: peer.peerID, rtt: sample, now: 0)
            let srtt = try #require(coordinator.health[peer.peerID]?.smoothedRTT)
            #expect(abs(srtt - value) < 1e-12)
        }
        coordinator.recordSuccess(of: peer.peerID, rtt: .nan, now: 0)
        coordinator.recordSuccess(of: peer.peerID, rtt: -1, now: 0)
        let srtt = try #require(coordinator.health[peer.peerID]?.smoothedRTT)
        #expect(abs(srtt - 0.1408203125) < 1e-12)
    }

    @Test func loadIsClampedAndNaNReadsAsFull() {
        let peer = Self.peer(1, ip: "198.51.100.1")
        var coordinator = coordinator([peer])
        coordinator.recordLoad(of: peer.peerID, load: 7, now: 0)
        #expect(coordinator.currentLoad(of: peer.peerID, now: 0) == 1)
        coordinator.recordLoad(of: peer.peerID, load: -3, now: 0)
        #expect(coordinator.currentLoad(of: peer.peerID, now: 0) == 0)
        coordinator.recordLoad(of: peer.peerID, load: .nan, now: 0)
        #expect(coordinator.currentLoad(of: peer.peerID, now: 0) == 1)
    }

    @Test func neverOurselvesAndTheTableIsBounded() {
        var configuration = DiscoveryCoordinator.Configuration()
        configuration.maximumPeers = 3
        var coordinator = DiscoveryCoordinator(ownID: me, configuration: configuration)
        let addedSelf = coordinator.add(DiscoveryPeer(peerID: me, endpoint: Self.peer(1, ip: "10.0.0.1").endpoint))
        #expect(!addedSelf)
        let addedThree = (1...3).map { coordinator.add(Self.peer($0, ip: "10.0.0.\($0)")) }
        #expect(addedThree == [true, true, true])
        let addedFourth = coordinator.add(Self.peer(4, ip: "10.0.0.4"))
        #expect(!addedFourth)
        let moved = coordinator.add(Self.peer(1, ip: "10.0.0.9"))  // a known peer moves
        #expect(moved)
        #expect(coordinator.peers[Fixtures.peerID(1)]?.endpoint.ip == IPAddress(parsing: "10.0.0.9"))
    }

    @Test func peersAreDueAPingWhenNeverAskedOrAfterTheIntervalUnhealthyOnesIncluded() {
        let fresh = Self.peer(1, ip: "10.0.0.1")
        let asked = Self.peer(2, ip: "10.0.0.2")
        let failing = Self.peer(3, ip: "10.0.0.3")
        var coordinator = coordinator([fresh, asked, failing])
        coordinator.recordSuccess(of: asked.peerID, rtt: 0.1, now: 100)
        for _ in 0..<5 { coordinator.recordFailure(of: failing.peerID, now: 100) }
        #expect(Set(coordinator.peersToPing(now: 159)) == [fresh])
        #expect(Set(coordinator.peersToPing(now: 160)) == [fresh, asked, failing])
    }

    // MARK: - Selection

    @Test func selectionSkipsUnhealthyAndLoadedPeers() {
        let peers = (1...5).map { Self.peer($0, ip: "198.51.\($0).1") }
        var coordinator = coordinator(peers, rtts: [0.01, 0.02, 0.03, 0.04, 0.05])
        for _ in 0..<5 { coordinator.recordFailure(of: peers[0].peerID, now: 0) }
        coordinator.recordLoad(of: peers[1].peerID, load: 0.8, now: 0)
        coordinator.recordLoad(of: peers[2].peerID, load: 0.79, now: 0)
        var random = SeededRandom(defaultSeed: 11)
        let picked = coordinator.select(count: 3, now: 10, random: &random)
        #expect(Set(picked) == [peers[2], peers[3], peers[4]], "\(random)")
    }

    @Test func aStaleLoadReadingExpires() {
        let peers = [Self.peer(1, ip: "198.51.100.1")]
        var coordinator = coordinator(peers, rtts: [0.01])
        coordinator.recordLoad(of: peers[0].peerID, load: 0.95, now: 0)
        var random = SeededRandom(defaultSeed: 12)
        #expect(coordinator.select(now: 300, random: &random).isEmpty)
        #expect(coordinator.select(now: 301, random: &random) == peers)
    }

    @Test(arguments: 0..<8)
    func selectionAvoidsTwoPeersOfOneNetwork(seed: UInt64) {
        let crowded = (1...4).map { Self.peer($0, ip: "203.0.113.\($0)") }
        let others = [Self.peer(5, ip: "198.51.100.7"), Self.peer(6, ip: "2001:db8:1:2::7")]
        // The crowded network is the fastest: diversity must win over RTT.
        let coordinator = coordinator(crowded + others, rtts: [0.01, 0.01, 0.02, 0.03, 0.4, 0.5])
        var random = SeededRandom(defaultSeed: seed)
        let picked = coordinator.select(count: 3, now: 0, random: &random)
        #expect(picked.count == 3)
        #expect(Set(others).isSubset(of: Set(picked)), "\(random)")
        #expect(picked.filter { crowded.contains($0) }.count == 1)
        #expect(picked.first.map(crowded.contains) == true, "the fastest peer goes first")
    }

    @Test func anIPv6NetworkIsItsSlash48() {
        let peers = [
            Self.peer(1, ip: "2001:db8:1:1::1"), Self.peer(2, ip: "2001:db8:1:2::1"), Self.peer(3, ip: "2001:db8:2::1"),
        ]
        let coordinator = coordinator(peers, rtts: [0.01, 0.02, 0.5])
        var random = SeededRandom(defaultSeed: 13)
        #expect(coordinator.select(count: 2, now: 0, random: &random) == [peers[0], peers[2]])
    }

    @Test func selectionSpreadsOverKeySpaceThenPrefersLowRTT() {
        // Five networks; three peers in the first quarter of key space are the fastest.
        let peers = [
            Self.peer(1, ip: "10.1.0.1", firstByte: 0x01), Self.peer(2, ip: "10.2.0.1", firstByte: 0x02),
            Self.peer(3, ip: "10.3.0.1", firstByte: 0x03), Self.peer(4, ip: "10.4.0.1", firstByte: 0x41),
            Self.peer(5, ip: "10.5.0.1", firstByte: 0x81), Self.peer(6, ip: "10.6.0.1", firstByte: 0x82),
        ]
        let coordinator = coordinator(peers, rtts: [0.01, 0.02, 0.03, 0.3, 0.4, 0.2])
        var random = SeededRandom(defaultSeed: 14)
        #expect(coordinator.select(count: 3, now: 0, random: &random) == [peers[0], peers[5], peers[3]])
    }

    @Test func measuredPeersComeBeforeUnmeasuredOnes() {
        let peers = (1...4).map { Self.peer($0, ip: "198.51.\($0).1", firstByte: UInt8($0) << 6) }
        let coordinator = coordinator(peers, rtts: [nil, 0.9, nil, 0.1])
        var random = SeededRandom(defaultSeed: 15)
        let picked = coordinator.select(count: 3, now: 0, random: &random)
        #expect(Array(picked.prefix(2)) == [peers[3], peers[1]])
    }

    @Test func selectionHonoursCountAndExclusions() {
        let peers = (1...6).map { Self.peer($0, ip: "198.51.\($0).1") }
        let coordinator = coordinator(peers)
        var random = SeededRandom(defaultSeed: 16)
        #expect(coordinator.select(count: 0, now: 0, random: &random).isEmpty)
        #expect(coordinator.select(count: 10, now: 0, random: &random).count == 6)
        let picked = coordinator.select(count: 10, excluding: [peers[0].peerID], now: 0, random: &random)
        #expect(!picked.contains(peers[0]) && picked.count == 5)
    }
}
