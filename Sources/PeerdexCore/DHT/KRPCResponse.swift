/// A KRPC response's values (`r`). Responses do not name their method, so this is one struct
/// whose optional fields cover every method's answer (BEP 5 and BEP 44); which ones a response
/// must carry is for the engine, which knows what it asked.
///
/// `nodes` holds IPv4 nodes and `nodes6` IPv6 ones: the encoder writes each list's entries of
/// the right family only, so a misplaced node is left out rather than corrupting the list.
public struct KRPCResponse: Sendable, Equatable {
    /// The responding node's ID (`id`).
    public var id: NodeID
    /// Close IPv4 nodes (`nodes`, 26-byte entries); empty when absent.
    public var nodes: [DHTNodeInfo]
    /// Close IPv6 nodes (`nodes6`, 38-byte entries); empty when absent.
    public var nodes6: [DHTNodeInfo]
    /// The write token for a later `announce_peer` or `put` (`token`).
    public var token: [UInt8]?
    /// Peers of the info-hash (`values`, compact 6- or 18-byte entries) from `get_peers`.
    public var peers: [DHTEndpoint]
    /// The item's value (`v`) from a BEP 44 `get`.
    public var value: BencodeValue?
    /// The mutable item's public key (`k`, 32 bytes).
    public var publicKey: [UInt8]?
    /// The mutable item's signature (`sig`, 64 bytes).
    public var signature: [UInt8]?
    /// The mutable item's sequence number (`seq`); may come alone, when the item is not newer
    /// than the `seq` of the `get`.
    public var seq: Int64?

    /// A response from its parts; all but the ID default to absent.
    public init(
        id: NodeID, nodes: [DHTNodeInfo] = [], nodes6: [DHTNodeInfo] = [], token: [UInt8]? = nil,
        peers: [DHTEndpoint] = [], value: BencodeValue? = nil, publicKey: [UInt8]? = nil,
        signature: [UInt8]? = nil, seq: Int64? = nil
    ) {
        self.id = id
        self.nodes = nodes
        self.nodes6 = nodes6
        self.token = token
        self.peers = peers
        self.value = value
        self.publicKey = publicKey
        self.signature = signature
        self.seq = seq
    }

    // MARK: - Decoding

    /// Reads the `r` dictionary; unknown keys (libtorrent's `p`, BEP 33's bloom filters) are ignored.
    init(values r: KRPCDictionary) throws(KRPCMalformation) {
        self.init(
            id: try r.nodeID(.responderID),
            nodes: try r.nodes(.nodes, entryLength: DHTNodeInfo.compactIPv4Length),
            nodes6: try r.nodes(.nodes6, entryLength: DHTNodeInfo.compactIPv6Length),
            token: try r.bytes(.responseToken),
            peers: try r.peers(.peers),
            value: r.value(.responseValue),
            publicKey: try r.bytes(.responsePublicKey, length: KRPCPutArguments.publicKeyLength),
            signature: try r.bytes(.responseSignature, length: KRPCPutArguments.signatureLength),
            seq: try r.sequenceNumber(.responseSequence))
    }

    // MARK: - Encoding

    /// Writes the `r` dictionary, keys in canonical order: id, k, nodes, nodes6, seq, sig,
    /// token, v, values. Empty node and peer lists are left out.
    func encodeValues(into writer: inout KRPCWriter) {
        writer.beginDictionary()
        writer.entry(.responderID, id)
        if let publicKey { writer.entry(.responsePublicKey, publicKey) }
        Self.encodeNodes(nodes, ipv4: true, field: .nodes, into: &writer)
        Self.encodeNodes(nodes6, ipv4: false, field: .nodes6, into: &writer)
        if let seq { writer.entry(.responseSequence, integer: seq) }
        if let signature { writer.entry(.responseSignature, signature) }
        if let token { writer.entry(.responseToken, token) }
        if let value {
            writer.key(.responseValue)
            writer.value(value)
        }
        if !peers.isEmpty {
            writer.key(.peers)
            writer.beginList()
            for peer in peers {
                writer.stringHeader(length: peer.ip.isIPv4 ? 6 : 18)
                writer.raw(peer)
            }
            writer.end()
        }
        writer.end()
    }

    private static func encodeNodes(_ nodes: [DHTNodeInfo], ipv4: Bool, field: KRPCField, into writer: inout KRPCWriter)
    {
        let count = nodes.count(where: { $0.endpoint.ip.isIPv4 == ipv4 })
        guard count > 0 else { return }
        writer.key(field)
        let entryLength = ipv4 ? DHTNodeInfo.compactIPv4Length : DHTNodeInfo.compactIPv6Length
        writer.stringHeader(length: count * entryLength)
        for node in nodes where node.endpoint.ip.isIPv4 == ipv4 {
            writer.raw(node.id)
            writer.raw(node.endpoint)
        }
    }
}
