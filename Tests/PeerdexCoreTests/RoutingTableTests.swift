import Testing

@testable import PeerdexCore

/// The routing table's admission and replacement rules (BEP 5), on a virtual clock.
@Suite struct RoutingTableTests {
    private typealias Fixture = RoutingFixture

    // MARK: - Insertion

    @Test func aNodeThatAnsweredEntersAnEmptyTableInTheBucketOfItsSharedPrefix() {
        var table = Fixture.table()
        let info = Fixture.node(inBucket: 5, variant: 0)
        #expect(table.noteResponse(from: info, now: 10) == [.added(info)])
        #expect(table.count == 1)
        #expect(table.bucketIndex(for: info.id) == 5)
        #expect(table.buckets[5].nodes.map(\.info) == [info])
        #expect(table.state(of: info.id, now: 10) == .good)
        #expect(table.node(id: info.id)?.firstSeen == 10)
        #expect(table.buckets[5].lastChanged == 10)
    }

    @Test func ourOwnIDAndUnusableEndpointsAreRefused() {
        var table = Fixture.table()
        let own = DHTNodeInfo(id: Fixture.ownID, endpoint: Fixture.localEndpoint(bucket: 0, variant: 1))
        #expect(table.noteResponse(from: own, now: 0) == [.refused(own, .ownID)])
        #expect(table.noteQuery(from: own, now: 0) == [.refused(own, .ownID)])
        let id = Fixture.id(inBucket: 0, variant: 1)
        for endpoint in [
            DHTEndpoint(ip: .v4(0x0a00_0001), port: 0), DHTEndpoint(ip: .v4(0), port: 6881),
            DHTEndpoint(ip: .v6(0, 0), port: 6881),
        ] {
            let info = DHTNodeInfo(id: id, endpoint: endpoint)
            #expect(table.noteResponse(from: info, now: 0) == [.refused(info, .unusableEndpoint)])
        }
        #expect(table.count == 0)
    }

    @Test func aFullBucketOfGoodNodesKeepsThemAndCachesTheNewcomerWithoutAPing() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        let newcomer = Fixture.node(inBucket: 3, variant: 8)
        #expect(table.noteResponse(from: newcomer, now: 100) == [])
        #expect(table.buckets[3].nodes.map(\.info) == incumbents)
        #expect(table.buckets[3].candidates.map(\.info) == [newcomer])
        #expect(table.buckets[3].candidates.first?.lastResponse == 100)
        #expect(table.count == 8)
    }

    @Test func otherBucketsFillIndependently() {
        var table = Fixture.table()
        Fixture.fill(&table, bucket: 0)
        Fixture.fill(&table, bucket: 1, count: 3)
        #expect(table.count == 11)
        #expect(table.buckets[0].nodes.count == 8 && table.buckets[1].nodes.count == 3)
    }

    // MARK: - Prefer long-lived nodes

    @Test func aQuestionableIncumbentIsProbedAndReplacedByTheCandidateOnceItFailsTwice() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        let candidate = Fixture.node(inBucket: 3, variant: 8)
        // 15 minutes on, every incumbent is questionable; the least recently seen (answered at 0) is probed.
        #expect(table.noteResponse(from: candidate, now: 1_000) == [.ping(incumbents[0])])
        #expect(table.buckets[3].candidates.map(\.info) == [candidate])
        // A second sighting of the candidate does not probe the same incumbent again.
        #expect(table.noteResponse(from: candidate, now: 1_001) == [.ping(incumbents[1])])
        // One failure is not yet bad: the probe is repeated.
        let probed = incumbents[0]
        #expect(table.noteFailure(id: probed.id, endpoint: probed.endpoint, now: 1_010) == [.ping(probed)])
        #expect(table.state(of: incumbents[0].id, now: 1_010) == .questionable)
        // The second failure makes it bad, and the candidate takes its place.
        #expect(
            table.noteFailure(id: incumbents[0].id, endpoint: incumbents[0].endpoint, now: 1_020)
                == [.replaced(old: incumbents[0], new: candidate)])
        #expect(table.node(id: incumbents[0].id) == nil)
        #expect(table.state(of: candidate.id, now: 1_020) == .good)
        #expect(table.node(id: candidate.id)?.lastResponse == 1_001)
        #expect(table.buckets[3].candidates.isEmpty)
        #expect(table.count == 8)
    }

    @Test func aProbedIncumbentThatAnswersStaysAndTheNextQuestionableOneIsProbed() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        let candidate = Fixture.node(inBucket: 3, variant: 8)
        #expect(table.noteResponse(from: candidate, now: 1_000) == [.ping(incumbents[0])])
        #expect(table.noteResponse(from: incumbents[0], now: 1_005) == [.ping(incumbents[1])])
        #expect(table.state(of: incumbents[0].id, now: 1_005) == .good)
        #expect(table.node(id: incumbents[0].id)?.firstSeen == 0)
        #expect(table.buckets[3].candidates.map(\.info) == [candidate])
        #expect(table.node(id: candidate.id) == nil)
    }

    @Test func aBucketOfGoodNodesIsNeverProbedForACandidate() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        #expect(table.noteResponse(from: Fixture.node(inBucket: 3, variant: 8), now: 100) == [])
        #expect(table.noteResponse(from: incumbents[2], now: 101) == [])
    }

    @Test func aBadNodeIsReplacedAtOnceByANodeThatAnswers() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        #expect(table.noteFailure(id: incumbents[4].id, endpoint: incumbents[4].endpoint, now: 10) == [])
        #expect(table.noteFailure(id: incumbents[4].id, endpoint: incumbents[4].endpoint, now: 11) == [])
        #expect(table.state(of: incumbents[4].id, now: 11) == .bad)
        #expect(table.count == 8)
        let newcomer = Fixture.node(inBucket: 3, variant: 8)
        #expect(table.noteResponse(from: newcomer, now: 12) == [.replaced(old: incumbents[4], new: newcomer)])
        #expect(table.node(id: newcomer.id) != nil && table.node(id: incumbents[4].id) == nil)
    }

    @Test func aNodeGoingBadWithOnlyUnverifiedCandidatesAsksToPingTheBestOfThem() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        let querier = Fixture.node(inBucket: 3, variant: 8)
        #expect(table.noteQuery(from: querier, now: 20) == [])
        _ = table.noteFailure(id: incumbents[0].id, endpoint: incumbents[0].endpoint, now: 30)
        #expect(table.noteFailure(id: incumbents[0].id, endpoint: incumbents[0].endpoint, now: 31) == [.ping(querier)])
        #expect(table.noteResponse(from: querier, now: 32) == [.replaced(old: incumbents[0], new: querier)])
    }

    @Test func aCandidateThatFailsItsVerificationIsForgottenAndTheNextOneIsPinged() {
        var table = Fixture.table()
        Fixture.fill(&table, bucket: 3, count: 7)
        let first = Fixture.node(inBucket: 3, variant: 8)
        let second = Fixture.node(inBucket: 3, variant: 9)
        #expect(table.noteQuery(from: first, now: 10) == [.ping(first)])
        #expect(table.noteQuery(from: second, now: 11) == [.ping(second)])
        #expect(table.noteFailure(id: second.id, endpoint: second.endpoint, now: 20) == [])
        #expect(table.buckets[3].candidates.map(\.info) == [first])
        // Once the ping interval has passed, the remaining candidate is pinged again.
        #expect(table.noteFailure(id: second.id, endpoint: second.endpoint, now: 80) == [])
        #expect(table.noteQuery(from: first, now: 80) == [.ping(first)])
    }

    @Test func removingAnEntryPromotesTheBestCandidateThatAnswered() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 3)
        let older = Fixture.node(inBucket: 3, variant: 8)
        let newer = Fixture.node(inBucket: 3, variant: 9)
        let querier = Fixture.node(inBucket: 3, variant: 10)
        _ = table.noteResponse(from: older, now: 20)
        _ = table.noteResponse(from: newer, now: 21)
        _ = table.noteQuery(from: querier, now: 22)
        #expect(table.remove(id: incumbents[5].id, now: 30) == [.added(newer)])
        #expect(table.node(id: incumbents[5].id) == nil)
        #expect(Set(table.buckets[3].candidates.map(\.info)) == [older, querier])
        #expect(table.remove(id: Fixture.ownID, now: 30) == [])
    }

    // MARK: - Only nodes that answered

    @Test func aNodeThatOnlyQueriedUsIsPingedToVerifyItAndEntersOnlyWhenItAnswers() {
        var table = Fixture.table()
        let querier = Fixture.node(inBucket: 7, variant: 0)
        #expect(table.noteQuery(from: querier, now: 0) == [.ping(querier)])
        #expect(table.count == 0)
        #expect(table.node(id: querier.id) == nil)
        #expect(table.buckets[7].candidates.map(\.info) == [querier])
        #expect(table.noteQuery(from: querier, now: 30) == [])  // within the ping interval: no second ping
        #expect(table.noteResponse(from: querier, now: 31) == [.added(querier)])
        #expect(table.buckets[7].candidates.isEmpty)
        #expect(table.noteQuery(from: querier, now: 40) == [])
        #expect(table.node(id: querier.id)?.lastQuery == 40)
    }

    @Test func aNodeThatOnlyQueriedUsWaitsUnpingedWhenItsBucketIsFullOfGoodNodes() {
        var table = Fixture.table()
        Fixture.fill(&table, bucket: 3)
        let querier = Fixture.node(inBucket: 3, variant: 8)
        #expect(table.noteQuery(from: querier, now: 10) == [])
        #expect(table.buckets[3].candidates.map(\.info) == [querier])
        #expect(table.buckets[3].candidates.first?.hasResponded == false)
    }

    @Test func theReplacementCacheKeepsItsSizeAndPrefersNodesThatAnswered() {
        var table = Fixture.table(RoutingSettings(replacementCacheSize: 3, enforceBEP42: false))
        Fixture.fill(&table, bucket: 3)
        let answered = Fixture.node(inBucket: 3, variant: 8)
        _ = table.noteResponse(from: answered, now: 10)
        let queriers = (9..<14).map { Fixture.node(inBucket: 3, variant: $0) }
        for (offset, querier) in queriers.enumerated() { _ = table.noteQuery(from: querier, now: 11 + Double(offset)) }
        // The node that answered stays; of the queriers, the two seen last.
        #expect(table.buckets[3].candidates.count == 3)
        #expect(Set(table.buckets[3].candidates.map(\.info)) == [answered, queriers[3], queriers[4]])
    }

    // MARK: - States over time

    @Test func aNodeIsGoodFor15MinutesAfterAnsweringThenQuestionableUntilHeardFromAgain() {
        var table = Fixture.table()
        let info = Fixture.node(inBucket: 2, variant: 0)
        _ = table.noteResponse(from: info, now: 0)
        #expect(table.state(of: info.id, now: 899.9) == .good)
        #expect(table.state(of: info.id, now: 900) == .questionable)
        #expect(table.goodCount(now: 899) == 1 && table.goodCount(now: 900) == 0)
        // Having answered before, a query from it makes it good again (BEP 5).
        _ = table.noteQuery(from: info, now: 1_000)
        #expect(table.state(of: info.id, now: 1_899) == .good)
        #expect(table.state(of: info.id, now: 1_900) == .questionable)
    }

    @Test func failuresInARowMakeANodeBadAndAnAnswerClearsThem() {
        var table = Fixture.table(RoutingSettings(failuresUntilBad: 3, enforceBEP42: false))
        let info = Fixture.node(inBucket: 2, variant: 0)
        _ = table.noteResponse(from: info, now: 0)
        for time in [1.0, 2] { _ = table.noteFailure(id: info.id, endpoint: info.endpoint, now: time) }
        #expect(table.state(of: info.id, now: 3) == .good)
        _ = table.noteFailure(id: info.id, endpoint: info.endpoint, now: 3)
        #expect(table.state(of: info.id, now: 3) == .bad)
        #expect(table.closest(to: info.id, count: 8).isEmpty)
        _ = table.noteQuery(from: info, now: 4)
        #expect(table.state(of: info.id, now: 4) == .bad)  // a query proves nothing about answering
        _ = table.noteResponse(from: info, now: 5)
        #expect(table.state(of: info.id, now: 5) == .good)
        #expect(table.node(id: info.id)?.failures == 0)
    }

    @Test func aFailureReportedForAnotherEndpointOfTheIDCountsNothing() {
        var table = Fixture.table()
        let info = Fixture.node(inBucket: 2, variant: 0)
        _ = table.noteResponse(from: info, now: 0)
        let elsewhere = Fixture.localEndpoint(bucket: 2, variant: 99)
        for time in [1.0, 2, 3] { #expect(table.noteFailure(id: info.id, endpoint: elsewhere, now: time) == []) }
        #expect(table.node(id: info.id)?.failures == 0)
    }

    // MARK: - One ID per endpoint, one endpoint per ID

    @Test func aKnownIDAtANewEndpointIsNotMovedWhileItsEntryIsAlive() {
        var table = Fixture.table()
        let original = Fixture.node(inBucket: 4, variant: 0)
        _ = table.noteResponse(from: original, now: 0)
        let moved = DHTNodeInfo(id: original.id, endpoint: Fixture.localEndpoint(bucket: 4, variant: 50))
        #expect(table.noteResponse(from: moved, now: 10) == [.refused(moved, .idAtOtherEndpoint)])
        #expect(table.noteQuery(from: moved, now: 11) == [.refused(moved, .idAtOtherEndpoint)])
        #expect(table.node(id: original.id)?.info == original)
        #expect(table.node(id: original.id)?.lastResponse == 0)
        #expect(table.node(id: original.id)?.lastQuery == nil)
        // Once the entry is bad, the ID answering at its new endpoint takes its place.
        Fixture.makeBad(&table, original, at: 20)
        #expect(table.noteResponse(from: moved, now: 22) == [.replaced(old: original, new: moved)])
        #expect(table.node(id: original.id)?.info == moved)
        #expect(table.count == 1)
    }

    @Test func aNewIDAtAKnownEndpointReplacesTheEntryOnlyIfThatEntryIsBad() {
        var table = Fixture.table()
        let original = Fixture.node(inBucket: 4, variant: 0)
        _ = table.noteResponse(from: original, now: 0)
        let impostor = DHTNodeInfo(id: Fixture.id(inBucket: 9, variant: 1), endpoint: original.endpoint)
        #expect(table.noteResponse(from: impostor, now: 10) == [.refused(impostor, .endpointHasOtherID)])
        #expect(table.noteQuery(from: impostor, now: 10) == [.refused(impostor, .endpointHasOtherID)])
        Fixture.makeBad(&table, original, at: 20)
        #expect(table.noteResponse(from: impostor, now: 22) == [.replaced(old: original, new: impostor)])
        #expect(table.node(id: original.id) == nil)
        #expect(table.buckets[9].nodes.map(\.info) == [impostor])
        #expect(table.count == 1)
    }

    @Test func aRestartedNodeWithANewIDAtItsOldEndpointLeavesAPlaceInTheOldBucket() {
        var table = Fixture.table()
        let incumbents = Fixture.fill(&table, bucket: 4)
        Fixture.makeBad(&table, incumbents[1], at: 20)
        let querier = Fixture.node(inBucket: 4, variant: 8)
        #expect(table.noteQuery(from: querier, now: 22) == [.ping(querier)])  // a bad entry may go
        let restarted = DHTNodeInfo(id: Fixture.id(inBucket: 9, variant: 1), endpoint: incumbents[1].endpoint)
        #expect(table.noteResponse(from: restarted, now: 23) == [.replaced(old: incumbents[1], new: restarted)])
        #expect(table.buckets[4].nodes.count == 7 && table.buckets[9].nodes.map(\.info) == [restarted])
        #expect(table.noteResponse(from: querier, now: 24) == [.added(querier)])
        #expect(table.count == 9)
    }
}
