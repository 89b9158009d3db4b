/// A routing-table entry's standing, per BEP 5.
public enum RoutingNodeState: Sendable, Equatable {
    /// Answered one of our queries lately, or has answered before and queried us lately.
    case good
    /// Silent for a while (or restored from disk and not yet heard from): worth a ping.
    case questionable
    /// Failed to answer several queries in a row: the first to be replaced.
    case bad
}

/// An entry of the routing table: a node that has answered us, and what we know of its health.
public struct RoutingNode: Sendable, Equatable {
    /// Its ID and endpoint.
    public let info: DHTNodeInfo
    /// When we first heard from it (kept across restarts): long-lived nodes are the ones to keep.
    public internal(set) var firstSeen: Double
    /// When it last answered one of our queries (from a previous run for a restored node).
    public internal(set) var lastResponse: Double
    /// When it last sent us a query, if it has since it entered the table.
    public internal(set) var lastQuery: Double?
    /// Queries in a row it failed to answer.
    public internal(set) var failures: Int
    /// Whether it has answered us since this table was created: restored nodes have not yet.
    public internal(set) var isVerified: Bool
    /// When the table last asked for it to be pinged.
    public internal(set) var lastPing: Double?

    /// A node entering the table, having answered us at `lastResponse`.
    init(info: DHTNodeInfo, firstSeen: Double, lastResponse: Double) {
        self.info = info
        self.firstSeen = firstSeen
        self.lastResponse = lastResponse
        lastQuery = nil
        failures = 0
        isVerified = true
        lastPing = nil
    }

    /// A node from a saved table: questionable until it answers again.
    init(restoring record: RoutingNodeRecord) {
        info = record.info
        firstSeen = record.firstSeen
        lastResponse = record.lastResponse
        lastQuery = nil
        failures = 0
        isVerified = false
        lastPing = nil
    }

    /// Its ID.
    public var id: NodeID { info.id }

    /// The last time we heard from it at all.
    public var lastSeen: Double { max(lastResponse, lastQuery ?? -.infinity) }

    /// Its state at `now`: bad after `failuresUntilBad` failures in a row; good if verified and it
    /// answered, or queried us, less than `questionableAfter` seconds ago; questionable otherwise.
    public func state(now: Double, settings: RoutingSettings) -> RoutingNodeState {
        if failures >= settings.failuresUntilBad { return .bad }
        guard isVerified else { return .questionable }
        let recent = now - settings.questionableAfter
        return lastResponse > recent || (lastQuery ?? -.infinity) > recent ? .good : .questionable
    }

    /// The record to save it as.
    public var record: RoutingNodeRecord {
        RoutingNodeRecord(info: info, firstSeen: firstSeen, lastResponse: lastResponse)
    }
}

/// A node waiting in a bucket's replacement cache for a place in the table.
public struct RoutingCandidate: Sendable, Equatable {
    /// Its ID and endpoint.
    public let info: DHTNodeInfo
    /// When we last heard from it.
    public internal(set) var lastSeen: Double
    /// When it last answered one of our queries at this endpoint; nil if it only queried us.
    public internal(set) var lastResponse: Double?
    /// When the table last asked for it to be pinged.
    public internal(set) var lastPing: Double?

    /// Whether it has answered us (and so may enter the table without a ping first).
    public var hasResponded: Bool { lastResponse != nil }

    /// Whether it should take a place before `other`: answered before only queried, then the
    /// more recently seen.
    func outranks(_ other: RoutingCandidate) -> Bool {
        if hasResponded != other.hasResponded { return hasResponded }
        return lastSeen > other.lastSeen
    }
}

/// A routing-table entry as it is saved and restored.
///
/// Times are on the table's clock (the `now:` it is given). The engine translates them to wall
/// clock when it saves, and back onto the current run's clock when it restores.
public struct RoutingNodeRecord: Sendable, Hashable {
    /// Its ID and endpoint.
    public var info: DHTNodeInfo
    /// When we first heard from it.
    public var firstSeen: Double
    /// When it last answered us.
    public var lastResponse: Double

    /// A record from its parts.
    public init(info: DHTNodeInfo, firstSeen: Double, lastResponse: Double) {
        self.info = info
        self.firstSeen = firstSeen
        self.lastResponse = lastResponse
    }
}
