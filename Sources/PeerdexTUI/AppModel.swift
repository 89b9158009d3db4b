import struct Foundation.Date
import typealias Foundation.TimeInterval
import PeerdexCore

/// The whole state of the TUI, as a value: what `update` changes and `render` draws.
public struct AppModel: Hashable, Sendable {
    // MARK: - Configuration (set at init)

    /// The key table.
    public var keymap: Keymap
    /// Colors and attributes.
    public var theme: Theme
    /// Our own identity, for the `i` overlay.
    public var ownInvite: Invite
    /// `ownInvite` as a QR code, which the `i` overlay draws when the window fits it; the app
    /// encodes it (the model links no QR library) and sends a new one with `.ownInvite`.
    public var ownInviteQR: QRCode?
    /// Seconds east of UTC, for showing dates in local time (the model reads no time zone).
    public var utcOffset: Int
    /// Rows asked for per window; a few screens, so that scrolling rarely waits for the store.
    public var windowLimit: Int
    /// Most search results kept.
    public var searchLimit: Int

    // MARK: - State

    /// Terminal size in cells.
    public var width = 80
    /// Terminal size in rows.
    public var height = 24
    /// The latest time the app sent.
    public var now: Date
    /// The pane shown.
    public var pane: Pane = .contacts
    /// The pane to return to when a search is left with Esc.
    public var paneBeforeSearch: Pane = .contacts
    /// Selection, scroll position and loaded rows of each pane.
    public var lists: [Pane: ListState] = Dictionary(uniqueKeysWithValues: Pane.allCases.map { ($0, ListState()) })
    /// Whether the counts were loaded at least once (before that, empty states would lie).
    public var countsKnown = false
    /// The search input; its text is the query of the Search pane.
    public var query = TextField()
    /// What the keyboard is doing now.
    public var mode: Mode = .browse
    /// Whether the selected contact's details fill the main area.
    public var detailOpen = false
    /// The line shown at the bottom until the next key.
    public var message: StatusMessage?
    /// Whether LAN discovery runs, and how it is going; off until the app says otherwise.
    public var nearbyAvailability: NearbyAvailability = .off(hint: "")
    /// The Nearby pane's rows, in the order their peers were first heard (so the list never
    /// reorders under the cursor); fed by `Message.nearbyPeer` and `.nearbyPeerGone`.
    public var nearbyRows: [NearbyRow] = []
    /// The in-process node's state; nil until the app sends one (then no status is shown).
    public var nodeStatus: NodeStatus?

    // MARK: - Network search

    /// The network search of the current query; nil when the query is empty.
    public var networkSearch: NetworkSearchState?
    /// The network results the Search pane shows below the local ones: the ranked results
    /// without the peers already in the book (as far as the model knows) or in the local results.
    public var networkRows: [DiscoveredPeer] = []
    /// The query the local search results were for, to follow the selected peer across a reload.
    public var searchResultsQuery: String?
    /// Peers added from this TUI: in the book even when no loaded window shows them yet.
    public var addedPeers: Set<PeerID> = []

    // MARK: - Profile lookups

    /// The latest DHT lookup of each peer's profile this session (`L`), at most
    /// `profileLookupCapacity`, the oldest going first; the detail view shows them.
    public var profileLookups: [PeerID: ProfileLookup] = [:]

    // MARK: - Requests

    /// Requests sent to the app and not answered yet, by ID. An answer whose ID is not here
    /// (cancelled, or superseded) is dropped.
    public var inFlight: [RequestID: Request] = [:]
    /// The number the next request gets.
    public var nextRequestID = 1
    /// Another process changed the store while one of our mutations was in flight; the reload
    /// that follows the mutation's answer covers it.
    public var reloadDeferred = false
    /// A mutation that failed for a transient reason (a busy store), offered again with `r`.
    public var retryable: Request?
    /// Why the counts failed to load, and when; retried on a later tick.
    public var countsFailure: LoadFailure?
    /// Why the search failed, and when; retried on a later tick while the query stands.
    public var searchFailure: LoadFailure?

    /// A model before any size, counts or rows are known.
    public init(
        ownInvite: Invite,
        keymap: Keymap = .standard,
        theme: Theme = .standard,
        now: Date,
        utcOffset: Int = 0,
        windowLimit: Int = 200,
        searchLimit: Int = 200
    ) {
        self.ownInvite = ownInvite
        self.keymap = keymap
        self.theme = theme
        self.now = now
        self.utcOffset = utcOffset
        self.windowLimit = windowLimit
        self.searchLimit = searchLimit
    }

    /// How long a failed load waits before a tick retries it.
    public static let retryInterval: TimeInterval = 2

    /// What the app runs right after the first `.resized`: counts and the first rows.
    public mutating func initialCommands() -> [Command] {
        [issue(.loadCounts)] + ensureWindow(pane)
    }

    // MARK: - Derived

    /// The list state of the current pane.
    public var current: ListState {
        get { lists[pane] ?? ListState() }
        set { lists[pane] = newValue }
    }

    /// The selected contact, when its row is loaded.
    public var selectedContact: Contact? {
        current.window?[current.selection]
    }

    /// The screen layout for the current size.
    public var layout: Layout { Layout(width: width, height: height, detailOpen: detailOpen) }
}

/// Selection, scroll position and loaded rows of one pane.
public struct ListState: Hashable, Sendable {
    /// Index of the selected row in the whole list.
    public var selection = 0
    /// Index of the first visible row.
    public var top = 0
    /// Rows in the whole list.
    public var total = 0
    /// The loaded rows, if any.
    public var window: ContactWindow?
    /// Why the rows failed to load, and when; a later tick asks again.
    public var loadFailure: LoadFailure?
    /// Whether the loaded rows may be out of date (the store changed while another pane was shown).
    public var stale = false

    /// An empty list.
    public init() {}
}

/// A load that failed: the reason shown, and when, so that a later tick retries it.
public struct LoadFailure: Hashable, Sendable {
    /// What went wrong, as the app said it.
    public var reason: String
    /// When the failure arrived (the model's clock).
    public var at: Date

    /// A failure from its parts.
    public init(reason: String, at: Date) {
        self.reason = reason
        self.at = at
    }
}

/// What the keyboard is doing.
public enum Mode: Hashable, Sendable {
    /// Moving in a list.
    case browse
    /// Typing a search on the bottom line.
    case searching
    /// Typing an answer to a prompt on the bottom line.
    case prompt(Prompt)
    /// Waiting for y or n.
    case confirm(Confirmation)
    /// The help overlay.
    case help
    /// The own-identity overlay.
    case identity
    /// The own-profile form.
    case profile(ProfileForm)
}

/// A question on the bottom line with a text answer; a step of adding or editing a contact.
public struct Prompt: Hashable, Sendable {
    /// Which question, with what the earlier steps produced.
    public enum Step: Hashable, Sendable {
        /// Adding: the peer ID or invite.
        case addPeer
        /// Adding: the name, for a parsed invite.
        case addName(Invite)
        /// Editing: the alias.
        case editAlias(Contact)
        /// Editing: the note, after the alias.
        case editNote(Contact, alias: String)
    }

    /// Which question.
    public var step: Step
    /// The answer being typed.
    public var field: TextField
    /// Why the last answer was refused, shown until the next edit.
    public var error: String?

    /// A prompt from its parts.
    public init(step: Step, field: TextField = TextField(), error: String? = nil) {
        self.step = step
        self.field = field
        self.error = error
    }

    /// The question, as shown before the input.
    public var label: String {
        switch step {
        case .addPeer: return "Add contact, peer ID or invite: "
        case .addName: return "Name: "
        case .editAlias: return "Alias: "
        case .editNote: return "Note: "
        }
    }
}

/// A yes/no question before a change that is hard to undo.
public enum Confirmation: Hashable, Sendable {
    /// Block or unblock (`Bool` is the new state).
    case block(Contact, Bool)
    /// Remove from the book.
    case remove(Contact)
}

/// A one-line message for the bottom line.
public struct StatusMessage: Hashable, Sendable {
    /// How to show it.
    public enum Kind: Hashable, Sendable {
        /// Neutral information.
        case info
        /// A change was committed.
        case success
        /// Something failed or was refused.
        case error
    }

    /// The text.
    public var text: String
    /// How to show it.
    public var kind: Kind

    /// A message from its parts.
    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
