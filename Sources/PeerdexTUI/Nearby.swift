import struct Foundation.Date
import PeerdexCore

/// One verified nearby peer, as the Nearby pane shows it.
///
/// The app sends one per `Message.nearbyPeer` whenever the engine verifies or re-checks a peer;
/// the model keys rows by `peerID`, so a later row for the same peer updates it in place.
public struct NearbyRow: Hashable, Sendable {
    /// Whose row this is.
    public var peerID: PeerID
    /// The advertised name; nil when the peer's visibility keeps its name off the LAN.
    public var name: String?
    /// Where the peer was verified, `host:port` (`10.213.0.2:7447`, `[fd00:213::2]:7447`).
    public var address: String
    /// The last handshake's round-trip time, in seconds.
    public var rtt: Double
    /// When the peer last answered (the app's clock; shown relative to the model's `now`).
    public var lastHeard: Date
    /// Whether the peer is in the contact book.
    public var isContact: Bool

    /// A row from its parts.
    public init(peerID: PeerID, name: String?, address: String, rtt: Double, lastHeard: Date, isContact: Bool) {
        self.peerID = peerID
        self.name = name
        self.address = address
        self.rtt = rtt
        self.lastHeard = lastHeard
        self.isContact = isContact
    }

    /// The name as a list shows it, or nil when none was shared (the caller shows a dim placeholder).
    var shownName: String? {
        guard let name, !name.trimmingSpaces().isEmpty else { return nil }
        return name
    }

    /// What a status line calls this peer: its name, or its short peer ID.
    var label: String { shownName ?? peerID.shortText }

    /// The invite that adds this peer: its ID, the address it was verified at (when it parses)
    /// and its name.
    var invite: Invite {
        Invite(peerID: peerID, address: try? HostPort(parsing: address), name: shownName)
    }

    /// The placeholder for a peer that shares no name.
    static let noName = "(no name shared)"

    /// `0.4 ms`, `12.5 ms`, `250 ms`, `1,200 ms`: tenths while they mean something, `—` when unknown.
    static func rttText(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "—" }
        let milliseconds = min(seconds * 1000, 1e12)  // Int() of a larger value would trap
        let tenths = Int((milliseconds * 10).rounded())
        guard tenths < 1000 else { return "\(Int(milliseconds.rounded()).grouped) ms" }
        return "\(tenths / 10).\(tenths % 10) ms"
    }

    /// How long ago the peer was heard: seconds under a minute (peers are re-checked every few
    /// seconds, so "just now" would hide a peer going quiet), then as other panes say it.
    static func heardText(_ date: Date, now: Date, utcOffset: Int) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds >= 60 || seconds < -60 { return TimeText.relative(date, now: now, utcOffset: utcOffset) }
        return seconds < 1 ? "just now" : "\(Int(seconds)) s ago"
    }
}

/// Whether LAN discovery runs, and how it is going.
public enum NearbyAvailability: Hashable, Sendable {
    /// Not running; the hint says how to turn it on ("Start with --nearby, …").
    case off(hint: String)
    /// Opening its sockets; no peer can be listed yet.
    case starting
    /// Listening for peers; `advertising` is false when the user's visibility (private) keeps
    /// this node off the LAN.
    case browsing(advertising: Bool)
    /// Multicast DNS is off: only `range` is probed, and the LAN hears no advertisement.
    case probing(range: String)
    /// Discovery could not run, and why ("no multicast interface", "port 5353 refused").
    case failed(String)

    /// Whether peers can be heard: in any other state the model clears its rows.
    var isBrowsing: Bool {
        switch self {
        case .browsing, .probing: return true
        case .off, .starting, .failed: return false
        }
    }

    /// One line for the list's bottom border while rows are shown.
    var summary: String {
        switch self {
        case .off: return "discovery off"
        case .starting: return "starting LAN discovery…"
        case .browsing(advertising: true): return "discovering · advertised"
        case .browsing(advertising: false): return "discovering · not advertised (private)"
        case .probing(let range): return "probing \(range) · no multicast"
        case .failed(let reason): return "discovery failed: \(reason)"
        }
    }
}
