@testable import PeerdexCore

/// IDs, endpoints and tables for the routing-table tests.
enum RoutingFixture {
    /// The table owner's ID in most tests.
    static let ownID = NodeID(hex: "0123456789abcdef0123456789abcdef01234567")!

    /// The ID with only bit `index` set (0 = most significant), built without the code under test.
    static func singleBit(_ index: Int) -> NodeID {
        var bytes = [UInt8](repeating: 0, count: NodeID.byteCount)
        bytes[index / 8] = 0x80 >> UInt8(index % 8)
        return NodeID(bytes: bytes)!
    }

    /// A distinct ID (for `bucket` < 128) sharing exactly `bucket` leading bits with `own`.
    static func id(inBucket bucket: Int, variant: UInt64, own: NodeID = ownID) -> NodeID {
        let filler = NodeID(
            high: variant &* 0x9E37_79B9_7F4A_7C15, middle: ~variant, low: UInt32(truncatingIfNeeded: variant))
        return own.distance(to: singleBit(bucket)).randomized(after: bucket + 1, with: filler)
    }

    /// A private-range endpoint unique to (`bucket`, `variant`): exempt from the network limits.
    static func localEndpoint(bucket: Int, variant: Int) -> DHTEndpoint {
        DHTEndpoint(ip: .v4(0x0a00_0000 | UInt32(bucket) << 16 | UInt32(variant)), port: 6881)
    }

    /// A node in `bucket` on a private address.
    static func node(inBucket bucket: Int, variant: Int) -> DHTNodeInfo {
        let id = id(inBucket: bucket, variant: UInt64(variant))
        return DHTNodeInfo(id: id, endpoint: localEndpoint(bucket: bucket, variant: variant))
    }

    /// A public endpoint (`network` picks the /24, `host` the address in it).
    static func publicEndpoint(network: Int, host: Int, port: UInt16 = 6881) -> DHTEndpoint {
        DHTEndpoint(ip: .v4(0x2d00_0000 | UInt32(network) << 8 | UInt32(host)), port: port)
    }

    /// A table with settings for tests that do not concern BEP 42.
    static func table(_ settings: RoutingSettings = RoutingSettings(enforceBEP42: false)) -> RoutingTable {
        RoutingTable(ownID: ownID, settings: settings)
    }

    /// Reports two failures in a row (the default `failuresUntilBad`) for `info`, at `time` and
    /// a second later.
    static func makeBad(_ table: inout RoutingTable, _ info: DHTNodeInfo, at time: Double) {
        for offset in [0.0, 1] { _ = table.noteFailure(id: info.id, endpoint: info.endpoint, now: time + offset) }
    }

    /// Fills `bucket` with `count` nodes (variants 0..<count) answering at times 0, 1, 2...;
    /// returns them.
    @discardableResult
    static func fill(_ table: inout RoutingTable, bucket: Int, count: Int = 8, startingAt start: Double = 0)
        -> [DHTNodeInfo]
    {
        (0..<count).map { variant in
            let info = node(inBucket: bucket, variant: variant)
            _ = table.noteResponse(from: info, now: start + Double(variant))
            return info
        }
    }
}
