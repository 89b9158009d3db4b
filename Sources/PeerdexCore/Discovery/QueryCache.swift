/// Discovery query results by normalized query for a few minutes, and which queries are popular.
///
/// An entry stored at `t` answers lookups while `now < t + ttl`: at `t + 299` it is a hit, at
/// exactly `t + 300` (with the standard 300 s) it is already a miss, as in the seed's
/// `Date.now() - timestamp < ttl`. An expired entry is dropped when a lookup meets it.
///
/// Popularity counts *asks*, every lookup of a key whether it hit or missed: a query that keeps
/// coming back is popular even in the moment its results are being fetched again. A key is
/// popular at `now` when at least `popularityThreshold` of its asks fall in the last
/// `popularityWindow` seconds (an ask at `a` counts while `now < a + popularityWindow`). Ask
/// histories live in their own LRU of the same capacity, so they outlive an expired entry but
/// stay bounded. The node replicates `popularQueries(now:)` to its other discovery peers; this
/// type only decides.
public struct QueryCache<Value> {
    /// The limits this cache was made with.
    public let settings: QueryCacheSettings

    private var entries: LRUCache<QueryCacheKey, Entry>
    private var asks: LRUCache<QueryCacheKey, AskHistory>

    /// An empty cache.
    public init(settings: QueryCacheSettings = .standard) {
        self.settings = settings
        entries = LRUCache(capacity: settings.capacity)
        asks = LRUCache(capacity: settings.capacity)
    }

    // MARK: - Lookups and stores

    /// The cached results for `key` if still fresh at `now` (a use, and an ask); nil otherwise.
    public mutating func lookup(_ key: QueryCacheKey, now: Double) -> Value? {
        recordAsk(key, now: now)
        guard let entry = entries.peek(key) else { return nil }
        guard now < entry.expiresAt else {
            entries.remove(key)
            return nil
        }
        return entries.get(key)?.value
    }

    /// Looks up a query as typed: the text and interests are normalized first (see `QueryCacheKey`).
    public mutating func lookup(text: String, interests: [String] = [], now: Double) -> Value? {
        lookup(QueryCacheKey(text: text, interests: interests), now: now)
    }

    /// Stores results for `key` at `now`, as the most recently used; returns the key evicted, if any.
    ///
    /// Storing a key that is present replaces its results and restarts its time to live.
    @discardableResult
    public mutating func store(_ value: Value, for key: QueryCacheKey, now: Double) -> QueryCacheKey? {
        entries.set(key, Entry(value: value, expiresAt: now + settings.ttl))?.key
    }

    /// Removes the entry for `key` (its ask history stays: the query was still asked).
    @discardableResult
    public mutating func remove(_ key: QueryCacheKey) -> Value? {
        entries.remove(key)?.value
    }

    /// Drops every entry expired at `now`; returns how many.
    @discardableResult
    public mutating func removeExpired(now: Double) -> Int {
        let expired = entries.entriesByRecency.filter { now >= $0.value.expiresAt }
        for entry in expired { entries.remove(entry.key) }
        return expired.count
    }

    // MARK: - Reads

    /// How many entries are held, fresh or not yet met expired.
    public var count: Int { entries.count }

    /// The cached keys from most to least recently used; the last is the next evicted.
    public var keysByRecency: [QueryCacheKey] { entries.keysByRecency }

    /// Whether `key` has results that are fresh at `now`; not a use.
    public func isFresh(_ key: QueryCacheKey, now: Double) -> Bool {
        guard let entry = entries.peek(key) else { return false }
        return now < entry.expiresAt
    }

    // MARK: - Popularity

    /// Whether at least `popularityThreshold` asks for `key` fall in the window ending at `now`.
    public func isPopular(_ key: QueryCacheKey, now: Double) -> Bool {
        guard let history = asks.peek(key) else { return false }
        return history.isPopular(now: now, settings: settings)
    }

    /// The fresh entries of popular queries, most recently used first: what to replicate.
    ///
    /// Not a use: replication must not keep an entry alive that no one asks for.
    public func popularQueries(now: Double) -> [(key: QueryCacheKey, value: Value)] {
        entries.entriesByRecency.compactMap { key, entry in
            now < entry.expiresAt && isPopular(key, now: now) ? (key, entry.value) : nil
        }
    }

    private mutating func recordAsk(_ key: QueryCacheKey, now: Double) {
        let threshold = settings.popularityThreshold
        if asks.update(key, { $0.record(now, threshold: threshold) }) == nil {
            var history = AskHistory()
            history.record(now, threshold: threshold)
            asks.set(key, history)
        }
    }

    // MARK: - Entries

    fileprivate struct Entry {
        var value: Value
        var expiresAt: Double
    }

    /// The times of a key's last `popularityThreshold` asks, as a ring: bounded whatever the traffic.
    private struct AskHistory: Sendable {
        var times: [Double] = []
        var nextSlot = 0

        mutating func record(_ now: Double, threshold: Int) {
            if times.count < threshold {
                times.append(now)
            } else {
                times[nextSlot] = now
                nextSlot = (nextSlot + 1) % threshold
            }
        }

        /// All of the last `threshold` asks are in the window, so at least `threshold` are.
        func isPopular(now: Double, settings: QueryCacheSettings) -> Bool {
            guard times.count >= settings.popularityThreshold, let oldest = times.min() else { return false }
            return now < oldest + settings.popularityWindow
        }
    }
}

extension QueryCache: Sendable where Value: Sendable {}
extension QueryCache.Entry: Sendable where Value: Sendable {}

// MARK: - Key

/// A discovery query reduced to what decides its answer: folded terms and interest tags.
///
/// The text is folded and split into terms as `SearchQuery` does (`TextFolder`), then the terms
/// are de-duplicated and sorted: the ranker matches each term on its own and keeps the worst
/// tier, so neither order nor repetition changes the answer, and "Alice Smith", " smith  ALICE "
/// and "alice smith alice" share one entry. Interests become `InterestTag`s, as in
/// `DiscoveryQuery` (folded the same way; empty or invalid ones skipped), sorted.
public struct QueryCacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The folded, unique, sorted terms joined by single spaces.
    public let text: String
    /// The unique interest tags' text, sorted.
    public let interests: [String]

    /// Normalizes a query as typed.
    public init(text: String, interests: [String] = []) {
        let terms = TextFolder.fold(text).split(separator: " ").map(String.init)
        self.init(terms: terms, tags: InterestTag.tags(of: interests))
    }

    /// The key of a query already parsed (its terms and tags are normalized already).
    public init(_ query: DiscoveryQuery) {
        self.init(terms: query.text.terms.map(\.text), tags: query.interests)
    }

    private init(terms: [String], tags: Set<InterestTag>) {
        text = Self.sortedUnique(terms).joined(separator: " ")
        interests = tags.map(\.text).sorted()
    }

    private static func sortedUnique(_ items: [String]) -> [String] {
        // A query has a handful of terms: sorting then skipping neighbours beats building a set.
        var result = [String]()
        result.reserveCapacity(items.count)
        for item in items.sorted() where item != result.last { result.append(item) }
        return result
    }

    /// The text, and the interests after a `#` each, for logs.
    public var description: String {
        ([text] + interests.map { "#" + $0 }).filter { !$0.isEmpty }.joined(separator: " ")
    }
}

// MARK: - Settings

/// The limits of a `QueryCache`; checked when made, so a bad configuration is an error, not a crash.
public struct QueryCacheSettings: Hashable, Sendable {
    /// 1,000 entries for 300 s; popular at 5 asks within 300 s.
    public static let standard = QueryCacheSettings(
        checkedCapacity: 1000, ttl: 300, popularityThreshold: 5, popularityWindow: 300)
    /// The largest capacity accepted.
    public static let maximumCapacity = 1_000_000
    /// The largest popularity threshold accepted: each key keeps that many ask times.
    public static let maximumPopularityThreshold = 1000

    /// How many queries' results are kept.
    public let capacity: Int
    /// Seconds an entry answers lookups after it is stored.
    public let ttl: Double
    /// Asks within the window that make a query popular.
    public let popularityThreshold: Int
    /// Seconds over which asks are counted.
    public let popularityWindow: Double

    /// Checks each limit; the window defaults to the time to live.
    public init(
        capacity: Int = 1000, ttl: Double = 300, popularityThreshold: Int = 5, popularityWindow: Double? = nil
    ) throws(QueryCacheSettingsError) {
        guard (1...Self.maximumCapacity).contains(capacity) else { throw .capacity(capacity) }
        guard ttl.isFinite, ttl > 0 else { throw .ttl(ttl) }
        guard (1...Self.maximumPopularityThreshold).contains(popularityThreshold) else {
            throw .popularityThreshold(popularityThreshold)
        }
        let window = popularityWindow ?? ttl
        guard window.isFinite, window > 0 else { throw .popularityWindow(window) }
        self.init(
            checkedCapacity: capacity, ttl: ttl, popularityThreshold: popularityThreshold, popularityWindow: window)
    }

    private init(checkedCapacity: Int, ttl: Double, popularityThreshold: Int, popularityWindow: Double) {
        capacity = checkedCapacity
        self.ttl = ttl
        self.popularityThreshold = popularityThreshold
        self.popularityWindow = popularityWindow
    }
}

/// A `QueryCacheSettings` limit out of range.
public enum QueryCacheSettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The capacity is not in 1...`maximumCapacity`.
    case capacity(Int)
    /// The time to live is not a positive number of seconds.
    case ttl(Double)
    /// The popularity threshold is not in 1...`maximumPopularityThreshold`.
    case popularityThreshold(Int)
    /// The popularity window is not a positive number of seconds.
    case popularityWindow(Double)

    /// The message for the user.
    public var description: String {
        switch self {
        case .capacity(let value):
            "query cache capacity must be between 1 and \(QueryCacheSettings.maximumCapacity), not \(value)"
        case .ttl(let value): "query cache time to live must be a positive number of seconds, not \(value)"
        case .popularityThreshold(let value):
            "popular query threshold must be between 1 and \(QueryCacheSettings.maximumPopularityThreshold), "
                + "not \(value)"
        case .popularityWindow(let value):
            "popular query window must be a positive number of seconds, not \(value)"
        }
    }
}
