import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeerdexCore

/// Dialling: the pool's lookup, and the dials `run` makes on its behalf.
extension PeerdexNode {
    /// An open connection to `address`: one already open to the same peer (dialled or
    /// accepted) when there is one, else a new dial, shared by every caller that asks meanwhile.
    public func connection(to address: PeerAddress) async throws -> PeerConnection {
        let key = address.description
        enum Plan {
            case reuse(PeerConnection)
            case wait(EventLoopFuture<PeerConnection>)
            case dial(EventLoopPromise<PeerConnection>)
        }
        let plan: Plan = state.withLockedValue { state in
            let open = state.connections.values.filter(\.isOpen)
            if let expected = address.peerID, let existing = open.first(where: { $0.peer.peerID == expected }) {
                return .reuse(existing)
            }
            if address.peerID == nil,
                let existing = open.first(where: { !$0.isInbound && $0.dialledAddress == key })
            {
                return .reuse(existing)
            }
            if let dial = state.dials[key] { return .wait(dial) }
            let promise = group.next().makePromise(of: PeerConnection.self)
            state.dials[key] = promise.futureResult
            return .dial(promise)
        }
        switch plan {
        case .reuse(let connection): return connection
        case .wait(let dial): return try await dial.get()
        case .dial(let promise):
            defer { state.withLockedValue { _ = $0.dials.removeValue(forKey: key) } }
            do {
                let connection = try await dial(address)
                promise.succeed(connection)
                return connection
            } catch {
                promise.fail(error)
                throw error
            }
        }
    }

    /// PINGs the peer at `address` over the pooled connection, dialling it when needed.
    public func ping(_ address: PeerAddress, timeout: Duration? = nil) async throws -> PingReply {
        try await connection(to: address).ping(timeout: timeout)
    }

    /// A new connection to `address`, outside the pool (which calls this once per peer).
    func dial(_ address: PeerAddress) async throws -> PeerConnection {
        guard !context.isStopping else { throw NetError.notRunning }
        let ticket = DialTicket(promise: group.next().makePromise(of: PeerConnection.self))
        if case .terminated = workQueue.yield(Work(address: address, ticket: ticket)) {
            ticket.fail(NetError.notRunning)
        }
        return try await ticket.connection.get()
    }

    /// A TCP connection to `address` with the Noise session installed (the handshake under way).
    func connect(_ address: PeerAddress) async throws -> SecuredChannel {
        guard !context.isStopping else { throw NetError.notRunning }
        let context = context
        let identity = identity
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(context.configuration.connectTimeout.seconds * 1e9)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: address.hostPort.host, port: address.hostPort.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try SecuredChannel.install(
                            on: channel, role: .initiator, expectedPeer: address.peerID, identity: identity,
                            configuration: context.configuration, logger: context.logger, dialled: address.hostPort)
                    }
                }
        } catch {
            throw NetError.connectFailed(address: "\(address.hostPort)", reason: "\(error)")
        }
    }
}

/// The promise of a dialled connection, which fails its waiter if it is dropped unsettled (a
/// dial still queued when the node stops).
final class DialTicket: Sendable {
    private let promise: EventLoopPromise<PeerConnection>
    private let settled = NIOLockedValueBox(false)

    init(promise: EventLoopPromise<PeerConnection>) { self.promise = promise }

    /// The connection, once the handshake has proved the peer.
    var connection: EventLoopFuture<PeerConnection> { promise.futureResult }

    func succeed(_ connection: PeerConnection) {
        if settle() { promise.succeed(connection) }
    }

    func fail(_ error: any Error) {
        if settle() { promise.fail(error) }
    }

    private func settle() -> Bool {
        settled.withLockedValue { settled in
            defer { settled = true }
            return !settled
        }
    }

    deinit { fail(NetError.notRunning) }
}
