import Crypto
import Logging
import NIOCore
import PeerdexCore

/// Carries out a `NoiseSession` on one channel: bytes read go into the session, and its actions
/// become writes, a fulfilled handshake promise, plaintext passed on, or a close. Plaintext
/// written to the channel is sealed here, on the event loop, so frames leave in nonce order
/// however many tasks write at once.
///
/// The handshake must finish within its timeout from the moment the channel is active; a peer
/// that sends nothing, or a byte at a time, is closed when it runs out.
final class NoiseSessionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [UInt8]
    typealias OutboundIn = [UInt8]
    typealias OutboundOut = ByteBuffer

    private var session: NoiseSession
    private let handshakePromise: EventLoopPromise<AuthenticatedPeer>
    private let handshakeTimeout: Duration
    private var timeout: Scheduled<Void>?
    private var started = false
    private var handshakeSettled = false
    private let logger: Logger

    /// Fulfilled with the peer once the handshake proves it; failed if the handshake fails,
    /// times out or the connection closes first.
    let established: EventLoopFuture<AuthenticatedPeer>

    init(session: NoiseSession, handshakeTimeout: Duration, eventLoop: EventLoop, logger: Logger) {
        self.session = session
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
        handshakePromise = eventLoop.makePromise()
        established = handshakePromise.futureResult
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(handshakeTimeout.seconds * 1e9))) {
            let (handler, context) = loopBound.value
            handler.settleHandshake(.failure(NetError.handshakeTimedOut(handler.handshakeTimeout)))
            context.close(promise: nil)
        }
        perform(session.start(), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        perform(session.receive(buffer.readableBytesView), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        do {
            let sealed = try session.seal(unwrapOutboundIn(data))
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: sealed)), promise: promise)
        } catch {
            promise?.fail(NetError.handshakeFailed(error))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        settleHandshake(.failure(NetError.connectionClosed))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settleHandshake(.failure(NetError.connectionClosed))
    }

    private func perform(_ actions: [NoiseSession.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let bytes):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                wrote = true
            case .established(let peer):
                settleHandshake(.success(peer))
            case .deliver(let plaintext):
                context.fireChannelRead(wrapInboundOut(plaintext))
            case .close(let failure):
                if wrote { context.flush() }
                if handshakeSettled {
                    logger.info("closing connection", metadata: ["reason": "\(failure)", "remote": "\(remote(context))"])
                    context.fireErrorCaught(NetError.handshakeFailed(failure))
                } else {
                    settleHandshake(.failure(NetError.handshakeFailed(failure)))
                }
                context.close(promise: nil)
                return
            }
        }
        if wrote { context.flush() }
    }

    private func settleHandshake(_ result: Result<AuthenticatedPeer, NetError>) {
        guard !handshakeSettled else { return }
        handshakeSettled = true
        timeout?.cancel()
        timeout = nil
        handshakePromise.completeWith(result.mapError { $0 as any Error })
    }

    private func remote(_ context: ChannelHandlerContext) -> String {
        context.channel.remoteAddress.map { "\($0)" } ?? "?"
    }
}
