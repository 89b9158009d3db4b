import Testing

@testable import PeerdexCore

/// Packets written by an independent implementation, python-zeroconf 0.154.0, decode to what
/// it meant, and our encoding of them decodes the same.
///
/// Made with `python3 -m venv /tmp/zc && /tmp/zc/bin/pip install zeroconf`, then a script that
/// builds `zeroconf.DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA)` with `add_answer_at_time` of a
/// DNSPointer (`_peerdex._tcp.local.` → `Ada's laptop (2)._peerdex._tcp.local.`, TTL 4500), a
/// DNSService (port 4242, target `ada-laptop.local.`, TTL 120, class unique), a DNSText
/// (`v=1`, `id=pdx1abc`, `seq=7`, `name=Ada Lovelace`), a DNSAddress A 192.168.1.20 and AAAA
/// fe80::1, and `add_additional_answer` of a DNSNsec for the host (A, AAAA); and a query
/// `DNSOutgoing(_FLAGS_QR_QUERY)` with a QU question for the PTR, a QM question for the SRV and
/// a known-answer PTR to `Other._peerdex._tcp.local.`; each printed with `.packets()[0].hex()`.
@Suite struct DNSMessageInteropTests {
    static let announcement = bytes(
        "000084000000000500000001085f70656572646578045f746370056c6f63616c00000c00010000119400131041646127"
            + "73206c6170746f7020283229c00cc02b002180010000007800130000000010920a6164612d6c6170746f70c01ac02b00"
            + "10800100001194002703763d310a69643d70647831616263057365713d37116e616d653d416461204c6f76656c616365"
            + "c05000018001000000780004c0a80114c050001c8001000000780010fe800000000000000000000000000001c050002f"
            + "8001000000780008c050000440000008"
    )

    static let query = bytes(
        "000000000002000100000000085f70656572646578045f746370056c6f63616c00000c8001104164612773206c617074"
            + "6f7020283229c00c00210001c00c000c0001000011940008054f74686572c00c"
    )

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    static let service = DNSMessageTests.name("_peerdex._tcp.local")
    static let instance = DNSMessageTests.name("Ada's laptop (2)._peerdex._tcp.local")
    static let host = DNSMessageTests.name("ada-laptop.local")

    @Test func aServiceAnnouncementDecodesToEveryRecordZeroconfPutInIt() throws {
        let message = try DNSMessage(decoding: Self.announcement)
        #expect(
            message.id == 0 && message.flags.isResponse && message.flags.isAuthoritative && !message.flags.isTruncated)
        #expect(message.questions.isEmpty && message.authorities.isEmpty)
        #expect(message.answers.count == 5 && message.additionals.count == 1)
        #expect(message.answers[0] == DNSResourceRecord(name: Self.service, ttl: 4_500, data: .pointer(Self.instance)))
        #expect(message.answers[0].name.labels == Self.service.labels)
        let unique = message.answers.dropFirst().allSatisfy { $0.cacheFlush && $0.recordClass == dnsClassInternet }
        #expect(unique, "SRV, TXT, A and AAAA carry the cache-flush bit")
        #expect(message.answers[1].name == Self.instance && message.answers[1].ttl == 120)
        #expect(message.answers[1].data == .service(DNSServiceData(port: 4_242, target: Self.host)))
        guard case .text(let strings) = message.answers[2].data else {
            Issue.record("the third answer is \(message.answers[2].type), not TXT")
            return
        }
        let attributes = DNSTextAttributes(strings: strings)
        #expect(attributes.strings.count == 4 && message.answers[2].ttl == 4_500)
        #expect(attributes.text(forKey: "v") == "1" && attributes.text(forKey: "ID") == "pdx1abc")
        #expect(attributes.text(forKey: "seq") == "7" && attributes.text(forKey: "name") == "Ada Lovelace")
        #expect(
            message.answers[3]
                == DNSResourceRecord(
                    name: Self.host, ttl: 120, data: .address(IPAddress(parsing: "192.168.1.20")!), cacheFlush: true
                ))
        #expect(message.answers[4].data == .address(IPAddress(parsing: "fe80::1")!))
        #expect(
            message.additionals[0]
                == DNSResourceRecord(
                    name: Self.host, ttl: 120, data: .nextSecure(next: Self.host, types: [.a, .aaaa]), cacheFlush: true
                ))
    }

    @Test func aQueryWithAKnownAnswerDecodesWithItsUnicastBit() throws {
        let message = try DNSMessage(decoding: Self.query)
        #expect(!message.flags.isResponse && message.flags.rawValue == 0)
        #expect(
            message.questions == [
                DNSQuestion(name: Self.service, type: .ptr, unicastResponse: true),
                DNSQuestion(name: Self.instance, type: .srv),
            ])
        #expect(
            message.answers == [
                DNSResourceRecord(
                    name: Self.service, ttl: 4_500, data: .pointer(DNSMessageTests.name("Other._peerdex._tcp.local")))
            ])
    }

    @Test func ourEncodingOfZeroconfsPacketsDecodesTheSameAndIsNoLarger() throws {
        for packet in [Self.announcement, Self.query] {
            let message = try DNSMessage(decoding: packet)
            let ours = try message.encoded()
            #expect(try DNSMessage(decoding: ours) == message)
            #expect(ours.count <= packet.count, "we compress at least as well: \(ours.count) vs \(packet.count)")
        }
    }
}
