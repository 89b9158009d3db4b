import struct Foundation.Date
import PeerdexCore

/// Everything that can happen to the TUI: input from the terminal adapter, answers from the app.
///
/// ## Contract with PeerdexApp
/// - Send `.resized` first (the terminal size), then run `AppModel.initialCommands()`.
/// - `.tick(now)` about once a second keeps relative times ("3 min ago") fresh and retries loads
///   that failed; the model reads no clock.
/// - Answer every `Command.request(id, …)` with `.answered(id, …)` or `.failed(id, …)`; see
///   `Command` for the rest of the contract.
/// - When anything else (another process, another thread of this one) changed the store, send
///   `.storeChanged`: the model reloads its window, counts and search as commands.
/// - On SIGINT, SIGTERM or SIGHUP send `.terminationRequested`; the model answers `.quit`.
/// - The model asks for network searches only once a `.nodeStatus` other than offline came.
/// - Answer `Request.networkSearch` with any number of `.networkResults(id, …)`, the last one
///   `finished` (or with `.failed(id, …)`); debounce them while the user types (~250 ms) and
///   stop work on `cancel`. The model drops progress of any request but the current one.
/// - Send `.nodeStatus` when the node's state changes; until the first one no status is shown.
/// - Nearby: send `.nearbyAvailability` at start (`.off(hint:)` when discovery is not enabled)
///   and at every change; while `.browsing`, send `.nearbyPeer` for each verified peer whenever
///   it is verified or re-checked (it replaces the row of the same peer ID) and
///   `.nearbyPeerGone` when it leaves. Leaving `.browsing` clears the rows, so no gone messages
///   are needed then. The model never loads the Nearby pane from the store; `PaneCounts.nearby`
///   is ignored.
public enum Message: Hashable, Sendable {
    /// A key press from the terminal.
    case key(Key)
    /// A mouse click or wheel turn from the terminal.
    case mouse(MouseEvent)
    /// The terminal's size, at start and after every resize.
    case resized(width: Int, height: Int)
    /// The current time, for relative dates and retries.
    case tick(Date)
    /// A request's answer.
    case answered(RequestID, Answer)
    /// A request failed.
    case failed(RequestID, RequestFailure)
    /// Something other than this TUI's own requests changed the store.
    case storeChanged
    /// Whether LAN discovery runs and how it is going, so the Nearby pane can say what it is
    /// waiting for; any state but `browsing` clears the nearby rows.
    case nearbyAvailability(NearbyAvailability)
    /// A verified nearby peer appeared, or its row changed (keyed by peer ID).
    case nearbyPeer(NearbyRow)
    /// A nearby peer left (goodbye, expiry or a failed re-check).
    case nearbyPeerGone(PeerID)
    /// Results of a network search so far (a snapshot, sent many times per request).
    case networkResults(RequestID, NetworkSearchProgress)
    /// The in-process node's state, for the status line.
    case nodeStatus(NodeStatus)
    /// Our invite changed (the node came up with an address, or stopped), with its QR code.
    case ownInvite(Invite, QRCode?)
    /// The process was asked to end (a signal); the model quits from any mode.
    case terminationRequested
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
