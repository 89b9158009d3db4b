import PeerdexCore

/// What the TUI asks the app to do: plain data, so tests compare it and the app performs it.
///
/// ## Contract with PeerdexApp
/// - `request(id, request)`: perform `request` off the event loop, then post
///   `.answered(id, answer)` (mutations only once the store committed them) or
///   `.failed(id, failure)`. Answers may come in any order; each carries its request's ID.
/// - `cancel(id)`: the answer is no longer wanted (a newer search replaced it, or the store
///   changed under a load). Skip the request if it has not started; an answer that still
///   arrives is dropped by the model.
/// - `quit`: restore the terminal and exit.
///
/// List order and membership are the app's (the store's) choice; recommended: Contacts = not
/// blocked, Favorites = favorite and not blocked, Blocked = blocked, all by display name. Nearby
/// is never loaded from the store: its rows come as `Message.nearbyPeer`.
public enum Command: Hashable, Sendable {
    /// Work for the app, answered by a message carrying the same ID.
    case request(RequestID, Request)
    /// The answer to this request is no longer wanted.
    case cancel(RequestID)
    /// Leave the TUI.
    case quit
}

/// Identifies one request and its answer; the model issues them in increasing order.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number, from 1.
    public let value: Int

    /// An ID from its number.
    public init(_ value: Int) { self.value = value }

    /// Earlier requests sort first.
    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.value < rhs.value }

    /// `#12`.
    public var description: String { "#\(value)" }
}

/// Work the TUI asks of the app: reads of the store and the user's changes to it.
public enum Request: Hashable, Sendable {
    /// Count the rows of every stored list → `.counts`.
    case loadCounts
    /// Read up to `limit` rows of a list starting at row `offset` → `.window`.
    case loadWindow(pane: Pane, offset: Int, limit: Int)
    /// Search contacts (names, aliases, notes, interests) for `query`, at most `limit` results
    /// → `.searchResults`.
    case search(query: String, limit: Int)
    /// Add a contact from a parsed invite, with the name the user confirmed → `.done`.
    case addContact(Invite, name: String)
    /// Mark or unmark a contact as favorite → `.done`.
    case setFavorite(PeerID, Bool)
    /// Block or unblock a contact → `.done`.
    case setBlocked(PeerID, Bool)
    /// Replace a contact's alias and note → `.done`.
    case updateContact(PeerID, alias: String, note: String)
    /// Remove a contact from the book → `.done`.
    case removeContact(PeerID)
    /// Search the network for `query` → `Message.networkResults`, many times, until `finished`.
    /// Issued at every change of a non-empty query while a node runs (`AppModel.networkAvailable`);
    /// the app debounces these and cancels older ones. Not a mutation.
    case networkSearch(query: String)
    /// Read the user's own profile → `.profile`.
    case loadProfile
    /// Save a change to the user's own profile → `.done`.
    case updateProfile(ProfileChange)
    /// Look a peer's profile record up in the DHT through the running node → `.networkProfile`,
    /// or `.failed` (offline, not joined, timed out). Issued only while a node runs; not a mutation.
    case lookupProfile(PeerID)

    /// Whether the request is a search.
    public var isSearch: Bool {
        if case .search = self { return true }
        return false
    }

    /// Whether the request is a network search.
    public var isNetworkSearch: Bool {
        if case .networkSearch = self { return true }
        return false
    }

    /// Whether the request loads rows of `pane`.
    public func loadsWindow(of pane: Pane) -> Bool {
        if case .loadWindow(pane, _, _) = self { return true }
        return false
    }

    /// Whether the request changes the store (and so is answered only after a commit).
    public var isMutation: Bool {
        switch self {
        case .loadCounts, .loadWindow, .search, .networkSearch, .loadProfile, .lookupProfile: return false
        case .addContact, .setFavorite, .setBlocked, .updateContact, .removeContact, .updateProfile: return true
        }
    }
}

/// What a request produced.
public enum Answer: Hashable, Sendable {
    /// The size of every stored list, answering `.loadCounts`.
    case counts(PaneCounts)
    /// Rows of one list and its current total, answering `.loadWindow` (same pane and offset).
    case window(ContactWindow)
    /// Search results, answering `.search`.
    case searchResults([Contact])
    /// The user's own profile, answering `.loadProfile`.
    case profile(Profile)
    /// The peer's published profile, answering `.lookupProfile`; nil when no record was found.
    case networkProfile(NetworkProfile?)
    /// A mutation was committed; the text says what happened ("Added Alice").
    case done(String)
}

/// Why a request failed, as the user should read it.
public struct RequestFailure: Error, Hashable, Sendable {
    /// One line: what went wrong.
    public var reason: String
    /// Whether trying again may succeed (the store was busy), as opposed to a refusal.
    public var isTransient: Bool

    /// A failure from its parts.
    public init(_ reason: String, isTransient: Bool = false) {
        self.reason = reason
        self.isTransient = isTransient
    }
}
