/// A change to the profile: the fields to set, each nil when it stays as it is.
///
/// Every given field is normalized and checked when the change is made, and each field's limits
/// are independent of the others, so applying a change to a valid profile always gives a valid
/// one. That lets the store apply it inside its transaction with nothing left to refuse.
public struct ProfileChange: Hashable, Sendable {
    /// The new display name (may be empty), or nil to keep it.
    public let name: String?
    /// The new interests (empty clears them), or nil to keep them.
    public let interests: [String]?
    /// The new location (may be empty), or nil to keep it.
    public let location: String?
    /// The new visibility, or nil to keep it.
    public let visibility: PrivacyLevel?

    /// A change setting the given fields, normalized as `Profile` does; refused when one breaks its limits.
    public init(
        name: String? = nil,
        interests: [String]? = nil,
        location: String? = nil,
        visibility: PrivacyLevel? = nil
    ) throws(ProfileError) {
        let name = name.map(Profile.normalizedLine)
        let interests = interests.map(Profile.normalizedInterests)
        let location = location.map(Profile.normalizedLine)
        if let name { try Profile.validateName(name) }
        if let interests { try Profile.validateInterests(interests) }
        if let location { try Profile.validateLocation(location) }
        self.name = name
        self.interests = interests
        self.location = location
        self.visibility = visibility
    }

    /// A change that makes a profile say what `profile` says (name, interests, location, visibility).
    public init(replacingWith profile: Profile) throws(ProfileError) {
        try self.init(
            name: profile.name, interests: profile.interests, location: profile.location,
            visibility: profile.visibility)
    }

    /// Whether the change sets no field at all.
    public var isEmpty: Bool { name == nil && interests == nil && location == nil && visibility == nil }

    /// The profile with the given fields set; `seq` and `updatedAt` are left to the store.
    public func applied(to profile: Profile) -> Profile {
        var changed = profile
        if let name { changed.name = name }
        if let interests { changed.interests = interests }
        if let location { changed.location = location }
        if let visibility { changed.visibility = visibility }
        return changed
    }
}
