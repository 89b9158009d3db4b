import PeerdexCore

/// The lists the TUI shows, in tab order.
public enum Pane: Int, CaseIterable, Hashable, Sendable {
    /// Every contact that is not blocked.
    case contacts
    /// Favorite contacts that are not blocked.
    case favorites
    /// Peers discovered on the local network.
    case nearby
    /// Results of the current search.
    case search
    /// Blocked contacts.
    case blocked

    /// The tab title.
    public var title: String {
        switch self {
        case .contacts: return "Contacts"
        case .favorites: return "Favorites"
        case .nearby: return "Nearby"
        case .search: return "Search"
        case .blocked: return "Blocked"
        }
    }

    /// The action that shows this pane, to label its tab with the right key.
    public var action: Action {
        switch self {
        case .contacts: return .showContacts
        case .favorites: return .showFavorites
        case .nearby: return .showNearby
        case .search: return .showSearch
        case .blocked: return .showBlocked
        }
    }

    /// The next pane in tab order, wrapping around.
    public var next: Pane { Pane(rawValue: (rawValue + 1) % Pane.allCases.count)! }

    /// The previous pane in tab order, wrapping around.
    public var previous: Pane { Pane(rawValue: (rawValue + Pane.allCases.count - 1) % Pane.allCases.count)! }
}

/// How many rows each stored list has, as the app counted them in the store.
public struct PaneCounts: Hashable, Sendable {
    /// Contacts not blocked.
    public var contacts: Int
    /// Favorites not blocked.
    public var favorites: Int
    /// Ignored: the Nearby pane counts the rows `Message.nearbyPeer` gave it (kept so that
    /// callers written before it still compile).
    public var nearby: Int
    /// Blocked contacts.
    public var blocked: Int

    /// Counts from their parts.
    public init(contacts: Int = 0, favorites: Int = 0, nearby: Int = 0, blocked: Int = 0) {
        self.contacts = contacts
        self.favorites = favorites
        self.nearby = nearby
        self.blocked = blocked
    }

    /// The count of a stored pane; nil for Search and Nearby, which count their own rows.
    public subscript(pane: Pane) -> Int? {
        switch pane {
        case .contacts: return contacts
        case .favorites: return favorites
        case .blocked: return blocked
        case .nearby, .search: return nil
        }
    }
}

/// A slice of one pane's list: rows `offset ..< offset + rows.count` of `total`.
///
/// The model never holds a whole list: 100,000 contacts stay in the store and the TUI keeps
/// the few hundred rows around the viewport.
public struct ContactWindow: Hashable, Sendable {
    /// Which list the rows belong to.
    public var pane: Pane
    /// Index of the first row in the whole list.
    public var offset: Int
    /// The rows, in list order.
    public var rows: [Contact]
    /// Rows in the whole list.
    public var total: Int

    /// A window from its parts.
    public init(pane: Pane, offset: Int, rows: [Contact], total: Int) {
        self.pane = pane
        self.offset = offset
        self.rows = rows
        self.total = total
    }

    /// Whether row `index` of the whole list is loaded.
    public func contains(_ index: Int) -> Bool { index >= offset && index < offset + rows.count }

    /// Row `index` of the whole list, when loaded.
    public subscript(index: Int) -> Contact? { contains(index) ? rows[index - offset] : nil }
}

