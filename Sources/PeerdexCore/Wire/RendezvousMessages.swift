import Foundation

/// The rules of the rendezvous messages (`DhtNodesRequest` → `DhtNodesReply`), which a
/// rendezvous server (`peerdex node --rendezvous`) answers with recently seen DHT nodes for a
/// newcomer to join through (docs/PROTOCOL.md, "Rendezvous").
public enum RendezvousProtocol {
    /// The most nodes one reply carries, whatever the request asks.
    public static let maximumNodes = 64

    /// How many nodes a request for `requested` gets at most: `requested` up to `maximumNodes`,
    /// and `maximumNodes` for 0 (the field left out).
    public static func granted(_ requested: UInt32) -> Int {
        requested == 0 ? maximumNodes : Int(min(requested, UInt32(maximumNodes)))
    }
}

extension WireDhtNodesRequest {
    /// A request for at most `max` nodes (clamped to 1...`RendezvousProtocol.maximumNodes`).
    public init(max: Int) {
        self.init()
        self.max = UInt32(Swift.min(Swift.max(max, 1), RendezvousProtocol.maximumNodes))
    }
}

extension WireDhtNodesReply {
    /// What a reply's `nodes` held: the usable nodes, and how many entries were not.
    public struct Decoded: Sendable, Equatable {
        /// The nodes, in the reply's order, without duplicates.
        public var nodes: [DHTNodeInfo]
        /// Entries refused: not 26 or 38 bytes, port 0, a node ID or endpoint already listed, or
        /// past the limit.
        public var rejected: Int

        /// A result from its parts.
        public init(nodes: [DHTNodeInfo], rejected: Int) {
            self.nodes = nodes
            self.rejected = rejected
        }
    }

    /// A reply carrying `nodes` in compact node info, at most `limit` of them (never more than
    /// `RendezvousProtocol.maximumNodes`).
    public init(nodes: some Sequence<DHTNodeInfo>, limit: Int = RendezvousProtocol.maximumNodes) {
        self.init()
        let count = Swift.max(0, Swift.min(limit, RendezvousProtocol.maximumNodes))
        self.nodes = nodes.prefix(count).map { Data($0.compact) }
    }

    /// The reply's nodes, at most `limit` (the number asked for), checked entry by entry: a reply
    /// from a careless or hostile server yields only well-formed, distinct nodes.
    public func decodedNodes(limit: Int = RendezvousProtocol.maximumNodes) -> Decoded {
        var decoded = Decoded(nodes: [], rejected: 0)
        var seenIDs = Set<NodeID>()
        var seenEndpoints = Set<DHTEndpoint>()
        for entry in nodes {
            guard decoded.nodes.count < limit,
                entry.count == DHTNodeInfo.compactIPv4Length || entry.count == DHTNodeInfo.compactIPv6Length,
                let node = DHTNodeInfo.decodeList(Array(entry), entryLength: entry.count)?.first,
                node.endpoint.port != 0, seenIDs.insert(node.id).inserted, seenEndpoints.insert(node.endpoint).inserted
            else {
                decoded.rejected += 1
                continue
            }
            decoded.nodes.append(node)
        }
        return decoded
    }
}
