/// One network query, from the discovery peers it starts with to its last answer, without I/O
/// (issue 11, item 4).
///
/// The driver asks every peer an `.ask` action names, before its deadline, and reports each
/// outcome with `receive(_:from:now:)`; it calls `expire(now:)` at `nextDeadline` (or whenever
/// time passes), which counts every peer still silent past its deadline as failed. So a dead or
/// slow peer costs the query at most one request timeout, counted from when it was asked, and a
/// late answer from it is ignored. A "busy" answer from a peer selected at the start brings its
/// referrals in (`DiscoveryCandidates` bounds them), each with a deadline of its own.
///
/// Results are merged as they arrive (`DiscoveryResultMerger`: one entry per peer ID, highest
/// `seq` wins, blocked peers and ourselves removed, the minimum score enforced) and every change
/// is handed back as a `.results` action, so the caller can show them at once.
public struct DiscoveryQueryRun: Sendable {
    /// What the driver must do.
    public enum Action: Hashable, Sendable {
        /// Send the query to this peer; it has until `deadline` (seconds, the caller's clock) to answer.
        case ask(DiscoveryPeer, deadline: Double)
        /// The merged results changed.
        case results(DiscoveryResultChange)
        /// Every peer has answered, failed or run out of time: the query is over.
        case finished
    }

    /// What came of asking one peer.
    public enum Outcome: Sendable, Equatable {
        /// The peer answered (results, or busy with referrals).
        case answered(WirePeerQueryReply.Decoded)
        /// The peer could not be reached, refused, or broke the protocol.
        case failed
    }

    /// How one query stands, for progress lines and the TUI's counts.
    public struct Progress: Hashable, Sendable {
        /// Peers asked so far (referrals included).
        public var asked = 0
        /// Peers that answered with results (possibly none).
        public var answered = 0
        /// Peers that answered busy.
        public var busy = 0
        /// Peers that failed or ran out of time.
        public var failed = 0

        /// Nothing asked yet.
        public init() {}

        /// Peers still expected to answer.
        public var pending: Int { asked - answered - busy - failed }
    }

    /// The seconds each peer has to answer, from when it is asked.
    public let requestTimeout: Double
    /// How the query stands.
    public private(set) var progress = Progress()
    /// The merged, ranked results so far.
    public var ranked: [DiscoveredPeer] { merger.ranked }
    /// Whether every peer asked has answered, failed or run out of time.
    public private(set) var isFinished = false

    private var candidates: DiscoveryCandidates
    private var merger: DiscoveryResultMerger
    /// Deadlines of the peers still expected to answer.
    private var deadlines: [PeerID: Double] = [:]
    private var started = false

    /// A query for `query` that starts with `selected` peers (usually `DiscoveryCoordinator.select`).
    ///
    /// `blocked` peers are never asked, never followed as referrals and never shown as results.
    public init(
        query: DiscoveryQuery, ownID: PeerID, selected: [DiscoveryPeer], blocked: Set<PeerID> = [],
        requestTimeout: Double, minimumScore: Double = InterestMatcher.defaultMinimumScore,
        maximumCandidates: Int = DiscoveryCandidates.defaultMaximumCandidates,
        maximumResults: Int = DiscoveryResultMerger.defaultMaximumResults
    ) {
        self.requestTimeout = max(0, requestTimeout)
        candidates = DiscoveryCandidates(
            selected: selected, ownID: ownID, excluding: blocked, maximumCandidates: maximumCandidates)
        merger = DiscoveryResultMerger(
            query: query, ownID: ownID, blocked: blocked, minimumScore: minimumScore, maximumResults: maximumResults)
    }

    /// The earliest deadline of a peer still expected to answer; nil when none is.
    public var nextDeadline: Double? { deadlines.values.min() }

    /// Whether `peerID` was asked and has neither answered nor run out of time.
    public func isAwaiting(_ peerID: PeerID) -> Bool { deadlines[peerID] != nil }

    /// The peers still silent at `now`, past their deadline (those `expire(now:)` will count as failed).
    public func overdue(now: Double) -> [PeerID] {
        deadlines.filter { $0.value <= now }.keys.sorted()
    }

    /// Asks the peers selected at the start (or finishes at once when there are none).
    public mutating func start(now: Double) -> [Action] {
        guard !started else { return [] }
        started = true
        var actions = candidates.candidates.map { ask($0, now: now) }
        finishIfDone(&actions)
        return actions
    }

    /// Takes what came of asking `peerID`; an outcome from a peer not awaited (never asked,
    /// already answered or past its deadline) is ignored.
    public mutating func receive(_ outcome: Outcome, from peerID: PeerID, now: Double) -> [Action] {
        guard started, !isFinished, deadlines.removeValue(forKey: peerID) != nil else { return [] }
        var actions = [Action]()
        switch outcome {
        case .failed:
            progress.failed += 1
        case .answered(let reply) where reply.busy:
            progress.busy += 1
            actions += candidates.follow(referrals: reply.referrals, from: peerID).map { ask($0, now: now) }
        case .answered(let reply):
            progress.answered += 1
            let change = merger.merge(reply.results, from: peerID)
            if !change.isEmpty { actions.append(.results(change)) }
        }
        finishIfDone(&actions)
        return actions
    }

    /// Counts every peer still silent at `now`, past its deadline, as failed.
    public mutating func expire(now: Double) -> [Action] {
        guard started, !isFinished else { return [] }
        let overdue = overdue(now: now)
        guard !overdue.isEmpty else { return [] }
        for peerID in overdue { deadlines[peerID] = nil }
        progress.failed += overdue.count
        var actions = [Action]()
        finishIfDone(&actions)
        return actions
    }

    private mutating func ask(_ peer: DiscoveryPeer, now: Double) -> Action {
        let deadline = now + requestTimeout
        deadlines[peer.peerID] = deadline
        progress.asked += 1
        return .ask(peer, deadline: deadline)
    }

    private mutating func finishIfDone(_ actions: inout [Action]) {
        guard deadlines.isEmpty, !isFinished else { return }
        isFinished = true
        actions.append(.finished)
    }
}
