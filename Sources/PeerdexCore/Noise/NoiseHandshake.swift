import Crypto

/// An X25519 key pair, from its 32-byte private key.
public struct NoiseKeyPair: Hashable, Sendable {
    /// The private key (clamped by X25519 when used).
    public let privateKey: [UInt8]
    /// The public key.
    public let publicKey: [UInt8]

    /// The pair of `privateKey`.
    public init(privateKey: [UInt8]) throws(NoiseError) {
        guard privateKey.count == Noise.keyLength,
            let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
        else { throw .invalidKey }
        self.privateKey = privateKey
        publicKey = Array(key.publicKey.rawRepresentation)
    }
}

/// One side of a Noise handshake (`HandshakeState`, section 5.3) for X25519, ChaChaPoly and
/// SHA-256: a state machine without I/O. Each side writes and reads messages in turn; when the
/// pattern is done, `transport` gives the two ciphers of the session.
///
/// Randomness is passed in: the ephemeral key pair is an argument, so that tests can replay the
/// published vectors byte for byte and the caller decides where keys come from.
public struct NoiseHandshake: Sendable {
    /// The pattern being run.
    public let pattern: NoisePattern
    /// Whether this side started the handshake.
    public let isInitiator: Bool
    private var symmetric: NoiseSymmetricState
    private let staticKey: NoiseKeyPair?
    private let ephemeralKey: NoiseKeyPair
    /// The other side's static public key: given for XK and IK, learned during XX.
    public private(set) var remoteStaticKey: [UInt8]?
    private var remoteEphemeralKey: [UInt8]?
    private var messageIndex = 0

    /// Starts a handshake. `prologue` must be the same on both sides (peerdex: `peerdex/1`).
    public init(
        pattern: NoisePattern, initiator: Bool, prologue: [UInt8], staticKey: NoiseKeyPair?,
        ephemeralKey: NoiseKeyPair, remoteStaticKey: [UInt8]? = nil
    ) throws(NoiseError) {
        self.pattern = pattern
        isInitiator = initiator
        self.staticKey = staticKey
        self.ephemeralKey = ephemeralKey
        self.remoteStaticKey = remoteStaticKey
        symmetric = NoiseSymmetricState(protocolName: pattern.protocolName)
        symmetric.mixHash(prologue)
        for token in pattern.initiatorPreMessage {
            symmetric.mixHash(try preMessageKey(token, ofInitiator: true))
        }
        for token in pattern.responderPreMessage {
            symmetric.mixHash(try preMessageKey(token, ofInitiator: false))
        }
    }

    /// A key of a pre-message: ours when the pre-message is our side's, else the remote one.
    private func preMessageKey(_ token: NoisePattern.Token, ofInitiator: Bool) throws(NoiseError) -> [UInt8] {
        guard token == .s else { throw .missingKey("pre-message \(token)") }
        if ofInitiator == isInitiator {
            guard let staticKey else { throw .missingKey("local static") }
            return staticKey.publicKey
        }
        guard let remoteStaticKey, remoteStaticKey.count == Noise.keyLength else { throw .missingKey("remote static") }
        return remoteStaticKey
    }

    // MARK: - State

    /// Whether every message of the pattern has been written or read.
    public var isComplete: Bool { messageIndex >= pattern.messages.count }

    /// Whether the next message is ours to write.
    public var isOurTurn: Bool { !isComplete && (messageIndex % 2 == 0) == isInitiator }

    /// The handshake hash: once complete, a value both sides share that names this session.
    public var handshakeHash: [UInt8] { symmetric.hash }

    /// The session's ciphers once the handshake is complete: one to send, one to receive.
    public var transport: NoiseTransport? {
        guard isComplete else { return nil }
        let (initiatorToResponder, responderToInitiator) = symmetric.split()
        return isInitiator
            ? NoiseTransport(sender: initiatorToResponder, receiver: responderToInitiator)
            : NoiseTransport(sender: responderToInitiator, receiver: initiatorToResponder)
    }

    // MARK: - Messages

    /// Writes our next message carrying `payload` (encrypted once a key is set).
    public mutating func writeMessage(payload: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard isOurTurn else { throw .outOfTurn }
        var message = [UInt8]()
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                message += ephemeralKey.publicKey
                symmetric.mixHash(ephemeralKey.publicKey)
            case .s:
                guard let staticKey else { throw .missingKey("local static") }
                message += try symmetric.encryptAndHash(staticKey.publicKey)
            case .ee, .es, .se, .ss:
                symmetric.mixKey(try dh(token))
            }
        }
        message += try symmetric.encryptAndHash(payload)
        guard message.count <= Noise.maximumMessageLength else { throw .messageTooLong(message.count) }
        messageIndex += 1
        return message
    }

    /// Reads the other side's next message and returns its payload. On any failure the
    /// handshake must be abandoned: its state is no longer the other side's.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !isComplete, !isOurTurn else { throw .outOfTurn }
        guard message.count <= Noise.maximumMessageLength else { throw .messageTooLong(message.count) }
        var rest = message[...]
        func take(_ count: Int) throws(NoiseError) -> [UInt8] {
            guard rest.count >= count else { throw .messageTooShort(needed: message.count - rest.count + count, got: message.count) }
            defer { rest = rest.dropFirst(count) }
            return Array(rest.prefix(count))
        }
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let key = try take(Noise.keyLength)
                remoteEphemeralKey = key
                symmetric.mixHash(key)
            case .s:
                let length = Noise.keyLength + (symmetric.cipher.hasKey ? Noise.tagLength : 0)
                remoteStaticKey = try symmetric.decryptAndHash(try take(length))
            case .ee, .es, .se, .ss:
                symmetric.mixKey(try dh(token))
            }
        }
        let payload = try symmetric.decryptAndHash(Array(rest))
        messageIndex += 1
        return payload
    }

    /// The Diffie-Hellman a token names, from this side: the token's first letter is the
    /// initiator's key, its second the responder's.
    private func dh(_ token: NoisePattern.Token) throws(NoiseError) -> [UInt8] {
        let (initiatorKey, responderKey): (Character, Character)
        switch token {
        case .ee: (initiatorKey, responderKey) = ("e", "e")
        case .es: (initiatorKey, responderKey) = ("e", "s")
        case .se: (initiatorKey, responderKey) = ("s", "e")
        case .ss: (initiatorKey, responderKey) = ("s", "s")
        case .e, .s: throw .outOfTurn
        }
        let (local, remote) = isInitiator ? (initiatorKey, responderKey) : (responderKey, initiatorKey)
        let localKey: NoiseKeyPair
        if local == "e" {
            localKey = ephemeralKey
        } else {
            guard let staticKey else { throw .missingKey("local static") }
            localKey = staticKey
        }
        guard let remoteKey = remote == "e" ? remoteEphemeralKey : remoteStaticKey else {
            throw .missingKey(remote == "e" ? "remote ephemeral" : "remote static")
        }
        return try Self.x25519(localKey.privateKey, remoteKey)
    }

    /// X25519; a malformed public key, or a low-order one (whose shared secret is all zeros,
    /// known to anyone), is refused. swift-crypto returns the zero secret, so it is checked here,
    /// as libsodium does.
    static func x25519(_ privateKey: [UInt8], _ publicKey: [UInt8]) throws(NoiseError) -> [UInt8] {
        let shared: [UInt8]
        do {
            let secret = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
                .sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey))
            shared = secret.withUnsafeBytes { Array($0) }
        } catch {
            throw .invalidKey
        }
        guard shared.contains(where: { $0 != 0 }) else { throw .invalidKey }
        return shared
    }
}

/// The two ciphers of an established session: frames we send, frames we receive.
public struct NoiseTransport: Sendable {
    /// Encrypts what we send.
    public var sender: NoiseCipherState
    /// Decrypts what we receive.
    public var receiver: NoiseCipherState

    /// Encrypts one transport message (no associated data, as Noise transport messages have).
    public mutating func encrypt(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard plaintext.count + Noise.tagLength <= Noise.maximumMessageLength else {
            throw .messageTooLong(plaintext.count + Noise.tagLength)
        }
        return try sender.encrypt(plaintext, ad: [])
    }

    /// Decrypts one transport message.
    public mutating func decrypt(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard ciphertext.count <= Noise.maximumMessageLength else { throw .messageTooLong(ciphertext.count) }
        return try receiver.decrypt(ciphertext, ad: [])
    }
}
