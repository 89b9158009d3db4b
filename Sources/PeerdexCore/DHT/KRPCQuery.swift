/// A KRPC query: the method (`q`) and its arguments (`a`), BEP 5 and BEP 44.
public enum KRPCQuery: Sendable, Equatable {
    /// `ping`.
    case ping(id: NodeID)
    /// `find_node`: the nodes closest to `target`.
    case findNode(id: NodeID, target: NodeID)
    /// `get_peers`: peers of `infoHash`, or the closest nodes, and a write token.
    case getPeers(id: NodeID, infoHash: NodeID)
    /// `announce_peer`: the sender is a peer of `infoHash` on `port` (or, with `impliedPort`, on
    /// the UDP source port of the packet), proven by the `token` of an earlier `get_peers`.
    case announcePeer(id: NodeID, infoHash: NodeID, port: UInt16, token: [UInt8], impliedPort: Bool)
    /// BEP 44 `get`: the item under `target`, only if newer than `seq` when given.
    case get(id: NodeID, target: NodeID, seq: Int64?)
    /// BEP 44 `put`: store an immutable or mutable item, proven by the `token` of an earlier `get`.
    case put(id: NodeID, token: [UInt8], put: KRPCPutArguments)

    /// The ID of the querying node (`a.id`).
    public var senderID: NodeID {
        switch self {
        case .ping(let id), .findNode(let id, _), .getPeers(let id, _), .announcePeer(let id, _, _, _, _),
            .get(let id, _, _), .put(let id, _, _):
            id
        }
    }

    /// The method name as it goes on the wire (`q`): `ping`, `find_node`, `get_peers`,
    /// `announce_peer`, `get` or `put`.
    public var methodName: String { method.name }

    var method: Method {
        switch self {
        case .ping: .ping
        case .findNode: .findNode
        case .getPeers: .getPeers
        case .announcePeer: .announcePeer
        case .get: .get
        case .put: .put
        }
    }

    // MARK: - Methods

    /// The methods this codec knows, with their wire names.
    enum Method: CaseIterable {
        case ping, findNode, getPeers, announcePeer, get, put

        var name: String {
            switch self {
            case .ping: "ping"
            case .findNode: "find_node"
            case .getPeers: "get_peers"
            case .announcePeer: "announce_peer"
            case .get: "get"
            case .put: "put"
            }
        }

        /// The method named by the raw `q` bytes, or nil; compares bytes, builds no string.
        init?(wireName: some Collection<UInt8>) {
            guard let method = Self.allCases.first(where: { $0.wireName.elementsEqual(wireName) }) else { return nil }
            self = method
        }

        var wireName: [UInt8] {
            switch self {
            case .ping: Self.pingName
            case .findNode: Self.findNodeName
            case .getPeers: Self.getPeersName
            case .announcePeer: Self.announcePeerName
            case .get: Self.getName
            case .put: Self.putName
            }
        }

        private static let pingName = Array("ping".utf8)
        private static let findNodeName = Array("find_node".utf8)
        private static let getPeersName = Array("get_peers".utf8)
        private static let announcePeerName = Array("announce_peer".utf8)
        private static let getName = Array("get".utf8)
        private static let putName = Array("put".utf8)
    }

    // MARK: - Decoding

    /// The query of `method` from its arguments dictionary; unknown arguments are ignored.
    init(method: Method, arguments a: KRPCDictionary) throws(KRPCMalformation) {
        let id = try a.nodeID(.senderID)
        switch method {
        case .ping:
            self = .ping(id: id)
        case .findNode:
            self = .findNode(id: id, target: try a.nodeID(.target))
        case .getPeers:
            self = .getPeers(id: id, infoHash: try a.nodeID(.infoHash))
        case .announcePeer:
            let infoHash = try a.nodeID(.infoHash)
            let impliedPort = try a.flag(.impliedPort)
            // Port 0 names no listener, so it is refused unless the source port replaces it.
            let port = try a.requiredInteger(.port, in: (impliedPort ? 0 : 1)...Int64(UInt16.max))
            let token = try a.requiredBytes(.token)
            self = .announcePeer(id: id, infoHash: infoHash, port: UInt16(port), token: token, impliedPort: impliedPort)
        case .get:
            self = .get(id: id, target: try a.nodeID(.target), seq: try a.sequenceNumber(.sequence))
        case .put:
            let token = try a.requiredBytes(.token)
            self = .put(id: id, token: token, put: try KRPCPutArguments(arguments: a))
        }
    }

    // MARK: - Encoding

    /// Writes the arguments dictionary (`a`), keys in canonical order.
    func encodeArguments(into writer: inout KRPCWriter) {
        writer.beginDictionary()
        switch self {
        case .ping(let id):
            writer.entry(.senderID, id)
        case .findNode(let id, let target):
            writer.entry(.senderID, id)
            writer.entry(.target, target)
        case .getPeers(let id, let infoHash):
            writer.entry(.senderID, id)
            writer.entry(.infoHash, infoHash)
        case .announcePeer(let id, let infoHash, let port, let token, let impliedPort):
            writer.entry(.senderID, id)
            if impliedPort { writer.entry(.impliedPort, integer: 1) }
            writer.entry(.infoHash, infoHash)
            writer.entry(.port, integer: Int64(port))
            writer.entry(.token, token)
        case .get(let id, let target, let seq):
            writer.entry(.senderID, id)
            if let seq { writer.entry(.sequence, integer: seq) }
            writer.entry(.target, target)
        case .put(let id, let token, let put):
            put.encodeArguments(senderID: id, token: token, into: &writer)
        }
        writer.end()
    }
}

/// The item of a BEP 44 `put`: immutable (`v` alone) or mutable (`k`, `sig`, `seq`, and
/// optionally `salt` and `cas`).
///
/// The codec checks shapes only (`k` 32 bytes, `sig` 64, `seq` and `cas` not negative, the
/// mutable fields together); the size limits of `v` (1,000 bytes, error 205) and `salt`
/// (64 bytes, error 207) and the signature are the store's to enforce, with their own error codes.
public struct KRPCPutArguments: Sendable, Equatable {
    /// Length of an Ed25519 public key.
    public static let publicKeyLength = 32
    /// Length of an Ed25519 signature.
    public static let signatureLength = 64

    /// The value (`v`); its canonical encoding is what is hashed and signed.
    public var value: BencodeValue
    /// The Ed25519 public key (`k`, 32 bytes); nil for an immutable item.
    public var publicKey: [UInt8]?
    /// The Ed25519 signature (`sig`, 64 bytes); nil for an immutable item.
    public var signature: [UInt8]?
    /// The sequence number (`seq`); nil for an immutable item.
    public var seq: Int64?
    /// The salt (`salt`), mutable items only.
    public var salt: [UInt8]?
    /// The sequence number the writer expects to replace (`cas`), mutable items only.
    public var compareAndSwap: Int64?

    /// Arguments from their parts.
    public init(
        value: BencodeValue, publicKey: [UInt8]? = nil, signature: [UInt8]? = nil, seq: Int64? = nil,
        salt: [UInt8]? = nil, compareAndSwap: Int64? = nil
    ) {
        self.value = value
        self.publicKey = publicKey
        self.signature = signature
        self.seq = seq
        self.salt = salt
        self.compareAndSwap = compareAndSwap
    }

    /// Whether this is a mutable item (it carries a public key).
    public var isMutable: Bool { publicKey != nil }

    /// Reads the BEP 44 fields of a `put`'s arguments.
    init(arguments a: KRPCDictionary) throws(KRPCMalformation) {
        let value = try a.requiredValue(.value)
        let publicKey = try a.bytes(.publicKey, length: Self.publicKeyLength)
        let signature = try a.bytes(.signature, length: Self.signatureLength)
        let seq = try a.sequenceNumber(.sequence)
        let salt = try a.bytes(.salt)
        let compareAndSwap = try a.sequenceNumber(.compareAndSwap)
        // A mutable put needs all three of k, sig, seq; salt and cas mean nothing without k. A
        // partial set is refused rather than read as immutable (which libtorrent does), so that an
        // item is never stored under a target its sender did not mean.
        if publicKey != nil || signature != nil || seq != nil || salt != nil || compareAndSwap != nil {
            guard publicKey != nil else { throw .missingField(KRPCField.publicKey.path) }
            guard signature != nil else { throw .missingField(KRPCField.signature.path) }
            guard seq != nil else { throw .missingField(KRPCField.sequence.path) }
        }
        self.init(
            value: value, publicKey: publicKey, signature: signature, seq: seq, salt: salt,
            compareAndSwap: compareAndSwap)
    }

    /// Writes the whole `a` dictionary's entries of a `put`, keys in canonical order:
    /// cas, id, k, salt, seq, sig, token, v.
    func encodeArguments(senderID: NodeID, token: [UInt8], into writer: inout KRPCWriter) {
        if let compareAndSwap { writer.entry(.compareAndSwap, integer: compareAndSwap) }
        writer.entry(.senderID, senderID)
        if let publicKey { writer.entry(.publicKey, publicKey) }
        if let salt { writer.entry(.salt, salt) }
        if let seq { writer.entry(.sequence, integer: seq) }
        if let signature { writer.entry(.signature, signature) }
        writer.entry(.token, token)
        writer.key(.value)
        writer.value(value)
    }
}
