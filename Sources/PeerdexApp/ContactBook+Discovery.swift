import PeerdexCore
import PeerdexStore

// MARK: - Sharing preferences

extension ContactBook {
    /// The sharing preferences as saved; `discoverableBy` is the profile's visibility.
    public func sharingPreferences() throws(AppError) -> SharingPreferences {
        do { return try database.sharingPreferences() } catch { throw .store(error) }
    }

    /// Sets the switches given (nil leaves one as it is); `changed` is false when nothing changed.
    @discardableResult
    public func updateSharing(shareWithDiscoveryPeers: Bool?, allowContactSharing: Bool?) throws(AppError)
        -> (preferences: SharingPreferences, changed: Bool)
    {
        do {
            return try database.updateSharing(
                shareWithDiscoveryPeers: shareWithDiscoveryPeers, allowContactSharing: allowContactSharing)
        } catch {
            throw .store(error)
        }
    }
}

// MARK: - Audience keys

extension ContactBook {
    /// Our own audience keys and the keys other owners handed us.
    public func audienceKeyring() throws(AppError) -> AudienceKeyring {
        do { return try database.audienceKeyring() } catch { throw .store(error) }
    }

    /// Our current key for the audience of `visibility`, or nil for public and private profiles
    /// (and before the first sync made one).
    public func audienceKey(for visibility: PrivacyLevel) throws(AppError) -> AudienceKey? {
        guard let audience = AudienceKey.Audience(visibility: visibility) else { return nil }
        return try audienceKeyring().own[audience]
    }

    /// Brings the audience keys in line with the book after a change to the profile's visibility
    /// or to who is a contact, a friend or blocked: makes the key of the profile's audience if
    /// missing, rotates every audience that lost a member, and raises the profile's seq when its
    /// own audience's key changed; returns the rotated audiences. Keys come from the system's
    /// cryptographically secure generator.
    @discardableResult
    public func syncAudienceKeys() throws(AppError) -> [AudienceKey.Audience] {
        var random = SystemRandomNumberGenerator()
        do { return try database.syncAudienceKeys(at: Self.now(), using: &random) } catch { throw .store(error) }
    }

    /// Keeps the keys `owner` handed us (over Noise, so `owner` is proven); returns how many are
    /// newly kept.
    @discardableResult
    public func receiveAudienceKeys(_ keys: [AudienceKey], from owner: PeerID) throws(AppError) -> Int {
        do { return try database.receiveAudienceKeys(keys, from: owner, at: Self.now()) } catch { throw .store(error) }
    }

    /// Forgets the keys `owner` handed us (we blocked or removed them).
    public func forgetAudienceKeys(from owner: PeerID) throws(AppError) {
        do { try database.forgetAudienceKeys(from: owner) } catch { throw .store(error) }
    }
}

// MARK: - JSON

extension ContactBook {
    /// The JSON form of the profile with the sharing switches and the current audience key.
    public func json(of profile: Profile, sharing: SharingPreferences, audienceKey: AudienceKey?)
        -> ProfileSharingJSON
    {
        ProfileSharingJSON(profile: json(of: profile), sharing: sharing, audienceKey: audienceKey)
    }
}

/// What `profile show --json` and `profile set --json` print: the profile's fields (`ProfileJSON`)
/// and beside them `shareWithDiscoveryPeers`, `allowContactSharing` and `audienceKey`, an object
/// with the key's `audience`, `id` (hex) and `generation`, or null. Never the key's bytes.
public struct ProfileSharingJSON: Encodable, Sendable {
    /// The profile's own fields.
    public var profile: ProfileJSON
    /// Whether we answer network searches.
    public var shareWithDiscoveryPeers: Bool
    /// Whether contacts may be shared.
    public var allowContactSharing: Bool
    /// The key the profile is sealed under, if it is sealed.
    public var audienceKey: KeyJSON?

    /// An audience key without its bytes.
    public struct KeyJSON: Encodable, Sendable, Equatable {
        /// contacts or friends.
        public var audience: String
        /// The key's public ID (`x` in the record), in hex.
        public var id: String
        /// How many keys came before it for the audience.
        public var generation: UInt32
    }

    private enum CodingKeys: String, CodingKey {
        case shareWithDiscoveryPeers, allowContactSharing, audienceKey
    }

    /// The JSON of `profile` with the switches of `sharing` and `audienceKey`'s ID and generation.
    public init(profile: ProfileJSON, sharing: SharingPreferences, audienceKey: AudienceKey?) {
        self.profile = profile
        shareWithDiscoveryPeers = sharing.shareWithDiscoveryPeers
        allowContactSharing = sharing.allowContactSharing
        self.audienceKey = audienceKey.map {
            KeyJSON(audience: $0.audience.rawValue, id: HexBytes.encode($0.id), generation: $0.generation)
        }
    }

    /// One flat object: the profile's keys, then ours (with null for no audience key).
    public func encode(to encoder: any Encoder) throws {
        try profile.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shareWithDiscoveryPeers, forKey: .shareWithDiscoveryPeers)
        try container.encode(allowContactSharing, forKey: .allowContactSharing)
        try container.encode(audienceKey, forKey: .audienceKey)
    }
}
