import Crypto
import Foundation

/// Binds a Noise static key to a peerdex identity (BRIEF.md §3): the Ed25519 identity key signs
/// the X25519 static public key, as libp2p's Noise handshake does, so that after the handshake
/// each side knows the other's peer ID for certain.
///
/// The signed bytes are the ASCII context `peerdex-noise-static-key:` followed by the 32-byte
/// static key; the context keeps such a signature from being valid anywhere else.
public enum NoiseIdentityBinding {
    /// The domain-separation prefix of the signed bytes.
    public static let context = Array("peerdex-noise-static-key:".utf8)
    /// An Ed25519 signature's length.
    public static let signatureLength = 64

    /// The bytes an identity signs for a static key.
    public static func signedBytes(staticKey: [UInt8]) -> [UInt8] { context + staticKey }

    /// Signs `staticKey` with the identity whose 32-byte Ed25519 seed is `identitySeed`.
    public static func signature(staticKey: [UInt8], identitySeed: [UInt8]) throws(NoiseError) -> [UInt8] {
        do {
            let identity = try Curve25519.Signing.PrivateKey(rawRepresentation: identitySeed)
            return Array(try identity.signature(for: signedBytes(staticKey: staticKey)))
        } catch {
            throw .invalidKey
        }
    }

    /// Whether `signature` is `identityKey`'s over `staticKey`: false for any malformed input.
    public static func verify(signature: [UInt8], identityKey: [UInt8], staticKey: [UInt8]) -> Bool {
        guard signature.count == signatureLength, staticKey.count == Noise.keyLength,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: identityKey)
        else { return false }
        return key.isValidSignature(signature, for: signedBytes(staticKey: staticKey))
    }
}
