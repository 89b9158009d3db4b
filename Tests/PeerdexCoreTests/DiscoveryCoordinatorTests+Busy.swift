import PeerdexTestSupport
import Testing

@testable import PeerdexCore

extension DiscoveryCoordinatorTests {
    // MARK: - Busy answers

    @Test(arguments: [
        (Float(0), false), (0.5, false), (0.9, false), (0.9001, true), (1, true), (Float.nan, true),
    ])
    func aPeerAnswersBusyOnlyAboveNinetyPercent(load: Float, busy: Bool) {
        #expect(BusyPolicy().shouldAnswerBusy(load: load) == busy)
    }

    @Test func referralsAreTheSelectionWithoutTheRequester() {
        let peers = (1...6).map { Self.peer($0, ip: "198.51.\($0).1") }
        var coordinator = coordinator(peers, rtts: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06])
        coordinator.recordLoad(of: peers[1].peerID, load: 0.85, now: 0)
        var random = SeededRandom(defaultSeed: 21)
        let referrals = BusyPolicy().referrals(for: peers[0].peerID, from: coordinator, now: 0, random: &random)
        #expect(referrals.count == BusyPolicy.defaultMaximumReferrals)
        #expect(!referrals.contains(peers[0]) && !referrals.contains(peers[1]))
        let one = BusyPolicy(maximumReferrals: 1).referrals(for: me, from: coordinator, now: 0, random: &random)
        #expect(one == [peers[0]])
    }

    // MARK: - Following referrals

    @Test func referralsFromASelectedPeerAreFollowedBoundedAndWithoutDuplicates() {
        let selected = (1...3).map { Self.peer($0, ip: "198.51.\($0).1") }
        var candidates = DiscoveryCandidates(
            selected: selected, ownID: me, excluding: [Fixtures.peerID(9)], maximumCandidates: 8)
        let referrals = [
            selected[1],  // already asked
            DiscoveryPeer(peerID: me, endpoint: selected[0].endpoint),  // ourselves
            Self.peer(9, ip: "203.0.113.9"),  // excluded (blocked)
            Self.peer(4, ip: "203.0.113.4"), Self.peer(4, ip: "203.0.113.4"),  // listed twice
            Self.peer(5, ip: "203.0.113.5"), Self.peer(6, ip: "203.0.113.6"), Self.peer(7, ip: "203.0.113.7"),
        ]
        let added = candidates.follow(referrals: referrals, from: selected[0].peerID)
        #expect(added.map(\.peerID) == [4, 5, 6].map(Fixtures.peerID))
        #expect(candidates.candidates.count == 6)
        #expect(candidates.follow(referrals: [Self.peer(8, ip: "203.0.113.8")], from: selected[0].peerID).isEmpty)
    }

    @Test func referralsAreFollowedOneHopDeepOnly() {
        let selected = [Self.peer(1, ip: "198.51.1.1")]
        var candidates = DiscoveryCandidates(selected: selected, ownID: me)
        let hop = candidates.follow(referrals: [Self.peer(2, ip: "198.51.2.1")], from: selected[0].peerID)
        #expect(hop.count == 1)
        // The referred peer is busy too: its referrals would be a second hop.
        #expect(candidates.follow(referrals: [Self.peer(3, ip: "198.51.3.1")], from: Fixtures.peerID(2)).isEmpty)
        // A stranger's referrals are not followed either.
        #expect(candidates.follow(referrals: [Self.peer(3, ip: "198.51.3.1")], from: Fixtures.peerID(77)).isEmpty)
        #expect(candidates.candidates.map(\.peerID) == [Fixtures.peerID(1), Fixtures.peerID(2)])
    }

    @Test func theCandidateListIsBoundedHoweverLongTheReferralLists() {
        let selected = (1...3).map { Self.peer($0, ip: "198.51.\($0).1") }
        var candidates = DiscoveryCandidates(selected: selected + [selected[0]], ownID: me, maximumCandidates: 5)
        #expect(candidates.candidates == selected)
        let flood = (100..<10_100).map { Self.peer($0, ip: "203.0.113.1") }
        #expect(candidates.follow(referrals: flood, from: selected[0].peerID).count == 2)
        #expect(candidates.follow(referrals: flood, from: selected[1].peerID).isEmpty)
        #expect(candidates.candidates.count == 5)

        // Entries past the first 16 are not read: a list of junk then good peers yields nothing.
        var fresh = DiscoveryCandidates(selected: selected, ownID: me)
        let junk = [DiscoveryPeer](repeating: selected[2], count: DiscoveryCandidates.maximumReferralsRead)
        #expect(fresh.follow(referrals: junk + [Self.peer(50, ip: "203.0.113.5")], from: selected[0].peerID).isEmpty)
    }
}
