/// What the user lets the network learn through discovery (issue 11, rule 1).
///
/// Privacy by default, as `Profile` and `Contact` are: a new installation is discoverable by
/// nobody, answers no discovery peer and shares no contact, so nothing leaves the machine until
/// the user widens a setting. Decoding fills a missing key with its default, so a settings file
/// written by an older version still reads.
public struct SharingPreferences: Hashable, Sendable, Codable {
    /// Who may discover our profile: the same scale as `Profile.visibility`, which it mirrors.
    ///
    /// The two are meant to be equal (the app builds this value from the profile). Where they
    /// differ, `PrivacyController` follows the narrower of the two, so a stale copy never widens
    /// the audience.
    public var discoverableBy: PrivacyLevel
    /// Whether we answer discovery queries (the peer-query path) at all.
    ///
    /// A peer-query answer may be cached and replicated by the asker and other discovery peers
    /// (issue 11, item 6), so it travels further than a direct answer: a separate opt-in.
    public var shareWithDiscoveryPeers: Bool
    /// Whether any contact of ours may be disclosed to anyone, whatever its own privacy level.
    public var allowContactSharing: Bool

    /// Preferences with the given values; the defaults share nothing.
    public init(
        discoverableBy: PrivacyLevel = .private,
        shareWithDiscoveryPeers: Bool = false,
        allowContactSharing: Bool = false
    ) {
        self.discoverableBy = discoverableBy
        self.shareWithDiscoveryPeers = shareWithDiscoveryPeers
        self.allowContactSharing = allowContactSharing
    }

    /// Preferences whose audience is the profile's visibility, and the given switches.
    public init(profile: Profile, shareWithDiscoveryPeers: Bool = false, allowContactSharing: Bool = false) {
        self.init(
            discoverableBy: profile.visibility, shareWithDiscoveryPeers: shareWithDiscoveryPeers,
            allowContactSharing: allowContactSharing)
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case discoverableBy, shareWithDiscoveryPeers, allowContactSharing
    }

    /// Decodes the preferences; a missing key takes its (sharing-nothing) default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SharingPreferences()
        discoverableBy = try container.decodeIfPresent(PrivacyLevel.self, forKey: .discoverableBy)
            ?? defaults.discoverableBy
        shareWithDiscoveryPeers = try container.decodeIfPresent(Bool.self, forKey: .shareWithDiscoveryPeers)
            ?? defaults.shareWithDiscoveryPeers
        allowContactSharing = try container.decodeIfPresent(Bool.self, forKey: .allowContactSharing)
            ?? defaults.allowContactSharing
    }
}
