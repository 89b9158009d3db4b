import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct DiscoveryResultMergerTests {
    let me = Fixtures.peerID(0)
    let sourceA = Fixtures.peerID(100)
    let sourceB = Fixtures.peerID(101)
    let sourceC = Fixtures.peerID(102)

    func record(_ seed: Int, _ name: String, seq: Int64 = 1, interests: [String] = []) -> DiscoveredPeer {
        DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, interests: interests, location: "Oslo", seq: seq)
    }

    func merger(text: String = "", interests: [String] = [], blocked: Set<PeerID> = [], maximum: Int = 500)
        -> DiscoveryResultMerger
    {
        DiscoveryResultMerger(
            query: DiscoveryQuery(text: text, interests: interests), ownID: me, blocked: blocked,
            maximumResults: maximum)
    }

    // MARK: - One entry per peer

    @Test func theHighestSeqWinsWhicheverArrivesFirst() {
        var merger = merger(text: "anna")
        _ = merger.merge([record(1, "Anna Old", seq: 3)], from: sourceA)
        let change = merger.merge([record(1, "Anna New", seq: 5)], from: sourceB)
        #expect(change.updated == [Fixtures.peerID(1)])
        #expect(change.added.isEmpty)
        #expect(merger.ranked.map(\.name) == ["Anna New"])
        #expect(merger.ranked.first?.sources == [sourceB])

        let stale = merger.merge([record(1, "Anna Old", seq: 3)], from: sourceC)
        #expect(stale.isEmpty)
        #expect(merger.ranked.map(\.name) == ["Anna New"])
        #expect(merger.ranked.first?.sources == [sourceB])
    }

    @Test func anEqualSeqKeepsTheFirstRecordButAddsTheSource() {
        var merger = merger(text: "anna")
        _ = merger.merge([record(1, "Anna First", seq: 4)], from: sourceA)
        let change = merger.merge([record(1, "Anna Second", seq: 4)], from: sourceB)
        #expect(change.updated == [Fixtures.peerID(1)])
        #expect(merger.ranked.map(\.name) == ["Anna First"])
        #expect(merger.ranked.first?.sources == [sourceA, sourceB])
        #expect(merger.merge([record(1, "Anna First", seq: 4)], from: sourceB).isEmpty)
    }

    @Test(arguments: 0..<24)
    func theFinalListDoesNotDependOnArrivalOrder(permutation: Int) {
        let batches: [(PeerID, [DiscoveredPeer])] = [
            (sourceA, [record(1, "Anna Berg", seq: 2), record(2, "Annabel", seq: 7), record(3, "Joanna", seq: 1)]),
            (sourceB, [record(1, "Anna Berg", seq: 3), record(2, "Annabel", seq: 7), record(4, "Bob", seq: 1)]),
            (sourceC, [record(1, "Anna Berg", seq: 3), record(3, "Joanna Anna", seq: 2)]),
            (sourceA, [record(2, "Anna Stale", seq: 6), record(5, "Hanna", seq: 9)]),
        ]
        var reference = merger(text: "anna")
        for (source, batch) in batches { _ = reference.merge(batch, from: source) }
        var shuffled = merger(text: "anna")
        for (source, batch) in Self.permutation(permutation, of: batches) {
            _ = shuffled.merge(batch.reversed(), from: source)
        }
        #expect(shuffled.ranked == reference.ranked)
        #expect(reference.ranked.map(\.name) == ["Anna Berg", "Joanna Anna", "Annabel", "Hanna"])
        #expect(reference.ranked.first?.sources == [sourceB, sourceC])
        #expect(reference.ranked[2].sources == [sourceA, sourceB])
    }

    /// The `index`-th of the 24 orders of four elements.
    static func permutation<T>(_ index: Int, of items: [T]) -> [T] {
        var pool = items
        var rest = index
        var result = [T]()
        for radix in stride(from: pool.count, to: 0, by: -1) {
            result.append(pool.remove(at: rest % radix))
            rest /= radix
        }
        return result
    }

    @Test func aNewerRecordThatNoLongerMatchesRemovesThePeerForGood() {
        var merger = merger(text: "anna")
        _ = merger.merge([record(1, "Anna", seq: 1)], from: sourceA)
        let change = merger.merge([record(1, "Bob", seq: 2)], from: sourceB)
        #expect(change.removed == [Fixtures.peerID(1)])
        #expect(merger.ranked.isEmpty)
        #expect(merger.merge([record(1, "Anna", seq: 1)], from: sourceC).isEmpty)
        #expect(merger.ranked.isEmpty)
    }

    // MARK: - Ranking and filtering

    @Test func ranksWithTheLocalSearchRanker() {
        var merger = merger(text: "anna")
        let names = ["Joanna Berg", "Annabel Lee", "Anna Schmidt", "Hanna Ek", "Bob"]
        let change = merger.merge(names.enumerated().map { record($0.offset + 1, $0.element) }, from: sourceA)
        // Local search orders these same names the same way (SearchRankerTests).
        #expect(merger.ranked.map(\.name) == ["Anna Schmidt", "Annabel Lee", "Hanna Ek", "Joanna Berg"])
        #expect(merger.ranked.map(\.tier) == [.exact, .prefix, .substring, .substring])
        #expect(change.added.count == 4)
        let contacts = names.enumerated().map { Fixtures.contact($0.offset + 1, name: $0.element) }
        #expect(SearchRanker.search(contacts, for: SearchQuery("anna"), limit: 10).map(\.contact.name)
            == merger.ranked.map(\.name))
    }

    @Test func interestQueriesScoreByJaccardAndEnforceTheMinimum() {
        var merger = merger(interests: ["rust", "go", "swift"])
        _ = merger.merge(
            [
                record(1, "All", interests: ["Rust", "Go", "Swift"]),  // 1
                record(2, "One", interests: ["rust", "chess"]),  // 1 / 4: under 0.3
                record(3, "Two", interests: ["rust", "go", "chess"]),  // 2 / 4
                record(4, "None"),  // 0
                record(5, "Three of ten", interests: ["rust", "go", "swift"] + (0..<7).map { "x\($0)" }),  // 0.3
            ], from: sourceA)
        #expect(merger.ranked.map(\.name) == ["All", "Two", "Three of ten"])
        #expect(merger.ranked.map(\.score) == [1, 0.5, 0.3])
    }

    @Test func textAndInterestsMustBothMatch() {
        var merger = merger(text: "anna", interests: ["rust"])
        _ = merger.merge(
            [
                record(1, "Anna", interests: ["rust"]), record(2, "Anna", interests: ["go"]),
                record(3, "Bob", interests: ["rust"]),
            ],
            from: sourceA)
        #expect(merger.ranked.map(\.peerID) == [Fixtures.peerID(1)])
    }

    @Test func blockedPeersAndOurselvesNeverAppear() {
        var merger = merger(blocked: [Fixtures.peerID(2)])
        let mine = DiscoveredPeer(peerID: me, name: "Me", seq: 1)
        _ = merger.merge([mine, record(1, "Ann"), record(2, "Blocked")], from: sourceA)
        #expect(merger.ranked.map(\.peerID) == [Fixtures.peerID(1)])
        let change = merger.block(Fixtures.peerID(1))
        #expect(change.removed == [Fixtures.peerID(1)])
        #expect(merger.ranked.isEmpty)
        #expect(merger.merge([record(1, "Ann", seq: 9)], from: sourceB).isEmpty)
    }

    @Test func invalidRecordsAreCountedAndSkipped() {
        var merger = merger()
        let change = merger.merge(
            [
                record(1, String(repeating: "n", count: 65)), record(2, "Escape\u{1B}"), record(3, "Neg", seq: -1),
                record(4, "Many", interests: (0..<13).map { "i\($0)" }), record(5, "Fine"),
            ], from: sourceA)
        #expect(change.rejected == 4)
        #expect(merger.ranked.map(\.name) == ["Fine"])
    }

    // MARK: - Bounds and changes

    @Test func aFloodIsBoundedAndKeepsTheBestResults() {
        var merger = merger(text: "anna", maximum: 10)
        let flood = (1...1_000).map { record($0, "Joanna \($0)") }  // substring matches
        _ = merger.merge(flood, from: sourceA)
        #expect(merger.count == 10)
        let change = merger.merge([record(5_000, "Anna")], from: sourceB)  // exact: evicts the worst
        #expect(merger.count == 10)
        #expect(change.added == [Fixtures.peerID(5_000)])
        #expect(change.removed.count == 1)
        #expect(merger.ranked.first?.name == "Anna")
        #expect(merger.merge([record(6_000, "Joanna 9999")], from: sourceB).isEmpty)  // ranks last: dropped
    }

    @Test func sourcesPerPeerAreBounded() {
        var merger = merger()
        for seed in 0..<40 { _ = merger.merge([record(1, "Ann")], from: Fixtures.peerID(1_000 + seed)) }
        #expect(merger.ranked.first?.sources.count == DiscoveryResultMerger.maximumSourcesPerPeer)
    }

    @Test func eachBatchReportsAddedUpdatedAndRemoved() {
        var merger = merger(text: "anna")
        let first = merger.merge([record(1, "Anna"), record(2, "Annabel")], from: sourceA)
        #expect(first.added == [Fixtures.peerID(1), Fixtures.peerID(2)])
        #expect(first.ranked.map(\.name) == ["Anna", "Annabel"])
        let second = merger.merge(
            [record(1, "Anna K", seq: 2), record(2, "Bob", seq: 2), record(3, "Joanna")], from: sourceB)
        #expect(second.added == [Fixtures.peerID(3)])
        #expect(second.updated == [Fixtures.peerID(1)])
        #expect(second.removed == [Fixtures.peerID(2)])
        #expect(second.ranked.map(\.name) == ["Anna K", "Joanna"])
        #expect(merger.merge([], from: sourceC).isEmpty)
    }

    @Test func sealedRecordsGiveNoResult() {
        let open = ProfileRecord(content: .open(name: "Ann", interests: ["rust"], location: "Oslo"))
        let sealed = ProfileRecord(content: .sealed(ciphertext: [1, 2, 3], audienceKeyID: [4]))
        #expect(DiscoveredPeer(peerID: Fixtures.peerID(1), seq: 3, record: open)?.interests == ["rust"])
        #expect(DiscoveredPeer(peerID: Fixtures.peerID(1), seq: 3, record: sealed) == nil)
    }
}
