import Crypto
import Foundation
import PeerdexCore

/// This installation's keys: the Ed25519 identity (its public key is our peer ID) and the X25519
/// static key the Noise transport binds to it.
public struct Identity: Sendable {
    /// The 32-byte Ed25519 seed. Never logged or exported.
    private let seed: [UInt8]
    /// The 32-byte X25519 private key. Never logged or exported.
    private let agreementSeed: [UInt8]
    /// Our peer ID.
    public let peerID: PeerID

    init(seed: [UInt8], agreementSeed: [UInt8]) throws(AppError) {
        do {
            let signing = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            _ = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementSeed)
            peerID = try PeerID(publicKey: Array(signing.publicKey.rawRepresentation))
        } catch {
            throw .identity(path: "", reason: "is not a pair of Curve25519 keys (\(error))")
        }
        self.seed = seed
        self.agreementSeed = agreementSeed
    }

    /// The signing key, rebuilt from the seed (the key type itself is not `Sendable`).
    var signingKey: Curve25519.Signing.PrivateKey {
        // The seed was checked in init, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// The X25519 static key for Noise handshakes.
    var agreementKey: Curve25519.KeyAgreement.PrivateKey {
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementSeed)
    }

    /// The keys the Noise transport proves this identity with.
    public var handshakeIdentity: LocalHandshakeIdentity {
        // Both keys were checked in init, so this cannot fail.
        try! LocalHandshakeIdentity(identitySeed: seed, staticPrivateKey: agreementSeed)
    }

    /// Our invite, optionally with the address we listen on and our name.
    public func invite(address: HostPort? = nil, name: String? = nil) -> Invite {
        Invite(peerID: peerID, address: address, name: name)
    }

    // MARK: - The key file

    /// Loads the key file at `path`, creating it (mode 0600) if there is none, and rewriting a
    /// version 1 file (the bare Ed25519 seed) as version 2 in place.
    ///
    /// A new file is written whole to a temporary file and linked into place, so a process that
    /// starts at the same moment sees no file or a whole one, never an empty one; the one that
    /// loses the race reads the winner's key.
    public static func loadOrCreate(at path: String) throws(AppError) -> Identity {
        if let existing = try load(at: path) { return existing }
        let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        let file = IdentityKeyFile(signingSeed: seed, agreementKey: derivedAgreementKey(seed))
        guard try AtomicFile.createIfAbsent(path, with: file.encoded(), mode: 0o600) else {
            guard let winner = try load(at: path) else {
                throw .identity(path: path, reason: "appeared and vanished while being created; try again")
            }
            return winner
        }
        return try identity(from: file, path: path)
    }

    /// Loads the key file at `path`; nil when there is none.
    static func load(at path: String) throws(AppError) -> Identity? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .identity(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        var file: IdentityKeyFile
        do { file = try IdentityKeyFile(parsing: data) } catch {
            throw .identity(
                path: path,
                reason: "\(error); move it aside to create a new identity, which gives you a new peer ID")
        }
        if file.agreementKey == nil {
            // Version 1. The X25519 key is derived from the seed, so processes that migrate the
            // same file at once write the very same bytes, and none ends up with a key the file
            // does not hold. Where the file cannot be rewritten (read-only), the same key is used.
            file = IdentityKeyFile(signingSeed: file.signingSeed, agreementKey: derivedAgreementKey(file.signingSeed))
            try? AtomicFile.replace(path, with: file.encoded(), mode: 0o600, forceMode: true)
        }
        return try identity(from: file, path: path)
    }

    private static func identity(from file: IdentityKeyFile, path: String) throws(AppError) -> Identity {
        do {
            return try Identity(seed: file.signingSeed, agreementSeed: file.agreementKey!)
        } catch {
            throw .identity(path: path, reason: "\(error)")
        }
    }

    /// The X25519 key of a new or version 1 identity: HKDF-SHA256 of the Ed25519 seed, so that it is
    /// the same wherever it is computed. It is stored in the file; a later rotation may replace it
    /// with a random one without changing the peer ID.
    static func derivedAgreementKey(_ seed: [UInt8]) -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: seed), salt: Data("peerdex/1".utf8),
            info: Data("x25519 static key".utf8), outputByteCount: IdentityKeyFile.keyLength)
        return key.withUnsafeBytes { Array($0) }
    }
}
