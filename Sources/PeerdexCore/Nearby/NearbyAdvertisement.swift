import Crypto

/// What a node's DNS-SD TXT record says about it on the local network, signed by its identity.
///
/// The TXT record (RFC 6763 §6) carries `v=1`, `id=<peer ID text>`, `seq=<decimal>`,
/// `port=<decimal TCP port>`, `n=<display name>` only when the owner's visibility is `public`, and
/// `sig=<base32 Ed25519 signature>` over `signedBytes`. Valid by construction: every initializer
/// verifies the signature, so an advertisement in hand is one its peer ID's holder signed. The
/// signature proves who wrote it, not who sent it: a browser still verifies the sender's address
/// with a Noise handshake before showing the peer (see `NearbyPeerTable`).
public struct NearbyAdvertisement: Hashable, Sendable {
    /// The advertisement format this program writes and reads (`v=1`).
    public static let version = 1
    /// Prefix of the signed bytes, so that a nearby signature can never pass for any other.
    public static let signatureDomain: [UInt8] = Array("peerdex-nearby-v1".utf8)
    /// Length of an Ed25519 signature.
    public static let signatureLength = 64
    /// The longest display name carried, in UTF-8 bytes: the published profile's limit.
    public static let maximumNameBytes = Profile.maximumNameBytes

    /// Who signed it: the Ed25519 public key as a peer ID.
    public let peerID: PeerID
    /// Grows with every change the owner makes; a browser drops anything lower than it accepted.
    public let seq: UInt64
    /// The TCP port of the Noise listener, where the browser verifies the peer ID.
    public let port: UInt16
    /// The display name, present only when the owner's visibility is `public`; never empty.
    public let name: String?
    /// The Ed25519 signature over `signedBytes`, 64 bytes.
    public let signature: [UInt8]

    // MARK: - Signing

    /// The advertisement for `seq`, `port` and an optional `name`, signed with `signingKey`.
    ///
    /// An empty name counts as none; a name over `maximumNameBytes` or with control characters is
    /// refused rather than cut, since the profile enforces the same limit.
    public static func sign(
        seq: UInt64, port: UInt16, name: String?, with signingKey: Curve25519.Signing.PrivateKey
    ) throws(NearbyAdvertisementError) -> NearbyAdvertisement {
        let name = name.flatMap { $0.isEmpty ? nil : $0 }
        try checkFields(port: port, name: name)
        let publicKey = Array(signingKey.publicKey.rawRepresentation)
        guard let peerID = try? PeerID(publicKey: publicKey) else { throw .signingFailed }
        let bytes = signedBytes(publicKey: publicKey, seq: seq, port: port, name: name)
        guard let signature = try? signingKey.signature(for: bytes) else { throw .signingFailed }
        return NearbyAdvertisement(checked: peerID, seq: seq, port: port, name: name, signature: Array(signature))
    }

    /// What a node with `visibility` advertises: nil for `private` (nothing at all), no name for
    /// `contacts` and `friends` (issue 12, item 4), the name for `public`.
    public static func advertised(
        visibility: PrivacyLevel, name: String, seq: UInt64, port: UInt16,
        with signingKey: Curve25519.Signing.PrivateKey
    ) throws(NearbyAdvertisementError) -> NearbyAdvertisement? {
        switch visibility {
        case .private: return nil
        case .contacts, .friends: return try sign(seq: seq, port: port, name: nil, with: signingKey)
        case .public: return try sign(seq: seq, port: port, name: name, with: signingKey)
        }
    }

    // MARK: - Verifying

    /// The advertisement from its parts as received, if the fields are valid and the signature
    /// verifies under `peerID`.
    public init(
        peerID: PeerID, seq: UInt64, port: UInt16, name: String?, signature: [UInt8]
    ) throws(NearbyAdvertisementError) {
        if let name, name.isEmpty { throw .malformedField("n") }
        try Self.checkFields(port: port, name: name)
        guard signature.count == Self.signatureLength else { throw .malformedField("sig") }
        let bytes = Self.signedBytes(publicKey: peerID.publicKey, seq: seq, port: port, name: name)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: peerID.publicKey),
            key.isValidSignature(signature, for: bytes)
        else { throw .invalidSignature }
        self.init(checked: peerID, seq: seq, port: port, name: name, signature: signature)
    }

    private init(checked peerID: PeerID, seq: UInt64, port: UInt16, name: String?, signature: [UInt8]) {
        self.peerID = peerID
        self.seq = seq
        self.port = port
        self.name = name
        self.signature = signature
    }

    // MARK: - The signed bytes

    /// The bytes the signature covers.
    public var signedBytes: [UInt8] {
        Self.signedBytes(publicKey: peerID.publicKey, seq: seq, port: port, name: name)
    }

    /// `signatureDomain ‖ 0x00 ‖ version (1 byte) ‖ public key (32) ‖ seq (8, big-endian) ‖
    /// port (2, big-endian) ‖ name length (1 byte, 0 for none) ‖ name (UTF-8)`.
    ///
    /// Fixed widths and one length byte make the encoding unambiguous without parsing text, so a
    /// field's bytes can never be shifted into its neighbour's.
    public static func signedBytes(publicKey: [UInt8], seq: UInt64, port: UInt16, name: String?) -> [UInt8] {
        let nameBytes = Array((name ?? "").utf8)
        var bytes = signatureDomain
        bytes.reserveCapacity(signatureDomain.count + 45 + nameBytes.count)
        bytes.append(0)
        bytes.append(UInt8(version))
        bytes.append(contentsOf: publicKey)
        bytes.append(contentsOf: (0..<8).map { UInt8(truncatingIfNeeded: seq >> (56 - 8 * UInt64($0))) })
        bytes.append(contentsOf: [UInt8(port >> 8), UInt8(port & 0xff)])
        bytes.append(UInt8(clamping: nameBytes.count))
        bytes.append(contentsOf: nameBytes)
        return bytes
    }

    // MARK: - Checks

    private static func checkFields(port: UInt16, name: String?) throws(NearbyAdvertisementError) {
        guard port != 0 else { throw .malformedField("port") }
        guard let name else { return }
        let bytes = name.utf8.count
        guard bytes <= maximumNameBytes else { throw .valueTooLong(field: "n", bytes: bytes) }
        guard (try? Profile.validateName(name)) != nil else { throw .malformedField("n") }
    }
}
