import Crypto
import Testing

@testable import PeerdexCore

/// Our instance's names and records, and the probe, announcement and goodbye built from them
/// (RFC 6762 §8, §10): exact records, and every packet encodes within the limits and decodes
/// back to itself.
@Suite struct MDNSPacketsTests {
    static let v4 = IPAddress(parsing: "10.213.0.2")!
    static let v6 = IPAddress(parsing: "fd00:213::2")!
    static let host = DNSMessageTests.name("peerdex-abcdefghijkl.local")
    static let fullName = DNSMessageTests.name("Ada's laptop (2)._peerdex._tcp.local")

    /// A signed advertisement's TXT strings, as the app will announce them.
    static let txt: [[UInt8]] = {
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
        return try! NearbyAdvertisement.sign(seq: 42, port: 4_242, name: "Ada", with: key).txtStrings
    }()

    static func instance(
        name: String = "Ada's laptop (2)", addresses: [IPAddress] = [v4, v6], txt: [[UInt8]] = txt
    ) -> MDNSServiceInstance {
        MDNSServiceInstance(instanceName: name, hostName: host, port: 4_242, addresses: addresses, txt: txt)
    }

    static let ptr = DNSResourceRecord(name: DNSMessageTests.service, ttl: 4_500, data: .pointer(fullName))
    static let srv = DNSResourceRecord(
        name: fullName, ttl: 120, data: .service(DNSServiceData(port: 4_242, target: host)), cacheFlush: true)
    static let text = DNSResourceRecord(name: fullName, ttl: 4_500, data: .text(txt), cacheFlush: true)
    static let a = DNSResourceRecord(name: host, ttl: 120, data: .address(v4), cacheFlush: true)
    static let aaaa = DNSResourceRecord(name: host, ttl: 120, data: .address(v6), cacheFlush: true)
    static let enumeration = DNSResourceRecord(
        name: DNSMessageTests.name("_services._dns-sd._udp.local"), ttl: 4_500,
        data: .pointer(DNSMessageTests.service))

    /// Encodes within the default limits and decodes to the same message.
    static func roundTrips(_ message: DNSMessage) throws -> Bool {
        try DNSMessage(decoding: message.encoded(limits: .default)) == message
    }

    static func withoutFlush(_ record: DNSResourceRecord) -> DNSResourceRecord {
        var copy = record
        copy.cacheFlush = false
        return copy
    }

    // MARK: - Names

    @Test func theServiceNamesAreTheDNSSDOnes() {
        #expect(MDNSServiceInstance.serviceType.description == "_peerdex._tcp.local")
        #expect(MDNSServiceInstance.servicesEnumeration.description == "_services._dns-sd._udp.local")
        #expect(Self.instance().instanceFullName.labels == Self.fullName.labels)
    }

    @Test func aLongInstanceNameIsCutAtACharacterBoundaryAndAnEmptyOneReplaced() {
        let long = String(repeating: "é", count: 40)  // 80 bytes
        let full = Self.instance(name: long).instanceFullName
        #expect(full.labels[0] == Array(String(repeating: "é", count: 31).utf8))
        #expect(full.labels.count == 4)
        #expect(Self.instance(name: "").instanceFullName.labels[0] == Array("peerdex".utf8))
    }

    @Test func duplicateAddressesAreAnnouncedOnceAndAtMostSixteen() {
        let many = (1...20).map { IPAddress.v4(0x0AD5_0000 + UInt32($0)) }
        #expect(Self.instance(addresses: [Self.v4, Self.v4, Self.v6]).announcedAddresses == [Self.v4, Self.v6])
        #expect(Self.instance(addresses: many).announcedAddresses == Array(many.prefix(16)))
        #expect(MDNSPackets.announcement(Self.instance(addresses: many)).answers.count == 20)
    }

    // MARK: - Packets

    @Test func aProbeAsksAnyWithTheQUBitAndProposesTheUniqueRecords() throws {
        let probe = MDNSPackets.probe(Self.instance())
        #expect(probe.id == 0 && probe.flags.rawValue == 0)
        #expect(
            probe.questions == [
                DNSQuestion(name: Self.fullName, type: .any, unicastResponse: true),
                DNSQuestion(name: Self.host, type: .any, unicastResponse: true),
            ])
        #expect(probe.answers.isEmpty && probe.additionals.isEmpty)
        #expect(probe.authorities == [Self.srv, Self.text, Self.a, Self.aaaa].map(Self.withoutFlush))
    }

    @Test func anAnnouncementCarriesEveryRecordWithCacheFlushOnTheUniqueOnes() {
        let announcement = MDNSPackets.announcement(Self.instance())
        #expect(announcement.id == 0 && announcement.flags.rawValue == 0x8400)
        #expect(announcement.questions.isEmpty && announcement.authorities.isEmpty)
        #expect(announcement.additionals.isEmpty)
        #expect(announcement.answers == [Self.ptr, Self.srv, Self.text, Self.a, Self.aaaa, Self.enumeration])
    }

    @Test func theAnnouncedTXTIsTheInstancesTXTAndParsesAsTheAdvertisement() throws {
        let announcement = MDNSPackets.announcement(Self.instance())
        let decoded = try DNSMessage(decoding: announcement.encoded())
        let texts = decoded.answers.compactMap { record -> [[UInt8]]? in
            if case .text(let strings) = record.data { strings } else { nil }
        }
        #expect(texts == [Self.txt])
        let advertisement = try NearbyAdvertisement(txtStrings: texts[0])
        #expect(advertisement.seq == 42 && advertisement.port == 4_242 && advertisement.name == "Ada")
    }

    @Test func aGoodbyeIsTheAnnouncementWithTTLZero() {
        let goodbye = MDNSPackets.goodbye(Self.instance())
        let announcement = MDNSPackets.announcement(Self.instance())
        #expect(goodbye.answers.map(\.ttl) == [0, 0, 0, 0, 0, 0])
        #expect(goodbye.answers.map(RecordKey.init) == announcement.answers.map(RecordKey.init))
        #expect(goodbye.flags == .response)
    }

    @Test func everyPacketEncodesWithinTheLimitsEvenForTheLargestInstance() throws {
        let largest = Self.instance(
            name: String(repeating: "x", count: 63),
            addresses: (1...20).map { IPAddress.v6(0xfd00_0213_0000_0000, UInt64($0)) },
            txt: Array(repeating: Array(repeating: UInt8(ascii: "a"), count: 255), count: 5))
        for instance in [Self.instance(), Self.instance(addresses: []), largest] {
            for packet in [
                MDNSPackets.probe(instance), MDNSPackets.announcement(instance), MDNSPackets.goodbye(instance),
            ] {
                #expect(try Self.roundTrips(packet))
            }
        }
    }
}
