import struct Foundation.Date
import PeerdexCore

/// Everything that can happen to the TUI: input from the terminal adapter, answers from the app.
///
/// ## Contract with PeerdexApp
/// - Send `.resized` first (the terminal size), then run `AppModel.initialCommands()`.
/// - `.tick(now)` about once a second keeps relative times ("3 min ago") fresh; the model reads no clock.
/// - Answer `Command.loadWindow(pane:offset:limit:)` with `.windowLoaded` (the same pane and offset,
///   up to `limit` rows, and the list's current total).
/// - Answer `Command.loadCounts` with `.countsChanged`.
/// - Answer `Command.search(query:limit:)` with `.searchResults` carrying the same query; results
///   for a query that is no longer the input are dropped, so answering late is harmless.
/// - Answer every mutation command with `.mutationSucceeded` after the store committed it (the
///   model then reloads what it shows), or with `.mutationFailed` and the reason.
/// - When another process changed the database, send `.storeChanged`: the model reloads its window,
///   counts and search as commands.
public enum Message: Hashable, Sendable {
    /// A key press from the terminal.
    case key(Key)
    /// A mouse click or wheel turn from the terminal.
    case mouse(MouseEvent)
    /// The terminal's size, at start and after every resize.
    case resized(width: Int, height: Int)
    /// The current time, for relative dates.
    case tick(Date)
    /// Rows of one list, answering `Command.loadWindow`.
    case windowLoaded(ContactWindow)
    /// The size of every stored list, answering `Command.loadCounts`.
    case countsChanged(PaneCounts)
    /// Search results for `query`, answering `Command.search`.
    case searchResults(query: String, contacts: [Contact])
    /// A mutation was committed; `String` says what happened ("Added Alice").
    case mutationSucceeded(String)
    /// A mutation failed; `String` says why.
    case mutationFailed(String)
    /// Another process changed the store.
    case storeChanged
    /// Whether LAN discovery runs, so the Nearby pane can say what it is waiting for.
    case nearbyAvailability(Bool)
}

/// A mouse event, in cell coordinates.
public struct MouseEvent: Hashable, Sendable {
    /// What the mouse did.
    public enum Kind: Hashable, Sendable {
        /// Left button pressed or clicked.
        case press
        /// Wheel turned up.
        case wheelUp
        /// Wheel turned down.
        case wheelDown
    }

    /// What the mouse did.
    public var kind: Kind
    /// Column, from 0.
    public var column: Int
    /// Row, from 0.
    public var row: Int

    /// An event from its parts.
    public init(kind: Kind, column: Int, row: Int) {
        self.kind = kind
        self.column = column
        self.row = row
    }
}
