import Crypto
import Logging
import NIOCore
import PeerdexCore

/// A channel with its Noise session installed: the async view of it, carrying plaintext
/// messages, and the handshake's outcome.
struct SecuredChannel: Sendable {
    let channel: NIOAsyncChannel<[UInt8], [UInt8]>
    let established: EventLoopFuture<AuthenticatedPeer>
    /// The other end, `host:port`.
    let remoteAddress: String

    /// Installs the Noise handler and the async wrapper on a fresh channel (on its event loop).
    /// `dialled` names the other end of an outbound channel, which is not connected yet.
    static func install(
        on channel: any Channel, role: NoiseSession.Role, expectedPeer: PeerID?, identity: LocalHandshakeIdentity,
        configuration: NodeConfiguration, logger: Logger, dialled: HostPort? = nil
    ) throws -> SecuredChannel {
        // A fresh ephemeral key per connection; swift-crypto draws it from the system's CSPRNG.
        let ephemeral = try NoiseKeyPair(privateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
        let session = NoiseSession(
            role: role, local: identity, ephemeralKey: ephemeral, expectedPeer: expectedPeer,
            maximumTransportFrame: configuration.maximumFrameLength)
        let handler = NoiseSessionHandler(
            session: session, handshakeTimeout: configuration.handshakeTimeout, eventLoop: channel.eventLoop,
            logger: logger)
        try channel.pipeline.syncOperations.addHandler(handler)
        let asyncChannel = try NIOAsyncChannel<[UInt8], [UInt8]>(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 16, highWatermark: 256)))
        return SecuredChannel(
            channel: asyncChannel, established: handler.established,
            remoteAddress: dialled.map { "\($0)" } ?? channel.remoteAddress.map(Self.text) ?? "?")
    }

    /// `host:port` of a socket address.
    static func text(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Keeps errors of the listening socket itself (running out of file descriptors while accepting,
/// say) from ending the accept loop: they are logged, and the listener goes on.
final class ListenerErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("accepting a connection failed", metadata: ["error": "\(error)"])
    }
}
