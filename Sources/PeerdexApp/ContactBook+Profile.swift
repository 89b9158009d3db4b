import PeerdexCore
import PeerdexStore

// MARK: - The user's own profile

extension ContactBook {
    /// The user's own profile as stored (empty and `private` before the first change).
    public func profile() throws(AppError) -> Profile {
        do { return try database.profile() } catch { throw .store(error) }
    }

    /// Saves a change to the profile, stamped with the current time, and returns the profile as
    /// committed; `changed` is false when the change set every field to what it already was.
    @discardableResult
    public func updateProfile(_ change: ProfileChange) throws(AppError) -> (profile: Profile, changed: Bool) {
        do { return try database.updateProfile(change, at: Self.now()) } catch { throw .store(error) }
    }

    /// The JSON form of a profile, with this installation's peer ID.
    public func json(of profile: Profile) -> ProfileJSON {
        ProfileJSON(profile, peerID: identity.peerID)
    }
}
