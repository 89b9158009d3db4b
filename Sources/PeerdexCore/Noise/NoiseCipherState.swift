import Crypto
import Foundation

/// Why a Noise operation failed; each case reads as one line.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A ciphertext did not authenticate: wrong key, tampered or truncated.
    case decryptionFailed
    /// A message was shorter than its pattern requires.
    case messageTooShort(needed: Int, got: Int)
    /// A message (or plaintext) would exceed the 65,535-byte Noise limit.
    case messageTooLong(Int)
    /// The nonce reached 2^64 - 1, which Noise reserves: the session must end (or rekey).
    case nonceExhausted
    /// A public key was not a valid X25519 key, or the Diffie-Hellman result was degenerate.
    case invalidKey
    /// A message was written or read out of turn, or after the handshake finished.
    case outOfTurn
    /// A key the pattern needs was not given (a remote static key for XK or IK, say).
    case missingKey(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .decryptionFailed: return "a message did not decrypt (wrong key, or altered on the way)"
        case .messageTooShort(let needed, let got): return "a handshake message is \(got) bytes, needs at least \(needed)"
        case .messageTooLong(let count): return "a message of \(count) bytes is over Noise's 65,535"
        case .nonceExhausted: return "the session has sent 2^64 - 1 messages and must end"
        case .invalidKey: return "a public key is not a usable X25519 key"
        case .outOfTurn: return "a handshake message came out of turn"
        case .missingKey(let name): return "the handshake needs the \(name) key"
        }
    }
}

/// Noise's limits and sizes (Noise protocol framework, revision 34, sections 3 and 5).
public enum Noise {
    /// The largest message, in bytes, handshake or transport.
    public static let maximumMessageLength = 65_535
    /// The authentication tag's length.
    public static let tagLength = 16
    /// A Curve25519 public key's length (DHLEN).
    public static let keyLength = 32
    /// SHA-256's output length (HASHLEN).
    public static let hashLength = 32
}

/// A key and nonce that encrypt one direction of a session (`CipherState`, section 5.1).
public struct NoiseCipherState: Sendable {
    /// The raw key (`SymmetricKey` is not `Sendable`; one is made per operation).
    private var keyBytes: [UInt8]?
    /// The next nonce.
    public private(set) var nonce: UInt64 = 0

    /// A cipher with `key`, or without a key (which passes plaintext through, as Noise says).
    public init(key: [UInt8]? = nil) {
        keyBytes = key
    }

    private var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }

    /// Whether a key is set.
    public var hasKey: Bool { keyBytes != nil }

    /// Encrypts with the next nonce and `ad` as associated data; plaintext without a key.
    public mutating func encrypt(_ plaintext: [UInt8], ad: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { return plaintext }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        let sealed: ChaChaPoly.SealedBox
        do {
            sealed = try ChaChaPoly.seal(plaintext, using: key, nonce: Self.chachaNonce(nonce), authenticating: ad)
        } catch {
            throw .invalidKey
        }
        nonce += 1
        return Array(sealed.ciphertext) + Array(sealed.tag)
    }

    /// Decrypts and authenticates with the next nonce; the nonce moves on only on success.
    public mutating func decrypt(_ ciphertext: [UInt8], ad: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { return ciphertext }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        guard ciphertext.count >= Noise.tagLength else { throw .decryptionFailed }
        let plaintext: Data
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: Self.chachaNonce(nonce), ciphertext: ciphertext.dropLast(Noise.tagLength),
                tag: ciphertext.suffix(Noise.tagLength))
            plaintext = try ChaChaPoly.open(box, using: key, authenticating: ad)
        } catch {
            throw .decryptionFailed
        }
        nonce += 1
        return Array(plaintext)
    }

    /// Replaces the key with one derived from it (`Rekey()`, section 4.2), without a new handshake.
    public mutating func rekey() throws(NoiseError) {
        guard let key else { return }
        do {
            let sealed = try ChaChaPoly.seal(
                [UInt8](repeating: 0, count: 32), using: key, nonce: Self.chachaNonce(.max), authenticating: [UInt8]())
            keyBytes = Array(sealed.ciphertext.prefix(32))
        } catch {
            throw .invalidKey
        }
    }

    /// Noise's ChaChaPoly nonce: 32 bits of zeros, then the counter, little-endian.
    static func chachaNonce(_ counter: UInt64) -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { bytes[4 + index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
        return try! ChaChaPoly.Nonce(data: bytes)  // 12 bytes: always a valid nonce
    }
}
