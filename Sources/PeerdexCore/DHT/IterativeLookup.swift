/// One Kademlia iterative lookup toward a target, as a state machine without I/O.
///
/// Candidates are kept in order of XOR distance to the target. At most `alpha` queries count as
/// in flight; a query that is *overdue* (past its soft deadline, which the engine reports with
/// `markOverdue`) stops counting, so a slow or dead node is replaced in the window at once rather
/// than costing a whole timeout. Only candidates among the `settleCount` closest still in the
/// running are queried, so each step moves strictly closer. The lookup is done when the
/// `settleCount` closest candidates that have not failed or gone overdue have all answered.
///
/// The engine asks `nextQueries()` what to send, and reports each answer, overdue query and
/// failure; none of that touches a socket or a clock.
public struct IterativeLookup: Sendable {
    /// Where a candidate stands.
    public enum CandidateState: Sendable, Equatable {
        /// Known, not asked yet.
        case fresh
        /// Asked, within its soft deadline.
        case inFlight
        /// Asked, past its soft deadline: still welcome to answer, no longer waited for.
        case overdue
        /// Answered.
        case responded
        /// Timed out or answered with an error.
        case failed
    }

    /// A node the lookup knows of.
    public struct Candidate: Sendable, Equatable {
        /// The node.
        public let node: DHTNodeInfo
        /// Its XOR distance to the target.
        public let distance: NodeID
        /// Where it stands.
        public internal(set) var state: CandidateState
        /// The write token it handed out, if it answered with one.
        public internal(set) var token: [UInt8]?
    }

    /// The ID looked up.
    public let target: NodeID
    /// Most queries counted as in flight at once (Kademlia's α).
    public let alpha: Int
    /// How many of the closest live candidates must answer before the lookup is done.
    public private(set) var settleCount: Int
    /// Most candidates kept; farther ones are forgotten.
    public let capacity: Int
    /// Candidates, closest first.
    public private(set) var candidates: [Candidate] = []
    /// Queries sent so far.
    public private(set) var queriesSent = 0
    /// Answers received so far.
    public private(set) var responses = 0

    /// A lookup toward `target`, starting from `seeds` (typically the routing table's closest).
    public init(target: NodeID, seeds: [DHTNodeInfo], alpha: Int = 3, settleCount: Int = 8, capacity: Int = 64) {
        self.target = target
        self.alpha = max(alpha, 1)
        self.settleCount = max(settleCount, 1)
        self.capacity = max(capacity, self.settleCount)
        add(seeds)
    }

    // MARK: - Events

    /// The nodes to query now, each marked in flight.
    public mutating func nextQueries() -> [DHTNodeInfo] {
        var active = 0
        for candidate in candidates where candidate.state == .inFlight { active += 1 }
        guard active < alpha else { return [] }
        var chosen = [DHTNodeInfo]()
        var live = 0
        for index in candidates.indices {
            let state = candidates[index].state
            if state == .failed || state == .overdue { continue }
            live += 1
            if live > settleCount || active >= alpha { break }
            if state == .fresh {
                candidates[index].state = .inFlight
                chosen.append(candidates[index].node)
                active += 1
                queriesSent += 1
            }
        }
        return chosen
    }

    /// `node` answered: it is settled, and the nodes it named join the candidates.
    public mutating func received(from node: DHTNodeInfo, closerNodes: [DHTNodeInfo], token: [UInt8]?) {
        if let index = index(of: node.id, at: node.endpoint) {
            if candidates[index].state != .responded { responses += 1 }
            candidates[index].state = .responded
            candidates[index].token = token
        }
        add(closerNodes)
    }

    /// `node`'s query passed its soft deadline: the lookup stops waiting for it.
    public mutating func markOverdue(_ node: DHTNodeInfo) {
        if let index = index(of: node.id, at: node.endpoint), candidates[index].state == .inFlight {
            candidates[index].state = .overdue
        }
    }

    /// `node` timed out or refused: it leaves the running.
    public mutating func markFailed(_ node: DHTNodeInfo) {
        if let index = index(of: node.id, at: node.endpoint), candidates[index].state != .responded {
            candidates[index].state = .failed
        }
    }

    // MARK: - Progress

    /// Whether the `settleCount` closest live candidates have all answered (or none is left).
    public var isDone: Bool {
        var live = 0
        for candidate in candidates {
            switch candidate.state {
            case .failed, .overdue: continue
            case .responded: live += 1
            case .fresh, .inFlight: return false
            }
            if live >= settleCount { return true }
        }
        return true
    }

    /// `isDone`, with overdue queries still awaited rather than passed over: what a get that has
    /// found nothing waits for, since a slow node may be the replica (each overdue query ends by
    /// answering or at its hard timeout).
    public var isDoneAwaitingOverdue: Bool {
        var live = 0
        for candidate in candidates {
            switch candidate.state {
            case .failed: continue
            case .responded: live += 1
            case .fresh, .inFlight, .overdue: return false
            }
            if live >= settleCount { return true }
        }
        return true
    }

    /// Makes the lookup settle only once `count` of the closest live candidates have answered
    /// (never fewer than now): a get that found nothing among the closest few looks further.
    public mutating func widen(settleCount count: Int) {
        settleCount = max(settleCount, count)
    }

    /// Whether any query is still counted in flight.
    public var hasQueriesInFlight: Bool { candidates.contains { $0.state == .inFlight } }

    /// The closest candidates that answered, closest first.
    public func closestResponders(_ count: Int) -> [Candidate] {
        var result = [Candidate]()
        for candidate in candidates where candidate.state == .responded {
            result.append(candidate)
            if result.count == count { break }
        }
        return result
    }

    // MARK: - Candidates

    private func index(of id: NodeID, at endpoint: DHTEndpoint) -> Int? {
        let distance = id.distance(to: target)
        let position = insertionPoint(for: distance)
        guard position < candidates.count, candidates[position].distance == distance,
            candidates[position].node.endpoint == endpoint
        else { return nil }
        return position
    }

    /// Adds nodes not seen yet, keeping the list sorted and within capacity.
    private mutating func add(_ nodes: [DHTNodeInfo]) {
        for node in nodes {
            let distance = node.id.distance(to: target)
            let position = insertionPoint(for: distance)
            if position < candidates.count, candidates[position].distance == distance { continue }
            if position >= capacity { continue }
            candidates.insert(Candidate(node: node, distance: distance, state: .fresh, token: nil), at: position)
            if candidates.count > capacity { candidates.removeLast() }
        }
    }

    /// The first index whose distance is not below `distance` (binary search).
    private func insertionPoint(for distance: NodeID) -> Int {
        var low = 0
        var high = candidates.count
        while low < high {
            let middle = (low + high) / 2
            if candidates[middle].distance < distance { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
