import PeerdexCore
import Testing

/// The discovery query cache on a virtual clock: time to live, normalization, LRU, popularity.
@Suite struct QueryCacheTests {
    private static let alice = QueryCacheKey(text: "alice")

    // MARK: - Time to live

    @Test func anEntryIsAHitAt299SecondsAndAMissAt301() {
        var cache = QueryCache<[String]>()
        cache.store(["peer-a"], for: Self.alice, now: 1_000)
        #expect(cache.lookup(Self.alice, now: 1_000) == ["peer-a"])
        #expect(cache.lookup(Self.alice, now: 1_299) == ["peer-a"])
        #expect(cache.lookup(Self.alice, now: 1_301) == nil)
    }

    @Test func atExactly300SecondsTheEntryHasExpiredAndIsDroppedWhenMet() {
        var cache = QueryCache<[String]>()
        cache.store(["peer-a"], for: Self.alice, now: 1_000)
        #expect(cache.lookup(Self.alice, now: 1_299.999) == ["peer-a"])
        #expect(cache.isFresh(Self.alice, now: 1_299.999))
        #expect(!cache.isFresh(Self.alice, now: 1_300))
        #expect(cache.count == 1)
        #expect(cache.lookup(Self.alice, now: 1_300) == nil)
        #expect(cache.count == 0)
        // Dropped, not hidden: a clock read earlier again finds nothing either.
        #expect(cache.lookup(Self.alice, now: 1_100) == nil)
    }

    @Test func storingAgainReplacesTheResultsAndRestartsTheTimeToLive() {
        var cache = QueryCache<[String]>()
        cache.store(["old"], for: Self.alice, now: 0)
        cache.store(["new"], for: Self.alice, now: 200)
        #expect(cache.count == 1)
        #expect(cache.lookup(Self.alice, now: 450) == ["new"])
        #expect(cache.lookup(Self.alice, now: 500) == nil)
    }

    @Test func removeExpiredDropsOnlyWhatHasExpired() {
        var cache = QueryCache<Int>()
        cache.store(1, for: QueryCacheKey(text: "one"), now: 0)
        cache.store(2, for: QueryCacheKey(text: "two"), now: 100)
        #expect(cache.removeExpired(now: 300) == 1)
        #expect(cache.keysByRecency == [QueryCacheKey(text: "two")])
        #expect(cache.removeExpired(now: 399) == 0)
    }

    // MARK: - Normalization

    @Test(arguments: [" alice ", "ALICE", "Alice", "alice\t", "Älice", "alice alice"])
    func spellingsOfOneNameShareAnEntry(spelling: String) {
        var cache = QueryCache<[String]>()
        cache.store(["peer-a"], for: QueryCacheKey(text: "Alice"), now: 0)
        #expect(cache.lookup(text: spelling, now: 1) == ["peer-a"])
    }

    @Test func foldingTermOrderRepetitionAndInterestsNormalizeTheKey() {
        let key = QueryCacheKey(text: "  Zoë   MÜLLER ", interests: ["Jazz", " climbing", "", "CLIMBING"])
        #expect(key.text == "muller zoe")
        #expect(key.interests == ["climbing", "jazz"])
        #expect(key == QueryCacheKey(text: "muller zoe muller", interests: ["climbing", "jazz"]))
        #expect(key == QueryCacheKey(DiscoveryQuery(text: "zoe Müller", interests: ["JAZZ", "Climbing", "\u{7}"])))
        #expect(key.description == "muller zoe #climbing #jazz")
    }

    @Test func differentTermsOrInterestsAreDifferentEntries() {
        let base = QueryCacheKey(text: "alice", interests: ["jazz"])
        #expect(base != QueryCacheKey(text: "alice"))
        #expect(base != QueryCacheKey(text: "alice", interests: ["jazz", "chess"]))
        #expect(base != QueryCacheKey(text: "alic", interests: ["jazz"]))
        #expect(QueryCacheKey(text: "ab c") != QueryCacheKey(text: "a bc"))
    }

    // MARK: - LRU

    @Test func theThousandAndFirstQueryEvictsTheLeastRecentlyUsed() {
        var cache = QueryCache<Int>()
        let keys = (0..<1_001).map { QueryCacheKey(text: "query \($0)") }
        for index in 0..<1_000 { #expect(cache.store(index, for: keys[index], now: 0) == nil) }
        #expect(cache.count == 1_000)
        // Using query 0 makes query 1 the least recently used.
        #expect(cache.lookup(keys[0], now: 1) == 0)
        #expect(cache.store(1_000, for: keys[1_000], now: 2) == keys[1])
        #expect(cache.count == 1_000)
        #expect(cache.lookup(keys[1], now: 3) == nil)
        #expect(cache.lookup(keys[0], now: 3) == 0)
        #expect(cache.lookup(keys[2], now: 3) == 2)
        #expect(cache.keysByRecency.last == keys[3])
        #expect(cache.store(1_001, for: QueryCacheKey(text: "another"), now: 4) == keys[3])
    }

    // MARK: - Popularity

    @Test func aQueryIsPopularOnceThresholdAsksFallWithinTheWindow() throws {
        var cache = QueryCache<[String]>(settings: try QueryCacheSettings(popularityThreshold: 3))
        // The first ask misses; misses count too, as the query was asked.
        #expect(cache.lookup(Self.alice, now: 0) == nil)
        cache.store(["peer-a"], for: Self.alice, now: 0.5)
        #expect(cache.lookup(Self.alice, now: 10) != nil)
        #expect(!cache.isPopular(Self.alice, now: 10))
        #expect(cache.popularQueries(now: 10).isEmpty)
        #expect(cache.lookup(Self.alice, now: 20) != nil)
        #expect(cache.isPopular(Self.alice, now: 20))
        #expect(cache.isPopular(Self.alice, now: 299.9))
        // The ask at 0 leaves the window at 300: two asks remain.
        #expect(!cache.isPopular(Self.alice, now: 300))
        #expect(!cache.isPopular(QueryCacheKey(text: "bob"), now: 20))
    }

    @Test func popularQueriesListsOnlyFreshPopularEntriesWithoutUsingThem() throws {
        var cache = QueryCache<Int>(settings: try QueryCacheSettings(capacity: 3, popularityThreshold: 2))
        let hot = QueryCacheKey(text: "hot")
        let cold = QueryCacheKey(text: "cold")
        let stale = QueryCacheKey(text: "stale")
        cache.store(0, for: stale, now: 0)
        _ = cache.lookup(stale, now: 1)
        cache.store(1, for: hot, now: 100)
        _ = cache.lookup(hot, now: 200)
        _ = cache.lookup(hot, now: 210)
        cache.store(2, for: cold, now: 220)
        _ = cache.lookup(cold, now: 230)
        _ = cache.lookup(stale, now: 250)
        let popular = cache.popularQueries(now: 300)
        // `stale` is popular (asks at 1 and 250 are within 300 s) but its results expired at 300.
        #expect(cache.isPopular(stale, now: 300))
        #expect(!cache.isPopular(cold, now: 300))
        #expect(popular.map(\.key) == [hot])
        #expect(popular.map(\.value) == [1])
        #expect(cache.keysByRecency == [stale, cold, hot])
    }

    @Test func askHistoryOutlivesAnExpiredEntrySoAReFetchedQueryStaysPopular() throws {
        let settings = try QueryCacheSettings(ttl: 60, popularityThreshold: 3, popularityWindow: 600)
        var cache = QueryCache<Int>(settings: settings)
        let key = QueryCacheKey(text: "hot")
        #expect(cache.lookup(key, now: 0) == nil)
        cache.store(1, for: key, now: 0)
        #expect(cache.lookup(key, now: 30) == 1)
        #expect(cache.lookup(key, now: 90) == nil)  // expired and dropped, but asked
        #expect(cache.count == 0)
        cache.store(2, for: key, now: 91)
        #expect(cache.isPopular(key, now: 91))
        #expect(cache.popularQueries(now: 91).map(\.value) == [2])
    }

    // MARK: - Settings

    @Test func settingsOutOfRangeAreClearErrors() throws {
        #expect(throws: QueryCacheSettingsError.capacity(0)) { try QueryCacheSettings(capacity: 0) }
        #expect(throws: QueryCacheSettingsError.ttl(-1)) { try QueryCacheSettings(ttl: -1) }
        #expect(throws: QueryCacheSettingsError.popularityThreshold(0)) {
            try QueryCacheSettings(popularityThreshold: 0)
        }
        #expect(throws: QueryCacheSettingsError.popularityWindow(0)) { try QueryCacheSettings(popularityWindow: 0) }
        #expect(QueryCacheSettingsError.capacity(0).description.contains("between 1 and"))
        let standard = QueryCacheSettings.standard
        #expect(
            [standard.capacity, standard.popularityThreshold] == [1_000, 5]
                && [standard.ttl, standard.popularityWindow] == [300, 300])
        let defaults = try QueryCacheSettings()
        #expect(defaults == standard)
    }
}
