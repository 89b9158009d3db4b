/// Something a DHT node is asked to do on the network, started with `DHTEngine.start`.
public enum DHTOperation: Sendable, Equatable {
    /// Joins the network: asks these endpoints for nodes near our own ID, then looks it up.
    case bootstrap([DHTEndpoint])
    /// Finds the nodes closest to an ID.
    case findNode(NodeID)
    /// Reads the newest BEP 44 mutable item under a public key and salt.
    case getMutable(publicKey: [UInt8], salt: [UInt8])
    /// Stores a signed BEP 44 mutable item at the closest nodes (replication R, majority acks).
    case putMutable(MutableItem)
    /// Finds peers announced under an info-hash (BEP 5 `get_peers`).
    case getPeers(NodeID)
    /// Announces our port under an info-hash (BEP 5 `announce_peer`); `port` nil means the
    /// port the DHT's datagrams come from (`implied_port`).
    case announce(NodeID, port: UInt16?)

    /// The ID the operation looks up.
    public func target(localID: NodeID) -> NodeID {
        switch self {
        case .bootstrap: localID
        case .findNode(let target), .getPeers(let target), .announce(let target, _): target
        case .getMutable(let publicKey, let salt): MutableItem.target(publicKey: publicKey, salt: salt)
        case .putMutable(let item): item.target
        }
    }
}

/// What an operation found or achieved.
public enum DHTOperationOutcome: Sendable, Equatable {
    /// The closest nodes that answered (bootstrap, findNode).
    case nodes([DHTNodeInfo])
    /// The newest valid item seen, if any, and the nodes that held that version.
    case item(MutableItem?, holders: [DHTEndpoint])
    /// How many of the chosen replicas acknowledged a put, and how many were needed.
    case stored(acknowledged: Int, required: Int, refusals: [KRPCErrorReply])
    /// Peers announced under the info-hash.
    case peers([DHTEndpoint])
    /// How many of the closest nodes acknowledged an announcement.
    case announced(acknowledged: Int)

    /// Whether the operation did what it was asked to: a put or announce reached enough
    /// nodes; lookups always succeed (an empty answer is an answer).
    public var succeeded: Bool {
        switch self {
        case .stored(let acknowledged, let required, _): acknowledged >= required
        case .announced(let acknowledged): acknowledged > 0
        case .nodes, .item, .peers: true
        }
    }
}

/// An operation's result with what it cost.
public struct DHTOperationResult: Sendable, Equatable {
    /// What it found or achieved.
    public var outcome: DHTOperationOutcome
    /// Queries sent, every kind counted.
    public var queriesSent: Int
    /// Answers received.
    public var responses: Int
    /// Hops from us to the closest node that answered the lookup (1: a node in our own table).
    public var hopsToClosest: Int
    /// When it started and ended, on the engine's clock.
    public var startedAt: Double
    /// When the result was ready.
    public var finishedAt: Double
}

/// Identifies a running operation in `DHTAction.finished`.
public struct DHTOperationID: Hashable, Sendable, CustomStringConvertible {
    /// A number unique within one engine.
    public let rawValue: UInt64

    /// Wraps a number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `op#N`.
    public var description: String { "op#\(rawValue)" }
}

/// What the engine asks its host to do.
public enum DHTAction: Sendable, Equatable {
    /// Send these bytes as one UDP datagram.
    case send([UInt8], to: DHTEndpoint)
    /// An operation finished.
    case finished(DHTOperationID, DHTOperationResult)
}
