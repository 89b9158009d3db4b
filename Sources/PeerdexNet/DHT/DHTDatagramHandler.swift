#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeerdexCore

/// Carries out a `DHTEngine` on one UDP channel: every datagram goes to the engine on the
/// channel's event loop, whatever it answers is written at once, and one timer follows the
/// engine's next deadline. The engine is confined to that event loop, so no lock is taken on the
/// hot path and no task hop separates a datagram from its answer.
final class DHTDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private var engine: DHTEngine
    private var random = SystemRandomNumberGenerator()
    private var context: ChannelHandlerContext?
    private var waiting: [DHTOperationID: EventLoopPromise<DHTOperationResult>] = [:]
    private var timer: Scheduled<Void>?
    private var timerDeadline = Double.infinity
    private let logger: Logger
    private let silenced: NIOLockedValueBox<Bool>

    init(engine: DHTEngine, logger: Logger, silenced: NIOLockedValueBox<Bool>) {
        self.engine = engine
        self.logger = logger
        self.silenced = silenced
    }

    /// Seconds on the monotonic clock the engine runs on.
    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        for promise in waiting.values { promise.fail(DHTNodeError.stopped) }
        waiting = [:]
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let source = DHTEndpoint(envelope.remoteAddress), !silenced.withLockedValue({ $0 }) else { return }
        let bytes = Array(envelope.data.readableBytesView)
        perform(engine.receive(bytes, from: source, now: Self.now()))
    }

    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP error (an ICMP unreachable reported on the socket, a send refused) concerns one
        // datagram; the node goes on.
        logger.debug("datagram error", metadata: ["error": "\(error)"])
    }

    // MARK: - Operations (called on the event loop)

    /// Starts an operation; `promise` gets its result.
    func start(_ operation: DHTOperation, publish: Bool, promise: EventLoopPromise<DHTOperationResult>) {
        let now = Self.now()
        let (id, actions): (DHTOperationID, [DHTAction])
        if publish, case .putMutable(let item) = operation {
            (id, actions) = engine.publish(item, now: now)
        } else {
            (id, actions) = engine.start(operation, now: now)
        }
        waiting[id] = promise
        perform(actions)
        context?.flush()
    }

    /// A read of the engine's state.
    func inspect<Result>(_ body: (DHTEngine) -> Result) -> Result { body(engine) }

    /// Changes the engine's state (restoring saved nodes and items).
    func modify(_ body: (inout DHTEngine) -> Void) {
        body(&engine)
        scheduleTimer()
    }

    // MARK: - Actions

    private func perform(_ actions: [DHTAction]) {
        for action in actions {
            switch action {
            case .send(let bytes, let endpoint):
                guard let context, let address = try? SocketAddress(endpoint) else { continue }
                let buffer = context.channel.allocator.buffer(bytes: bytes)
                context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
            case .finished(let id, let result):
                waiting.removeValue(forKey: id)?.succeed(result)
            }
        }
        scheduleTimer()
    }

    /// Keeps one timer at the engine's next deadline.
    private func scheduleTimer() {
        guard let context else { return }
        let deadline = Self.nextDeadline(of: &engine)
        guard deadline < timerDeadline - 0.000_5 || timer == nil else { return }
        timer?.cancel()
        timerDeadline = deadline
        let delay = max(deadline - Self.now(), 0)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(delay * 1e9) + 100_000)) { [weak self] in
            self?.fire()
        }
    }

    /// The engine's next deadline, read in place: reading a computed property of the engine
    /// through `self` copies the whole engine first (every table retained and released), and
    /// this runs after every datagram.
    private static func nextDeadline(of engine: inout DHTEngine) -> Double { engine.nextDeadline }

    private func fire() {
        timer = nil
        timerDeadline = .infinity
        perform(engine.tick(now: Self.now(), random: &random))
        context?.flush()
    }
}

/// Why a DHT operation could not run.
public enum DHTNodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node is not running (not started yet, or stopped).
    case stopped
    /// The address to bind could not be used.
    case bindFailed(address: String, reason: String)

    /// What went wrong, for a person.
    public var description: String {
        switch self {
        case .stopped: "the DHT node is not running"
        case .bindFailed(let address, let reason): "cannot bind UDP \(address): \(reason)"
        }
    }
}

extension DHTEndpoint {
    /// The endpoint of a socket address, nil for Unix sockets. Reads the socket structure
    /// directly: this runs for every datagram, and formatting the address as text would cost
    /// more than the rest of the receive path.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ip: .v4(UInt32(bigEndian: v4.address.sin_addr.s_addr)), port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            guard let ip = IPAddress(bytes: bytes) else { return nil }
            self.init(ip: ip, port: UInt16(bigEndian: v6.address.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }
}

extension SocketAddress {
    /// The socket address of a DHT endpoint.
    init(_ endpoint: DHTEndpoint) throws {
        switch endpoint.ip {
        case .v4(let value):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = endpoint.port.bigEndian
            address.sin_addr.s_addr = value.bigEndian
            self.init(address, host: "")
        case .v6:
            var buffer = ByteBuffer(bytes: endpoint.ip.bytes)
            try self.init(packedIPAddress: buffer.readSlice(length: buffer.readableBytes)!, port: Int(endpoint.port))
        }
    }
}
