import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeerdexCore

/// The peerdex network engine: it listens for peers, dials them, keeps one authenticated
/// connection per peer in a pool, answers their requests and makes ours. `run` holds every
/// connection's task (structured concurrency); `shutdown` stops it gracefully.
///
/// ```swift
/// let node = PeerdexNode(identity: identity, logger: logger)
/// try await node.run(listeningOn: HostPort(host: "127.0.0.1", port: 0)) { print("listening on \($0)") }
/// ```
public final class PeerdexNode: Sendable {
    /// Who this node is.
    public let identity: LocalHandshakeIdentity
    let context: NodeContext
    let group: any EventLoopGroup
    /// Dials for `run` to make; the connections they open live in its task group.
    private let work: AsyncStream<Work>
    let workQueue: AsyncStream<Work>.Continuation
    let state = NIOLockedValueBox(State())

    /// A dial for `run` to make and then serve: only data, so that one dropped at shutdown
    /// leaves no channel open (its ticket fails the waiting caller as it goes).
    struct Work: Sendable {
        let address: PeerAddress
        let ticket: DialTicket
    }

    struct State {
        var started = false
        var listener: (any Channel)?
        var listeningAddress: HostPort?
        var connections: [ObjectIdentifier: PeerConnection] = [:]
        /// Dials under way, by pool key, so that concurrent requests to one peer share one dial.
        var dials: [String: EventLoopFuture<PeerConnection>] = [:]
        var finished = false
    }

    /// A node with this identity; `handler` answers requests beyond PING.
    public init(
        identity: LocalHandshakeIdentity, configuration: NodeConfiguration = NodeConfiguration(), logger: Logger,
        handler: (any RequestHandler)? = nil
    ) {
        self.identity = identity
        context = NodeContext(configuration: configuration, logger: logger, handler: handler)
        group = MultiThreadedEventLoopGroup.singleton
        (work, workQueue) = AsyncStream.makeStream(of: Work.self)
    }

    /// The address the listener is bound to, once it is (with the port the system chose for 0).
    public var listeningAddress: HostPort? { state.withLockedValue { $0.listeningAddress } }

    /// Open authenticated connections, both directions.
    public var connections: [PeerConnection] { state.withLockedValue { Array($0.connections.values) } }

    /// How busy the node is, 0 to 1, as its PONG reports.
    public var load: Double { context.load }

    /// The capabilities our PONG offers now (`NodeConfiguration.capabilities` until `advertise`).
    public var capabilities: [String] { context.advertisedCapabilities }

    /// Makes our PONG offer `capabilities` from the next PING on (sharing switched on or off
    /// while the node runs).
    public func advertise(_ capabilities: [String]) { context.advertise(capabilities) }

    // MARK: - Running

    /// Runs the node until `shutdown` (or cancellation): listens on `address` when given,
    /// calling `onListening` with the bound address once connections are accepted, and serves
    /// every connection, accepted or dialled.
    public func run(listeningOn address: HostPort? = nil, onListening: @Sendable (HostPort) -> Void = { _ in })
        async throws
    {
        let alreadyStarted = state.withLockedValue { state in
            defer { state.started = true }
            return state.started
        }
        precondition(!alreadyStarted, "a PeerdexNode runs once")
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                if let address {
                    let listener = try await listen(on: address)
                    onListening(listeningAddress ?? address)
                    group.addTask { await self.accept(from: listener) }
                }
                group.addTask { await self.sweep() }
                for await item in work {
                    group.addTask { await self.dialAndServe(item) }
                }
            }
        } onCancel: {
            self.stopNow()
        }
    }

    /// Stops the node: no new connections or requests, requests in flight get the grace period
    /// to be answered, then every connection closes and `run` returns.
    public func shutdown() async {
        let first = state.withLockedValue { !$0.finished && !context.isStopping }
        context.beginStopping()
        guard first else { return }
        state.withLockedValue { $0.listener }?.close(promise: nil)
        let deadline = ContinuousClock.now + context.configuration.shutdownGracePeriod
        while context.requestsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        stopNow()
    }

    /// Closes everything at once.
    private func stopNow() {
        context.beginStopping()
        let (listener, open) = state.withLockedValue { state in
            state.finished = true
            return (state.listener, Array(state.connections.values))
        }
        listener?.close(promise: nil)
        for connection in open { connection.close() }
        workQueue.finish()
    }

    // MARK: - Listening

    private func listen(on address: HostPort) async throws -> NIOAsyncChannel<SecuredChannel?, Never> {
        let context = context
        let identity = identity
        do {
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1_024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ListenerErrorHandler(logger: context.logger))
                    }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        Self.admit(channel, identity: identity, context: context)
                    }
                }
            let bound = HostPort(host: address.host, port: listener.channel.localAddress?.port ?? address.port)
            state.withLockedValue { state in
                state.listener = listener.channel
                state.listeningAddress = bound
            }
            if context.isStopping { listener.channel.close(promise: nil) }
            context.logger.info("listening", metadata: ["address": "\(bound)", "peer": "\(identity.peerID)"])
            return listener
        } catch {
            throw NetError.listenFailed(address: "\(address)", reason: "\(error)")
        }
    }

    /// Sets up an accepted channel, or closes it at once when the node is over a limit. Runs on
    /// the channel's event loop; never fails, since a failure here would end the accept loop.
    private static func admit(_ channel: any Channel, identity: LocalHandshakeIdentity, context: NodeContext)
        -> SecuredChannel?
    {
        let address = channel.remoteAddress?.ipAddress ?? "?"
        if context.isStopping {
            channel.close(promise: nil)
            return nil
        }
        if let refusal = context.admit(address) {
            context.logger.notice("refused a connection", metadata: ["remote": "\(address)", "reason": "\(refusal)"])
            channel.close(promise: nil)
            return nil
        }
        channel.closeFuture.whenComplete { _ in context.release(address) }
        guard
            let secured = try? SecuredChannel.install(
                on: channel, role: .responder, expectedPeer: nil, identity: identity,
                configuration: context.configuration, logger: context.logger)
        else {
            channel.close(promise: nil)
            return nil
        }
        return secured
    }

    /// Serves every accepted connection, each in a task of this loop's own group.
    private func accept(from listener: NIOAsyncChannel<SecuredChannel?, Never>) async {
        do {
            try await listener.executeThenClose { accepted in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await channel in accepted {
                            guard let channel else { continue }
                            group.addTask { await self.serve(channel, dialledAs: nil, ready: nil) }
                        }
                    } catch {
                        context.logger.error("the listener stopped", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch {
            context.logger.error("the listener stopped", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Serving

    /// Dials `item.address` and serves the connection until it ends; the dialler waiting on
    /// the ticket gets the connection once its handshake succeeds, or the error.
    private func dialAndServe(_ item: Work) async {
        let secured: SecuredChannel
        do {
            secured = try await connect(item.address)
        } catch {
            item.ticket.fail(error)
            return
        }
        await serve(secured, dialledAs: item.address.description, ready: item.ticket)
    }

    /// Runs one connection: waits for its handshake, then reads until it closes.
    private func serve(_ secured: SecuredChannel, dialledAs dialledAddress: String?, ready: DialTicket?) async {
        do {
            try await secured.channel.executeThenClose { inbound, outbound in
                let peer = try await secured.established.get()
                let connection = PeerConnection(
                    peer: peer, remoteAddress: secured.remoteAddress, dialledAddress: dialledAddress,
                    channel: secured.channel.channel, outbound: outbound, context: context)
                register(connection)
                defer { unregister(connection) }
                ready?.succeed(connection)
                context.logger.debug(
                    "connected", metadata: ["peer": "\(peer.peerID)", "remote": "\(secured.remoteAddress)"])
                try await connection.serve(inbound)
            }
        } catch {
            ready?.fail(error)  // unless it succeeded: a ticket settles once
            let level: Logger.Level = (error as? NetError) == .connectionClosed || error is CancellationError ? .debug : .info
            context.logger.log(
                level: level, "connection ended", metadata: ["remote": "\(secured.remoteAddress)", "reason": "\(error)"])
        }
        ready?.fail(NetError.connectionClosed)
    }

    private func register(_ connection: PeerConnection) {
        let stopping = state.withLockedValue { state in
            state.connections[ObjectIdentifier(connection)] = connection
            return state.finished
        }
        if stopping { connection.close() }
    }

    private func unregister(_ connection: PeerConnection) {
        state.withLockedValue { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Every 25 ms: fails requests past their deadline and closes idle connections; now and
    /// then forgets the rate buckets of quiet peers.
    private func sweep() async {
        var ticks = 0
        while !Task.isCancelled, !state.withLockedValue({ $0.finished }) {
            try? await Task.sleep(for: .milliseconds(25))
            let now = NIODeadline.now()
            for connection in connections {
                connection.pending.expire(now: now)
                let timeout = connection.isInbound ? context.configuration.inboundIdleTimeout : context.configuration.idleTimeout
                if connection.isIdle(for: timeout, now: now) {
                    context.logger.debug("closing an idle connection", metadata: ["peer": "\(connection.peer.peerID)"])
                    connection.close()
                }
            }
            ticks += 1
            if ticks % 400 == 0 { context.forgetIdleBuckets(now: NodeContext.now()) }
        }
    }
}
