/// A record versioned by a sequence number that only grows, as a BEP 44 mutable item's `seq`.
public protocol SequencedRecord {
    /// The version: a record with a higher one supersedes this one.
    var seq: Int64 { get }
}

extension MutableItem: SequencedRecord {}

/// Peers' latest known records (profiles) by peer ID, least recently used evicted past capacity.
///
/// Records only move forward: a record replaces the cached one only when its `seq` is higher,
/// and learning that a higher `seq` exists (`noteSeq`) drops an older cached record, keeping
/// the seq as a marker so that a late answer carrying the old record cannot bring it back. A
/// marker takes a slot and ages like a record; one is made only for a peer already cached, so
/// hearsay about other peers never pushes real records out.
public struct ContactRecordCache<Record: SequencedRecord> {
    /// The standard capacity: 5,000 peers.
    public static var standardCapacity: Int { 5000 }

    private var entries: LRUCache<PeerID, Entry>

    /// An empty cache of `capacity` peers (at least 1).
    public init(capacity: Int = Self.standardCapacity) {
        entries = LRUCache(capacity: capacity)
    }

    // MARK: - Writes

    /// Caches `record` for `peer` unless a record or marker with an equal or higher seq is there.
    ///
    /// A record that is not taken leaves the order alone: hearing an old version is not a use.
    @discardableResult
    public mutating func store(_ record: Record, for peer: PeerID) -> StoreOutcome {
        guard let entry = entries.peek(peer) else {
            let evicted = entries.set(peer, Entry(record: record, knownSeq: record.seq))
            return .inserted(evicted: evicted?.key)
        }
        guard record.seq > entry.knownSeq || (entry.record == nil && record.seq == entry.knownSeq) else {
            return .rejected(knownSeq: entry.knownSeq)
        }
        entries.set(peer, Entry(record: record, knownSeq: record.seq))
        return .replaced
    }

    /// Records that `peer` has published `seq`: a cached record with a lower seq is dropped.
    ///
    /// Nothing happens for a peer not cached; returns whether a record was dropped.
    @discardableResult
    public mutating func noteSeq(_ seq: Int64, for peer: PeerID) -> Bool {
        guard let entry = entries.peek(peer), seq > entry.knownSeq else { return false }
        // Not a use: hearing that a newer version exists says nothing about wanting this peer.
        entries.replaceValue(for: peer, with: Entry(record: nil, knownSeq: seq))
        return entry.record != nil
    }

    /// Forgets `peer` entirely; returns its cached record, if any.
    @discardableResult
    public mutating func remove(_ peer: PeerID) -> Record? {
        entries.remove(peer)?.record
    }

    // MARK: - Reads

    /// The cached record for `peer`, marking it used; nil when none or only a newer seq is known.
    public mutating func record(for peer: PeerID) -> Record? {
        guard entries.peek(peer)?.record != nil else { return nil }
        return entries.get(peer)?.record
    }

    /// The cached record for `peer` without marking it used.
    public func peekRecord(for peer: PeerID) -> Record? {
        entries.peek(peer)?.record
    }

    /// The highest seq known for `peer`, from its record or a later `noteSeq`.
    public func knownSeq(for peer: PeerID) -> Int64? {
        entries.peek(peer)?.knownSeq
    }

    /// Peers cached (records and markers).
    public var count: Int { entries.count }

    /// The most peers cached.
    public var capacity: Int { entries.capacity }

    /// Cached peers from most to least recently used; the last is the next evicted.
    public var peersByRecency: [PeerID] { entries.keysByRecency }

    // MARK: - Entries

    /// What one `store` did.
    public enum StoreOutcome: Equatable, Sendable {
        /// The peer was new; `evicted` is the least recently used peer pushed out, if the cache was full.
        case inserted(evicted: PeerID?)
        /// The cached record or marker had a lower seq and was replaced.
        case replaced
        /// Kept out: the cached record or marker has this seq, equal or higher.
        case rejected(knownSeq: Int64)
    }

    fileprivate struct Entry {
        /// Nil once a higher seq is known than the record held.
        var record: Record?
        var knownSeq: Int64
    }
}

extension ContactRecordCache: Sendable where Record: Sendable {}
extension ContactRecordCache.Entry: Sendable where Record: Sendable {}
