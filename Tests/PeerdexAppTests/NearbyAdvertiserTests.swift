import Crypto
import PeerdexCore
import Testing

@testable import PeerdexApp

/// Our own instance as the profile allows it: nothing for `private`, no name for `contacts`, the
/// name for `public`; probes then announcements on the announcer's schedule; a goodbye when the
/// profile turns private; a rename when another host answers for our name; no answers while
/// probing.
@Suite struct NearbyAdvertiserTests {
    static var key: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32))
    }
    static let peer = try! PeerID(publicKey: Array(key.publicKey.rawRepresentation))
    static let address = IPAddress(parsing: "10.213.0.2")!
    static let other = IPAddress(parsing: "10.213.0.3")!

    static func source(_ visibility: PrivacyLevel, name: String = "Ada") -> NearbyAdvertiser.Source {
        NearbyAdvertiser.Source(visibility: visibility, name: name, port: 7_447, addresses: [address])
    }

    static func advertiser() -> NearbyAdvertiser {
        NearbyAdvertiser(peerID: peer, signingKey: key, firstSeq: 1_000)
    }

    /// Every multicast message sent by ticking at 50 ms steps from `start` to `end`.
    static func run(_ advertiser: inout NearbyAdvertiser, from start: Double, to end: Double) -> [DNSMessage] {
        stride(from: start, through: end, by: 0.05).flatMap { now in
            advertiser.tick(now: now).compactMap { packet -> DNSMessage? in
                if case .multicast(let message, _) = packet { return message }
                return nil
            }
        }
    }

    static func txt(of message: DNSMessage) -> NearbyAdvertisement? {
        for record in message.answers + message.authorities {
            if case .text(let strings) = record.data { return try? NearbyAdvertisement(txtStrings: strings) }
        }
        return nil
    }

    @Test func aPrivateProfileAdvertisesNothing() {
        var advertiser = Self.advertiser()
        #expect(advertiser.update(Self.source(.private), now: 0, initialDelay: 0) == [])
        #expect(!advertiser.isAdvertising)
        #expect(Self.run(&advertiser, from: 0, to: 10).isEmpty)
    }

    @Test func aPublicProfileProbesThreeTimesThenAnnouncesItsSignedName() throws {
        var advertiser = Self.advertiser()
        _ = advertiser.update(Self.source(.public), now: 0, initialDelay: 0)

        let sent = Self.run(&advertiser, from: 0, to: 0.8)

        #expect(sent.count == 4)
        #expect(sent.prefix(3).allSatisfy { !$0.flags.isResponse && !$0.authorities.isEmpty }, "three probes")
        let announcement = try #require(sent.last)
        #expect(announcement.flags.isResponse)
        let advertised = try #require(Self.txt(of: announcement))
        #expect(advertised.peerID == Self.peer)
        #expect(advertised.name == "Ada")
        #expect(advertised.port == 7_447)
        #expect(advertised.seq == 1_000)
        #expect(advertiser.instanceName == "Ada")
    }

    @Test func aContactsProfileKeepsItsNameOutOfTheTXTAndTheInstanceName() throws {
        var advertiser = Self.advertiser()
        _ = advertiser.update(Self.source(.contacts), now: 0, initialDelay: 0)
        let sent = Self.run(&advertiser, from: 0, to: 0.8)

        let advertised = try #require(sent.last.flatMap(Self.txt))
        #expect(advertised.name == nil)
        #expect(advertiser.instanceName == "peerdex \(Self.peer.text.prefix(8))")
        #expect(!sent.contains { message in message.answers.contains { $0.name.description.contains("Ada") } })
    }

    @Test func turningPrivateSaysGoodbyeAndAChangeIsAnnouncedWithAHigherSeq() throws {
        var advertiser = Self.advertiser()
        _ = advertiser.update(Self.source(.public), now: 0, initialDelay: 0)
        _ = Self.run(&advertiser, from: 0, to: 5)

        // A new name: probed (a new instance name), then announced under seq + 1
        _ = advertiser.update(Self.source(.public, name: "Ada L"), now: 10, initialDelay: 0)
        let renamed = Self.run(&advertiser, from: 10, to: 10.8)
        #expect(try #require(renamed.last.flatMap(Self.txt)).seq == 1_001)
        #expect(advertiser.instanceName == "Ada L")

        let goodbye = advertiser.update(Self.source(.private, name: "Ada L"), now: 20, initialDelay: 0)
        guard case .multicast(let message, _)? = goodbye.first else {
            Issue.record("no goodbye: \(goodbye)")
            return
        }
        #expect(message.answers.allSatisfy { $0.ttl == 0 } && !message.answers.isEmpty)
        #expect(!advertiser.isAdvertising)
        #expect(Self.run(&advertiser, from: 20, to: 30).isEmpty)
    }

    @Test func anotherHostsRecordsForOurNameRenameUsAndNothingIsAnsweredWhileProbing() throws {
        var advertiser = Self.advertiser()
        _ = advertiser.update(Self.source(.public), now: 0, initialDelay: 0)
        _ = Self.run(&advertiser, from: 0, to: 0.3)  // two probes out

        // A query for our service while probing: not answered
        let query = DNSMessage(questions: [DNSQuestion(name: MDNSServiceInstance.serviceType, type: .ptr)])
        #expect(advertiser.handle(query, from: Self.other, port: 5_353, now: 0.32) == [])

        // Another host's SRV for "Ada._peerdex._tcp.local", pointing elsewhere
        let name = try DNSName("Ada._peerdex._tcp.local")
        let theirs = DNSResourceRecord(
            name: name, ttl: 120,
            data: .service(DNSServiceData(port: 80, target: try DNSName("elsewhere.local"))), cacheFlush: true)
        _ = advertiser.handle(DNSMessage(flags: .response, answers: [theirs]), from: Self.other, port: 5_353, now: 0.35)

        let sent = Self.run(&advertiser, from: 0.35, to: 1.5)
        #expect(advertiser.instanceName == "Ada (2)")
        #expect(sent.last?.flags.isResponse == true)
        #expect(sent.last?.answers.contains { $0.name.description.hasPrefix("Ada (2)") } == true)

        // Announced: the same query is answered now
        let answered = advertiser.handle(query, from: Self.other, port: 5_353, now: 3)
        #expect(!answered.isEmpty)
    }
}
