/// The BEP 44 items this node holds for others: the storing side of `put` and `get`.
///
/// Rules (BEP 44, and libtorrent's `node.cpp` / `dht_storage.cpp` where the BEP leaves a choice):
/// - A mutable item replaces the stored one only with a higher `seq`. A lower `seq` is refused
///   with 302; an equal `seq` with the same value refreshes the item (BEP 44: "SHOULD reset its
///   timeout"), and with another value is refused with 302 (BEP 44: "lower than or equal ... MUST
///   reject"; libtorrent answers success but keeps the old value, so both keep the first writer).
/// - `cas`, when given and an item is stored, must equal the stored `seq` (301, checked first).
///   With nothing stored it is ignored (BEP 44).
/// - Mutable and immutable items live in separate tables (as libtorrent), so that neither kind can
///   shadow the other under the same target.
/// - Items expire `itemLifetime` seconds after their last put (BEP 44: "MAY expire in 2 hours").
/// - When full, a new item evicts the least important one, as libtorrent: the lowest
///   `announcers / 5 − distance exponent to our ID` (five more announcing networks are worth one
///   bit of distance), expired items first, then the oldest.
/// - Each source network (an IPv4 address, an IPv6 /64) may put `putBurstPerSource` items at once
///   and `putsPerSecondPerSource` after that; every put counts, refused or not. This bounds how
///   fast one writer churns the store; the cost of checking signatures is bounded before that, by
///   the engine's per-address packet limit.
public struct ItemStore: Sendable, Equatable {
    /// The limits.
    public struct Configuration: Sendable, Equatable {
        /// Most items held in all (mutable and immutable together).
        public var maximumItems: Int
        /// Seconds an item is kept after its last put; `.infinity` keeps items until evicted
        /// (libtorrent's default).
        public var itemLifetime: Double
        /// Puts a second allowed from one source network, on average.
        public var putsPerSecondPerSource: Double
        /// Puts allowed from one source network at once.
        public var putBurstPerSource: Double
        /// Most source networks whose rate is tracked; a new source is refused when that many are
        /// busy (an idle one is forgotten first).
        public var maximumTrackedSources: Int
        /// Whether loopback sources are rate limited too. Off by default: the local demo and
        /// tests run every node on 127.0.0.1, and only this host can send from there.
        public var limitsLoopback: Bool

        /// Limits from their parts.
        public init(
            maximumItems: Int = 10_000, itemLifetime: Double = 7_200, putsPerSecondPerSource: Double = 1,
            putBurstPerSource: Double = 32, maximumTrackedSources: Int = 4_096, limitsLoopback: Bool = false
        ) {
            self.maximumItems = max(maximumItems, 1)
            self.itemLifetime = itemLifetime
            self.putsPerSecondPerSource = putsPerSecondPerSource
            self.putBurstPerSource = putBurstPerSource
            self.maximumTrackedSources = max(maximumTrackedSources, 1)
            self.limitsLoopback = limitsLoopback
        }

        /// 10,000 items, 2 hours, 32 puts at once then 1 a second per source, 4,096 sources.
        public static let `default` = Configuration()
    }

    /// What a successful put did.
    public enum PutOutcome: Equatable, Sendable {
        /// The item is new here; `evicted` is the target dropped to make room, if any.
        case stored(evicted: NodeID?)
        /// A mutable item replaced the one stored at `previousSeq`.
        case updated(previousSeq: Int64)
        /// The very item was held already; its lifetime starts again.
        case refreshed
    }

    /// What to answer a `get` with, besides nodes and a token.
    public enum Answer: Equatable, Sendable {
        /// The immutable item (`v`).
        case immutable(ImmutableItem)
        /// The mutable item (`k`, `seq`, `sig`, `v`).
        case mutable(MutableItem)
        /// Only the stored `seq`: the asker already has this one or a newer one (libtorrent).
        case sequenceOnly(Int64)
    }

    /// The limits in force.
    public let configuration: Configuration
    /// This node's ID, which eviction measures distances from; the engine updates it if it changes.
    public var localID: NodeID
    private var mutableItems: [NodeID: Entry] = [:]
    private var immutableItems: [NodeID: Entry] = [:]
    private var putBuckets: [IPAddress: TokenBucket] = [:]

    /// An empty store for the node `localID`.
    public init(localID: NodeID, configuration: Configuration = .default) {
        self.localID = localID
        self.configuration = configuration
    }

    /// How many items are held (some may have expired since the last `expire`).
    public var count: Int { mutableItems.count + immutableItems.count }

    // MARK: - Writes

    /// Stores a mutable item put by `source` (its signature was verified when it was made), subject
    /// to `cas`, the sequence rules and the source's rate.
    public mutating func put(
        mutable item: MutableItem, cas: Int64? = nil, from source: IPAddress, now: Double
    ) -> Result<PutOutcome, DHTItemError> {
        guard admit(source, now: now) else { return .failure(.rateLimited) }
        guard var entry = mutableItems[item.target], isLive(entry.item, now: now),
            let stored = entry.item.mutableItem
        else {
            return .success(insert(.mutable(item), from: source, now: now))
        }
        if let cas, cas != stored.seq { return .failure(.compareAndSwapMismatch(stored: stored.seq)) }
        if item.seq < stored.seq { return .failure(.sequenceNumberNotNewer(stored: stored.seq)) }
        if item.seq == stored.seq, item.valueBytes != stored.valueBytes {
            return .failure(.sequenceNumberNotNewer(stored: stored.seq))
        }
        let outcome: PutOutcome = item.seq == stored.seq ? .refreshed : .updated(previousSeq: stored.seq)
        if item.seq > stored.seq { entry.item.content = .mutable(item) }
        entry.touch(by: source, now: now)
        mutableItems[item.target] = entry
        return .success(outcome)
    }

    /// Stores an immutable item put by `source`, subject to the source's rate.
    public mutating func put(immutable item: ImmutableItem, from source: IPAddress, now: Double) -> Result<
        PutOutcome, DHTItemError
    > {
        guard admit(source, now: now) else { return .failure(.rateLimited) }
        guard var entry = immutableItems[item.target], isLive(entry.item, now: now) else {
            return .success(insert(.immutable(item), from: source, now: now))
        }
        entry.touch(by: source, now: now)
        immutableItems[item.target] = entry
        return .success(.refreshed)
    }

    /// Drops items not put for `itemLifetime` seconds and forgets idle sources; returns how many
    /// items went.
    @discardableResult
    public mutating func expire(now: Double) -> Int {
        let before = count
        mutableItems = mutableItems.filter { isLive($0.value.item, now: now) }
        immutableItems = immutableItems.filter { isLive($0.value.item, now: now) }
        putBuckets = putBuckets.filter { !$0.value.isFull(now: now) }
        return before - count
    }

    // MARK: - Reads

    /// The live item under `target`: the immutable one if both kinds are held (as libtorrent).
    public func get(target: NodeID, now: Double) -> StoredItem? {
        if let entry = immutableItems[target], isLive(entry.item, now: now) { return entry.item }
        if let entry = mutableItems[target], isLive(entry.item, now: now) { return entry.item }
        return nil
    }

    /// The answer to a `get` for `target` carrying `seq` (if any), or nil if nothing is held. With
    /// `seq`, only a mutable item qualifies, and its value is sent only if its `seq` is higher
    /// (BEP 44; a negative `seq` gets no value either, as libtorrent).
    public func answer(target: NodeID, seq: Int64?, now: Double) -> Answer? {
        guard let seq else {
            switch get(target: target, now: now)?.content {
            case .immutable(let item): return .immutable(item)
            case .mutable(let item): return .mutable(item)
            case nil: return nil
            }
        }
        guard let entry = mutableItems[target], isLive(entry.item, now: now), let item = entry.item.mutableItem else {
            return nil
        }
        return seq >= 0 && seq < item.seq ? .mutable(item) : .sequenceOnly(item.seq)
    }

    /// The live items whose target is closer to `node` than to this node, closest to `node` first,
    /// at most `limit`: what to push to a node that has just appeared (the engine may narrow this
    /// further with its routing table, e.g. to targets for which `node` is among the closest).
    public func itemsToHandOff(to node: NodeID, now: Double, limit: Int = .max) -> [StoredItem] {
        var candidates = [StoredItem]()
        for table in [immutableItems, mutableItems] {
            for (target, entry) in table
            where isLive(entry.item, now: now) && node.isCloser(to: target, than: localID) {
                candidates.append(entry.item)
            }
        }
        candidates.sort { Self.order($0, $1, by: $0.target.distance(to: node), $1.target.distance(to: node)) }
        return Array(candidates.prefix(max(limit, 0)))
    }

    /// The live mutable items, in target order: what a holder keeps R copies of between its
    /// owners' republishes.
    public func liveMutableItems(now: Double) -> [StoredItem] {
        mutableItems.values.map(\.item).filter { isLive($0, now: now) }.sorted { $0.target < $1.target }
    }

    // MARK: - Persistence

    /// Every item held, expired or not, in target order (immutable before mutable at one target).
    public var allItems: [StoredItem] {
        (immutableItems.values.map(\.item) + mutableItems.values.map(\.item)).sorted {
            Self.order($0, $1, by: $0.target, $1.target)
        }
    }

    /// Adds saved items (no rate limit): skips those expired at `now`, keeps the higher `seq` when
    /// a mutable target comes twice, and evicts as `put` does when over `maximumItems`; returns how
    /// many were taken.
    @discardableResult
    public mutating func restore(_ items: [StoredItem], now: Double) -> Int {
        var taken = 0
        for item in items where isLive(item, now: now) {
            switch item.content {
            case .mutable(let mutable):
                if let held = mutableItems[item.target], isLive(held.item, now: now),
                    let heldSeq = held.item.mutableItem?.seq, heldSeq >= mutable.seq
                {
                    continue
                }
                mutableItems[item.target] = nil
            case .immutable:
                if let held = immutableItems[item.target], isLive(held.item, now: now) { continue }
                immutableItems[item.target] = nil
            }
            makeRoom(now: now)
            setEntry(Entry(item: item), for: item.content)
            taken += 1
        }
        return taken
    }

    // MARK: - Internals

    private func isLive(_ item: StoredItem, now: Double) -> Bool {
        now < item.storedAt + configuration.itemLifetime
    }

    /// Stores a new item at a free (or expired) slot, evicting one item if the store is full.
    private mutating func insert(_ content: StoredItem.Content, from source: IPAddress, now: Double) -> PutOutcome {
        var entry = Entry(item: StoredItem(content: content, storedAt: now, announcers: 0))
        entry.touch(by: source, now: now)
        // An expired item at this very target is replaced without evicting another.
        let slotTaken: Bool
        switch content {
        case .mutable: slotTaken = mutableItems[content.target] != nil
        case .immutable: slotTaken = immutableItems[content.target] != nil
        }
        let evicted = slotTaken ? nil : makeRoom(now: now)
        setEntry(entry, for: content)
        return .stored(evicted: evicted)
    }

    private mutating func setEntry(_ entry: Entry, for content: StoredItem.Content) {
        switch content {
        case .mutable: mutableItems[content.target] = entry
        case .immutable: immutableItems[content.target] = entry
        }
    }

    /// Evicts the least important item if the store is full; returns its target.
    @discardableResult
    private mutating func makeRoom(now: Double) -> NodeID? {
        guard count >= configuration.maximumItems else { return nil }
        var victim: (rank: EvictionRank, isMutable: Bool)?
        for (isMutable, table) in [(false, immutableItems), (true, mutableItems)] {
            for entry in table.values {
                let rank = EvictionRank(
                    entry.item, isMutable: isMutable, localID: localID, live: isLive(entry.item, now: now))
                if victim.map({ rank < $0.rank }) ?? true { victim = (rank, isMutable) }
            }
        }
        guard let victim else { return nil }
        if victim.isMutable {
            mutableItems[victim.rank.target] = nil
        } else {
            immutableItems[victim.rank.target] = nil
        }
        return victim.rank.target
    }

    /// Spends one of `source`'s put tokens; false if it has none left or too many sources are busy.
    private mutating func admit(_ source: IPAddress, now: Double) -> Bool {
        if source.isLoopback, !configuration.limitsLoopback { return true }
        let key = Self.sourceNetwork(of: source)
        if var bucket = putBuckets[key] {
            let decision = bucket.take(now: now)
            putBuckets[key] = bucket
            return decision == .allowed
        }
        if putBuckets.count >= configuration.maximumTrackedSources {
            putBuckets = putBuckets.filter { !$0.value.isFull(now: now) }
            guard putBuckets.count < configuration.maximumTrackedSources else { return false }
        }
        var bucket = TokenBucket(
            rate: configuration.putsPerSecondPerSource, burst: configuration.putBurstPerSource, now: now)
        let decision = bucket.take(now: now)
        putBuckets[key] = bucket
        return decision == .allowed
    }

    /// The network one writer controls: an IPv4 address, or an IPv6 /64 (one host's usual share).
    static func sourceNetwork(of address: IPAddress) -> IPAddress {
        switch address {
        case .v4: address
        case .v6(let high, _): .v6(high, 0)
        }
    }

    /// A total order for stable output: by `lhs`/`rhs` keys, then immutable first, then target.
    private static func order(_ a: StoredItem, _ b: StoredItem, by lhs: NodeID, _ rhs: NodeID) -> Bool {
        if lhs != rhs { return lhs < rhs }
        let aMutable = a.mutableItem != nil
        let bMutable = b.mutableItem != nil
        if aMutable != bMutable { return !aMutable }
        return a.target < b.target
    }
}
