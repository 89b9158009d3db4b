/// One connection's Noise session as a state machine without I/O (STYLE.md rule 3): bytes from
/// the socket go in, and it answers with what to do, namely send these bytes, the handshake
/// proved this peer, deliver this plaintext, or close for this reason. The NIO handler only
/// carries out its actions, so every handshake and framing rule is tested here without sockets.
///
/// The pattern is XX with prologue `peerdex/1`: message 1 (initiator) carries an ephemeral key
/// and an empty payload; messages 2 (responder) and 3 (initiator) carry each side's static key
/// and, encrypted, its `HandshakePayload`. After message 3 both sides hold transport keys and
/// know each other's peer ID.
public struct NoiseSession: Sendable {
    /// Which end of the connection we are.
    public enum Role: Sendable { case initiator, responder }

    /// What the caller must do next.
    public enum Action: Equatable, Sendable {
        /// Write these bytes (already framed) to the socket.
        case send([UInt8])
        /// The handshake is done: the other side is this peer.
        case established(AuthenticatedPeer)
        /// A transport message arrived: its plaintext.
        case deliver([UInt8])
        /// Close the connection, for this reason; nothing more will be read.
        case close(Failure)
    }

    /// Why a session ended.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The byte stream lost its framing (an empty frame, or one over the limit).
        case framing(NoiseFrameParser.Failure)
        /// A Noise operation failed: most often a message that did not decrypt.
        case noise(NoiseError)
        /// The first handshake message carried a payload, which peerdex never sends.
        case unexpectedFirstPayload(Int)
        /// The other side's handshake payload did not prove an identity.
        case identity(HandshakePayloadVerifier.Failure)
        /// The peer proved an identity, but not the one we dialled.
        case unexpectedPeer(expected: PeerID, actual: PeerID)

        /// One line for the log.
        public var description: String {
            switch self {
            case .framing(let failure): return "framing: \(failure)"
            case .noise(let error): return "noise: \(error)"
            case .unexpectedFirstPayload(let count): return "the first handshake message carries \(count) payload bytes"
            case .identity(let failure): return "identity: \(failure)"
            case .unexpectedPeer(let expected, let actual):
                return "the peer is \(actual), not \(expected) as dialled"
            }
        }
    }

    private enum State: Sendable {
        case handshaking(NoiseHandshake)
        case established(NoiseTransport)
        case closed
    }

    /// Which end we are.
    public let role: Role
    private let local: LocalHandshakeIdentity
    private let expectedPeer: PeerID?
    private var state: State
    private var parser: NoiseFrameParser
    private let maximumTransportFrame: Int

    /// A session for one connection. `ephemeralKey` is fresh randomness from the caller;
    /// `expectedPeer`, for an initiator, is the peer dialled (nil when any peer will do).
    public init(
        role: Role, local: LocalHandshakeIdentity, ephemeralKey: NoiseKeyPair, expectedPeer: PeerID? = nil,
        maximumTransportFrame: Int = Noise.maximumMessageLength
    ) {
        self.role = role
        self.local = local
        self.expectedPeer = expectedPeer
        self.maximumTransportFrame = min(maximumTransportFrame, Noise.maximumMessageLength)
        parser = NoiseFrameParser(maximumLength: WireProtocol.maximumHandshakeFrame)
        // XX needs no pre-message keys, so starting a handshake cannot fail.
        state = .handshaking(
            try! NoiseHandshake(
                pattern: .xx, initiator: role == .initiator, prologue: WireProtocol.prologue,
                staticKey: local.staticKey, ephemeralKey: ephemeralKey))
    }

    /// Whether the handshake is done and transport messages can be sealed.
    public var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// Whether the session has ended.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// What to do once the connection is up: the initiator sends message 1.
    public mutating func start() -> [Action] {
        guard role == .initiator, case .handshaking(var handshake) = state, handshake.isOurTurn else { return [] }
        do {
            let message = try handshake.writeMessage(payload: [])
            state = .handshaking(handshake)
            return [.send(try frame(message))]
        } catch {
            return [fail(error)]
        }
    }

    /// Takes bytes read from the socket and returns what to do about them, in order.
    public mutating func receive(_ bytes: some Sequence<UInt8>) -> [Action] {
        guard !isClosed else { return [] }
        parser.append(bytes)
        var actions: [Action] = []
        do {
            while !isClosed, let frame = try parser.nextFrame() {
                actions += try handle(frame)
            }
        } catch {
            actions.append(fail(error))
        }
        return actions
    }

    /// Encrypts and frames one transport message for sending.
    public mutating func seal(_ plaintext: [UInt8]) throws(Failure) -> [UInt8] {
        guard case .established(var transport) = state else { throw .noise(.outOfTurn) }
        do {
            let sealed = try transport.encrypt(plaintext)
            state = .established(transport)
            return try frame(sealed)
        } catch let error as NoiseError {
            throw .noise(error)
        } catch {
            throw .noise(.messageTooLong(plaintext.count))
        }
    }

    // MARK: - Steps

    private mutating func handle(_ frame: [UInt8]) throws -> [Action] {
        switch state {
        case .closed:
            return []
        case .established(var transport):
            let plaintext = try transport.decrypt(frame)
            state = .established(transport)
            return [.deliver(plaintext)]
        case .handshaking(var handshake):
            guard !handshake.isOurTurn else { throw NoiseError.outOfTurn }
            let payload = try handshake.readMessage(frame)
            var actions: [Action] = []
            switch (role, handshake.isComplete) {
            case (.responder, false) where !payload.isEmpty:
                throw Failure.unexpectedFirstPayload(payload.count)
            case (.responder, false):  // message 1 read: answer with message 2
                actions.append(.send(try self.frame(handshake.writeMessage(payload: local.payload))))
                state = .handshaking(handshake)
            case (.initiator, false):  // message 2 read: check the responder, send message 3
                let peer = try authenticate(payload, handshake)
                if let expectedPeer, expectedPeer != peer.peerID {
                    throw Failure.unexpectedPeer(expected: expectedPeer, actual: peer.peerID)
                }
                actions.append(.send(try self.frame(handshake.writeMessage(payload: local.payload))))
                // The same peer, named by the final handshake hash that both sides share.
                actions.append(
                    .established(
                        AuthenticatedPeer(
                            peerID: peer.peerID, protocolVersion: peer.protocolVersion,
                            handshakeHash: handshake.handshakeHash)))
                establish(handshake)
            case (_, true):  // message 3 read by the responder
                actions.append(.established(try authenticate(payload, handshake)))
                establish(handshake)
            }
            return actions
        }
    }

    /// The peer the payload proves, against the static key this handshake carried.
    private func authenticate(_ payload: [UInt8], _ handshake: NoiseHandshake) throws(Failure) -> AuthenticatedPeer {
        guard let remoteStatic = handshake.remoteStaticKey else { throw .noise(.missingKey("remote static")) }
        do {
            return try HandshakePayloadVerifier.verify(
                payload: payload, remoteStaticKey: remoteStatic, handshakeHash: handshake.handshakeHash)
        } catch {
            throw .identity(error)
        }
    }

    private mutating func establish(_ handshake: NoiseHandshake) {
        guard let transport = handshake.transport else { return }
        state = .established(transport)
        parser.maximumLength = maximumTransportFrame
    }

    private func frame(_ message: [UInt8]) throws(NoiseFrameParser.Failure) -> [UInt8] {
        try NoiseFrameParser.frame(message)
    }

    /// Ends the session: its last action is to close, for the reason `error` gives.
    private mutating func fail(_ error: any Error) -> Action {
        state = .closed
        return .close(Self.failure(from: error))
    }

    private static func failure(from error: any Error) -> Failure {
        switch error {
        case let failure as Failure: return failure
        case let failure as NoiseFrameParser.Failure: return .framing(failure)
        case let failure as NoiseError: return .noise(failure)
        case let failure as HandshakePayloadVerifier.Failure: return .identity(failure)
        default: return .noise(.decryptionFailed)
        }
    }
}
