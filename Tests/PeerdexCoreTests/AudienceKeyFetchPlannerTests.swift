import PeerdexCore
import PeerdexTestSupport
import Testing

/// `AudienceKeyFetchPlanner` on a virtual clock: whom a node asks for audience keys, when,
/// how many at once, how it backs off, and that blocked contacts are never asked.
@Suite struct AudienceKeyFetchPlannerTests {
    static func contacts(_ seeds: ClosedRange<Int>, blocked: Set<Int> = []) -> [Contact] {
        seeds.map { Fixtures.contact($0, blocked: blocked.contains($0)) }
    }

    @Test func contactsAreFirstAskedSoonAfterStartAndBlockedOnesNever() {
        // Given a node started at 100 with two contacts and a blocked one
        var planner = AudienceKeyFetchPlanner(now: 100)
        planner.update(contacts: Self.contacts(1...3, blocked: [3]), now: 100)

        // Then nobody is asked before `firstAsk` has passed, and then the two unblocked ones
        #expect(planner.due(now: 102.9).isEmpty)
        let due = planner.due(now: 103)
        #expect(Set(due) == [Fixtures.peerID(1), Fixtures.peerID(2)])
        #expect(planner.inFlight == 2)
        #expect(planner.due(now: 103).isEmpty, "in flight: not handed out twice")
        #expect(planner.schedules[Fixtures.peerID(3)] == nil)
    }

    @Test func atMostMaximumInFlightAreAskedAtOnceEarliestDueFirst() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...7), now: 0)
        let first = planner.due(now: 10)
        #expect(first.count == 3)
        #expect(first == first.sorted(), "equally due: by peer ID")
        #expect(planner.due(now: 10).isEmpty)

        // When one answers, one slot frees
        planner.recordAnswer(of: first[0], now: 11)
        let next = planner.due(now: 11)
        #expect(next.count == 1)
        #expect(!first.contains(next[0]))
    }

    @Test func theLongestDueAreAskedFirst() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...2), now: 0)  // due at 3
        planner.update(contacts: Self.contacts(1...6), now: 50)  // 3...6 due at 50
        let due = planner.due(now: 60)
        let later = (3...6).map(Fixtures.peerID).sorted()
        #expect(Set(due.prefix(2)) == [Fixtures.peerID(1), Fixtures.peerID(2)])
        #expect(due.last == later[0])
        #expect(planner.due(now: 60).isEmpty)
        for peer in due { planner.recordAnswer(of: peer, now: 61) }
        #expect(planner.due(now: 61) == Array(later[1...3]))
    }

    @Test func aContactThatAnsweredIsAskedAgainAfterTheInterval() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...1), now: 0)
        let peer = Fixtures.peerID(1)
        #expect(planner.due(now: 3) == [peer])
        let kept = planner.recordAnswer(of: peer, now: 4)
        #expect(kept, "its keys may be kept")
        #expect(planner.due(now: 603.9).isEmpty)
        #expect(planner.nextDue() == 604)
        #expect(planner.due(now: 604) == [peer])
    }

    @Test func anUnreachableContactBacksOffDoublingUpToTheInterval() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...1), now: 0)
        let peer = Fixtures.peerID(1)
        var now = 3.0
        var waits = [Double]()
        for _ in 0..<9 {
            #expect(planner.due(now: now) == [peer])
            planner.recordFailure(of: peer, now: now)
            let due = planner.nextDue()!
            waits.append(due - now)
            #expect(planner.due(now: due - 0.1).isEmpty)
            now = due
        }
        #expect(waits == [5, 10, 20, 40, 80, 160, 320, 600, 600])

        // And an answer resets the backoff
        #expect(planner.due(now: now) == [peer])
        planner.recordAnswer(of: peer, now: now)
        #expect(planner.due(now: now + 1).isEmpty)
        planner.recordFailure(of: peer, now: now + 600)  // not in flight: recorded all the same
        #expect(planner.nextDue() == now + 605)
    }

    @Test func aContactBlockedWhileAskedHasItsAnswerDroppedAndIsNotAskedAgain() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...2), now: 0)
        let asked = planner.due(now: 3)
        #expect(asked.count == 2)

        // When 1 is blocked and 2 removed while both are being asked
        planner.update(contacts: Self.contacts(1...1, blocked: [1]), now: 4)

        // Then neither answer is kept, and neither is asked again
        let keptFromBlocked = planner.recordAnswer(of: Fixtures.peerID(1), now: 5)
        #expect(!keptFromBlocked)
        planner.recordFailure(of: Fixtures.peerID(2), now: 5)
        #expect(planner.due(now: 10_000).isEmpty)
        #expect(planner.nextDue() == nil)

        // And one unblocked later is asked again at once
        planner.update(contacts: Self.contacts(1...1), now: 20)
        #expect(planner.due(now: 20) == [Fixtures.peerID(1)])
    }

    @Test func aForgottenContactIsNotAskedUntilTheBookIsReadAgain() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        planner.update(contacts: Self.contacts(1...2), now: 0)
        planner.forget(Fixtures.peerID(1))
        #expect(planner.due(now: 3) == [Fixtures.peerID(2)])
        let keptFromForgotten = planner.recordAnswer(of: Fixtures.peerID(1), now: 4)
        #expect(!keptFromForgotten)
    }

    @Test func rendezvousScansAreSpacedAndSpreadWhileTheyFindNobodyNew() {
        var planner = AudienceKeyFetchPlanner(now: 0)
        func scans(at times: [Double]) -> [Bool] { times.map { planner.startScan(now: $0) } }
        #expect(scans(at: [0, 4.9]) == [true, false])
        planner.recordScan(identifiedNew: false, now: 1)  // gap 10
        #expect(scans(at: [10.9, 11]) == [false, true])
        planner.recordScan(identifiedNew: false, now: 11)  // gap 20
        #expect(scans(at: [30.9, 31]) == [false, true])
        planner.recordScan(identifiedNew: true, now: 31)  // back to 5
        #expect(scans(at: [35.9, 36]) == [false, true])
        for step in 0..<20 { planner.recordScan(identifiedNew: false, now: Double(100 + step)) }
        #expect(scans(at: [119 + 599.9, 119 + 600]) == [false, true], "the gap stops growing at the interval")
    }
}
