import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// Bucket refresh, pings of questionable nodes, and saving and restoring the table.
@Suite struct RoutingTableMaintenanceTests {
    private typealias Fixture = RoutingFixture

    // MARK: - Refresh

    @Test func refreshTargetsLandInTheirBucket() {
        var random = SeededRandom(defaultSeed: 160)
        for own in [Fixture.ownID, NodeID.zero, NodeID(high: .max, middle: .max, low: .max), NodeID(random: &random)] {
            let table = RoutingTable(ownID: own)
            for bucket in 0..<NodeID.bitCount {
                for _ in 0..<4 {
                    let target = table.refreshTarget(forBucket: bucket, random: NodeID(random: &random))
                    #expect(table.bucketIndex(for: target) == bucket, "own \(own) bucket \(bucket) \(random)")
                }
            }
        }
    }

    @Test func refreshTargetsTakeTheirLowBitsFromTheRandomID() {
        let table = RoutingTable(ownID: .zero)
        let random = NodeID(high: 0x0123_4567_89ab_cdef, middle: 0xfedc_ba98_7654_3210, low: 0x0f0f_0f0f)
        let expected = NodeID(high: 0x8123_4567_89ab_cdef, middle: random.middle, low: random.low)
        #expect(table.refreshTarget(forBucket: 0, random: random) == expected)
        #expect(table.refreshTarget(forBucket: 159, random: random) == NodeID(high: 0, middle: 0, low: 1))
    }

    @Test func bucketsUnchangedFor15MinutesUpToOnePastTheDeepestNeedRefresh() {
        var table = Fixture.table()
        #expect(table.bucketsNeedingRefresh(now: 0) == [0])
        for bucket in 0..<4 { Fixture.fill(&table, bucket: bucket, count: 1) }
        #expect(table.bucketsNeedingRefresh(now: 0) == [4])
        table.noteRefreshStarted(bucket: 4, now: 0)
        #expect(table.bucketsNeedingRefresh(now: 899) == [])
        _ = table.noteResponse(from: Fixture.node(inBucket: 2, variant: 0), now: 500)
        #expect(table.bucketsNeedingRefresh(now: 900) == [0, 1, 3, 4])
        #expect(table.bucketsNeedingRefresh(now: 1_400) == [0, 1, 2, 3, 4])
        table.noteRefreshStarted(bucket: 500, now: 0)  // out of range: ignored
    }

    // MARK: - Pings

    @Test func questionableNodesArePingedLeastRecentlySeenFirstAFewAtATime() {
        var table = Fixture.table(RoutingSettings(pingsPerCall: 3, enforceBEP42: false))
        let nodes = Fixture.fill(&table, bucket: 1, count: 6)  // answered at 0...5
        let fresh = Fixture.node(inBucket: 2, variant: 0)
        _ = table.noteResponse(from: fresh, now: 950)
        Fixture.makeBad(&table, nodes[5], at: 951)
        #expect(table.nodesToPing(now: 1_000) == [nodes[0], nodes[1], nodes[2]])
        #expect(table.nodesToPing(now: 1_001) == [nodes[3], nodes[4]])  // the bad and the good are left out
        #expect(table.nodesToPing(now: 1_002) == [])
        #expect(table.nodesToPing(now: 1_060) == [nodes[0], nodes[1], nodes[2]])
    }

    // MARK: - Persistence

    @Test func restoredNodesAreQuestionableUntilTheyAnswerAgain() {
        var table = Fixture.table()
        let nodes = Fixture.fill(&table, bucket: 3, count: 3, startingAt: 100)
        let records = table.allNodes
        #expect(records.map(\.info) == nodes)
        #expect(records.map(\.firstSeen) == [100, 101, 102])
        #expect(records.map(\.lastResponse) == [100, 101, 102])

        var restored = RoutingTable(ownID: Fixture.ownID, settings: table.settings, restoring: records.reversed())
        #expect(restored.count == 3)
        #expect(restored.allNodes == records)
        #expect(restored.goodCount(now: 103) == 0)
        #expect(restored.state(of: nodes[0].id, now: 103) == .questionable)
        // A query is not enough: it has not answered since the restart.
        _ = restored.noteQuery(from: nodes[0], now: 104)
        #expect(restored.state(of: nodes[0].id, now: 104) == .questionable)
        #expect(restored.noteResponse(from: nodes[0], now: 105) == [])
        #expect(restored.state(of: nodes[0].id, now: 105) == .good)
        #expect(restored.node(id: nodes[0].id)?.firstSeen == 100)
        #expect(restored.nodesToPing(now: 106) == [nodes[1], nodes[2]])
    }

    @Test func restoreSkipsDuplicatesOwnIDAndWhatDoesNotFit() {
        var table = Fixture.table()
        let known = Fixture.node(inBucket: 3, variant: 0)
        _ = table.noteResponse(from: known, now: 0)
        let overflow = (0..<10).map { Fixture.node(inBucket: 5, variant: $0) }
        var records = overflow.enumerated().map { RoutingNodeRecord(info: $1, firstSeen: Double($0), lastResponse: 50) }
        records.append(RoutingNodeRecord(info: known, firstSeen: 0, lastResponse: 0))
        let atKnownEndpoint = DHTNodeInfo(id: Fixture.id(inBucket: 6, variant: 0), endpoint: known.endpoint)
        let ours = DHTNodeInfo(id: Fixture.ownID, endpoint: Fixture.localEndpoint(bucket: 0, variant: 1))
        records += [atKnownEndpoint, ours].map { RoutingNodeRecord(info: $0, firstSeen: 0, lastResponse: 0) }
        #expect(table.restore(records) == 8)
        #expect(table.buckets[5].nodes.map(\.info) == Array(overflow.prefix(8)))  // the longest-lived
        #expect(table.count == 9)
        #expect(table.node(id: known.id)?.isVerified == true)
    }

    @Test func allNodesIncludesBadOnesLongestLivedFirst() {
        var table = Fixture.table()
        let late = Fixture.node(inBucket: 0, variant: 0)
        let early = Fixture.node(inBucket: 9, variant: 0)
        _ = table.noteResponse(from: late, now: 50)
        _ = table.noteResponse(from: early, now: 10)
        Fixture.makeBad(&table, late, at: 60)
        #expect(table.allNodes.map(\.info) == [early, late])
    }
}
