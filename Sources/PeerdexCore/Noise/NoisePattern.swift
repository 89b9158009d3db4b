/// A Noise handshake pattern (section 7): the keys known in advance and the tokens of each message.
public struct NoisePattern: Hashable, Sendable {
    /// One step of a message pattern.
    public enum Token: Hashable, Sendable {
        /// Send (or receive) an ephemeral public key.
        case e
        /// Send (or receive) a static public key, encrypted once a key is set.
        case s
        /// Mix in Diffie-Hellman of the named keys: initiator's first, responder's second.
        case ee, es, se, ss
    }

    /// The pattern's name in protocol names ("XX").
    public let name: String
    /// Keys the responder knows of the initiator before the handshake (`-> s` above `...`).
    let initiatorPreMessage: [Token]
    /// Keys the initiator knows of the responder before the handshake (`<- s` above `...`).
    let responderPreMessage: [Token]
    /// The messages, alternating, the initiator's first.
    let messages: [[Token]]

    /// `NN`: no static keys.
    public static let nn = NoisePattern(
        name: "NN", initiatorPreMessage: [], responderPreMessage: [], messages: [[.e], [.e, .ee]])
    /// `XK`: the initiator knows the responder's static key and sends its own last.
    public static let xk = NoisePattern(
        name: "XK", initiatorPreMessage: [], responderPreMessage: [.s],
        messages: [[.e, .es], [.e, .ee], [.s, .se]])
    /// `IK`: the initiator knows the responder's static key and sends its own at once.
    public static let ik = NoisePattern(
        name: "IK", initiatorPreMessage: [], responderPreMessage: [.s],
        messages: [[.e, .es, .s, .ss], [.e, .ee, .se]])
    /// `XX`: both static keys are exchanged, encrypted; peerdex's transport handshake.
    public static let xx = NoisePattern(
        name: "XX", initiatorPreMessage: [], responderPreMessage: [],
        messages: [[.e], [.e, .ee, .s, .es], [.s, .se]])

    /// The full protocol name with peerdex's primitives.
    public var protocolName: String { "Noise_\(name)_25519_ChaChaPoly_SHA256" }
}
