import Testing

@testable import PeerdexCore

/// The responder on a virtual clock: which records answer which question, known-answer
/// suppression, the per-record rate limit, QU and legacy unicast, probe defense and tie-breaking,
/// and conflict detection (RFC 6762 §5.4, §6, §7.1, §8.2, §9).
@Suite struct MDNSResponderTests {
    typealias P = MDNSPacketsTests
    static let asker = IPAddress(parsing: "10.213.0.3")!
    static let service = DNSMessageTests.service
    static let enumerationName = DNSMessageTests.name("_services._dns-sd._udp.local")

    static func query(
        _ questions: [DNSQuestion], known: [DNSResourceRecord] = [], authorities: [DNSResourceRecord] = [],
        id: UInt16 = 0
    ) -> DNSMessage {
        DNSMessage(id: id, questions: questions, answers: known, authorities: authorities)
    }

    static func ask(_ name: DNSName, _ type: DNSRecordType, qu: Bool = false) -> DNSMessage {
        query([DNSQuestion(name: name, type: type, unicastResponse: qu)])
    }

    static func response(_ answers: [DNSResourceRecord]) -> DNSMessage {
        DNSMessage(flags: .response, answers: answers)
    }

    /// A responder for the fixture instance, announced unless `probing`.
    static func handle(
        _ message: DNSMessage, _ responder: inout MDNSResponder, at now: Double = 0, port: UInt16 = 5_353,
        probing: Bool = false
    ) -> MDNSResponderReply {
        responder.handle(message, from: asker, port: port, now: now, isProbing: probing)
    }

    static func multicast(_ answers: [DNSResourceRecord], _ additionals: [DNSResourceRecord] = []) -> DNSMessage {
        DNSMessage(flags: .response, answers: answers, additionals: additionals)
    }

    static func nsec(_ name: DNSName, _ types: Set<DNSRecordType>) -> DNSResourceRecord {
        DNSResourceRecord(name: name, ttl: 120, data: .nextSecure(next: name, types: types), cacheFlush: true)
    }

    // MARK: - Answers

    @Test(arguments: [DNSRecordType.ptr, .any])
    func aServiceQuestionGetsThePointerWithEverythingElseAsAdditionals(type: DNSRecordType) throws {
        var responder = MDNSResponder(instance: P.instance())
        let reply = Self.handle(Self.ask(Self.service, type), &responder)
        #expect(reply.multicast == Self.multicast([P.ptr], [P.srv, P.text, P.a, P.aaaa]))
        #expect(reply.unicast == nil && reply.conflict == nil)
        #expect(reply.multicastDelay == 0.02...0.12, "shared answers wait 20–120 ms (§6)")
        #expect(try P.roundTrips(reply.multicast!))
    }

    @Test func instanceQuestionsGetTheirRecordsAtOnce() {
        var responder = MDNSResponder(instance: P.instance())
        let srv = Self.handle(Self.ask(P.fullName, .srv), &responder, at: 0)
        let txt = Self.handle(Self.ask(P.fullName, .txt), &responder, at: 10)
        let any = Self.handle(Self.ask(P.fullName, .any), &responder, at: 20)
        #expect(srv.multicast == Self.multicast([P.srv], [P.a, P.aaaa]))
        #expect(srv.multicastDelay == 0...0)
        #expect(txt.multicast == Self.multicast([P.text]))
        #expect(any.multicast == Self.multicast([P.srv, P.text], [P.a, P.aaaa]))
    }

    @Test func hostQuestionsGetTheAddressesAndTheOtherFamilyAsAdditional() {
        var responder = MDNSResponder(instance: P.instance())
        #expect(Self.handle(Self.ask(P.host, .a), &responder, at: 0).multicast == Self.multicast([P.a], [P.aaaa]))
        #expect(Self.handle(Self.ask(P.host, .aaaa), &responder, at: 5).multicast == Self.multicast([P.aaaa], [P.a]))
        #expect(Self.handle(Self.ask(P.host, .any), &responder, at: 10).multicast == Self.multicast([P.a, P.aaaa]))
    }

    @Test func aMissingTypeIsDeniedWithAnNSEC() {
        var responder = MDNSResponder(instance: P.instance(addresses: [P.v4]))
        let hostNSEC = Self.nsec(P.host, [.a])
        #expect(Self.handle(Self.ask(P.host, .aaaa), &responder, at: 0).multicast == Self.multicast([hostNSEC]))
        #expect(Self.handle(Self.ask(P.host, .a), &responder, at: 5).multicast == Self.multicast([P.a], [hostNSEC]))
        let instanceNSEC = Self.nsec(P.fullName, [.srv, .txt])
        let denied = Self.handle(Self.ask(P.fullName, .a), &responder, at: 10)
        #expect(denied.multicast == Self.multicast([instanceNSEC]))
    }

    @Test func theServicesEnumerationListsOurType() {
        var responder = MDNSResponder(instance: P.instance())
        let reply = Self.handle(Self.ask(Self.enumerationName, .ptr), &responder)
        #expect(reply.multicast == Self.multicast([P.enumeration]))
    }

    @Test func namesMatchWithoutRegardToCase() {
        var responder = MDNSResponder(instance: P.instance())
        let shouted = DNSMessageTests.name("ADA'S LAPTOP (2)._PEERDEX._TCP.Local")
        #expect(Self.handle(Self.ask(shouted, .txt), &responder).multicast == Self.multicast([P.text]))
    }

    @Test func otherNamesResponsesAndOtherOpcodesGetNothing() {
        var responder = MDNSResponder(instance: P.instance())
        var notQuery = Self.ask(Self.service, .ptr)
        notQuery.flags.opcode = 4
        var responseWithQuestion = Self.ask(Self.service, .ptr)
        responseWithQuestion.flags = .response
        var badCode = Self.ask(Self.service, .ptr)
        badCode.flags.responseCode = 1
        let others = [
            Self.ask(DNSMessageTests.name("_http._tcp.local"), .ptr),
            Self.ask(DNSMessageTests.name("Bob._peerdex._tcp.local"), .any),
            Self.ask(DNSMessageTests.name("other.local"), .a), notQuery, responseWithQuestion, badCode,
            Self.query([DNSQuestion(name: Self.service, type: .ptr, recordClass: 3)]),
        ]
        for message in others { #expect(Self.handle(message, &responder) == MDNSResponderReply()) }
    }

    @Test func answersNothingWhileProbing() {
        var responder = MDNSResponder(instance: P.instance())
        #expect(Self.handle(Self.ask(Self.service, .ptr), &responder, probing: true) == MDNSResponderReply())
        #expect(Self.handle(Self.ask(P.fullName, .any), &responder, probing: true) == MDNSResponderReply())
    }

    // MARK: - Known answers and rate limit

    @Test func aKnownAnswerWithHalfOurTTLOrMoreIsOmitted() {
        var responder = MDNSResponder(instance: P.instance())
        var known = P.ptr
        known.ttl = 2_250
        #expect(Self.handle(Self.query([DNSQuestion(name: Self.service, type: .ptr)], known: [known]), &responder)
            == MDNSResponderReply())
        known.ttl = 2_249
        let reply = Self.handle(Self.query([DNSQuestion(name: Self.service, type: .ptr)], known: [known]), &responder)
        #expect(reply.multicast?.answers == [P.ptr])
    }

    @Test func knownAdditionalsAreLeftOut() {
        var responder = MDNSResponder(instance: P.instance())
        let reply = Self.handle(Self.query([DNSQuestion(name: P.fullName, type: .srv)], known: [P.a]), &responder)
        #expect(reply.multicast == Self.multicast([P.srv], [P.aaaa]))
    }

    @Test func aRecordIsMulticastAtMostOnceASecond() {
        var responder = MDNSResponder(instance: P.instance())
        let query = Self.ask(P.fullName, .txt)
        #expect(Self.handle(query, &responder, at: 100).multicast != nil)
        #expect(Self.handle(query, &responder, at: 100.999) == MDNSResponderReply())
        #expect(Self.handle(query, &responder, at: 101).multicast == Self.multicast([P.text]))
        // The SRV was never multicast: it goes out, its additionals too, the TXT is held back.
        let both = Self.handle(Self.ask(P.fullName, .any), &responder, at: 101.5)
        #expect(both.multicast == Self.multicast([P.srv], [P.a, P.aaaa]))
    }

    @Test func anAnnouncementTheAppSentCountsForTheRateLimit() {
        var responder = MDNSResponder(instance: P.instance())
        responder.noteMulticast(MDNSPackets.announcement(P.instance()), now: 50)
        #expect(Self.handle(Self.ask(Self.service, .ptr), &responder, at: 50.5) == MDNSResponderReply())
        #expect(Self.handle(Self.ask(Self.service, .ptr), &responder, at: 51).multicast?.answers == [P.ptr])
    }

    // MARK: - Unicast

    @Test func aQUQuestionIsMulticastFirstThenUnicastWhileTheRecordIsFresh() throws {
        var responder = MDNSResponder(instance: P.instance())
        let txt = Self.query([DNSQuestion(name: P.fullName, type: .txt, unicastResponse: true)])
        let first = Self.handle(txt, &responder)
        #expect(first.multicast == Self.multicast([P.text]) && first.unicast == nil)
        let again = Self.query([DNSQuestion(name: P.fullName, type: .srv, unicastResponse: true)], id: 7)
        let srvFirst = Self.handle(again, &responder, at: 1)
        #expect(srvFirst.multicast == Self.multicast([P.srv], [P.a, P.aaaa]))
        // Within a quarter of the SRV's TTL (30 s) the next QU answer goes to the asker alone.
        let later = Self.handle(again, &responder, at: 30.9)
        #expect(later.multicast == nil)
        #expect(later.unicast == DNSMessage(id: 7, flags: .response, answers: [P.srv], additionals: [P.a, P.aaaa]))
        let stale = Self.handle(again, &responder, at: 31)
        #expect(stale.unicast == nil && stale.multicast?.answers == [P.srv])
        #expect(try P.roundTrips(later.unicast!))
    }

    @Test func aLegacyQueryGetsAUnicastReplyWithItsIDQuestionsAndShortTTLs() throws {
        var responder = MDNSResponder(instance: P.instance())
        let question = DNSQuestion(name: P.fullName, type: .srv)
        let query = Self.query([question], id: 0x1234)
        let reply = Self.handle(query, &responder, at: 0, port: 40_000)
        func legacy(_ record: DNSResourceRecord) -> DNSResourceRecord {
            var copy = record
            copy.ttl = 10
            copy.cacheFlush = false
            return copy
        }
        #expect(reply.multicast == nil)
        #expect(
            reply.unicast
                == DNSMessage(
                    id: 0x1234, flags: .response, questions: [question], answers: [legacy(P.srv)],
                    additionals: [legacy(P.a), legacy(P.aaaa)]))
        #expect(try P.roundTrips(reply.unicast!))
        // Legacy replies are not rate-limited, and do not count as multicast.
        #expect(Self.handle(query, &responder, at: 0.1, port: 40_000).unicast?.answers == [legacy(P.srv)])
        #expect(Self.handle(Self.ask(P.fullName, .srv), &responder, at: 0.2).multicast?.answers == [P.srv])
    }

    // MARK: - Probes

    static func rivalProbe(port: UInt16) -> DNSMessage {
        let rival = DNSResourceRecord(
            name: P.fullName, ttl: 120, data: .service(DNSServiceData(port: port, target: P.host)))
        return Self.query(
            [DNSQuestion(name: P.fullName, type: .any, unicastResponse: true)],
            authorities: [rival, P.withoutFlush(P.text)])
    }

    @Test func onceAnnouncedAProbeForOurNameIsDefendedByMulticastAQuarterSecondApart() throws {
        var responder = MDNSResponder(instance: P.instance())
        let probe = Self.rivalProbe(port: 9_999)
        let defense = Self.handle(probe, &responder, at: 10)
        #expect(defense.multicast == Self.multicast([P.srv, P.text]))
        #expect(defense.unicast == nil && defense.conflict == nil && defense.multicastDelay == 0...0)
        #expect(try P.roundTrips(defense.multicast!))
        #expect(Self.handle(probe, &responder, at: 10.249) == MDNSResponderReply())
        #expect(Self.handle(probe, &responder, at: 10.25).multicast?.answers == [P.srv, P.text])
        // An ordinary query still waits the full second.
        #expect(Self.handle(Self.ask(P.fullName, .srv), &responder, at: 10.75) == MDNSResponderReply())
    }

    @Test func ourOwnProbeLoopedBackIsIgnored() {
        var responder = MDNSResponder(instance: P.instance())
        let own = MDNSPackets.probe(P.instance())
        #expect(Self.handle(own, &responder, at: 0, probing: true) == MDNSResponderReply())
        #expect(Self.handle(own, &responder, at: 1, probing: false) == MDNSResponderReply())
    }

    @Test func whileProbingTheLexicographicallyLaterProbeWins() {
        var responder = MDNSResponder(instance: P.instance())
        // Our SRV says port 4242 (0x1092); a rival with a higher port is later and wins.
        #expect(Self.handle(Self.rivalProbe(port: 4_243), &responder, probing: true).conflict == .lostTieBreak)
        let lost = Self.handle(Self.rivalProbe(port: 4_243), &responder, probing: true)
        #expect(lost == MDNSResponderReply(conflict: .lostTieBreak))
        #expect(Self.handle(Self.rivalProbe(port: 4_241), &responder, probing: true) == MDNSResponderReply())
    }

    @Test func tieBreakComparesClassThenTypeThenRDataThenCount() {
        let srv = P.srv
        var otherClass = P.srv
        otherClass.recordClass = 2
        let address = DNSResourceRecord(name: P.fullName, ttl: 1, data: .address(.v4(0xFFFF_FFFF)))
        #expect(MDNSResponder.tieBreak(ours: [srv], theirs: [otherClass]) == .theirsLater)
        // A (type 1) sorts before SRV (33), whatever its data: the SRV set is later.
        #expect(MDNSResponder.tieBreak(ours: [srv], theirs: [address]) == .oursLater)
        #expect(MDNSResponder.tieBreak(ours: [P.text, srv], theirs: [srv, P.text]) == .same)
        #expect(MDNSResponder.tieBreak(ours: [P.text], theirs: [srv, P.text]) == .theirsLater)
        #expect(MDNSResponder.tieBreak(ours: [P.srv, P.text], theirs: [P.text]) == .oursLater)
        let target: [UInt8] = [20] + Array("peerdex-abcdefghijkl".utf8) + [5] + Array("local".utf8) + [0]
        #expect(MDNSResponder.uncompressedData(srv.data) == [0, 0, 0, 0, 0x10, 0x92] + target)
    }

    // MARK: - Conflicts

    @Test func anotherHostsRecordsForOurNamesTakeIt() {
        var responder = MDNSResponder(instance: P.instance())
        var otherSRV = P.srv
        otherSRV.data = .service(DNSServiceData(port: 1, target: P.host))
        var otherTXT = P.text
        otherTXT.data = .text([Array("v=1".utf8)])
        let otherAddress = DNSResourceRecord(name: P.host, ttl: 120, data: .address(.v4(0x0AD5_0063)))
        for record in [otherSRV, otherTXT, otherAddress] {
            #expect(Self.handle(Self.response([record]), &responder) == MDNSResponderReply(conflict: .nameTaken))
            var inAdditionals = Self.response([])
            inAdditionals.additionals = [record]
            #expect(Self.handle(inAdditionals, &responder).conflict == .nameTaken)
            var probing = MDNSResponder(instance: P.instance())
            #expect(Self.handle(Self.response([record]), &probing, probing: true).conflict == .nameTaken)
        }
    }

    @Test func ourOwnAnnouncementsGoodbyesAndOtherNamesAreNoConflict() {
        var responder = MDNSResponder(instance: P.instance())
        var goodbye = P.srv
        goodbye.data = .service(DNSServiceData(port: 1, target: P.host))
        goodbye.ttl = 0
        var otherInstance = P.text
        otherInstance.name = DNSMessageTests.name("Bob._peerdex._tcp.local")
        otherInstance.data = .text([Array("v=1".utf8)])
        for message in [
            MDNSPackets.announcement(P.instance()), MDNSPackets.goodbye(P.instance()), Self.response([goodbye]),
            Self.response([otherInstance]),
        ] {
            #expect(Self.handle(message, &responder) == MDNSResponderReply())
        }
        var otherSRV = P.srv
        otherSRV.data = .service(DNSServiceData(port: 1, target: P.host))
        #expect(Self.handle(Self.response([otherSRV]), &responder, port: 5_354) == MDNSResponderReply())
    }

    // MARK: - python-zeroconf's packets

    @Test func answersZeroconfsQueryLeavingOutItsKnownAnswer() throws {
        let query = try DNSMessage(decoding: DNSMessageInteropTests.query)
        var responder = MDNSResponder(instance: P.instance())
        let reply = Self.handle(query, &responder, at: 0)
        // Never multicast before, the QU PTR answer is multicast too (§5.4); the known answer
        // names another instance, so ours is still due.
        #expect(reply.multicast == Self.multicast([P.ptr, P.srv], [P.text, P.a, P.aaaa]))
        #expect(reply.unicast == nil)
        let again = Self.handle(query, &responder, at: 2)
        #expect(again.multicast == Self.multicast([P.srv], [P.a, P.aaaa]))
        #expect(
            again.unicast
                == DNSMessage(flags: .response, answers: [P.ptr], additionals: [P.srv, P.text, P.a, P.aaaa]))
        for message in [reply.multicast, again.multicast, again.unicast].compactMap({ $0 }) {
            #expect(try P.roundTrips(message))
        }
    }

    @Test func zeroconfsAnnouncementOfOurNameWithItsOwnHostIsAConflict() throws {
        let announcement = try DNSMessage(decoding: DNSMessageInteropTests.announcement)
        var responder = MDNSResponder(instance: P.instance())
        #expect(Self.handle(announcement, &responder) == MDNSResponderReply(conflict: .nameTaken))
        var other = MDNSResponder(instance: P.instance(name: "Ada"))
        #expect(Self.handle(announcement, &other) == MDNSResponderReply())
    }
}
