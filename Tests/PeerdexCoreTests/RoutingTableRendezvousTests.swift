import Testing

@testable import PeerdexCore

/// What a rendezvous server hands out of its routing table: nodes that answered lately, most
/// recent first, at most the limit, never one that only queried it.
@Suite struct RoutingTableRendezvousTests {
    private typealias Fixture = RoutingFixture

    @Test func goodEntriesComeMostRecentlyHeardFromFirst() {
        var table = Fixture.table()
        let old = Fixture.fill(&table, bucket: 0, count: 3, startingAt: 100)  // answered at 100, 101, 102
        let fresh = Fixture.fill(&table, bucket: 4, count: 2, startingAt: 200)  // at 200, 201
        #expect(table.recentlyAnsweredNodes(limit: 64, now: 300) == [fresh[1], fresh[0], old[2], old[1], old[0]])
        #expect(table.recentlyAnsweredNodes(limit: 2, now: 300) == [fresh[1], fresh[0]])
        #expect(table.recentlyAnsweredNodes(limit: 0, now: 300) == [])
        #expect(table.recentlyAnsweredNodes(limit: -5, now: 300) == [])
    }

    @Test func aNodeThatQueriedUsLatelyMovesUpTheList() {
        var table = Fixture.table()
        let nodes = Fixture.fill(&table, bucket: 2, count: 3, startingAt: 10)
        _ = table.noteQuery(from: nodes[0], now: 50)
        #expect(table.recentlyAnsweredNodes(limit: 64, now: 60) == [nodes[0], nodes[2], nodes[1]])
    }

    @Test func questionableAndBadEntriesAreLeftOut() {
        var table = Fixture.table()
        let silent = Fixture.fill(&table, bucket: 1, count: 2, startingAt: 0)
        let live = Fixture.fill(&table, bucket: 3, count: 2, startingAt: 1_000)
        Fixture.makeBad(&table, live[0], at: 1_001)
        // 15 minutes after 0 and 1 the bucket-1 entries are questionable; live[0] failed twice.
        #expect(table.state(of: silent[0].id, now: 1_100) == .questionable)
        #expect(table.state(of: live[0].id, now: 1_100) == .bad)
        #expect(table.recentlyAnsweredNodes(limit: 64, now: 1_100) == [live[1]])
    }

    @Test func restoredEntriesAreLeftOutUntilTheyAnswerAgain() {
        let saved = Fixture.node(inBucket: 6, variant: 0)
        var table = RoutingTable(
            ownID: Fixture.ownID, settings: RoutingSettings(enforceBEP42: false),
            restoring: [RoutingNodeRecord(info: saved, firstSeen: 0, lastResponse: 99)])
        #expect(table.count == 1)
        #expect(table.recentlyAnsweredNodes(limit: 64, now: 100) == [])
        _ = table.noteResponse(from: saved, now: 100)
        #expect(table.recentlyAnsweredNodes(limit: 64, now: 100) == [saved])
    }

    @Test func candidatesThatAnsweredAreHandedOutAndThoseThatOnlyQueriedAreNot() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3, count: 8, startingAt: 0)
        let answered = Fixture.node(inBucket: 3, variant: 8)
        let onlyQueried = Fixture.node(inBucket: 3, variant: 9)
        _ = table.noteResponse(from: answered, now: 20)
        _ = table.noteQuery(from: onlyQueried, now: 30)
        #expect(table.buckets[3].candidates.map(\.info).contains(answered))
        #expect(table.buckets[3].candidates.map(\.info).contains(onlyQueried))
        let handed = table.recentlyAnsweredNodes(limit: 64, now: 40)
        #expect(handed == [answered] + incumbents.reversed())
        // A candidate's answer ages out as an entry's does.
        #expect(!table.recentlyAnsweredNodes(limit: 64, now: 20 + 15 * 60 + 1).contains(answered))
    }

    @Test func aFullTableGivesExactlyTheLimit() {
        var table = Fixture.table()
        var everyone = [DHTNodeInfo]()
        for bucket in 0..<12 {
            everyone += Fixture.fill(&table, bucket: bucket, count: 8, startingAt: Double(bucket * 10))
        }
        #expect(table.count == 96)
        let handed = table.recentlyAnsweredNodes(limit: RendezvousProtocol.maximumNodes, now: 200)
        #expect(handed.count == 64)
        #expect(Set(handed.map(\.id)).count == 64)
        #expect(!handed.contains { $0.id == Fixture.ownID })
        #expect(handed.first == everyone.last, "the most recent answer first")
    }
}
