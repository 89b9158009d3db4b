import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// The mDNS announcer's schedule on a virtual clock: probe and announcement times, conflict
/// renaming and its rate limit, goodbye, re-announcement, and that `nextDeadline` never lies.
@Suite struct MDNSAnnouncerTests {
    /// One action and the virtual time it was sent at.
    struct Sent: Equatable {
        let time: Double
        let action: MDNSAnnouncer.Action
    }

    /// Ticks at each deadline until nothing is scheduled or `limit` is passed.
    static func run(_ announcer: inout MDNSAnnouncer, until limit: Double = 1_000) -> [Sent] {
        var sent: [Sent] = []
        while let deadline = announcer.nextDeadline, deadline <= limit {
            sent += announcer.tick(now: deadline).map { Sent(time: deadline, action: $0) }
        }
        return sent
    }

    /// Ticks `count` deadlines, returning what they sent.
    static func steps(_ count: Int, _ announcer: inout MDNSAnnouncer) -> [Sent] {
        (0..<count).flatMap { _ in
            let deadline = announcer.nextDeadline!
            return announcer.tick(now: deadline).map { Sent(time: deadline, action: $0) }
        }
    }

    @Test func probesThreeTimesAfterTheInitialDelayThenAnnounces() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 10, initialDelay: 0.125)
        #expect(announcer.state == .probing(sent: 0))
        #expect(announcer.tick(now: 10.1) == [])

        let sent = Self.run(&announcer)

        #expect(Array(sent.prefix(4)) == [
            Sent(time: 10.125, action: .probe("Ada")),
            Sent(time: 10.375, action: .probe("Ada")),
            Sent(time: 10.625, action: .probe("Ada")),
            Sent(time: 10.875, action: .announce("Ada")),
        ])
    }

    @Test func aLostTieBreakProbesTheSameNameAgainASecondLater() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.steps(2, &announcer)  // two probes, at 0 and 0.25
        announcer.lostTieBreak(now: 0.5)

        #expect(announcer.state == .probing(sent: 0))
        #expect(announcer.nextDeadline == 1.5)
        #expect(Array(Self.run(&announcer).prefix(4)) == [
            Sent(time: 1.5, action: .probe("Ada")),
            Sent(time: 1.75, action: .probe("Ada")),
            Sent(time: 2.0, action: .probe("Ada")),
            Sent(time: 2.25, action: .announce("Ada")),
        ])
    }

    @Test func aTieBreakOnceAnnouncedChangesNothing() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.steps(4, &announcer)  // three probes and the first announcement
        let before = announcer
        announcer.lostTieBreak(now: 1)
        #expect(announcer.state == before.state)
        #expect(announcer.nextDeadline == before.nextDeadline)
    }

    @Test func clampsTheInitialDelayToAQuarterSecond() {
        var late = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 7)
        var early = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: -1)
        #expect(late.nextDeadline == 0.25)
        #expect(early.nextDeadline == 0)
        #expect(late.tick(now: 0.25) == [.probe("Ada")])
        #expect(early.tick(now: 0) == [.probe("Ada")])
    }

    @Test(arguments: [(3, [0.0, 1, 3]), (5, [0.0, 1, 3, 7, 15]), (1, [0.0, 1])])
    func announcesAtDoublingIntervals(count: Int, offsets: [Double]) {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0, announcementCount: count)
        _ = Self.steps(3, &announcer)  // the probes
        let start = announcer.nextDeadline!

        let sent = Self.run(&announcer)

        #expect(sent == offsets.map { Sent(time: start + $0, action: .announce("Ada")) })
        #expect(announcer.state == .announced)
        #expect(announcer.nextDeadline == nil)
        #expect(announcer.tick(now: 10_000) == [])
    }

    @Test func aLateTickSendsOneStepAndKeepsTheSpacing() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        #expect(announcer.tick(now: 5) == [.probe("Ada")])
        #expect(announcer.nextDeadline == 5.25)
        #expect(announcer.tick(now: 5.2) == [])
    }

    @Test func aConflictWhileProbingRenamesAndProbesAgain() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.steps(2, &announcer)

        announcer.conflict(now: 0.375)

        #expect(announcer.instanceName == "Ada (2)")
        #expect(announcer.state == .probing(sent: 0))
        var stoppedNow = announcer
        #expect(stoppedNow.stop(now: 0.375) == [], "the name we probed is another host's")
        #expect(Array(Self.run(&announcer).prefix(4)) == [
            Sent(time: 0.375, action: .probe("Ada (2)")),
            Sent(time: 0.625, action: .probe("Ada (2)")),
            Sent(time: 0.875, action: .probe("Ada (2)")),
            Sent(time: 1.125, action: .announce("Ada (2)")),
        ])

        var again = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        again.conflict(now: 0)
        again.conflict(now: 0.1)
        #expect(again.instanceName == "Ada (3)")
        #expect(again.baseName == "Ada")
    }

    @Test func fifteenConflictsWithinTenSecondsWaitFiveSeconds() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        for index in 0..<14 {
            let now = Double(index) * 0.5
            announcer.conflict(now: now)
            #expect(announcer.nextDeadline == now, "conflict \(index + 1) probes at once")
        }

        announcer.conflict(now: 7)

        #expect(announcer.instanceName == "Ada (16)")
        #expect(announcer.nextDeadline == 12)
        #expect(announcer.tick(now: 11.9) == [])
        announcer.conflict(now: 8)  // still 15 in the last 10 s
        #expect(announcer.nextDeadline == 13)
        #expect(announcer.tick(now: 13) == [.probe("Ada (17)")])
        announcer.conflict(now: 13.1)  // those before 3.1 s have left the window: 10 remain
        #expect(announcer.nextDeadline == 13.1)
    }

    @Test func conflictsSpreadOverMoreThanTenSecondsAreNotThrottled() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        for index in 0..<40 {
            let now = Double(index) * 0.75
            announcer.conflict(now: now)
            #expect(announcer.nextDeadline == now)
        }
        #expect(announcer.instanceName == "Ada (41)")
    }

    @Test func aConflictAfterAnnouncingProbesTheSameNameAgain() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&announcer)

        announcer.conflict(now: 50)

        #expect(announcer.instanceName == "Ada")
        #expect(announcer.state == .probing(sent: 0))
        #expect(announcer.tick(now: 50) == [.probe("Ada")])
    }

    @Test func stopSendsOneGoodbyeThenNothing() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&announcer)

        #expect(announcer.stop(now: 20) == [.goodbye("Ada")])
        #expect(announcer.state == .stopped)
        #expect(announcer.nextDeadline == nil)
        #expect(announcer.stop(now: 21) == [])
        announcer.conflict(now: 22)
        announcer.changed(now: 23)
        announcer.changed(now: 24, instanceName: "Bob")
        #expect(announcer.nextDeadline == nil)
        #expect(announcer.tick(now: 10_000) == [])
    }

    @Test func stopMidAnnouncingOrMidProbingSaysGoodbyeAndStopBeforeAnyProbeIsSilent() {
        var announcing = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.steps(4, &announcing)
        #expect(announcing.state == .announcing(sent: 1))
        #expect(announcing.stop(now: 1) == [.goodbye("Ada")])

        var probing = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.steps(2, &probing)
        #expect(probing.stop(now: 1) == [.goodbye("Ada")], "browsers act on a probe's signed TXT")
        #expect(probing.tick(now: 10_000) == [])

        var waiting = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0.2)
        #expect(waiting.stop(now: 0.1) == [])
    }

    @Test func aChangeRestartsTheAnnouncementsWithoutProbing() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&announcer)

        announcer.changed(now: 100)

        #expect(Self.run(&announcer) == [0.0, 1, 3].map { Sent(time: 100 + $0, action: .announce("Ada")) })
        announcer.changed(now: 200)
        _ = Self.steps(1, &announcer)
        announcer.changed(now: 200.5)  // mid-series: starts over
        #expect(Self.run(&announcer).map(\.time) == [200.5, 201.5, 203.5])
    }

    @Test func aNewNameIsProbedBeforeItIsAnnounced() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&announcer)
        announcer.changed(now: 100, instanceName: "Bob")

        #expect(announcer.instanceName == "Bob")
        #expect(announcer.stop(now: 100) == [.goodbye("Ada")], "Bob was never sent")

        var midway = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&midway)
        midway.changed(now: 100, instanceName: "Bob")
        _ = Self.steps(1, &midway)
        #expect(midway.stop(now: 100.1) == [.goodbye("Ada"), .goodbye("Bob")])

        var renamed = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0)
        _ = Self.run(&renamed)
        renamed.changed(now: 100, instanceName: "Bob")
        #expect(Array(Self.run(&renamed).map(\.action).prefix(4)) == [
            .probe("Bob"), .probe("Bob"), .probe("Bob"), .announce("Bob"),
        ])
    }

    @Test func aChangeWhileProbingDoesNotDisturbTheProbes() {
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: 0, initialDelay: 0.25)
        _ = Self.steps(1, &announcer)
        announcer.changed(now: 0.3)
        #expect(announcer.state == .probing(sent: 1))
        #expect(announcer.nextDeadline == 0.5)
    }

    @Test func namesStayWithinOneLabelWhenSuffixed() {
        let long = String(repeating: "é", count: 40)  // 80 UTF-8 bytes
        var announcer = MDNSAnnouncer(instanceName: long, now: 0, initialDelay: 0)
        #expect(announcer.instanceName.utf8.count <= MDNSAnnouncer.maximumNameLength)
        announcer.conflict(now: 0)
        #expect(announcer.instanceName.utf8.count <= MDNSAnnouncer.maximumNameLength)
        #expect(announcer.instanceName.hasSuffix("é (2)"))
    }

    /// Drives random events and checks, before each, that the deadline is exactly when a tick
    /// first acts: nothing just before it, something at it, and nothing ever when it is nil,
    /// which only a settled (announced or stopped) announcer may be.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func nextDeadlineIsWhenTickActs(seed: UInt64) {
        var random = SeededRandom(exactSeed: seed)
        var now = 0.0
        var announcer = MDNSAnnouncer(instanceName: "Ada", now: now, initialDelay: Double.random(in: 0..<1, using: &random) * 0.25)
        for _ in 0..<400 {
            var early = announcer, onTime = announcer
            let settled = announcer.state == .announced || announcer.state == .stopped
            #expect((announcer.nextDeadline == nil) == settled, "only a settled announcer has nothing due")
            if let deadline = announcer.nextDeadline {
                #expect(early.tick(now: deadline.nextDown) == [])
                #expect(onTime.tick(now: deadline).count == 1)
            } else {
                #expect(onTime.tick(now: now + 1_000_000) == [])
            }
            now += Double.random(in: 0..<1, using: &random) * 2
            switch random.next() % 100 {
            case 0..<5: announcer.conflict(now: now)
            case 5..<10: announcer.changed(now: now)
            case 10..<15: announcer.changed(now: now, instanceName: random.next() % 2 == 0 ? "Ada" : "Bob")
            case 15:
                _ = announcer.stop(now: now)
                #expect(announcer.nextDeadline == nil)
                #expect(announcer.tick(now: now + 1_000_000) == [])
                announcer = MDNSAnnouncer(instanceName: "Ada", now: now, initialDelay: Double.random(in: 0..<1, using: &random) * 0.25)
            default: _ = announcer.tick(now: now)
            }
        }
    }
}
