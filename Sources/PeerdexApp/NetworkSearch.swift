import PeerdexCore
import PeerdexNet

/// Runs one network query over discovery peers on the real clock: `DiscoveryQueryRun` decides,
/// this asks the peers in parallel and keeps time (issue 11, item 4).
///
/// Each peer has `requestTimeout` from when it is asked, dial and handshake included: a peer
/// that is dead or black-holed costs the query that long and no longer, because the query ends
/// at the deadline without waiting for the request (which ends on its own timeouts, unheard).
public struct NetworkSearch: Sendable {
    /// Asks one peer the query within the time given; never throws: a failure is `.failed`.
    public typealias Ask = @Sendable (DiscoveryPeer, WirePeerQuery, Duration) async -> DiscoveryQueryRun.Outcome

    /// How a query stands, handed to the caller at every change and at the end.
    public struct Update: Sendable, Equatable {
        /// The merged, ranked results so far.
        public var ranked: [DiscoveredPeer]
        /// Peers asked, answered, busy and failed.
        public var progress: DiscoveryQueryRun.Progress
        /// Whether every peer has answered or run out of time.
        public var finished: Bool
        /// Seconds since the query started.
        public var elapsed: Double
        /// Whether the results are a recent search's, answered from the query cache without asking anyone.
        public var fromCache = false
    }

    /// What one peer's request came to, for the coordinator's health records.
    public struct PeerOutcome: Sendable, Equatable {
        /// The peer asked.
        public var peer: PeerID
        /// Whether it answered (results or busy) in time.
        public var answered: Bool
        /// Seconds from asking to the answer or the failure.
        public var seconds: Double
    }

    /// The time each peer has to answer.
    public let requestTimeout: Duration
    private let ask: Ask

    /// A search that asks peers with `ask` (tests and benchmarks pass their own).
    public init(requestTimeout: Duration, ask: @escaping Ask) {
        self.requestTimeout = requestTimeout
        self.ask = ask
    }

    /// A search that asks peers over `node`'s Noise connections (pooled: one per peer).
    public init(node: PeerdexNode, requestTimeout: Duration) {
        self.init(requestTimeout: requestTimeout) { peer, query, timeout in
            let address = PeerAddress(
                HostPort(host: "\(peer.endpoint.ip)", port: Int(peer.endpoint.port)), peerID: peer.peerID)
            do {
                let connection = try await node.connection(to: address)
                return .answered(try await connection.query(query, timeout: timeout))
            } catch {
                return .failed
            }
        }
    }

    /// Asks `peers` for profiles matching `text` and `interests` and returns the final update; `onUpdate` sees every change of
    /// the results as it happens (and the final update), `onPeer` every peer's outcome. Blocked
    /// peers are neither asked nor shown. Cancelling the calling task ends the query at once
    /// with what it has.
    public func run(
        text: String, interests: [String] = [], ownID: PeerID, peers: [DiscoveryPeer], blocked: Set<PeerID> = [],
        minimumScore: Double = InterestMatcher.defaultMinimumScore,
        maximumResults: Int = DiscoveryResultMerger.defaultMaximumResults,
        onUpdate: @Sendable (Update) -> Void = { _ in }, onPeer: @Sendable (PeerOutcome) -> Void = { _ in }
    ) async -> Update {
        let clock = ContinuousClock()
        let start = clock.now
        let seconds: @Sendable () -> Double = { Self.seconds(clock.now - start) }
        var run = DiscoveryQueryRun(
            query: DiscoveryQuery(text: text, interests: interests), ownID: ownID, selected: peers, blocked: blocked,
            requestTimeout: Self.seconds(requestTimeout), minimumScore: minimumScore, maximumResults: maximumResults)
        let wire = WirePeerQuery(
            text: text, interests: interests, max: min(maximumResults, DiscoveryProtocol.maximumResults))
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        var requests = [Task<Void, Never>]()
        var timer: Task<Void, Never>?
        defer {
            timer?.cancel()
            for request in requests { request.cancel() }
            continuation.finish()
        }
        var askedAt = [PeerID: Double]()

        func perform(_ actions: [DiscoveryQueryRun.Action]) {
            for action in actions {
                switch action {
                case .ask(let peer, let deadline):
                    let now = seconds()
                    askedAt[peer.peerID] = now
                    let timeout = Duration.milliseconds(Int64(max(0, deadline - now) * 1_000))
                    requests.append(
                        Task { [ask] in
                            let outcome = await ask(peer, wire, timeout)
                            continuation.yield(.outcome(peer.peerID, outcome))
                        })
                case .results:
                    onUpdate(Update(ranked: run.ranked, progress: run.progress, finished: false, elapsed: seconds()))
                case .finished:
                    break
                }
            }
            // One timer, at the earliest deadline still open.
            timer?.cancel()
            timer = run.nextDeadline.map { deadline in
                Task {
                    // A timer replaced by a newer one is cancelled: it must not fire.
                    guard (try? await clock.sleep(until: start.advanced(by: .milliseconds(Int64(deadline * 1_000))))) != nil
                    else { return }
                    continuation.yield(.deadline)
                }
            }
        }

        perform(run.start(now: seconds()))
        for await event in events {
            if run.isFinished { break }
            let now = seconds()
            switch event {
            case .outcome(let peer, let outcome):
                if let at = askedAt[peer], run.isAwaiting(peer) {
                    onPeer(PeerOutcome(peer: peer, answered: outcome != .failed, seconds: now - at))
                }
                perform(run.receive(outcome, from: peer, now: now))
            case .deadline:
                let overdue = run.overdue(now: now)
                for peer in overdue { onPeer(PeerOutcome(peer: peer, answered: false, seconds: now - (askedAt[peer] ?? 0))) }
                perform(run.expire(now: now))
            }
            if run.isFinished { break }
        }
        let final = Update(ranked: run.ranked, progress: run.progress, finished: run.isFinished, elapsed: seconds())
        onUpdate(final)
        return final
    }

    private enum Event: Sendable {
        case outcome(PeerID, DiscoveryQueryRun.Outcome)
        case deadline
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
