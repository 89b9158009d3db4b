import PeerdexCore
import PeerdexTestSupport
import Testing

/// What a node keeps of the results other discovery peers replicate to it, on a virtual clock:
/// who is heard, time to live, highest seq, blocked peers, bounds, and the merge into an answer.
@Suite struct ReplicatedResultsCacheTests {
    static let own = Fixtures.peerID(100)
    static let sender = Fixtures.peerID(101)
    static let jazz = QueryCacheKey(text: "jazz")

    static func peer(_ seed: Int, name: String = "Jazz fan", seq: Int64 = 1) -> DiscoveredPeer {
        DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, interests: ["jazz"], location: "Lyon", seq: seq)
    }

    static func message(_ peers: [DiscoveredPeer], key: QueryCacheKey = jazz) -> ReplicatedQueryResults {
        ReplicatedQueryResults(key: key, results: peers)
    }

    static func receive(
        _ cache: inout ReplicatedResultsCache, _ peers: [DiscoveredPeer], from sender: PeerID = sender,
        discoveryPeer: Bool = true, at now: Double, blocked: Set<PeerID> = []
    ) -> ReplicatedResultsCache.Verdict {
        cache.receive(
            message(peers), from: sender, senderIsDiscoveryPeer: discoveryPeer, ownID: own, now: now,
            isBlocked: { blocked.contains($0) })
    }

    // MARK: - Who is heard

    @Test func onlyDiscoveryPeersAreHeard() {
        var cache = ReplicatedResultsCache()
        #expect(Self.receive(&cache, [Self.peer(1)], discoveryPeer: false, at: 0) == .notDiscoveryPeer)
        #expect(Self.receive(&cache, [Self.peer(1)], from: Self.own, at: 0) == .notDiscoveryPeer)
        #expect(cache.results(for: Self.jazz, now: 0).isEmpty)
        #expect(Self.receive(&cache, [Self.peer(1)], at: 0) == .accepted(kept: 1, dropped: 0))
        #expect(cache.results(for: Self.jazz, now: 0) == [Self.peer(1)])
    }

    @Test func eachSenderIsHeldToItsRate() {
        var cache = ReplicatedResultsCache(settings: .init(perSenderRate: 0.5, perSenderBurst: 2))
        #expect(Self.receive(&cache, [Self.peer(1)], at: 0) == .accepted(kept: 1, dropped: 0))
        #expect(Self.receive(&cache, [Self.peer(2)], at: 0) == .accepted(kept: 1, dropped: 0))
        #expect(Self.receive(&cache, [Self.peer(3)], at: 0) == .rateLimited(retryAfter: 2))
        // Another sender has its own bucket.
        let other = Self.receive(&cache, [Self.peer(3)], from: Fixtures.peerID(102), at: 0)
        #expect(other == .accepted(kept: 1, dropped: 0))
        #expect(Self.receive(&cache, [Self.peer(4)], at: 2) == .accepted(kept: 1, dropped: 0))
        #expect(cache.results(for: Self.jazz, now: 2).map(\.peerID) == [1, 2, 3, 4].map(Fixtures.peerID).sorted())
    }

    // MARK: - Time to live

    @Test func anEntryIsServedAt299SecondsAndGoneAt300() {
        var cache = ReplicatedResultsCache()
        _ = Self.receive(&cache, [Self.peer(1)], at: 1_000)
        _ = Self.receive(&cache, [Self.peer(2)], at: 1_100)
        #expect(cache.results(for: Self.jazz, now: 1_299).count == 2)
        #expect(cache.results(for: Self.jazz, now: 1_300) == [Self.peer(2)])
        #expect(cache.results(for: Self.jazz, now: 1_400).isEmpty)
        #expect(cache.count == 0)
    }

    @Test func anEqualSeqConfirmsTheEntryAndRestartsItsTime() {
        var cache = ReplicatedResultsCache()
        _ = Self.receive(&cache, [Self.peer(1)], at: 0)
        _ = Self.receive(&cache, [Self.peer(1, name: "Other copy")], from: Fixtures.peerID(102), at: 200)
        #expect(cache.results(for: Self.jazz, now: 450).map(\.name) == ["Jazz fan"])
    }

    // MARK: - Entries

    @Test func theHighestSeqWinsWhateverTheOrder() {
        var cache = ReplicatedResultsCache()
        _ = Self.receive(&cache, [Self.peer(1, name: "New", seq: 5)], at: 0)
        #expect(Self.receive(&cache, [Self.peer(1, name: "Old", seq: 2)], at: 1) == .accepted(kept: 0, dropped: 1))
        #expect(cache.results(for: Self.jazz, now: 2).map(\.name) == ["New"])
        _ = Self.receive(&cache, [Self.peer(1, name: "Newer", seq: 9)], at: 3)
        #expect(cache.results(for: Self.jazz, now: 4).map(\.name) == ["Newer"])
    }

    @Test func entriesAboutBlockedPeersAndAboutUsAreDropped() {
        var cache = ReplicatedResultsCache()
        let own = DiscoveredPeer(peerID: Self.own, name: "Me", seq: 1)
        let verdict = Self.receive(
            &cache, [Self.peer(1), Self.peer(2), own], at: 0, blocked: [Fixtures.peerID(2)])
        #expect(verdict == .accepted(kept: 1, dropped: 2))
        #expect(cache.results(for: Self.jazz, now: 1) == [Self.peer(1)])
        // Blocked after the message came: the reader's filter hides it.
        let shown = cache.results(for: Self.jazz, now: 1) { $0 == Fixtures.peerID(1) }
        #expect(shown.isEmpty)
    }

    @Test func queriesAndEntriesPerQueryAreBounded() {
        var cache = ReplicatedResultsCache(settings: .init(capacity: 2, maximumResultsPerQuery: 3))
        let verdict = Self.receive(&cache, (1...5).map { Self.peer($0) }, at: 0)
        #expect(verdict == .accepted(kept: 3, dropped: 2))
        #expect(cache.results(for: Self.jazz, now: 1).count == 3)
        // Expired entries make room for newcomers.
        #expect(Self.receive(&cache, [Self.peer(6)], at: 400) == .accepted(kept: 1, dropped: 0))
        #expect(cache.results(for: Self.jazz, now: 401) == [Self.peer(6)])
        for name in ["a", "b"] {
            _ = cache.receive(
                Self.message([Self.peer(7)], key: QueryCacheKey(text: name)), from: Self.sender,
                senderIsDiscoveryPeer: true, ownID: Self.own, now: 402, isBlocked: { _ in false })
        }
        #expect(cache.count == 2)
        #expect(cache.results(for: Self.jazz, now: 403).isEmpty)
    }

    // MARK: - Merge

    @Test func theMergeKeepsOneEntryPerPeerTheHighestSeqAndNeverMoreThanTheLimit() {
        let requester = Fixtures.peerID(50)
        let query = DiscoveryQuery(text: "jazz")
        let own = [Self.peer(1, name: "Jazz one", seq: 0), Self.peer(2, name: "Jazz two", seq: 4)]
        let replicated = [
            Self.peer(1, name: "Jazz one renamed", seq: 3), Self.peer(2, name: "Jazz two older", seq: 2),
            Self.peer(3, name: "Jazz three"), DiscoveredPeer(peerID: requester, name: "Jazz me", seq: 1),
            DiscoveredPeer(peerID: Fixtures.peerID(4), name: "Rock four", interests: ["rock"], seq: 1),
        ]
        let merged = ReplicatedResultsCache.merge(
            own: own, replicated: replicated, query: query, requester: requester, limit: 10)
        #expect(Set(merged.map(\.name)) == ["Jazz one renamed", "Jazz two", "Jazz three"])
        let limited = ReplicatedResultsCache.merge(
            own: own, replicated: replicated, query: query, requester: requester, limit: 2)
        #expect(limited.count == 2)
        #expect(merged.allSatisfy { $0.sources.isEmpty && $0.tier == nil })
    }
}
