import Testing

@testable import PeerdexCore

/// The routing table's defences: network diversity limits and BEP 42 node IDs.
@Suite struct RoutingTableDiversityTests {
    private typealias Fixture = RoutingFixture

    private static let publicSettings = RoutingSettings(
        perNetworkPerBucket: 2, perNetworkInTable: 10, exemptLocalAddresses: true, enforceBEP42: false)

    private func publicNode(bucket: Int, variant: Int, network: Int, host: Int) -> DHTNodeInfo {
        DHTNodeInfo(
            id: Fixture.id(inBucket: bucket, variant: UInt64(variant)),
            endpoint: Fixture.publicEndpoint(network: network, host: host))
    }

    // MARK: - Network limits

    @Test func aBucketTakesAtMostTwoNodesOfOneSlash24() {
        var table = Fixture.table(Self.publicSettings)
        let first = publicNode(bucket: 2, variant: 0, network: 7, host: 1)
        let second = publicNode(bucket: 2, variant: 1, network: 7, host: 2)
        let third = publicNode(bucket: 2, variant: 2, network: 7, host: 3)
        let otherNetwork = publicNode(bucket: 2, variant: 3, network: 8, host: 3)
        #expect(table.noteResponse(from: first, now: 0) == [.added(first)])
        #expect(table.noteResponse(from: second, now: 0) == [.added(second)])
        #expect(table.noteResponse(from: third, now: 0) == [.refused(third, .networkLimitInBucket)])
        #expect(table.noteQuery(from: third, now: 0) == [.refused(third, .networkLimitInBucket)])
        #expect(table.buckets[2].candidates.isEmpty)
        #expect(table.noteResponse(from: otherNetwork, now: 0) == [.added(otherNetwork)])
        // The same /24 is still welcome in another bucket.
        let elsewhere = publicNode(bucket: 3, variant: 0, network: 7, host: 4)
        #expect(table.noteResponse(from: elsewhere, now: 0) == [.added(elsewhere)])
    }

    @Test func theTableTakesAtMostTenNodesOfOneSlash24AndFreesAPlaceWhenOneLeaves() {
        var table = Fixture.table(Self.publicSettings)
        let nodes = (0..<11).map { publicNode(bucket: $0, variant: 0, network: 9, host: $0 + 1) }
        for node in nodes.prefix(10) { #expect(table.noteResponse(from: node, now: 0) == [.added(node)]) }
        #expect(table.noteResponse(from: nodes[10], now: 0) == [.refused(nodes[10], .networkLimitInTable)])
        table.remove(id: nodes[0].id, now: 1)
        #expect(table.noteResponse(from: nodes[10], now: 2) == [.added(nodes[10])])
        #expect(table.count == 10)
    }

    @Test func aBadEntryOfTheSameNetworkGivesUpItsShareToItsReplacement() {
        var table = Fixture.table(Self.publicSettings)
        let first = publicNode(bucket: 2, variant: 0, network: 7, host: 1)
        let second = publicNode(bucket: 2, variant: 1, network: 7, host: 2)
        _ = table.noteResponse(from: first, now: 0)
        _ = table.noteResponse(from: second, now: 0)
        for time in [1.0, 2] { _ = table.noteFailure(id: first.id, endpoint: first.endpoint, now: time) }
        // Same endpoint, new ID (a restart): the bad entry leaves, so the /24 stays within its limit.
        let restarted = DHTNodeInfo(id: Fixture.id(inBucket: 2, variant: 9), endpoint: first.endpoint)
        #expect(table.noteResponse(from: restarted, now: 3) == [.replaced(old: first, new: restarted)])
    }

    @Test func ipv6NodesAreLimitedPerSlash48() {
        var table = Fixture.table(Self.publicSettings)
        func node(_ variant: Int, high: UInt64) -> DHTNodeInfo {
            DHTNodeInfo(
                id: Fixture.id(inBucket: 1, variant: UInt64(variant)),
                endpoint: DHTEndpoint(ip: .v6(high, UInt64(variant) + 1), port: 6881))
        }
        let sameSlash48 = [node(0, high: 0x2001_0db8_0001_0001), node(1, high: 0x2001_0db8_0001_ffff)]
        for info in sameSlash48 { #expect(table.noteResponse(from: info, now: 0) == [.added(info)]) }
        let third = node(2, high: 0x2001_0db8_0001_0002)
        #expect(table.noteResponse(from: third, now: 0) == [.refused(third, .networkLimitInBucket)])
        let nextSlash48 = node(3, high: 0x2001_0db8_0002_0001)
        #expect(table.noteResponse(from: nextSlash48, now: 0) == [.added(nextSlash48)])
    }

    @Test func loopbackIsAlwaysExemptAndPrivateRangesOnlyWhenSoSet() {
        for exemptLocal in [true, false] {
            var table = Fixture.table(
                RoutingSettings(perNetworkPerBucket: 2, exemptLocalAddresses: exemptLocal, enforceBEP42: false))
            for variant in 0..<5 {
                let loopback = DHTNodeInfo(
                    id: Fixture.id(inBucket: 0, variant: UInt64(variant)),
                    endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(7000 + variant)))
                #expect(table.noteResponse(from: loopback, now: 0) == [.added(loopback)])
            }
            let outcomes = (0..<5).map { variant in
                let lan = DHTNodeInfo(
                    id: Fixture.id(inBucket: 1, variant: UInt64(variant)),
                    endpoint: DHTEndpoint(ip: .v4(0xc0a8_0100 | UInt32(variant + 1)), port: 6881))
                return table.noteResponse(from: lan, now: 0) == [.added(lan)]
            }
            #expect(outcomes == (exemptLocal ? [true, true, true, true, true] : [true, true, false, false, false]))
        }
    }

    // MARK: - BEP 42

    @Test func withEnforcementOnAPublicNodeNeedsACompliantID() {
        var table = RoutingTable(ownID: Fixture.ownID, settings: RoutingSettings(enforceBEP42: true))
        let ip = IPAddress(parsing: "124.31.75.21")!
        let compliant = DHTNodeInfo(
            id: NodeID(hex: "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401")!, endpoint: DHTEndpoint(ip: ip, port: 6881))
        let forged = DHTNodeInfo(
            id: NodeID(hex: "5fbfb7f10c5d6a4ec8a88e4c6ab4c28b95eee401")!, endpoint: DHTEndpoint(ip: ip, port: 6882))
        #expect(table.noteResponse(from: forged, now: 0) == [.refused(forged, .nonCompliantID)])
        #expect(table.noteQuery(from: forged, now: 0) == [.refused(forged, .nonCompliantID)])
        #expect(table.noteResponse(from: compliant, now: 0) == [.added(compliant)])
        // Local addresses are never checked.
        let lan = DHTNodeInfo(id: forged.id, endpoint: DHTEndpoint(ip: .v4(0x0a00_0005), port: 6881))
        #expect(table.noteResponse(from: lan, now: 0) == [.added(lan)])
    }

    @Test func withEnforcementOffAnyIDIsAccepted() {
        var table = RoutingTable(ownID: Fixture.ownID, settings: RoutingSettings(enforceBEP42: false))
        let forged = DHTNodeInfo(
            id: NodeID(hex: "5fbfb7f10c5d6a4ec8a88e4c6ab4c28b95eee401")!,
            endpoint: DHTEndpoint(ip: IPAddress(parsing: "124.31.75.21")!, port: 6881))
        #expect(table.noteResponse(from: forged, now: 0) == [.added(forged)])
    }

    @Test func restoredNodesPassTheSameChecks() {
        var table = RoutingTable(ownID: Fixture.ownID, settings: RoutingSettings(perNetworkPerBucket: 2))
        let forged = RoutingNodeRecord(
            info: DHTNodeInfo(
                id: NodeID(hex: "5fbfb7f10c5d6a4ec8a88e4c6ab4c28b95eee401")!,
                endpoint: DHTEndpoint(ip: IPAddress(parsing: "124.31.75.21")!, port: 6881)),
            firstSeen: 0, lastResponse: 0)
        #expect(table.restore([forged]) == 0)
        #expect(table.count == 0)
    }
}
