extension PrivacyController {
    /// The fields of a peer that may travel: what the peer would publish about itself.
    public struct DisclosedProfile: Hashable, Sendable {
        /// The peer's ID.
        public var peerID: PeerID
        /// The peer's display name, as it calls itself (never an alias of ours).
        public var name: String
        /// The peer's interests.
        public var interests: [String]
        /// The peer's location: as entered in a full profile, the general part otherwise.
        public var location: String

        /// A disclosed profile from its fields.
        public init(peerID: PeerID, name: String, interests: [String], location: String) {
            self.peerID = peerID
            self.name = name
            self.interests = interests
            self.location = location
        }
    }

    /// What a contact of ours looks like to a requester allowed to learn of it.
    public typealias ContactDisclosure = DisclosedProfile

    /// What of our own profile a requester learns; carries no reason, so that "nothing" never
    /// tells a blocked peer it is blocked.
    public enum Disclosure: Hashable, Sendable {
        /// Nothing: the same answer whether the profile is private, out of the requester's
        /// audience, or the requester blocked.
        case nothing
        /// Name, interests and general location: what discovery shows.
        case discoveryProfile(DisclosedProfile)
        /// Name, interests and location as entered: what a direct request may get.
        case fullProfile(DisclosedProfile)

        /// The disclosed fields, nil for nothing.
        public var profile: DisclosedProfile? {
            switch self {
            case .nothing: nil
            case .discoveryProfile(let profile), .fullProfile(let profile): profile
            }
        }
    }

    /// What our profile's DHT record should hold.
    public enum PublishedRecord: Hashable, Sendable {
        /// No record: the profile is private.
        case nothing
        /// The discovery profile in the clear, readable by anyone (blocked peers included).
        case open(DisclosedProfile)
        /// The discovery profile sealed under the audience's key, which only its members hold.
        case sealed(audience: PrivacyLevel, DisclosedProfile)
    }
}
