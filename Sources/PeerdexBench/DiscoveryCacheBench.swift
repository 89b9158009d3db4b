import Foundation
import PeerdexCore

/// `discovery.cache.hit.*`: a repeated discovery query answered from a full `QueryCache`.
///
/// The cache holds 1,000 queries (names in several scripts, some with interests), each with 20
/// results. Every timed lookup takes the query as typed (case and spacing varied), so it pays
/// for normalization (`TextFolder`, terms sorted, interests folded) as well as the LRU use and
/// the popularity count, which is what a node pays for a query it has seen. Every lookup must
/// hit, or the run fails: a figure for misses would be no figure at all.
struct DiscoveryCacheBench {
    static let figures = ["discovery.cache.hit.p50", "discovery.cache.hit.p99"]
    /// Queries cached (the cache's standard capacity).
    static let queryCount = 1000
    /// Results per cached query, about what a merged answer from three discovery peers holds.
    static let resultsPerQuery = 20
    /// Lookups timed, after as many untimed ones.
    static let lookupCount = 100_000

    let options: BenchOptions

    func run() throws {
        Report.start(
            "discovery.cache.hit.p50 / p99",
            measures: "ms per QueryCache.lookup(text:interests:now:) of a query as typed, normalization included, on "
                + "a cache holding \(Self.queryCount) queries of \(Self.resultsPerQuery) results; floor p50 ≤ 0.1 ms")
        var random = SplitMix64(seed: options.seed &+ 0x6361_6368)
        let queries = Self.queries(count: Self.queryCount, random: &random)
        var cache = QueryCache<[BenchResult]>()
        for (index, query) in queries.enumerated() {
            let results = (0..<Self.resultsPerQuery).map { rank in
                BenchResult(peerID: "peer-\(index)-\(rank)", name: query.text, score: 1 / Double(rank + 1))
            }
            cache.store(results, for: QueryCacheKey(text: query.text, interests: query.interests), now: 0)
        }
        guard cache.count == Self.queryCount else {
            throw BenchError("expected \(Self.queryCount) distinct cached queries, have \(cache.count)")
        }

        // As typed: one spelling per lookup, drawn beforehand so that drawing is not timed.
        let typed = (0..<(2 * Self.lookupCount)).map { _ in
            let query = queries[Int(random.next() % UInt64(queries.count))]
            return (text: Self.retyped(query.text, random: &random), interests: query.interests)
        }
        var samples = Samples()
        var resultCount = 0
        for (index, query) in typed.enumerated() {
            // A virtual clock well inside the time to live: 1 ms per lookup, 200 s in all.
            let now = 1 + Double(index) * 0.001
            let (results, milliseconds) = Monotonic.measure {
                cache.lookup(text: query.text, interests: query.interests, now: now)
            }
            guard let results else { throw BenchError("lookup \(index) of '\(query.text)' missed the cache") }
            resultCount += results.count
            if index >= Self.lookupCount { samples.append(milliseconds) }
        }
        guard resultCount == typed.count * Self.resultsPerQuery else { throw BenchError("wrong result counts") }
        Report.figure("discovery.cache.hit.p50", samples.median, "ms")
        Report.figure("discovery.cache.hit.p99", samples.percentile(99), "ms")
        Report.note(
            "   \(samples.count) timed lookups, mean \(Report.format(samples.mean * 1000)) µs, "
                + "max \(Report.format(samples.maximum)) ms; popular now: \(cache.popularQueries(now: 201).count)")
    }

    /// Distinct queries: a given and a family name from one script, a third of them with interests.
    private static func queries(count: Int, random: inout SplitMix64) -> [(text: String, interests: [String])] {
        let pools = [
            (NamePools.latinGiven, NamePools.latinFamily), (NamePools.cyrillicGiven, NamePools.cyrillicFamily),
            (NamePools.greekGiven, NamePools.greekFamily), (NamePools.japaneseFamily, NamePools.japaneseGiven),
        ]
        var seen = Set<QueryCacheKey>()
        var result = [(text: String, interests: [String])]()
        while result.count < count {
            let (given, family) = pools[Int(random.next() % UInt64(pools.count))]
            let text = pick(given, &random) + " " + pick(family, &random)
            let interests = random.next() % 3 == 0 ? [pick(NamePools.interests, &random)] : []
            if seen.insert(QueryCacheKey(text: text, interests: interests)).inserted {
                result.append((text, interests))
            }
        }
        return result
    }

    /// The text as someone might type it again: upper-cased, lower-cased or with extra spaces.
    private static func retyped(_ text: String, random: inout SplitMix64) -> String {
        switch random.next() % 4 {
        case 0: text.lowercased()
        case 1: text.uppercased()
        case 2: "  " + text.replacingOccurrences(of: " ", with: "   ") + " "
        default: text
        }
    }

    private static func pick(_ pool: [String], _ random: inout SplitMix64) -> String {
        pool[Int(random.next() % UInt64(pool.count))]
    }
}

/// A stand-in for a ranked discovery result: what a cached answer holds per peer.
private struct BenchResult {
    let peerID: String
    let name: String
    let score: Double
}
