import Testing

@testable import PeerdexCore

/// The browser on a virtual clock: the query schedule and its cap, known answers, refresh
/// queries, TXT sightings and goodbyes, bounds on what it remembers, and follow-up queries for
/// PTRs that came without a TXT (RFC 6762 §5.2, §7.1).
@Suite struct MDNSBrowserTests {
    typealias P = MDNSPacketsTests
    static let service = DNSMessageTests.service
    static let peer = IPAddress(parsing: "10.213.0.4")!
    static let pointerQuestion = DNSQuestion(name: service, type: .ptr)

    static func instanceName(_ label: String) -> DNSName {
        DNSMessageTests.name(label + "._peerdex._tcp.local")
    }

    static func pointer(_ label: String, ttl: UInt32 = 4_500) -> DNSResourceRecord {
        DNSResourceRecord(name: service, ttl: ttl, data: .pointer(instanceName(label)))
    }

    static func text(_ label: String, ttl: UInt32 = 4_500, _ strings: [[UInt8]] = [Array("v=1".utf8)])
        -> DNSResourceRecord
    {
        DNSResourceRecord(name: instanceName(label), ttl: ttl, data: .text(strings), cacheFlush: true)
    }

    static func response(_ answers: [DNSResourceRecord], additionals: [DNSResourceRecord] = []) -> DNSMessage {
        DNSMessage(flags: .response, answers: answers, additionals: additionals)
    }

    /// Ticks at each deadline up to `limit`, returning the time and message of each query.
    static func run(_ browser: inout MDNSBrowser, until limit: Double) -> [(Double, DNSMessage)] {
        var sent = [(Double, DNSMessage)]()
        while let deadline = browser.nextDeadline, deadline <= limit {
            if let message = browser.tick(now: deadline) { sent.append((deadline, message)) }
        }
        return sent
    }

    // MARK: - Schedule

    @Test func queriesAfterTheInitialDelayThenAtDoublingIntervalsCappedAtAnHour() throws {
        var browser = MDNSBrowser(now: 10, initialDelay: 0.0625)
        #expect(browser.nextDeadline == 10.0625)
        #expect(browser.tick(now: 10.06) == nil)
        let sent = Self.run(&browser, until: 20_000)
        let times = sent.map(\.0)
        #expect(Array(times.prefix(5)) == [10.0625, 11.0625, 13.0625, 17.0625, 25.0625])
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024, 2_048, 3_600, 3_600, 3_600, 3_600])
        for (_, message) in sent {
            #expect(message == DNSMessage(questions: [Self.pointerQuestion]))
        }
        #expect(try P.roundTrips(sent[0].1))
    }

    @Test func theInitialDelayIsClampedAndRestartQueriesAgainSoon() {
        var browser = MDNSBrowser(now: 0, initialDelay: 5)
        #expect(browser.nextDeadline == 0.12)
        _ = Self.run(&browser, until: 100)  // queries at 0.12, 1.12, … 63.12; next at 127.12
        #expect(abs((browser.nextDeadline ?? 0) - 127.12) < 1e-9)
        browser.restart(now: 100, delay: 0.0625)
        #expect(browser.nextDeadline == 100.0625)
        #expect(browser.tick(now: 100.0625) == DNSMessage(questions: [Self.pointerQuestion]))
        #expect(browser.nextDeadline == 101.0625)
        browser.restart(now: 200, delay: 9)
        #expect(browser.nextDeadline == 200.12)
    }

    @Test func askingAfreshQueriesNowWithoutKnownAnswersAndKeepsTheSchedule() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)  // the first query; the next at 1, then 3
        _ = browser.handle(Self.response([Self.pointer("Bob")], additionals: [Self.text("Bob")]), from: Self.peer, now: 0.5)
        #expect(browser.tick(now: 1)?.answers == [Self.pointer("Bob", ttl: 4_499)], "Bob's PTR suppresses his answer")
        browser.askAfresh(now: 2)
        #expect(browser.nextDeadline == 2)
        #expect(browser.tick(now: 2) == DNSMessage(questions: [Self.pointerQuestion]), "no known answers: Bob answers")
        #expect(browser.tick(now: 2.5) == nil, "once")
        // The regular schedule is where it was: at 3, with the known answer again.
        #expect(browser.nextDeadline == 3)
        #expect(browser.tick(now: 3)?.answers == [Self.pointer("Bob", ttl: 4_497)])
        #expect(browser.nextDeadline == 7)
    }

    // MARK: - Sightings

    @Test func anAnnouncementGivesOneSightingOfItsTXT() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        let sightings = browser.handle(MDNSPackets.announcement(P.instance()), from: Self.peer, now: 1)
        #expect(sightings == [MDNSSighting(instance: P.fullName, txtStrings: P.txt, ttl: 4_500, source: Self.peer)])
        #expect(browser.rememberedCount == 1 && browser.pendingResolveInstances.isEmpty)
        let advertisement = try NearbyAdvertisement(txtStrings: sightings[0].txtStrings)
        #expect(advertisement.port == 4_242)
    }

    @Test func aTXTInTheAdditionalsCountsAndADuplicateIsReportedOnce() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        let message = Self.response([Self.pointer("Bob")], additionals: [Self.text("Bob"), Self.text("Bob")])
        #expect(browser.handle(message, from: Self.peer, now: 0).map(\.instance) == [Self.instanceName("Bob")])
        #expect(browser.pendingResolveInstances.isEmpty)
    }

    @Test func queriesOtherTypesAndDeeperNamesAreIgnored() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        var query = Self.response([Self.pointer("Bob")], additionals: [Self.text("Bob")])
        query.flags = DNSFlags()
        let other = DNSResourceRecord(
            name: DNSMessageTests.name("Bob._http._tcp.local"), ttl: 120, data: .text([Array("v=1".utf8)]))
        let deeper = Self.text("a._sub")
        let foreignPointer = DNSResourceRecord(
            name: DNSMessageTests.name("_http._tcp.local"), ttl: 120,
            data: .pointer(DNSMessageTests.name("Bob._http._tcp.local")))
        #expect(browser.handle(query, from: Self.peer, now: 0).isEmpty)
        #expect(browser.handle(Self.response([other, deeper, foreignPointer]), from: Self.peer, now: 0).isEmpty)
        #expect(browser.rememberedCount == 0)
    }

    @Test func aGoodbyeIsASightingWithTTLZeroAndForgetsThePointer() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.handle(MDNSPackets.announcement(P.instance()), from: Self.peer, now: 1)
        let sightings = browser.handle(MDNSPackets.goodbye(P.instance()), from: Self.peer, now: 2)
        #expect(sightings == [MDNSSighting(instance: P.fullName, txtStrings: P.txt, ttl: 0, source: Self.peer)])
        #expect(browser.rememberedCount == 0)
    }

    @Test func aPointerGoodbyeAloneReportsTheLastTXTHeard() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        let strings = [Array("v=1".utf8), Array("seq=3".utf8)]
        _ = browser.handle(Self.response([Self.pointer("Bob"), Self.text("Bob", strings)]), from: Self.peer, now: 0)
        let sightings = browser.handle(Self.response([Self.pointer("Bob", ttl: 0)]), from: Self.peer, now: 5)
        #expect(sightings == [
            MDNSSighting(instance: Self.instanceName("Bob"), txtStrings: strings, ttl: 0, source: Self.peer)
        ])
        // Never heard a TXT: nothing to report.
        #expect(browser.handle(Self.response([Self.pointer("Eve", ttl: 0)]), from: Self.peer, now: 6).isEmpty)
    }

    // MARK: - Known answers, refresh, expiry, bounds

    @Test func theQueryListsPointersWithMoreThanHalfTheirTTLLeft() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        #expect(browser.tick(now: 0) != nil)
        _ = browser.handle(Self.response([Self.pointer("Bob"), Self.text("Bob")]), from: Self.peer, now: 0.5)
        _ = browser.handle(Self.response([Self.pointer("Eve", ttl: 100), Self.text("Eve")]), from: Self.peer, now: 0.5)
        let querySent = browser.tick(now: 1)
        let query = try #require(querySent)
        #expect(query.questions == [Self.pointerQuestion])
        #expect(query.answers == [Self.pointer("Bob", ttl: 4_499), Self.pointer("Eve", ttl: 99)])
        #expect(try P.roundTrips(query))
        // At 51 Eve has 49.5 s of 100 left: no longer listed, so her responder answers again.
        browser.restart(now: 51)
        #expect(browser.tick(now: 51)?.answers == [Self.pointer("Bob", ttl: 4_449)])
    }

    @Test func aBrowserQueryIsSuppressedByOurResponderOnlyWhileTheAnswerIsFresh() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        var responder = MDNSResponder(instance: P.instance())
        _ = browser.tick(now: 0)
        _ = browser.handle(MDNSPackets.announcement(P.instance()), from: Self.peer, now: 0)
        let freshSent = browser.tick(now: 1)
        let fresh = try #require(freshSent)
        #expect(responder.handle(fresh, from: Self.peer, port: 5_353, now: 1, isProbing: false) == MDNSResponderReply())
        browser.restart(now: 2_300)
        let staleSent = browser.tick(now: 2_300)
        let stale = try #require(staleSent)
        let reply = responder.handle(stale, from: Self.peer, port: 5_353, now: 2_300, isProbing: false)
        #expect(reply.multicast?.answers == [P.ptr])
    }

    @Test func pointersAreRefreshedAt80To95PercentOfTheirTTLThenExpire() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        _ = browser.handle(Self.response([Self.pointer("Bob", ttl: 100), Self.text("Bob")]), from: Self.peer, now: 0.5)
        let sent = Self.run(&browser, until: 120)
        #expect(sent.map(\.0) == [1, 3, 7, 15, 31, 63, 80.5, 85.5, 90.5, 95.5])
        #expect(sent[6].1 == DNSMessage(questions: [Self.pointerQuestion]))
        #expect(browser.rememberedCount == 0, "expired at 100.5")
        #expect(browser.nextDeadline == 127)
    }

    @Test func aHugeTTLIsBelievedForAtMost4500Seconds() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        _ = browser.handle(Self.response([Self.pointer("Bob", ttl: .max), Self.text("Bob")]), from: Self.peer, now: 0)
        #expect(browser.tick(now: 1)?.answers == [Self.pointer("Bob", ttl: 4_499)])
    }

    @Test func atMost256InstancesAreRememberedTheSoonestExpiringMakingRoom() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        let labels = (0..<300).map { String(repeating: "x", count: 59) + String(1_000 + $0) }
        for (index, label) in labels.enumerated() {
            let ttl = UInt32(4_500 - index)  // later ones expire sooner
            let message = Self.response([Self.pointer(label, ttl: ttl), Self.text(label)])
            _ = browser.handle(message, from: Self.peer, now: 0)
        }
        #expect(browser.rememberedCount == 256)
        _ = browser.tick(now: 0)
        let querySent = browser.tick(now: 1)
        let query = try #require(querySent)
        let encoded = try query.encoded()
        #expect(encoded.count <= MDNSBrowser.maximumQueryBytes)
        #expect(try DNSMessage(decoding: encoded) == query)
        // 1,440 bytes hold the question and 17 answers of 78 bytes; the longest-lived first.
        #expect(query.answers.count == 17)
        #expect(query.answers.first == Self.pointer(labels[0], ttl: 4_499))
    }

    // MARK: - Follow-ups

    @Test func aPointerWithoutTXTIsFollowedUpThreeTimesAtMost() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        #expect(browser.handle(Self.response([Self.pointer("Bob")]), from: Self.peer, now: 0.25).isEmpty)
        #expect(browser.pendingResolveInstances == [Self.instanceName("Bob")])
        let sent = Self.run(&browser, until: 5)
        let bob = Self.instanceName("Bob")
        let followUp = [DNSQuestion(name: bob, type: .srv), DNSQuestion(name: bob, type: .txt)]
        #expect(sent.map(\.0) == [0.375, 1, 1.375, 2.375, 3])
        #expect(sent[0].1 == DNSMessage(questions: followUp))
        #expect(sent[1].1.questions == [Self.pointerQuestion])
        #expect(sent[2].1 == DNSMessage(questions: followUp))
        #expect(sent[3].1 == DNSMessage(questions: followUp))
        #expect(browser.pendingResolveInstances.isEmpty)
        #expect(try P.roundTrips(sent[0].1))
    }

    @Test func aFollowUpDueWithTheScheduledQueryIsFoldedIntoIt() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        _ = browser.handle(Self.response([Self.pointer("Bob")]), from: Self.peer, now: 0.875)
        let bob = Self.instanceName("Bob")
        #expect(browser.tick(now: 1)?.questions == [
            Self.pointerQuestion, DNSQuestion(name: bob, type: .srv), DNSQuestion(name: bob, type: .txt),
        ])
    }

    @Test func aTXTArrivingLaterCancelsTheFollowUp() {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        _ = browser.handle(Self.response([Self.pointer("Bob")]), from: Self.peer, now: 0.25)
        #expect(browser.handle(Self.response([Self.text("Bob")]), from: Self.peer, now: 0.3).count == 1)
        #expect(browser.pendingResolveInstances.isEmpty)
        #expect(browser.nextDeadline == 1)
        // With the TXT remembered, a bare PTR refresh needs no follow-up either.
        _ = browser.handle(Self.response([Self.pointer("Bob")]), from: Self.peer, now: 0.5)
        #expect(browser.pendingResolveInstances.isEmpty)
    }

    @Test func followUpsAreBoundedPerQueryAndInAll() throws {
        var browser = MDNSBrowser(now: 0, initialDelay: 0)
        _ = browser.tick(now: 0)
        let labels = (0..<40).map { "peer \($0)" }
        _ = browser.handle(Self.response(labels.map { Self.pointer($0) }), from: Self.peer, now: 0.25)
        #expect(browser.pendingResolveInstances == labels.prefix(32).map(Self.instanceName))
        let querySent = browser.tick(now: 0.375)
        let query = try #require(querySent)
        #expect(query.questions.count == 16)
        #expect(query.questions.first?.name == Self.instanceName("peer 0"))
        #expect(browser.pendingResolveInstances.first == Self.instanceName("peer 8"))
        #expect(try P.roundTrips(query))
    }
}
