import Crypto

/// The symmetric key that opens a `contacts` or `friends` profile (issue 11, "Profiles by
/// audience"): the owner seals the profile record's name, interests and location under it, and
/// hands the key to each member of the audience over the Noise transport.
///
/// Holders of the DHT item and strangers see the ciphertext and the key's ID (`x`), nothing more:
/// the ID tells a member which of the keys it was given opens the record, and tells everyone else
/// only that such a key exists. A new key (a new ID) comes with every change of membership that
/// removes someone, so that a removed or blocked peer cannot read what is published after it.
public struct AudienceKey: Hashable, Sendable, CustomStringConvertible {
    /// Who the key is for: the two levels whose profiles are sealed.
    public enum Audience: String, Hashable, Sendable, CaseIterable, Codable {
        /// Every contact in the owner's book (not blocked).
        case contacts
        /// The contacts the owner marked as friends (not blocked).
        case friends

        /// The audience of a profile visibility, or nil for `public` (sent in the clear) and
        /// `private` (never published).
        public init?(visibility: PrivacyLevel) {
            switch visibility {
            case .contacts: self = .contacts
            case .friends: self = .friends
            case .public, .private: return nil
            }
        }
    }

    /// Key length in bytes (ChaChaPoly's 256-bit key).
    public static let keyLength = 32
    /// ID length in bytes: 8, enough that two keys of one owner never share one by chance.
    public static let idLength = 8

    /// The audience it opens profiles for.
    public let audience: Audience
    /// How many keys this owner made for the audience before this one (0 for the first): members
    /// keep the newest they were given.
    public let generation: UInt32
    /// The key's bytes. Never logged: `description` leaves them out.
    public let bytes: [UInt8]

    /// A key from its parts; nil unless `bytes` is 32 bytes long.
    public init?(audience: Audience, generation: UInt32, bytes: [UInt8]) {
        guard bytes.count == Self.keyLength else { return nil }
        self.audience = audience
        self.generation = generation
        self.bytes = bytes
    }

    /// A new random key for `audience`, generation `generation`, from `random` (the app passes the
    /// system's cryptographically secure generator).
    public static func generate(
        for audience: Audience, generation: UInt32 = 0, using random: inout some RandomNumberGenerator
    ) -> AudienceKey {
        var bytes = [UInt8]()
        bytes.reserveCapacity(keyLength)
        while bytes.count < keyLength {
            withUnsafeBytes(of: random.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return AudienceKey(audience: audience, generation: generation, bytes: bytes)!
    }

    /// The next key for the same audience (a rotation).
    public func rotated(using random: inout some RandomNumberGenerator) -> AudienceKey {
        Self.generate(for: audience, generation: generation &+ 1, using: &random)
    }

    /// The public ID of the key (`x` in the record): the first 8 bytes of
    /// SHA-256("peerdex/audience-key-id" ‖ key), so it names the key without revealing it.
    public var id: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("peerdex/audience-key-id".utf8))
        hasher.update(data: bytes)
        return Array(hasher.finalize().prefix(Self.idLength))
    }

    /// The key for swift-crypto.
    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    /// The audience, generation and ID; never the key.
    public var description: String {
        "AudienceKey(\(audience.rawValue), generation \(generation), id \(HexBytes.encode(id)))"
    }
}
