import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeerdexCore

/// A Mainline DHT node on a UDP socket: `DHTEngine` (PeerdexCore) does the thinking, this type
/// binds the socket, runs the engine on its event loop and turns operations into async calls.
///
/// ```swift
/// let node = DHTNode(localID: id, logger: logger)
/// let bound = try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
/// _ = try await node.run(.bootstrap([seed]))
/// let found = try await node.run(.getMutable(publicKey: key, salt: salt))
/// ```
public final class DHTNode: Sendable {
    /// This node's ID.
    public let localID: NodeID
    private let configuration: DHTEngineConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    private let silenced = NIOLockedValueBox(false)

    private struct State {
        var channel: (any Channel)?
        var handler: NIOLoopBound<DHTDatagramHandler>?
        var boundAddress: HostPort?
        var stopped = false
    }

    /// A node with this ID and settings; nothing is bound until `start`.
    public init(
        localID: NodeID, configuration: DHTEngineConfiguration = DHTEngineConfiguration(), logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.localID = localID
        self.configuration = configuration
        self.logger = logger
        self.group = group
    }

    /// Binds the UDP socket and starts answering; returns the bound address (the port the
    /// system chose, for port 0).
    @discardableResult
    public func start(bindingTo address: HostPort) async throws -> HostPort {
        var random = SystemRandomNumberGenerator()
        let secret = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let engine = DHTEngine(
            localID: localID, configuration: configuration, tokenSecret: secret, now: DHTDatagramHandler.now())
        let logger = logger
        let silenced = silenced
        let channel: any Channel
        do {
            // No SO_REUSEADDR: on Linux it lets two UDP sockets bound to port 0 be given the same
            // port, and the datagrams for both then reach one (a bench node once sat with an
            // empty table that way). UDP needs no TIME_WAIT escape to be bound again at once.
            channel = try await DatagramBootstrap(group: group)
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Self.largestDatagram))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DHTDatagramHandler(engine: engine, logger: logger, silenced: silenced))
                    }
                }
                .bind(host: address.host, port: address.port).get()
        } catch {
            throw DHTNodeError.bindFailed(address: "\(address)", reason: "\(error)")
        }
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: DHTDatagramHandler.self), eventLoop: channel.eventLoop)
        }.get()
        let bound = HostPort(host: address.host, port: channel.localAddress?.port ?? address.port)
        let stopped = state.withLockedValue { state in
            state.channel = channel
            state.handler = handler
            state.boundAddress = bound
            return state.stopped
        }
        if stopped { try? await channel.close() }
        logger.info("dht listening", metadata: ["address": "\(bound)", "id": "\(localID)"])
        return bound
    }

    /// Fault injection for tests and benchmarks: while true, the node drops every datagram it
    /// receives, as a machine that died silently would.
    public var isSilenced: Bool {
        get { silenced.withLockedValue { $0 } }
        set { silenced.withLockedValue { $0 = newValue } }
    }

    /// Datagrams longer than this are cut by the socket and then refused by the decoder.
    static let largestDatagram = 2_048

    /// The bound UDP address, once started.
    public var boundAddress: HostPort? { state.withLockedValue { $0.boundAddress } }

    /// Runs an operation to its end.
    public func run(_ operation: DHTOperation) async throws -> DHTOperationResult {
        try await submit(operation, publish: false)
    }

    /// Publishes our own item (put now, republished before it expires) and returns the first put's result.
    public func publish(_ item: MutableItem) async throws -> DHTOperationResult {
        try await submit(.putMutable(item), publish: true)
    }

    private func submit(_ operation: DHTOperation, publish: Bool) async throws -> DHTOperationResult {
        guard let (channel, handler) = state.withLockedValue({ state in state.channel.map { ($0, state.handler!) } })
        else { throw DHTNodeError.stopped }
        let promise = channel.eventLoop.makePromise(of: DHTOperationResult.self)
        channel.eventLoop.execute {
            handler.value.start(operation, publish: publish, promise: promise)
        }
        return try await promise.futureResult.get()
    }

    /// Reads the engine's state on its event loop.
    public func inspect<Result: Sendable>(_ body: @escaping @Sendable (DHTEngine) -> Result) async throws -> Result {
        guard let (channel, handler) = state.withLockedValue({ state in state.channel.map { ($0, state.handler!) } })
        else { throw DHTNodeError.stopped }
        return try await channel.eventLoop.submit { handler.value.inspect(body) }.get()
    }

    /// Changes the engine's state on its event loop (restoring what a previous run saved).
    public func modify(_ body: @escaping @Sendable (inout DHTEngine) -> Void) async throws {
        guard let (channel, handler) = state.withLockedValue({ state in state.channel.map { ($0, state.handler!) } })
        else { throw DHTNodeError.stopped }
        try await channel.eventLoop.submit { handler.value.modify(body) }.get()
    }

    /// Closes the socket; operations still running fail with `DHTNodeError.stopped`.
    public func shutdown() async {
        let channel = state.withLockedValue { state in
            state.stopped = true
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
    }
}
