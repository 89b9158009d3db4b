import PeerdexCore
import PeerdexTestSupport
import Testing

/// The lookup state machine, scripted: which nodes it asks, in what order, and when it is done.
@Suite struct IterativeLookupTests {
    /// A node whose ID is `value` in its last word, so distances to `.zero` read as numbers.
    static func node(_ value: UInt32, port: UInt16? = nil) -> DHTNodeInfo {
        DHTNodeInfo(
            id: NodeID(high: 0, middle: 0, low: value),
            endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: port ?? UInt16(truncatingIfNeeded: value) &+ 1000))
    }

    @Test func asksTheAlphaClosestSeedsFirst() {
        var lookup = IterativeLookup(target: .zero, seeds: [9, 3, 7, 1, 5].map { Self.node($0) }, alpha: 3, settleCount: 4)
        #expect(lookup.nextQueries().map(\.id.low) == [1, 3, 5])
        #expect(lookup.nextQueries().isEmpty, "α queries are already in flight")
        #expect(lookup.queriesSent == 3)
    }

    @Test func anAnswerFreesASlotForTheClosestUnaskedNode() {
        var lookup = IterativeLookup(target: .zero, seeds: [10, 20, 30, 40].map { Self.node($0) }, alpha: 2, settleCount: 8)
        #expect(lookup.nextQueries().map(\.id.low) == [10, 20])
        lookup.received(from: Self.node(20), closerNodes: [Self.node(2), Self.node(25)], token: nil)
        #expect(lookup.nextQueries().map(\.id.low) == [2], "the closer node it named goes first")
    }

    @Test func anOverdueQueryStopsCountingAndIsNotWaitedFor() {
        var lookup = IterativeLookup(target: .zero, seeds: [1, 2, 3].map { Self.node($0) }, alpha: 1, settleCount: 2)
        #expect(lookup.nextQueries().map(\.id.low) == [1])
        lookup.markOverdue(Self.node(1))
        #expect(lookup.nextQueries().map(\.id.low) == [2], "the dead node's slot is reused at once")
        lookup.received(from: Self.node(2), closerNodes: [], token: nil)
        #expect(!lookup.isDone, "node 3 is among the two closest live ones")
        #expect(lookup.nextQueries().map(\.id.low) == [3])
        lookup.received(from: Self.node(3), closerNodes: [], token: nil)
        #expect(lookup.isDone)
    }

    @Test func aLateAnswerFromAnOverdueNodeStillCounts() {
        var lookup = IterativeLookup(target: .zero, seeds: [1, 2].map { Self.node($0) }, alpha: 1, settleCount: 1)
        _ = lookup.nextQueries()
        lookup.markOverdue(Self.node(1))
        _ = lookup.nextQueries()
        lookup.received(from: Self.node(1), closerNodes: [], token: [7])
        #expect(lookup.isDone)
        #expect(lookup.closestResponders(1).map(\.node.id.low) == [1])
        #expect(lookup.closestResponders(1).first?.token == [7])
    }

    @Test func isDoneOnlyWhenTheSettleCountClosestHaveAnswered() {
        var lookup = IterativeLookup(target: .zero, seeds: (1...6).map { Self.node($0) }, alpha: 6, settleCount: 3)
        let asked = lookup.nextQueries()
        #expect(asked.map(\.id.low) == [1, 2, 3], "only the three closest are in the window")
        lookup.received(from: Self.node(1), closerNodes: [], token: nil)
        lookup.received(from: Self.node(3), closerNodes: [], token: nil)
        #expect(!lookup.isDone)
        lookup.markFailed(Self.node(2))
        #expect(!lookup.isDone, "node 4 moves into the window in node 2's place")
        #expect(lookup.nextQueries().map(\.id.low) == [4])
        lookup.received(from: Self.node(4), closerNodes: [], token: nil)
        #expect(lookup.isDone)
        #expect(lookup.closestResponders(3).map(\.node.id.low) == [1, 3, 4])
    }

    @Test func aLookupWithNoCandidatesIsDoneAtOnce() {
        var lookup = IterativeLookup(target: .zero, seeds: [])
        #expect(lookup.nextQueries().isEmpty)
        #expect(lookup.isDone)
    }

    @Test func ignoresDuplicatesAndAnswersFromStrangers() {
        var lookup = IterativeLookup(target: .zero, seeds: [Self.node(5), Self.node(5)], alpha: 3, settleCount: 3)
        #expect(lookup.candidates.count == 1)
        lookup.received(from: Self.node(99), closerNodes: [Self.node(5)], token: nil)
        #expect(lookup.responses == 0, "node 99 was never a candidate")
        #expect(lookup.candidates.count == 1)
        // The same ID at another address is not the candidate we know.
        lookup.received(from: Self.node(5, port: 1), closerNodes: [], token: nil)
        #expect(lookup.responses == 0)
    }

    @Test func keepsOnlyTheClosestCandidatesWithinCapacity() {
        var lookup = IterativeLookup(target: .zero, seeds: [], alpha: 3, settleCount: 2, capacity: 4)
        lookup.received(from: Self.node(1), closerNodes: (10...20).reversed().map { Self.node($0) }, token: nil)
        #expect(lookup.candidates.map(\.node.id.low) == [10, 11, 12, 13])
    }

    /// On a seeded random network where every node knows its true closest neighbours, the
    /// lookup converges on exactly the k closest IDs.
    @Test func convergesOnTheTrueClosestNodes() {
        var random = SeededRandom(defaultSeed: 7)
        let nodes = (0..<300).map { index in
            DHTNodeInfo(id: NodeID(random: &random), endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(2000 + index)))
        }
        let target = NodeID(random: &random)
        func closest(to id: NodeID, _ count: Int) -> [DHTNodeInfo] {
            Array(nodes.sorted { $0.id.distance(to: id) < $1.id.distance(to: id) }.prefix(count))
        }
        var lookup = IterativeLookup(target: target, seeds: Array(nodes.prefix(3)), alpha: 3, settleCount: 8)
        var rounds = 0
        while !lookup.isDone, rounds < 200 {
            rounds += 1
            for asked in lookup.nextQueries() {
                // Each node answers with the 8 closest to the target from a random half of the network.
                let known = nodes.filter { _ in Bool.random(using: &random) } + [asked]
                let answer = Array(known.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }.prefix(8))
                lookup.received(from: asked, closerNodes: answer, token: nil)
            }
        }
        #expect(lookup.isDone)
        #expect(Set(lookup.closestResponders(8).map(\.node)) == Set(closest(to: target, 8)), "\(random)")
    }
}

