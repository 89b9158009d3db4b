import NIOConcurrencyHelpers
import PeerdexCore

/// The discovery peers replication deals with, as the app's asking side knows them.
public protocol ReplicationPeers: Sendable {
    /// Whether `peer` is a discovery peer we know (only those may replicate to us).
    func isDiscoveryPeer(_ peer: PeerID) async -> Bool
    /// Healthy discovery peers to replicate to, best first, none of `excluded`.
    func replicationTargets(count: Int, excluding excluded: Set<PeerID>) async -> [DiscoveryPeer]
    /// Sends `message` to `peer` within `timeout`; whether it acknowledged.
    func send(_ message: WireReplicatedResults, to peer: DiscoveryPeer, timeout: Duration) async -> Bool
}

/// Wraps the app's `DiscoveryResponderSnapshot` with result replication (issue 11, item 6):
/// counts the peer queries it answers and, when one becomes popular (`ReplicationPlanner`),
/// sends the answer a **stranger** would get to a few other discovery peers; keeps what other
/// discovery peers replicate to it (`ReplicatedResultsCache`) and merges it into its answers to
/// the same query. The responder itself stays as it is: every privacy decision is still its own.
public final class ReplicatingResponder: DiscoveryResponding {
    /// Tunables; the defaults are what a user's node runs with.
    public struct Configuration: Sendable {
        /// When to replicate, how often and to how many.
        public var planner = ReplicationPlanner.Settings.standard
        /// What to keep of others' replications.
        public var cache = ReplicatedResultsCache.Settings.standard
        /// Time each receiver has to acknowledge, dial included.
        public var sendTimeout: Duration = .seconds(2)

        /// The defaults.
        public init() {}
    }

    /// A peer ID that is no one's (all zero bytes, not a valid Ed25519 key), asking as a stranger.
    static let stranger = try! PeerID(publicKey: [UInt8](repeating: 0, count: PeerID.keyLength))

    /// The answers as the book stands.
    public let snapshot: DiscoveryResponderSnapshot
    /// The tunables.
    public let configuration: Configuration
    private let state: NIOLockedValueBox<State>
    private let peers = NIOLockedValueBox<(any ReplicationPeers)?>(nil)
    private let now: @Sendable () -> Double

    private struct State {
        var planner: ReplicationPlanner
        var received: ReplicatedResultsCache
    }

    /// A responder over `snapshot`; `now` gives monotonic seconds (tests pass their own clock).
    public init(
        snapshot: DiscoveryResponderSnapshot, configuration: Configuration = Configuration(),
        now: (@Sendable () -> Double)? = nil
    ) {
        self.snapshot = snapshot
        self.configuration = configuration
        let now = now ?? Self.monotonicSeconds()
        self.now = now
        state = NIOLockedValueBox(
            State(
                planner: ReplicationPlanner(settings: configuration.planner, now: now()),
                received: ReplicatedResultsCache(settings: configuration.cache)))
    }

    /// Connects the discovery peers (they exist once the node does); until then nothing is
    /// replicated either way.
    public func connect(_ peers: any ReplicationPeers) {
        self.peers.withLockedValue { $0 = peers }
    }

    /// How many queries hold results replicated to us.
    public var replicatedQueryCount: Int { state.withLockedValue { $0.received.count } }

    // MARK: - DiscoveryResponding

    /// The snapshot's answer.
    public func profileReply(to requester: PeerID) async -> WireProfileReply {
        await snapshot.profileReply(to: requester)
    }

    /// The snapshot's answer.
    public func audienceKeysReply(to requester: PeerID) async -> WireAudienceKeysReply {
        await snapshot.audienceKeysReply(to: requester)
    }

    /// The snapshot's answer with the entries replicated to us for the same query merged in (not
    /// for blocked requesters, nor when we answer no peer query); counts the ask, and replicates
    /// the query in the background when it has just become popular.
    public func peerQueryReply(to query: WirePeerQuery, from requester: PeerID) async throws(DiscoveryMessageError)
        -> WirePeerQueryReply
    {
        let reply = try await snapshot.peerQueryReply(to: query, from: requester)
        guard !reply.busy, let responder = snapshot.current,
            responder.controller.preferences.shareWithDiscoveryPeers
        else { return reply }
        let parsed = try query.validated()
        let key = QueryCacheKey(parsed)
        let now = now()
        let relationship = responder.relationship(of: requester)
        let (popular, replicated) = state.withLockedValue { state in
            // A blocked peer's asks make nothing popular: it gets nothing from us, and moves nothing.
            let popular = relationship != .blocked && state.planner.recordAsk(key, from: requester, now: now)
            let replicated =
                relationship == .blocked
                ? [] : state.received.results(for: key, now: now) { responder.relationship(of: $0) == .blocked }
            return (popular, replicated)
        }
        if popular { startReplicating(query, parsed: parsed, asker: requester, responder: responder) }
        guard !replicated.isEmpty else { return reply }
        let limit = DiscoveryProtocol.granted(query.max)
        let own = reply.decoded(from: responder.controller.ownPeerID, to: requester, limit: limit).results
        let merged = ReplicatedResultsCache.merge(
            own: own, replicated: replicated, query: parsed, requester: requester, limit: limit)
        return WirePeerQueryReply(results: merged, limit: limit)
    }

    // MARK: - Receiving

    /// The answer to a `ReplicatedResults` from `sender`: an ack once checked and kept (entries
    /// about peers we blocked dropped), BAD_REQUEST for a message over the limits,
    /// RATE_LIMITED for a sender over its rate, and UNKNOWN_MESSAGE for a peer that is not a
    /// discovery peer of ours (as a node that does not replicate answers).
    public func receive(_ message: WireReplicatedResults, from sender: PeerID) async -> WireEnvelope.OneOf_Body {
        let checked: ReplicatedQueryResults
        do {
            checked = try message.validated()
        } catch {
            return Self.error(.badRequest, error.description)
        }
        let isDiscoveryPeer = await peers.withLockedValue { $0 }?.isDiscoveryPeer(sender) ?? false
        let responder = snapshot.current
        let ownID = responder?.controller.ownPeerID ?? Self.stranger
        let now = now()
        let verdict = state.withLockedValue { state in
            state.received.receive(
                checked, from: sender, senderIsDiscoveryPeer: isDiscoveryPeer, ownID: ownID, now: now
            ) { responder?.relationship(of: $0) == .blocked }
        }
        switch verdict {
        case .accepted: return .replicatedResultsAck(WireReplicatedResultsAck())
        case .notDiscoveryPeer:
            return Self.error(.unknownMessage, "this node takes replicated results only from its discovery peers")
        case .rateLimited(let retryAfter):
            var reply = WireErrorReply()
            reply.code = .rateLimited
            reply.message = "too many replicated results"
            reply.retryAfterMs = UInt32(min(max(retryAfter * 1_000, 1), Double(UInt32.max)).rounded(.up))
            return .error(reply)
        }
    }

    // MARK: - Sending

    /// Sends the answer a stranger gets to `query` to the planner's targets, in the background;
    /// nothing when a stranger gets nothing.
    private func startReplicating(
        _ query: WirePeerQuery, parsed: DiscoveryQuery, asker: PeerID, responder: DiscoveryResponder
    ) {
        guard let peers = peers.withLockedValue({ $0 }), responder.relationship(of: Self.stranger) == .stranger else {
            return
        }
        let results = responder.results(matching: parsed, for: Self.stranger, limit: ReplicationProtocol.maximumResults)
        guard !results.isEmpty else { return }
        let message = WireReplicatedResults(query: query, results: results)
        let ownID = responder.controller.ownPeerID
        let fanOut = configuration.planner.fanOut
        let timeout = configuration.sendTimeout
        Task {
            let candidates = await peers.replicationTargets(count: fanOut + 1, excluding: [asker, ownID])
            let targets = state.withLockedValue { $0.planner.targets(from: candidates, asker: asker, ownID: ownID) }
            await withTaskGroup(of: Void.self) { group in
                for target in targets {
                    group.addTask { _ = await peers.send(message, to: target, timeout: timeout) }
                }
            }
        }
    }

    private static func error(_ code: WireErrorCode, _ message: String) -> WireEnvelope.OneOf_Body {
        var reply = WireErrorReply()
        reply.code = code
        reply.message = message
        return .error(reply)
    }

    private static func monotonicSeconds() -> @Sendable () -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        return {
            let (seconds, attoseconds) = (clock.now - start).components
            return Double(seconds) + Double(attoseconds) * 1e-18
        }
    }
}

/// Answers `ReplicatedResults` through a `ReplicatingResponder`, and leaves every other request
/// to `next` (usually a `DiscoveryHandler` over the same responder).
///
/// ```swift
/// let replicating = ReplicatingResponder(snapshot: snapshot)
/// let handler = ReplicationHandler(replicating, next: DiscoveryHandler(responding: replicating))
/// ```
public struct ReplicationHandler: RequestHandler {
    /// Who keeps what is replicated to us.
    public let replicating: ReplicatingResponder
    /// Who answers the other requests; nil leaves them to the node.
    public let next: (any RequestHandler)?

    /// A handler keeping replications in `replicating`, passing other requests to `next`.
    public init(_ replicating: ReplicatingResponder, next: (any RequestHandler)? = nil) {
        self.replicating = replicating
        self.next = next
    }

    /// The ack or refusal of a `ReplicatedResults`; `next`'s answer (or nil) for any other request.
    public func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        guard case .replicatedResults(let message) = request.body else {
            return await next?.respond(to: request, from: peer)
        }
        return await replicating.receive(message, from: peer.peerID)
    }
}
