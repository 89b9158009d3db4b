/// The named lists of the contact book, as the command line and the panes show them.
public enum ContactList: String, CaseIterable, Sendable {
    /// Every contact that is not blocked, by name.
    case all
    /// Favorites that are not blocked, by name.
    case favorites
    /// Blocked contacts only, by name: the one place they still appear.
    case blocked
    /// The most recently interacted-with contacts, newest first (the seed's LRU).
    case recent

    /// How many contacts the recent list holds.
    public static let recentCapacity = 100
}
