import Crypto
import Foundation
import PeerdexCore

/// This installation's Ed25519 key pair; its public key is our peer ID.
public struct Identity: Sendable {
    /// The 32-byte Ed25519 seed. Never logged or exported.
    private let seed: [UInt8]
    /// Our peer ID.
    public let peerID: PeerID

    init(privateKey: Curve25519.Signing.PrivateKey) throws(AppError) {
        seed = Array(privateKey.rawRepresentation)
        do {
            peerID = try PeerID(publicKey: Array(privateKey.publicKey.rawRepresentation))
        } catch {
            throw .identity(path: "", reason: "\(error)")
        }
    }

    /// The signing key, rebuilt from the seed (the key type itself is not `Sendable`).
    var signingKey: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// Our invite, optionally with the address we listen on and our name.
    public func invite(address: HostPort? = nil, name: String? = nil) -> Invite {
        Invite(peerID: peerID, address: address, name: name)
    }

    /// Loads the key at `path`, creating it (mode 0600) if there is none.
    ///
    /// The file holds the 32-byte Ed25519 seed. It is created with `O_EXCL`, so two processes
    /// starting at once cannot both create one: the loser reads the winner's key.
    public static func loadOrCreate(at path: String) throws(AppError) -> Identity {
        if let existing = try load(at: path) { return existing }
        let key = Curve25519.Signing.PrivateKey()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let existing = try load(at: path) { return existing }
            throw .identity(path: path, reason: "cannot be created (\(String(cString: strerror(errno))))")
        }
        let bytes = Array(key.rawRepresentation)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            unlink(path)
            throw .identity(path: path, reason: "cannot be written (\(String(cString: strerror(errno))))")
        }
        return try Identity(privateKey: key)
    }

    /// Loads the key at `path`; nil when there is no file.
    static func load(at path: String) throws(AppError) -> Identity? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .identity(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard data.count == 32 else {
            throw .identity(
                path: path,
                reason: "is damaged (\(data.count) bytes, expected 32); move it aside to create a new identity, "
                    + "which gives you a new peer ID")
        }
        do {
            return try Identity(privateKey: Curve25519.Signing.PrivateKey(rawRepresentation: data))
        } catch {
            throw .identity(path: path, reason: "is not an Ed25519 key")
        }
    }
}
