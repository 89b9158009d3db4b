/// Something a key can do in the contact list; the config file names actions by `rawValue`.
public enum Action: String, CaseIterable, Hashable, Sendable {
    /// Next pane (wraps around).
    case nextPane = "next-pane"
    /// Previous pane (wraps around).
    case previousPane = "previous-pane"
    /// Show the Contacts pane.
    case showContacts = "contacts"
    /// Show the Favorites pane.
    case showFavorites = "favorites"
    /// Show the Nearby pane.
    case showNearby = "nearby"
    /// Show the Search pane.
    case showSearch = "search-pane"
    /// Show the Blocked pane.
    case showBlocked = "blocked"
    /// Move the selection up one row.
    case moveUp = "up"
    /// Move the selection down one row.
    case moveDown = "down"
    /// Move one screen up.
    case pageUp = "page-up"
    /// Move one screen down.
    case pageDown = "page-down"
    /// Jump to the first row.
    case top
    /// Jump to the last row.
    case bottom
    /// Open (or close) the selected contact's details.
    case openDetails = "details"
    /// Start an incremental search.
    case search
    /// Add a contact from a peer ID or invite, or the selected network result or nearby peer.
    case add
    /// Look the selected peer's profile up in the DHT (and again, to refresh it).
    case lookupProfile = "lookup"
    /// Toggle favorite on the selected contact.
    case toggleFavorite = "favorite"
    /// Block or unblock the selected contact, after confirmation.
    case toggleBlocked = "block"
    /// Edit the selected contact's alias and note.
    case edit
    /// Remove the selected contact, after confirmation.
    case remove
    /// Send again a change that failed because the store was busy.
    case retry
    /// Show your own peer ID and invite.
    case showIdentity = "identity"
    /// Edit your own profile and who may find it.
    case editProfile = "profile"
    /// Show the key help.
    case help
    /// Quit.
    case quit

    /// What the action does, for the help overlay and the README.
    public var summary: String {
        switch self {
        case .nextPane: return "Next pane"
        case .previousPane: return "Previous pane"
        case .showContacts: return "Contacts pane"
        case .showFavorites: return "Favorites pane"
        case .showNearby: return "Nearby pane"
        case .showSearch: return "Search pane"
        case .showBlocked: return "Blocked pane"
        case .moveUp: return "Move up"
        case .moveDown: return "Move down"
        case .pageUp: return "Page up"
        case .pageDown: return "Page down"
        case .top: return "First contact"
        case .bottom: return "Last contact"
        case .openDetails: return "Open / close details"
        case .search: return "Search as you type"
        case .add: return "Add by peer ID or invite"
        case .lookupProfile: return "Look up network profile"
        case .toggleFavorite: return "Toggle favorite"
        case .toggleBlocked: return "Block / unblock (asks)"
        case .edit: return "Edit alias and note"
        case .remove: return "Remove contact (asks)"
        case .retry: return "Retry a failed change"
        case .showIdentity: return "Your peer ID and invite"
        case .editProfile: return "Edit profile, visibility"
        case .help: return "This help"
        case .quit: return "Quit"
        }
    }

    /// The group the action is listed under in help.
    public var section: String {
        switch self {
        case .nextPane, .previousPane, .showContacts, .showFavorites, .showNearby, .showSearch, .showBlocked:
            return "Panes"
        case .moveUp, .moveDown, .pageUp, .pageDown, .top, .bottom, .openDetails: return "Moving"
        case .search, .add, .lookupProfile, .toggleFavorite, .toggleBlocked, .edit, .remove, .retry: return "Contacts"
        case .showIdentity, .editProfile, .help, .quit: return "General"
        }
    }
}
