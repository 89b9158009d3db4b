import Crypto
import Foundation
import SwiftProtobuf

/// This node's side of the identity binding: its Ed25519 identity and X25519 static key, with
/// the handshake payload that proves the one owns the other, made once (one signature) and
/// sent in every handshake.
public struct LocalHandshakeIdentity: Sendable {
    /// Our peer ID.
    public let peerID: PeerID
    /// The Noise static key pair.
    public let staticKey: NoiseKeyPair
    /// The encoded `HandshakePayload` we send.
    public let payload: [UInt8]

    /// Builds the identity from the 32-byte Ed25519 seed and X25519 private key.
    public init(identitySeed: [UInt8], staticPrivateKey: [UInt8]) throws(NoiseError) {
        staticKey = try NoiseKeyPair(privateKey: staticPrivateKey)
        let identity: Curve25519.Signing.PrivateKey
        do {
            identity = try Curve25519.Signing.PrivateKey(rawRepresentation: identitySeed)
            peerID = try PeerID(publicKey: Array(identity.publicKey.rawRepresentation))
        } catch {
            throw .invalidKey
        }
        var message = WireHandshakePayload()
        message.identityKey = Data(peerID.publicKey)
        message.identitySig = Data(try NoiseIdentityBinding.signature(staticKey: staticKey.publicKey, identitySeed: identitySeed))
        message.protocolVersion = WireProtocol.version
        payload = (try? message.serializedBytes()) ?? []
    }

    /// An identity that sends `payload` as it is: tests forge and replay payloads with it.
    init(peerID: PeerID, staticKey: NoiseKeyPair, payload: [UInt8]) {
        self.peerID = peerID
        self.staticKey = staticKey
        self.payload = payload
    }
}

/// What a handshake proved about the other side.
public struct AuthenticatedPeer: Hashable, Sendable {
    /// The peer ID the other side proved it holds.
    public let peerID: PeerID
    /// The protocol version both sides speak: the lower of the two offered.
    public let protocolVersion: UInt32
    /// The Noise handshake hash, which names this session uniquely.
    public let handshakeHash: [UInt8]

    /// A peer as proven by a handshake.
    public init(peerID: PeerID, protocolVersion: UInt32, handshakeHash: [UInt8]) {
        self.peerID = peerID
        self.protocolVersion = protocolVersion
        self.handshakeHash = handshakeHash
    }
}

/// Reads and checks the other side's handshake payload.
public enum HandshakePayloadVerifier {
    /// Why a payload does not prove an identity.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The bytes are not a `HandshakePayload`.
        case malformed
        /// The identity key is not 32 bytes of a valid Ed25519 key.
        case badIdentityKey
        /// The signature does not verify over the static key this handshake carried (a wrong
        /// key, or a payload replayed from a session with another static key).
        case badSignature
        /// The peer speaks no version we do.
        case unsupportedVersion(UInt32)

        /// One line for the log.
        public var description: String {
            switch self {
            case .malformed: return "the handshake payload is not a HandshakePayload"
            case .badIdentityKey: return "the handshake payload's identity key is not an Ed25519 key"
            case .badSignature: return "the identity signature does not match the Noise static key"
            case .unsupportedVersion(let version): return "the peer speaks protocol version \(version), not 1"
            }
        }
    }

    /// The peer that `payload` proves holds `remoteStaticKey`, or why it does not.
    public static func verify(
        payload: [UInt8], remoteStaticKey: [UInt8], handshakeHash: [UInt8]
    ) throws(Failure) -> AuthenticatedPeer {
        let message: WireHandshakePayload
        do {
            message = try WireHandshakePayload(serializedBytes: payload)
        } catch {
            throw .malformed
        }
        guard message.identityKey.count == PeerID.keyLength,
            let peerID = try? PeerID(publicKey: Array(message.identityKey)),
            (try? Curve25519.Signing.PublicKey(rawRepresentation: message.identityKey)) != nil
        else { throw .badIdentityKey }
        guard message.protocolVersion >= 1 else { throw .unsupportedVersion(message.protocolVersion) }
        guard
            NoiseIdentityBinding.verify(
                signature: Array(message.identitySig), identityKey: peerID.publicKey, staticKey: remoteStaticKey)
        else { throw .badSignature }
        return AuthenticatedPeer(
            peerID: peerID, protocolVersion: min(message.protocolVersion, WireProtocol.version),
            handshakeHash: handshakeHash)
    }
}
