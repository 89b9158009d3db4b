import Synchronization

/// The answers one `DiscoveryResponder` snapshot has given strangers, kept so that a query asked
/// again is answered without searching: a discovery peer's popular queries cost one search per
/// snapshot.
///
/// Only strangers' answers are kept, because only theirs depend on nothing but the query: a
/// stranger is never among the records a snapshot shares (those are our own profile and our
/// contacts), so no answer to one leaves its requester out, and every stranger may learn the
/// same things. The cache lives in the snapshot and is dropped with it, so a changed book,
/// profile or preference (a new snapshot) never meets an old answer; nothing expires on a clock.
///
/// Shared by the snapshot's copies and the threads that answer from it (a class behind a lock).
public final class DiscoveryAnswerCache: Sendable {
    /// What an answer depends on besides the snapshot: the query as asked and the results granted.
    public struct Key: Hashable, Sendable {
        /// The query's text, as the wire carried it.
        public var text: String
        /// Its interests, as the wire carried them.
        public var interests: [String]
        /// The results granted (`DiscoveryProtocol.granted`).
        public var limit: Int

        /// The key of one query.
        public init(text: String, interests: [String], limit: Int) {
            self.text = text
            self.interests = interests
            self.limit = limit
        }
    }

    /// Lookups answered from the cache and lookups that were not, since the snapshot was built.
    public struct Statistics: Hashable, Sendable {
        /// Answers served from the cache.
        public var hits = 0
        /// Answers computed (and then kept).
        public var misses = 0

        /// Counts from their values.
        public init(hits: Int = 0, misses: Int = 0) {
            self.hits = hits
            self.misses = misses
        }
    }

    /// The answers kept by default: a query's answer holds at most 50 entries that share their
    /// storage with the snapshot's, so 1,000 answers cost a few megabytes at most.
    public static let standardCapacity = 1_000

    private struct State {
        var answers: LRUCache<Key, [WireDiscoveredProfile]>?
        var statistics = Statistics()
    }

    private let state: Mutex<State>

    /// A cache of at most `capacity` answers; 0 keeps nothing (every answer is computed).
    public init(capacity: Int = DiscoveryAnswerCache.standardCapacity) {
        state = Mutex(State(answers: capacity > 0 ? LRUCache(capacity: capacity) : nil))
    }

    /// The answer kept for `key`, or `compute()`'s, which is then kept. `compute` runs outside
    /// the lock, so two threads missing the same key at once both compute it (same answer).
    public func answer(for key: Key, compute: () -> [WireDiscoveredProfile]) -> [WireDiscoveredProfile] {
        let kept = state.withLock { state -> [WireDiscoveredProfile]? in
            if let answer = state.answers?.get(key) {
                state.statistics.hits += 1
                return answer
            }
            state.statistics.misses += 1
            return nil
        }
        if let kept { return kept }
        let answer = compute()
        state.withLock { state in _ = state.answers?.set(key, answer) }
        return answer
    }

    /// Hits and misses so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// How many answers are kept.
    public var count: Int { state.withLock { $0.answers?.count ?? 0 } }
}
