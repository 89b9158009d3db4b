/// The JSON form of the user's own profile: what `profile show --json` and `profile set --json` print.
///
/// Field names follow BRIEF §4 (`peerId`, `name`, …); `updatedAt` is ISO 8601 UTC with
/// milliseconds, or `null` before the first change.
public struct ProfileJSON: Encodable, Equatable, Sendable {
    /// Our peer ID's text form.
    public var peerId: String
    /// Display name.
    public var name: String
    /// Interests.
    public var interests: [String]
    /// General location.
    public var location: String
    /// Visibility level name: public, contacts, friends or private.
    public var visibility: String
    /// The sequence number of the last saved change (0 before the first).
    public var seq: Int64
    /// When the last change was saved.
    public var updatedAt: String?

    enum CodingKeys: String, CodingKey {
        case peerId, name, interests, location, visibility, seq, updatedAt
    }

    /// The JSON form of a profile, owned by `peerID`.
    public init(_ profile: Profile, peerID: PeerID) {
        peerId = peerID.text
        name = profile.name
        interests = profile.interests
        location = profile.location
        visibility = profile.visibility.rawValue
        seq = profile.seq
        updatedAt = profile.updatedAt.map(ISO8601.string)
    }

    /// Writes every field, with `null` for a profile never changed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(peerId, forKey: .peerId)
        try container.encode(name, forKey: .name)
        try container.encode(interests, forKey: .interests)
        try container.encode(location, forKey: .location)
        try container.encode(visibility, forKey: .visibility)
        try container.encode(seq, forKey: .seq)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
