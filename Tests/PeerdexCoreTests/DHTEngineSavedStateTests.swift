import Foundation
import Testing

@testable import PeerdexCore

/// Saving an engine's routing table and items with wall-clock times, and restoring them into a
/// new engine on a new monotonic clock.
@Suite struct DHTEngineSavedStateTests {
    /// The wall-clock time at engine time 0 of the first run.
    static let wallStart = Date(timeIntervalSince1970: 1_700_000_000)
    static let source = IPAddress.v4(0x7f00_0001)

    static func engine(now: Double = 0) -> DHTEngine {
        DHTEngine(localID: RoutingFixture.ownID, tokenSecret: [1, 2, 3], now: now)
    }

    /// The first run's clock on the wall: engine time `t` is `wallStart + t`.
    static func firstRunWall(_ time: Double) -> Date { wallStart.addingTimeInterval(time) }

    /// The second run's clock: engine time `now` at wall time `wallNow`.
    static func secondRunClock(now: Double, wallNow: Date) -> (Date) -> Double {
        { date in now - wallNow.timeIntervalSince(date) }
    }

    /// Whether an engine time is `expected` within a microsecond (wall-clock dates near 2023 keep
    /// about 0.2 µs of precision, so a round trip through them is not exact).
    static func isClose(_ time: Double?, _ expected: Double) -> Bool {
        time.map { abs($0 - expected) < 1e-6 } ?? false
    }

    /// An engine that knows 8 nodes (buckets 0–3), holds three items and publishes one.
    static func populatedEngine() -> (engine: DHTEngine, nodes: [DHTNodeInfo]) {
        var engine = engine()
        var nodes = [DHTNodeInfo]()
        for bucket in 0..<4 {
            nodes += RoutingFixture.fill(&engine.routing, bucket: bucket, count: 2, startingAt: 1_000)
        }
        _ = engine.items.put(immutable: DHTItemFixtures.immutable("old"), from: source, now: 0)
        _ = engine.items.put(mutable: DHTItemFixtures.mutable("ten", seq: 1, seed: 1), from: source, now: 10)
        _ = engine.items.put(mutable: DHTItemFixtures.mutable("late", seq: 4, seed: 2), from: source, now: 1_400)
        _ = engine.publish(DHTItemFixtures.mutable("mine", seq: 7, salt: "peerdex/profile", seed: 3), now: 1_500)
        return (engine, nodes)
    }

    // MARK: - Saving

    @Test func savedStateCarriesEverythingOnTheWallClock() {
        // Given an engine with nodes, items and a published item
        let (engine, nodes) = Self.populatedEngine()
        // When its state is saved at engine time 1,500
        let state = engine.savedState(now: 1_500, wallClock: Self.firstRunWall)
        // Then it has our ID, every node with wall-clock times, every item and the published one
        #expect(state.nodeID == RoutingFixture.ownID)
        #expect(Set(state.nodes.map(\.info)) == Set(nodes))
        let first = state.nodes.first { $0.info == nodes[0] }
        #expect(first?.firstSeen == Self.firstRunWall(1_000))
        #expect(first?.lastResponse == Self.firstRunWall(1_000))
        #expect(state.items.count == 3)
        let ten = DHTItemFixtures.mutable("ten", seq: 1, seed: 1)
        #expect(
            state.items.first { $0.target == ten.target }
                == .init(content: .mutable(ten), storedAt: Self.firstRunWall(10)))
        #expect(state.published == [DHTItemFixtures.mutable("mine", seq: 7, salt: "peerdex/profile", seed: 3)])
    }

    @Test func savedItemsAreTheLiveOnesClosestFirst() {
        // Given items held at various distances from our ID, one of them expired
        var engine = Self.engine()
        let items = (0..<6).map { DHTItemFixtures.immutable("item \($0)") }
        for item in items { _ = engine.items.put(immutable: item, from: Self.source, now: 100) }
        let expired = DHTItemFixtures.immutable("expired")
        _ = engine.items.put(immutable: expired, from: Self.source, now: 0)
        // When saved at 7,250 (the expired one was put 7,250 s ago, the others 7,150 s ago)
        let state = engine.savedState(now: 7_250, wallClock: Self.firstRunWall)
        // Then the live items are saved closest to our ID first, and the expired one is not
        let expected = items.map(\.target).sorted {
            $0.distance(to: RoutingFixture.ownID) < $1.distance(to: RoutingFixture.ownID)
        }
        #expect(state.items.map(\.target) == expected)
    }

    @Test func savedNodesAreBoundedGoodFirstAndCoverEveryBucket() {
        // Given 240 nodes in buckets 0–29: buckets 25–29 silent for long (questionable), and two
        // nodes in each of buckets 0–4 failing (bad)
        var engine = Self.engine()
        for bucket in 0..<30 {
            RoutingFixture.fill(&engine.routing, bucket: bucket, count: 8, startingAt: bucket >= 25 ? 0 : 1_500)
        }
        for bucket in 0..<5 {
            for variant in [6, 7] {
                RoutingFixture.makeBad(
                    &engine.routing, RoutingFixture.node(inBucket: bucket, variant: variant), at: 1_600)
            }
        }
        #expect(engine.routing.count == 240)
        // When saved at 2,000
        let state = engine.savedState(now: 2_000, wallClock: Self.firstRunWall)
        // Then 200 are kept: the 190 good ones, then 10 questionable ones, and no bad one
        #expect(state.nodes.count == DHTSavedState.maximumNodes)
        let states = state.nodes.map { engine.routing.state(of: $0.info.id, now: 2_000) }
        #expect(states.prefix(190).allSatisfy { $0 == .good })
        #expect(states.suffix(10).allSatisfy { $0 == .questionable })
        // And the good ones go round the buckets, closest bucket first, each bucket's oldest first
        let buckets = state.nodes.map { engine.routing.bucketIndex(for: $0.info.id)! }
        #expect(Array(buckets.prefix(25)) == Array((0..<25).reversed()))
        #expect(state.nodes[24].info == RoutingFixture.node(inBucket: 0, variant: 0))
        #expect(Array(buckets.suffix(10)) == [29, 28, 27, 26, 25, 29, 28, 27, 26, 25])
    }

    // MARK: - Restoring

    @Test func restoreTakesBackNodesAndTheItemsStillLive() throws {
        // Given the state saved at engine time 1,500 of the first run
        let (first, nodes) = Self.populatedEngine()
        let state = first.savedState(now: 1_500, wallClock: Self.firstRunWall)
        // When a new engine, 20 s into its own clock, restores it 7,205 s after the first run began
        var engine = Self.engine(now: 20)
        let clock = Self.secondRunClock(now: 20, wallNow: Self.firstRunWall(7_205))
        let summary = engine.restore(state, now: 20, engineClock: clock)
        // Then every node is back, questionable until it answers, with its times moved onto the new clock
        #expect(summary == DHTSavedState.RestoreSummary(nodes: 8, items: 2, published: 1))
        #expect(engine.routing.count == 8)
        for node in nodes { #expect(engine.routing.state(of: node.id, now: 20) == .questionable) }
        #expect(Self.isClose(engine.routing.node(id: nodes[1].id)?.firstSeen, 20 - 7_205 + 1_001))
        // And the item put 7,205 s ago has expired, while the one put 7,195 s ago has 5 s left
        #expect(engine.items.get(target: DHTItemFixtures.immutable("old").target, now: 20) == nil)
        let ten = DHTItemFixtures.mutable("ten", seq: 1, seed: 1)
        #expect(Self.isClose(engine.items.get(target: ten.target, now: 20)?.storedAt, 20 - 7_195))
        #expect(engine.items.get(target: ten.target, now: 25) == nil)
        // And the published item is due to be put again at once
        let mine = DHTItemFixtures.mutable("mine", seq: 7, salt: "peerdex/profile", seed: 3)
        #expect(engine.published[mine.target] == DHTEngine.PublishedItem(item: mine, republishAt: 20))
        #expect(engine.nextDeadline == 20)
    }

    @Test func aRestoredEngineLooksUpThroughItsSavedNodes() {
        // Given an engine that restored 8 nodes and knows no bootstrap node
        let (first, nodes) = Self.populatedEngine()
        var engine = Self.engine(now: 0)
        engine.restore(
            first.savedState(now: 1_500, wallClock: Self.firstRunWall), now: 0,
            engineClock: Self.secondRunClock(now: 0, wallNow: Self.firstRunWall(2_000)))
        // When it looks up its own ID, and then any other ID
        let (_, rejoin) = engine.start(.bootstrap([]), now: 0)
        let (_, lookup) = engine.start(.findNode(RoutingFixture.id(inBucket: 2, variant: 99)), now: 0)
        // Then each sends α = 3 queries, all to saved nodes
        let saved = Set(nodes.map(\.endpoint))
        for actions in [rejoin, lookup] {
            let destinations = actions.compactMap { action -> DHTEndpoint? in
                if case .send(_, let endpoint) = action { endpoint } else { nil }
            }
            #expect(destinations.count == 3)
            #expect(destinations.allSatisfy(saved.contains))
        }
    }

    @Test func restoreKeepsANewerPublishedItem() {
        // Given an engine already publishing seq 9 of an item
        var engine = Self.engine(now: 0)
        let newer = DHTItemFixtures.mutable("now", seq: 9, seed: 4)
        _ = engine.publish(newer, now: 0)
        // When a state with seq 8 and seq 9 of it (and another item) is restored
        let other = DHTItemFixtures.mutable("other", seq: 1, seed: 5)
        let state = DHTSavedState(
            nodeID: RoutingFixture.ownID,
            published: [
                DHTItemFixtures.mutable("old", seq: 8, seed: 4), DHTItemFixtures.mutable("then", seq: 9, seed: 4),
                other,
            ])
        let summary = engine.restore(state, now: 1, engineClock: { _ in 0 })
        // Then the item being published stays, and only the other one is taken
        #expect(summary.published == 1)
        #expect(engine.published[newer.target]?.item == newer)
        #expect(engine.published[other.target]?.item == other)
    }

    @Test func timesFromTheFutureCountAsNowAndDamagedOnesAsLongAgo() {
        // Given saved items stamped a day in the future, and with a time that converts to NaN
        let wallNow = Self.firstRunWall(0)
        let future = DHTItemFixtures.immutable("future")
        let damaged = DHTItemFixtures.immutable("damaged")
        let node = RoutingFixture.node(inBucket: 3, variant: 1)
        let state = DHTSavedState(
            nodeID: RoutingFixture.ownID,
            nodes: [.init(info: node, firstSeen: wallNow.addingTimeInterval(86_400), lastResponse: wallNow)],
            items: [
                .init(content: .immutable(future), storedAt: wallNow.addingTimeInterval(86_400)),
                .init(content: .immutable(damaged), storedAt: Date.distantPast),
            ])
        // When restored at engine time 50, with a clock that cannot convert the distant past
        var engine = Self.engine(now: 50)
        let clock: (Date) -> Double = { date in date == Date.distantPast ? .nan : 50 - wallNow.timeIntervalSince(date) }
        let summary = engine.restore(state, now: 50, engineClock: clock)
        // Then the future item lives a full lifetime from now, the damaged one is dropped, and the
        // node's first sighting is now
        #expect(summary.items == 1)
        #expect(engine.items.get(target: future.target, now: 50)?.storedAt == 50)
        #expect(engine.items.get(target: damaged.target, now: 50) == nil)
        #expect(engine.routing.node(id: node.id)?.firstSeen == 50)
    }

    @Test func restoreTakesAtMostTheBoundOfNodes() {
        // Given a state listing 256 distinct nodes in 32 buckets
        let nodes = (0..<32).flatMap { bucket in (0..<8).map { RoutingFixture.node(inBucket: bucket, variant: $0) } }
        let saved = nodes.map { DHTSavedState.Node(info: $0, firstSeen: Self.wallStart, lastResponse: Self.wallStart) }
        // When restored
        var engine = Self.engine(now: 0)
        let summary = engine.restore(
            DHTSavedState(nodeID: RoutingFixture.ownID, nodes: saved), now: 0, engineClock: { _ in 0 })
        // Then only the first 200 are taken
        #expect(summary.nodes == DHTSavedState.maximumNodes)
        #expect(engine.routing.node(id: nodes[199].id) != nil)
        #expect(engine.routing.node(id: nodes[200].id) == nil)
    }
}
