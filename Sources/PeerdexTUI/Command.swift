import PeerdexCore

/// What the TUI asks the app to do: plain data, so tests compare it and the app performs it.
///
/// ## Contract with PeerdexApp
/// - `loadCounts` → `.countsChanged(PaneCounts)`.
/// - `loadWindow(pane:offset:limit:)` → `.windowLoaded(ContactWindow)` for that pane and offset.
/// - `search(query:limit:)` → `.searchResults(query:contacts:)` with the same query.
/// - `addContact`, `setFavorite`, `setBlocked`, `updateContact`, `removeContact` →
///   `.mutationSucceeded(text)` once the store committed it, or `.mutationFailed(reason)`.
/// - `quit` → restore the terminal and exit.
///
/// List order and membership are the app's (the store's) choice; recommended: Contacts = not
/// blocked, Favorites = favorite and not blocked, Blocked = blocked, all by display name; Nearby
/// = peers seen on the LAN (total 0 until discovery exists).
public enum Command: Hashable, Sendable {
    /// Count the rows of every stored list.
    case loadCounts
    /// Read up to `limit` rows of a list starting at row `offset`.
    case loadWindow(pane: Pane, offset: Int, limit: Int)
    /// Search contacts (names, aliases, notes, interests) for `query`, at most `limit` results.
    case search(query: String, limit: Int)
    /// Add a contact from a parsed invite, with the name the user confirmed.
    case addContact(Invite, name: String)
    /// Mark or unmark a contact as favorite.
    case setFavorite(PeerID, Bool)
    /// Block or unblock a contact.
    case setBlocked(PeerID, Bool)
    /// Replace a contact's alias and note.
    case updateContact(PeerID, alias: String, note: String)
    /// Remove a contact from the book.
    case removeContact(PeerID)
    /// Leave the TUI.
    case quit
}
