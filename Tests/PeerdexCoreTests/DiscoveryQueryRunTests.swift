import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// A network query's fan-out on a virtual clock: answers, black holes, slow and busy peers.
@Suite struct DiscoveryQueryRunTests {
    let me = Fixtures.peerID(0)
    static let timeout = 2.0

    static func peer(_ seed: Int) -> DiscoveryPeer {
        DiscoveryPeer(peerID: Fixtures.peerID(seed), endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(4000 + seed)))
    }

    static func record(_ seed: Int, _ name: String, seq: Int64 = 1, interests: [String] = []) -> DiscoveredPeer {
        DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, interests: interests, location: "Oslo", seq: seq)
    }

    static func answer(_ results: [DiscoveredPeer]) -> DiscoveryQueryRun.Outcome {
        .answered(WirePeerQueryReply.Decoded(results: results, busy: false, referrals: [], rejected: 0))
    }

    static func busy(referring referrals: [DiscoveryPeer]) -> DiscoveryQueryRun.Outcome {
        .answered(WirePeerQueryReply.Decoded(results: [], busy: true, referrals: referrals, rejected: 0))
    }

    func run(_ text: String, peers: [DiscoveryPeer], blocked: Set<PeerID> = [], interests: [String] = [])
        -> DiscoveryQueryRun
    {
        DiscoveryQueryRun(
            query: DiscoveryQuery(text: text, interests: interests), ownID: me, selected: peers, blocked: blocked,
            requestTimeout: Self.timeout)
    }

    static func asked(_ actions: [DiscoveryQueryRun.Action]) -> [PeerID] {
        actions.compactMap { if case .ask(let peer, _) = $0 { peer.peerID } else { nil } }
    }

    static func finished(_ actions: [DiscoveryQueryRun.Action]) -> Bool { actions.contains(.finished) }

    @Test func everySelectedPeerIsAskedWithOneTimeoutFromNow() {
        let peers = [Self.peer(1), Self.peer(2), Self.peer(3)]
        var run = run("anna", peers: peers)
        let actions = run.start(now: 10)
        #expect(actions == peers.map { .ask($0, deadline: 12) })
        #expect(run.progress.asked == 3 && run.progress.pending == 3)
        #expect(run.nextDeadline == 12)
        #expect(run.start(now: 11).isEmpty)
    }

    @Test func resultsStreamAsTheyArriveAndTheQueryEndsWithTheLastAnswer() {
        let peers = [Self.peer(1), Self.peer(2), Self.peer(3)]
        var run = run("anna", peers: peers)
        _ = run.start(now: 0)
        let first = run.receive(Self.answer([Self.record(10, "Anna Berg")]), from: peers[0].peerID, now: 0.1)
        guard case .results(let change) = first.first else {
            Issue.record("no results action: \(first)")
            return
        }
        #expect(change.added == [Fixtures.peerID(10)])
        #expect(!Self.finished(first))
        _ = run.receive(Self.answer([Self.record(11, "Anna Cole")]), from: peers[1].peerID, now: 0.2)
        let last = run.receive(Self.answer([]), from: peers[2].peerID, now: 0.3)
        #expect(last == [.finished])
        #expect(run.isFinished)
        #expect(run.ranked.map(\.name) == ["Anna Berg", "Anna Cole"])
        #expect(run.progress.answered == 3 && run.progress.failed == 0)
    }

    @Test func aBlackHoledPeerCostsOneTimeoutAndItsLateAnswerIsIgnored() {
        let peers = [Self.peer(1), Self.peer(2), Self.peer(3)]
        var run = run("anna", peers: peers)
        _ = run.start(now: 100)
        _ = run.receive(Self.answer([Self.record(10, "Anna Berg")]), from: peers[0].peerID, now: 100.05)
        _ = run.receive(Self.answer([]), from: peers[1].peerID, now: 100.08)
        // Nothing from the third: not over before its deadline, over at it.
        #expect(run.expire(now: 101.999).isEmpty)
        #expect(!run.isFinished)
        #expect(run.nextDeadline == 102)
        #expect(run.expire(now: 102) == [.finished])
        #expect(run.progress.failed == 1 && run.progress.answered == 2)
        // Its answer, arriving later, changes nothing.
        #expect(run.receive(Self.answer([Self.record(12, "Anna Late")]), from: peers[2].peerID, now: 103).isEmpty)
        #expect(run.ranked.map(\.name) == ["Anna Berg"])
    }

    @Test func aSlowPeerWithinItsTimeoutStillCounts() {
        let peers = [Self.peer(1), Self.peer(2)]
        var run = run("anna", peers: peers)
        _ = run.start(now: 0)
        _ = run.receive(Self.answer([]), from: peers[0].peerID, now: 0.01)
        #expect(run.expire(now: 1.9).isEmpty)
        let actions = run.receive(Self.answer([Self.record(10, "Anna Slow")]), from: peers[1].peerID, now: 1.95)
        #expect(Self.finished(actions))
        #expect(run.ranked.map(\.name) == ["Anna Slow"])
    }

    @Test func failuresCountAndEndTheQuery() {
        let peers = [Self.peer(1), Self.peer(2)]
        var run = run("anna", peers: peers)
        _ = run.start(now: 0)
        #expect(run.receive(.failed, from: peers[0].peerID, now: 0.01).isEmpty)
        #expect(run.receive(.failed, from: peers[1].peerID, now: 0.02) == [.finished])
        #expect(run.progress.failed == 2)
        #expect(run.ranked.isEmpty)
    }

    @Test func noPeersFinishesAtOnce() {
        var run = run("anna", peers: [])
        #expect(run.start(now: 0) == [.finished])
        #expect(run.nextDeadline == nil)
    }

    @Test func aBusyPeersReferralsAreAskedWithDeadlinesOfTheirOwn() {
        let peers = [Self.peer(1), Self.peer(2)]
        let referred = [Self.peer(5), Self.peer(6), Self.peer(2)]  // peer 2 is already asked
        var run = run("anna", peers: peers)
        _ = run.start(now: 0)
        let actions = run.receive(Self.busy(referring: referred), from: peers[0].peerID, now: 1)
        #expect(actions == [.ask(Self.peer(5), deadline: 3), .ask(Self.peer(6), deadline: 3)])
        #expect(run.progress.busy == 1 && run.progress.asked == 4)
        _ = run.receive(Self.answer([]), from: peers[1].peerID, now: 1.1)
        // A referred peer answering busy brings no one further.
        #expect(run.receive(Self.busy(referring: [Self.peer(7)]), from: Self.peer(5).peerID, now: 1.2).isEmpty)
        #expect(run.expire(now: 2.9).isEmpty)
        #expect(run.expire(now: 3) == [.finished])
        #expect(run.progress == {
            var expected = DiscoveryQueryRun.Progress()
            expected.asked = 4
            expected.answered = 1
            expected.busy = 2
            expected.failed = 1
            return expected
        }())
    }

    @Test func blockedPeersAreNeitherAskedNorShown() {
        let peers = [Self.peer(1), Self.peer(2)]
        var run = run("anna", peers: peers, blocked: [Fixtures.peerID(2), Fixtures.peerID(10)])
        #expect(Self.asked(run.start(now: 0)) == [Fixtures.peerID(1)])
        _ = run.receive(
            Self.answer([Self.record(10, "Anna Blocked"), Self.record(11, "Anna Free")]), from: peers[0].peerID,
            now: 0.1)
        #expect(run.ranked.map(\.name) == ["Anna Free"])
    }

    @Test func theMinimumInterestScoreReallyFilters() {
        let peers = [Self.peer(1)]
        var run = run("", peers: peers, interests: ["jazz", "chess"])
        _ = run.start(now: 0)
        _ = run.receive(
            Self.answer([
                Self.record(10, "Both", interests: ["jazz", "chess"]),  // 1.0
                Self.record(11, "Half", interests: ["jazz", "go"]),  // 1/3
                Self.record(12, "Little", interests: ["jazz", "go", "tea", "art"]),  // 1/5 < 0.3
            ]), from: peers[0].peerID, now: 0.1)
        #expect(run.ranked.map(\.name) == ["Both", "Half"])
    }

    @Test func theHighestSeqWinsAcrossPeers() {
        let peers = [Self.peer(1), Self.peer(2)]
        var run = run("anna", peers: peers)
        _ = run.start(now: 0)
        _ = run.receive(Self.answer([Self.record(10, "Anna New", seq: 7)]), from: peers[0].peerID, now: 0.1)
        _ = run.receive(Self.answer([Self.record(10, "Anna Old", seq: 3)]), from: peers[1].peerID, now: 0.2)
        #expect(run.ranked.map(\.name) == ["Anna New"])
    }
}
