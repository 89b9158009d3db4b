import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeerdexCore

/// One authenticated connection to a peer, in either direction. Requests and responses share
/// it, matched by request ID, so one connection serves any number of concurrent requests each
/// way; each request has its own timeout.
public final class PeerConnection: Sendable {
    /// The peer at the other end, as the handshake proved it.
    public let peer: AuthenticatedPeer
    /// The other end's address, `host:port`.
    public let remoteAddress: String
    /// The address we dialled, as the pool knows it; nil when the peer dialled us.
    let dialledAddress: String?
    /// Whether the peer dialled us.
    public var isInbound: Bool { dialledAddress == nil }
    private let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<[UInt8]>
    private let context: NodeContext
    let pending = PendingRequests()
    private let activity: NIOLockedValueBox<Activity>

    private struct Activity {
        var lastActive = NIODeadline.now()
        var serving = 0
    }

    init(
        peer: AuthenticatedPeer, remoteAddress: String, dialledAddress: String?, channel: any Channel,
        outbound: NIOAsyncChannelOutboundWriter<[UInt8]>, context: NodeContext
    ) {
        self.peer = peer
        self.remoteAddress = remoteAddress
        self.dialledAddress = dialledAddress
        self.channel = channel
        self.outbound = outbound
        self.context = context
        activity = NIOLockedValueBox(Activity())
    }

    /// Whether the connection is still open.
    public var isOpen: Bool { channel.isActive }

    /// Closes the connection; requests waiting on it fail with `connectionClosed`.
    public func close() {
        channel.close(promise: nil)
    }

    // MARK: - Asking

    /// Sends `body` as a request and waits for its response, for at most `timeout`.
    public func request(_ body: WireEnvelope.OneOf_Body, timeout: Duration? = nil) async throws -> WireEnvelope {
        try await request(timeout: timeout) { WireEnvelope.request(id: $0, body).wireBytes() }
    }

    /// Sends the request that `encode` makes for a request ID and waits for its response (the
    /// tests send envelopes of other versions and newer schemas this way).
    func request(timeout: Duration?, encode: (UInt64) -> [UInt8]) async throws -> WireEnvelope {
        let timeout = timeout ?? context.configuration.requestTimeout
        let promise = channel.eventLoop.makePromise(of: WireEnvelope.self)
        guard let id = pending.add(promise: promise, timeout: timeout) else {
            return try await promise.futureResult.get()
        }
        markActive()
        let bytes = encode(id)
        return try await withTaskCancellationHandler {
            do {
                try await outbound.write(bytes)
            } catch {
                pending.fail(id, NetError.connectionClosed)
            }
            let response = try await promise.futureResult.get()
            if case .error(let reply) = response.body {
                throw NetError.remote(code: reply.code, message: reply.message, retryAfterMilliseconds: reply.retryAfterMs)
            }
            return response
        } onCancel: {
            pending.fail(id, CancellationError())
        }
    }

    /// PINGs the peer: its load and capabilities, and the round trip.
    public func ping(timeout: Duration? = nil) async throws -> PingReply {
        let start = ContinuousClock.now
        let response = try await request(.ping(WirePing()), timeout: timeout)
        guard case .pong(let pong) = response.body else { throw NetError.unexpectedResponse(response.bodyName) }
        return PingReply(
            peer: peer.peerID, load: Double(pong.load), capabilities: pong.capabilities, agent: pong.agent,
            roundTrip: ContinuousClock.now - start)
    }

    // MARK: - Serving

    /// Reads until the connection ends: responses complete our requests, requests are answered.
    /// Ends by throwing why the connection ended, or returning when it closed cleanly.
    func serve(_ inbound: NIOAsyncChannelInboundStream<[UInt8]>) async throws {
        defer { pending.closeAll() }
        try await withThrowingDiscardingTaskGroup { group in
            for try await bytes in inbound {
                markActive()
                let envelope: WireEnvelope
                switch Result(catching: { () throws(WireDecodingError) in try WireEnvelope(wire: bytes) }) {
                case .success(let decoded): envelope = decoded
                case .failure(let error): throw NetError.malformedMessage(error)
                }
                switch envelope.kind {
                case .response:
                    if !pending.complete(envelope.requestID, with: envelope) {
                        context.logger.debug("response to no request", metadata: ["peer": "\(peer.peerID)"])
                    }
                case .request, .UNRECOGNIZED:
                    if let refusal = refusal(of: envelope) {
                        try await outbound.write(refusal.wireBytes())
                    } else if let handler = context.handler {
                        group.addTask { await self.answer(envelope, handler: handler) }
                    } else {
                        defer { finishServing() }  // also when the write fails: the slot is free
                        try await outbound.write(builtInAnswer(to: envelope).wireBytes())
                    }
                }
            }
            // The connection is gone: requests still being answered have no one to answer.
            group.cancelAll()
        }
    }

    /// The error answer to a request this node will not serve, or nil (and a slot taken) if it
    /// will: shutting down, another version or kind, over the peer's rate, or too busy.
    private func refusal(of envelope: WireEnvelope) -> WireEnvelope? {
        let id = envelope.requestID
        if context.isStopping { return .error(id: id, .shuttingDown, "the node is shutting down") }
        if envelope.version != WireProtocol.version {
            return .error(id: id, .unsupportedVersion, "this node speaks protocol version \(WireProtocol.version)")
        }
        if envelope.kind != .request { return .error(id: id, .badRequest, "an envelope of unknown kind") }
        if let retryAfter = context.takeRequestToken(peer.peerID, now: NodeContext.now()) {
            let milliseconds = UInt32(min(max(retryAfter * 1_000, 1), 60_000).rounded(.up))
            return .error(id: id, .rateLimited, "too many requests", retryAfterMilliseconds: milliseconds)
        }
        guard startServing() else { return .error(id: id, .busy, "too many requests in flight", retryAfterMilliseconds: 100) }
        return nil
    }

    private func answer(_ envelope: WireEnvelope, handler: any RequestHandler) async {
        defer { finishServing() }
        let body = await handler.respond(to: envelope, from: peer)
        let response = body.map { WireEnvelope.response(id: envelope.requestID, $0) } ?? builtInAnswer(to: envelope)
        try? await outbound.write(response.wireBytes())
    }

    /// The node's own answer: a PONG to a PING, an error to anything else (a DHT-nodes request
    /// reaches here only on a node that is not a rendezvous server).
    private func builtInAnswer(to envelope: WireEnvelope) -> WireEnvelope {
        let id = envelope.requestID
        switch envelope.body {
        case .ping: return .response(id: id, context.pong())
        case .pong, .error, .dhtNodesReply, .profileReply, .audienceKeysReply, .peerQueryReply, .replicatedResultsAck,
            .nearbyProbeReply:
            return .error(id: id, .badRequest, "\(envelope.bodyName) is a response, not a request")
        case .dhtNodesRequest:
            return .error(id: id, .unknownMessage, "this node is not a rendezvous server (peerdex node --rendezvous)")
        case .profileRequest, .audienceKeysRequest, .peerQuery, .replicatedResults, .nearbyProbe:
            return .error(id: id, .unknownMessage, "this node does not serve \(envelope.bodyName)")
        case nil: return .error(id: id, .unknownMessage, "unknown message type")
        }
    }

    // MARK: - Activity

    private func startServing() -> Bool {
        guard context.startRequest() else { return false }
        let admitted = activity.withLockedValue { activity in
            guard activity.serving < context.configuration.maximumRequestsInFlightPerConnection else { return false }
            activity.serving += 1
            return true
        }
        if !admitted { context.finishRequest() }
        return admitted
    }

    private func finishServing() {
        activity.withLockedValue { $0.serving -= 1 }
        context.finishRequest()
        markActive()
    }

    private func markActive() {
        activity.withLockedValue { $0.lastActive = .now() }
    }

    /// Requests this connection is answering now.
    var requestsBeingServed: Int { activity.withLockedValue { $0.serving } }

    /// Whether nothing has moved for `timeout` and nothing is in flight either way.
    func isIdle(for timeout: Duration, now: NIODeadline) -> Bool {
        let quiet = activity.withLockedValue { $0.serving == 0 && now - $0.lastActive >= .nanoseconds(Int64(timeout.seconds * 1e9)) }
        return quiet && pending.count == 0
    }
}
