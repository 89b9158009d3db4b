import Testing

@testable import PeerdexCore

/// Sightings taken from other hosts' probes, so a node still probing can be verified at once.
@Suite struct MDNSBrowserProbeTests {
    typealias P = MDNSPacketsTests
    static let peer = IPAddress(parsing: "10.213.0.4")!

    @Test func aProbeOfOurServiceTypeYieldsItsProposedTXT() {
        let probe = MDNSPackets.probe(P.instance())

        let sightings = MDNSBrowser.probeSightings(in: probe, from: Self.peer)

        #expect(sightings == [MDNSSighting(instance: P.fullName, txtStrings: P.txt, ttl: 4_500, source: Self.peer)])
        #expect((try? NearbyAdvertisement(txtStrings: sightings[0].txtStrings))?.name == "Ada")
    }

    @Test func responsesOtherTypesGoodbyesAndOtherOpcodesYieldNothing() {
        let probe = MDNSPackets.probe(P.instance())
        var response = probe
        response.flags = .response
        var otherOpcode = probe
        otherOpcode.flags = DNSFlags(rawValue: 0x2000)  // opcode 4: NOTIFY
        var goodbye = probe
        goodbye.authorities = goodbye.authorities.map { record in
            var record = record
            record.ttl = 0
            return record
        }
        var otherType = probe
        otherType.authorities = [
            DNSResourceRecord(
                name: DNSMessageTests.name("Ada._http._tcp.local"), ttl: 4_500, data: .text(P.txt), cacheFlush: true)
        ]
        var noQuestion = probe
        noQuestion.questions = []

        for message in [response, otherOpcode, goodbye, otherType, noQuestion] {
            #expect(MDNSBrowser.probeSightings(in: message, from: Self.peer) == [])
        }
    }

    @Test func aRepeatedTXTIsReportedOnce() {
        var probe = MDNSPackets.probe(P.instance())
        probe.authorities += probe.authorities
        #expect(MDNSBrowser.probeSightings(in: probe, from: Self.peer).count == 1)
    }
}
