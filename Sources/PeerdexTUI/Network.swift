import PeerdexCore

/// Where a network search stands: what the app sends, as often as it likes, while peers answer.
///
/// Each message replaces the previous one of the same request (it is a snapshot, not a delta),
/// so a lost or coalesced message costs nothing.
public struct NetworkSearchProgress: Hashable, Sendable {
    /// Every result so far, best first, as `DiscoveryResultMerger` ranks them.
    public var ranked: [DiscoveredPeer]
    /// Discovery peers the query was sent to.
    public var asked: Int
    /// Discovery peers that answered.
    public var answered: Int
    /// Discovery peers that failed or timed out.
    public var failed: Int
    /// Whether no more results will come for this request.
    public var finished: Bool
    /// Whether the results are those of the same search made a few minutes ago (no peer was asked).
    public var fromCache: Bool

    /// Progress from its parts.
    public init(
        ranked: [DiscoveredPeer] = [], asked: Int = 0, answered: Int = 0, failed: Int = 0, finished: Bool = false,
        fromCache: Bool = false
    ) {
        self.ranked = ranked
        self.asked = asked
        self.answered = answered
        self.failed = failed
        self.finished = finished
        self.fromCache = fromCache
    }
}

/// The network search of the current query, as the model follows it.
public struct NetworkSearchState: Hashable, Sendable {
    /// The request whose progress is shown; progress of any other is dropped.
    public var id: RequestID
    /// The query it searches for.
    public var query: String
    /// The latest progress (empty before the first message).
    public var progress = NetworkSearchProgress()
    /// Why the search failed, when it did (the node is offline, for example).
    public var failure: String?
    /// Frame of the spinner, advanced by ticks and progress messages while the search runs.
    public var spinnerFrame = 0

    /// A search just issued.
    public init(id: RequestID, query: String) {
        self.id = id
        self.query = query
    }

    /// Whether results may still arrive.
    public var isRunning: Bool { failure == nil && !progress.finished }

    /// The spinner's frames: braille dots, one column wide in every terminal font.
    static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// One line for the list's border: spinner while running, then per-source counts.
    ///
    /// `shown` is the number of network rows the list shows (results already in the book are
    /// not repeated, so it may be less than the number ranked).
    func summary(shown: Int) -> String {
        if let failure { return "network: \(failure)" }
        let spinner = isRunning ? Self.spinner[spinnerFrame % Self.spinner.count] + " " : ""
        let progress = self.progress
        if progress.fromCache { return "network: \(shown) found (recent search, no peer asked)" }
        if progress.asked == 0 {
            return progress.finished ? "network: no discovery peers to ask" : spinner + "network: asking peers…"
        }
        var text = spinner + "network: \(progress.answered)/\(progress.asked) peers answered"
        if progress.failed > 0 { text += " · \(progress.failed) failed" }
        return text + " · \(shown) found"
    }
}

/// The state of the in-process node, for the status line.
///
/// Before the first `.nodeStatus` message the model shows no node status at all: an app that
/// runs no node (or has not wired one) never sends one, and "starting" would then be a lie.
/// An app that runs a node sends `.starting` as soon as it launches it.
public struct NodeStatus: Hashable, Sendable {
    /// What the node is doing.
    public enum State: Hashable, Sendable {
        /// Not on the network, and why (`--offline`, the port is taken, …).
        case offline(reason: String)
        /// Binding its port and bootstrapping.
        case starting
        /// Running: its address, routing table size, known discovery peers and how the last
        /// bootstrap went, as the app words it ("ok 2 min ago", "failed: timeout").
        case online(address: String, dhtNodes: Int, discoveryPeers: Int, lastBootstrap: String?)
    }

    /// What the node is doing.
    public var state: State

    /// A status from its state.
    public init(_ state: State) { self.state = state }

    /// The status line's text, without its leading mark.
    public var text: String {
        switch state {
        case .offline(let reason):
            return reason.isEmpty ? "offline" : "offline: \(reason)"
        case .starting:
            return "network: starting…"
        case .online(let address, let dhtNodes, let discoveryPeers, let lastBootstrap):
            var text = "online \(address) · \(dhtNodes.grouped) DHT nodes · "
                + "\(discoveryPeers.grouped) discovery peer\(discoveryPeers == 1 ? "" : "s")"
            if let lastBootstrap { text += " · bootstrap \(lastBootstrap)" }
            return text
        }
    }

    /// The discovery peers a running node knows; nil unless online.
    public var discoveryPeers: Int? {
        if case .online(_, _, let peers, _) = state { return peers }
        return nil
    }

    /// Where to see a network when there is none to show (offline, or alone in the DHT: a
    /// newcomer's first run, which the demo is for); the line shows it when it fits whole.
    public var hint: String? {
        switch state {
        case .offline: return "try peerdex demo"
        case .online(_, let dhtNodes, _, _) where dhtNodes == 0: return "try peerdex demo"
        case .online, .starting: return nil
        }
    }

    /// The mark before the text: filled when online, hollow otherwise.
    var mark: String {
        switch state {
        case .online: return "●"
        case .starting: return "◌"
        case .offline: return "○"
        }
    }
}
