import Foundation
import Testing

@testable import PeerdexCore

/// The rendezvous messages (`DhtNodesRequest` → `DhtNodesReply`): their bytes, the 64-node cap
/// on both sides, and what a reader keeps of a careless or hostile reply.
@Suite struct RendezvousMessagesTests {
    static let v4Node = DHTNodeInfo(
        id: NodeID(hex: "0123456789abcdef0123456789abcdef01234567")!,
        endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: 7447))
    static let v6Node = DHTNodeInfo(
        id: NodeID(hex: "fedcba9876543210fedcba9876543210fedcba98")!, endpoint: DHTEndpoint(ip: .v6(0, 1), port: 6881))

    /// Distinct IPv4 nodes on 127.0.0.1, ports from 1000.
    static func nodes(_ count: Int) -> [DHTNodeInfo] {
        (0..<count).map { index in
            var bytes = [UInt8](repeating: 0, count: NodeID.byteCount)
            bytes[0] = UInt8(index >> 8)
            bytes[1] = UInt8(index & 0xff)
            return DHTNodeInfo(
                id: NodeID(bytes: bytes)!, endpoint: DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(1_000 + index)))
        }
    }

    // MARK: - Bytes

    @Test func aRequestIsTheBytesTheProtocolPagePrints() {
        let envelope = WireEnvelope.request(id: 1, .dhtNodesRequest(WireDhtNodesRequest(max: 5)))
        #expect(envelope.wireBytes() == [0x08, 0x01, 0x10, 0x01, 0x9A, 0x01, 0x02, 0x08, 0x05])
        #expect(envelope.bodyName == "dhtNodesRequest")
    }

    @Test func aReplyEntryIsCompactNodeInfo() throws {
        let reply = WireDhtNodesReply(nodes: [Self.v4Node, Self.v6Node])
        #expect(reply.nodes.map(\.count) == [26, 38])
        #expect(Array(reply.nodes[0]) == Self.v4Node.id.bytes + [127, 0, 0, 1, 0x1D, 0x17])
        #expect(Array(reply.nodes[1]) == Self.v6Node.id.bytes + [UInt8](repeating: 0, count: 15) + [1, 0x1A, 0xE1])
        let envelope = WireEnvelope.response(id: 9, .dhtNodesReply(reply))
        let decoded = try WireEnvelope(wire: envelope.wireBytes())
        #expect(decoded == envelope)
        #expect(decoded.bodyName == "dhtNodesReply")
        guard case .dhtNodesReply(let back) = decoded.body else {
            Issue.record("not a reply: \(decoded.bodyName)")
            return
        }
        #expect(back.decodedNodes() == .init(nodes: [Self.v4Node, Self.v6Node], rejected: 0))
    }

    // MARK: - The cap

    @Test(arguments: [(UInt32(0), 64), (1, 1), (5, 5), (64, 64), (65, 64), (UInt32.max, 64)])
    func aRequestGetsAtMostSixtyFourNodes(asked: UInt32, granted: Int) {
        #expect(RendezvousProtocol.granted(asked) == granted)
    }

    @Test(arguments: [(0, UInt32(1)), (-3, 1), (7, 7), (64, 64), (1_000, 64)])
    func aRequestAsksForOneToSixtyFour(max: Int, sent: UInt32) {
        #expect(WireDhtNodesRequest(max: max).max == sent)
    }

    @Test func aReplyCarriesAtMostItsLimitAndNeverMoreThanSixtyFour() {
        let many = Self.nodes(200)
        #expect(WireDhtNodesReply(nodes: many).nodes.count == 64)
        #expect(WireDhtNodesReply(nodes: many, limit: 1_000).nodes.count == 64)
        #expect(WireDhtNodesReply(nodes: many, limit: 3).nodes.map { Array($0) } == many.prefix(3).map(\.compact))
        #expect(WireDhtNodesReply(nodes: many, limit: -1).nodes.isEmpty)
        #expect(WireDhtNodesReply(nodes: many.prefix(2)).nodes.count == 2)
    }

    // MARK: - Reading a reply

    @Test func aReaderKeepsNoMoreThanItAskedFor() {
        var reply = WireDhtNodesReply()
        reply.nodes = Self.nodes(100).map { Data($0.compact) }  // a server over the cap
        let decoded = reply.decodedNodes(limit: 10)
        #expect(decoded.nodes == Array(Self.nodes(10)))
        #expect(decoded.rejected == 90)
        #expect(reply.decodedNodes().nodes.count == 64)
    }

    @Test func malformedAndRepeatedEntriesAreRefusedOneByOne() {
        let good = Self.nodes(3)
        var portZero = Self.v4Node
        portZero.endpoint.port = 0
        let sameIDElsewhere = DHTNodeInfo(id: good[0].id, endpoint: DHTEndpoint(ip: .v4(0x7f00_0002), port: 9))
        let sameEndpointOtherID = DHTNodeInfo(id: Self.v6Node.id, endpoint: good[1].endpoint)
        var reply = WireDhtNodesReply()
        reply.nodes = [
            Data(good[0].compact), Data(), Data(good[1].compact.dropLast()), Data(good[1].compact + [0]),
            Data(Self.v6Node.compact + [0]), Data([UInt8](repeating: 0xFF, count: 4_000)), Data(portZero.compact),
            Data(sameIDElsewhere.compact), Data(good[1].compact), Data(sameEndpointOtherID.compact),
            Data(good[2].compact), Data(good[2].compact),
        ]
        // The first entry for an ID or an endpoint wins; the 9 others are refused.
        #expect(reply.decodedNodes() == .init(nodes: good, rejected: 9))
    }

    @Test func aReplyFromAnUnknownFieldNumberStaysUnknown() throws {
        // A reply of a newer schema's field 99 inside a known envelope is not mistaken for nodes.
        var envelope = WireEnvelope.response(id: 2, .dhtNodesReply(WireDhtNodesReply()))
        envelope.body = nil
        let decoded = try WireEnvelope(wire: envelope.wireBytes() + [0x9A, 0x06, 0x00])
        #expect(decoded.body == nil)
        #expect(decoded.bodyName == "unknown")
    }
}
