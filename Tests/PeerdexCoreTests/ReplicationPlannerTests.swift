import PeerdexCore
import PeerdexTestSupport
import Testing

/// When an answering node replicates a popular query, on a virtual clock: distinct askers, the
/// window, once per resend interval, the global budget, the bounds and the targets.
@Suite struct ReplicationPlannerTests {
    static let jazz = QueryCacheKey(text: "jazz lyon")
    static let settings = ReplicationPlanner.Settings(
        popularityThreshold: 3, popularityWindow: 300, resendInterval: 300)

    /// Asks from peers `seeds` at `now`; the verdicts in order.
    static func ask(
        _ planner: inout ReplicationPlanner, _ key: QueryCacheKey = jazz, from seeds: some Sequence<Int>, at now: Double
    ) -> [Bool] {
        seeds.map { planner.recordAsk(key, from: Fixtures.peerID($0), now: now) }
    }

    @Test func theThresholdthAskFromADistinctPeerTriggersReplicationOnce() {
        var planner = ReplicationPlanner(settings: Self.settings, now: 0)
        #expect(Self.ask(&planner, from: 1...2, at: 10) == [false, false])
        #expect(!planner.isPopular(Self.jazz, now: 10))
        #expect(Self.ask(&planner, from: [3], at: 11) == [true])
        #expect(planner.isPopular(Self.jazz, now: 11))
        #expect(planner.lastReplication(of: Self.jazz) == 11)
        // Popular still, but already replicated: more asks send nothing more.
        #expect(Self.ask(&planner, from: 4...9, at: 12) == Array(repeating: false, count: 6))
    }

    @Test func onePeerAskingAgainAndAgainNeverMakesAQueryPopular() {
        var planner = ReplicationPlanner(settings: Self.settings, now: 0)
        #expect(Self.ask(&planner, from: Array(repeating: 1, count: 50), at: 5).allSatisfy { !$0 })
        #expect(Self.ask(&planner, from: [2], at: 6) == [false])
        #expect(!planner.isPopular(Self.jazz, now: 6))
    }

    @Test func asksOlderThanTheWindowDoNotCount() {
        var planner = ReplicationPlanner(settings: Self.settings, now: 0)
        #expect(Self.ask(&planner, from: 1...2, at: 0) == [false, false])
        // At 300 the asks of 0 have left the window (an ask at a counts while now < a + 300).
        #expect(Self.ask(&planner, from: [3], at: 300) == [false])
        #expect(Self.ask(&planner, from: [4], at: 301) == [false])
        #expect(Self.ask(&planner, from: [5], at: 302) == [true])
    }

    @Test func aPopularQueryIsReplicatedAgainOnlyAfterTheResendInterval() {
        var planner = ReplicationPlanner(settings: Self.settings, now: 0)
        #expect(Self.ask(&planner, from: 1...3, at: 100) == [false, false, true])
        #expect(Self.ask(&planner, from: 4...6, at: 399.9) == [false, false, false])
        #expect(Self.ask(&planner, from: [7], at: 400) == [true])
    }

    @Test func queriesNormalizeToOneKeyAndAnEmptyQueryIsNeverReplicated() {
        var planner = ReplicationPlanner(settings: Self.settings, now: 0)
        let spellings = ["Jazz  Lyon", "lyon JAZZ", "jazz lyon lyon"].map { QueryCacheKey(text: $0) }
        let verdicts = spellings.enumerated().map { index, key in
            planner.recordAsk(key, from: Fixtures.peerID(index), now: 1)
        }
        #expect(verdicts == [false, false, true])
        let empty = QueryCacheKey(text: "  ")
        #expect(Self.ask(&planner, empty, from: 1...10, at: 2).allSatisfy { !$0 })
    }

    @Test func theBudgetBoundsReplicationsAcrossQueries() {
        let settings = ReplicationPlanner.Settings(popularityThreshold: 1, rate: 0.125, burst: 2)
        var planner = ReplicationPlanner(settings: settings, now: 0)
        let keys = (0..<4).map { QueryCacheKey(text: "query\($0)") }
        let verdicts = keys.map { planner.recordAsk($0, from: Fixtures.peerID(1), now: 0) }
        #expect(verdicts == [true, true, false, false])
        // A token comes back every 8 s: the next popular query goes then.
        let verdict1 = planner.recordAsk(keys[2], from: Fixtures.peerID(2), now: 7)
        #expect(!verdict1)
        let verdict2 = planner.recordAsk(keys[2], from: Fixtures.peerID(2), now: 8)
        #expect(verdict2)
    }

    @Test func trackedQueriesAreBoundedLeastRecentlyAskedForgottenFirst() {
        let settings = ReplicationPlanner.Settings(popularityThreshold: 2, capacity: 2)
        var planner = ReplicationPlanner(settings: settings, now: 0)
        let (a, b, c) = (QueryCacheKey(text: "a"), QueryCacheKey(text: "b"), QueryCacheKey(text: "c"))
        _ = planner.recordAsk(a, from: Fixtures.peerID(1), now: 1)
        _ = planner.recordAsk(b, from: Fixtures.peerID(1), now: 2)
        _ = planner.recordAsk(c, from: Fixtures.peerID(1), now: 3)
        // a was evicted: its first asker is forgotten, so one more asker is not enough.
        let verdict3 = planner.recordAsk(a, from: Fixtures.peerID(2), now: 4)
        #expect(!verdict3)
        let verdict4 = planner.recordAsk(c, from: Fixtures.peerID(2), now: 5)
        #expect(verdict4)
    }

    @Test func outOfRangeSettingsAreClampedAndAZeroFanOutTurnsReplicationOff() {
        let clamped = ReplicationPlanner.Settings(popularityThreshold: 0, popularityWindow: -5, fanOut: 99, capacity: 0)
        #expect(clamped.popularityThreshold == 1 && clamped.popularityWindow == 1)
        #expect(clamped.fanOut == 8 && clamped.capacity == 1)
        var off = ReplicationPlanner(settings: .init(popularityThreshold: 1, fanOut: 0), now: 0)
        let verdict5 = off.recordAsk(Self.jazz, from: Fixtures.peerID(1), now: 0)
        #expect(!verdict5)
    }

    @Test func targetsAreAtMostFanOutNeverTheAskerNorUsOnePerPeer() {
        let planner = ReplicationPlanner(settings: .init(fanOut: 2), now: 0)
        let endpoint = DHTEndpoint(ip: .v4(0x7f00_0001), port: 4_000)
        let peers = [1, 2, 1, 3, 4].map { DiscoveryPeer(peerID: Fixtures.peerID($0), endpoint: endpoint) }
        let targets = planner.targets(from: peers, asker: Fixtures.peerID(1), ownID: Fixtures.peerID(2))
        #expect(targets.map(\.peerID) == [Fixtures.peerID(3), Fixtures.peerID(4)])
    }
}
