/// The rules of `ReplicatedResults` → `ReplicatedResultsAck`: one discovery peer handing another
/// the answer it gives a stranger to a popular query (docs/PROTOCOL.md, "Replicated results").
///
/// Unlike a `PeerQueryReply`, which the asker reads entry by entry, a replicated message is
/// unsolicited: the receiver keeps it and serves it to others, so any entry out of bounds refuses
/// the whole message, with the reason, rather than keeping the rest of a hostile sender's list.
public enum ReplicationProtocol {
    /// The most entries one `ReplicatedResults` carries: a full peer-query answer.
    public static let maximumResults = DiscoveryProtocol.maximumResults
}

/// Why a `ReplicatedResults` is refused (the answer is then BAD_REQUEST with this text).
public enum ReplicationMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The query breaks a `PeerQuery`'s limits.
    case invalidQuery(DiscoveryMessageError)
    /// The query has neither text nor a valid interest: it names no question to answer.
    case emptyQuery
    /// More entries than `ReplicationProtocol.maximumResults`.
    case tooManyResults(Int)
    /// The entry at this index has a peer ID not 32 bytes, a negative seq, or fields a profile could not hold.
    case invalidResult(index: Int)
    /// The entry at this index repeats a peer ID listed before it.
    case repeatedResult(index: Int)

    /// One line for a person.
    public var description: String {
        switch self {
        case .invalidQuery(let error): "the replicated query is invalid: \(error)"
        case .emptyQuery: "the replicated query has neither text nor interests"
        case .tooManyResults(let count):
            "the message carries \(count) results, over the limit of \(ReplicationProtocol.maximumResults)"
        case .invalidResult(let index): "replicated result \(index) is not a valid profile"
        case .repeatedResult(let index): "replicated result \(index) repeats a peer ID"
        }
    }
}

/// A `ReplicatedResults` that passed every check: the query's cache key and its entries.
public struct ReplicatedQueryResults: Hashable, Sendable {
    /// The query, normalized as the query caches key it (so "Ada  Berg" and "berg ada" are one).
    public var key: QueryCacheKey
    /// The entries, in the sender's order, one per peer ID.
    public var results: [DiscoveredPeer]

    /// Checked results from their parts.
    public init(key: QueryCacheKey, results: [DiscoveredPeer]) {
        self.key = key
        self.results = results
    }
}

extension WireReplicatedResults {
    /// The message replicating `results` for `query` (at most `ReplicationProtocol.maximumResults`
    /// of them; `query.max` is left out: the receiver applies each later asker's own).
    public init(query: WirePeerQuery, results: some Sequence<DiscoveredPeer>) {
        self.init()
        var query = query
        query.max = 0
        self.query = query
        self.results = results.prefix(ReplicationProtocol.maximumResults).map(WireDiscoveredProfile.init)
    }

    /// The query and entries to keep, or the first reason to refuse the message.
    public func validated() throws(ReplicationMessageError) -> ReplicatedQueryResults {
        let parsed: DiscoveryQuery
        do {
            parsed = try query.validated()
        } catch {
            throw .invalidQuery(error)
        }
        guard !parsed.isEmpty else { throw .emptyQuery }
        guard results.count <= ReplicationProtocol.maximumResults else { throw .tooManyResults(results.count) }
        var seen = Set<PeerID>()
        var checked = [DiscoveredPeer]()
        checked.reserveCapacity(results.count)
        for (index, entry) in results.enumerated() {
            guard let peer = entry.validated else { throw .invalidResult(index: index) }
            guard seen.insert(peer.peerID).inserted else { throw .repeatedResult(index: index) }
            checked.append(peer)
        }
        return ReplicatedQueryResults(key: QueryCacheKey(parsed), results: checked)
    }
}
