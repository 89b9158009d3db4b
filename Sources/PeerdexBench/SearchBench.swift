import PeerdexCore
import PeerdexApp

/// `store.search.*`: the indexed search in-process on the imported book, against a naive LIKE scan.
///
/// Both answer the same 1,000 queries (`QueryMix`) on the same database file, after a warm-up on
/// other queries, so the page cache is warm but no query was seen before.
struct SearchBench {
    /// Queries measured.
    static let queryCount = 1000
    /// Warm-up queries (another seed): they fill SQLite's and the OS's caches.
    static let warmUpCount = 200
    /// Results asked per query, as the command line does.
    static let limit = 50

    /// Every figure this benchmark prints.
    static let figures =
        ["store.search.p50", "store.search.p99"]
        + BenchQuery.Kind.allCases.map { "store.search.\($0.rawValue).p99" }
        + ["store.search.naive.p50", "store.search.naive.p99", "store.search.speedup"]
        + ["store.search.naive_first50.p50", "store.search.speedup_vs_first50"]

    let workspace: Workspace

    /// Runs what `--only` selects of the indexed and naive measurements.
    func run() throws {
        let options = workspace.options
        try workspace.ensureDatabase()
        // Through ContactBook, as the program opens it: the bench needs no module the CLI does not.
        let book = try ContactBook.open(DataDirectory(explicit: workspace.dataDirectory))
        let contacts = workspace.contacts()
        let queries = QueryMix.queries(count: Self.queryCount, from: contacts, seed: options.seed &+ 1)
        let warmUp = QueryMix.queries(count: Self.warmUpCount, from: contacts, seed: options.seed &+ 2)

        var indexedMedian: Double?
        if options.wantsAny(Self.figures.filter { !$0.contains(".naive.") }) {
            indexedMedian = try measureIndexed(book, queries: queries, warmUp: warmUp)
        }
        if options.wantsAny(Self.figures.filter { $0.contains("naive") || $0.contains("speedup") }) {
            let (full, first50) = try measureNaive(book, queries: queries, warmUp: warmUp)
            if let indexedMedian, indexedMedian > 0 {
                Report.figure("store.search.speedup", full / indexedMedian, "x")
                Report.figure("store.search.speedup_vs_first50", first50 / indexedMedian, "x")
            }
        }
    }

    /// Times `database.search` on every query; prints p50, p99 and each kind's p99; returns p50.
    private func measureIndexed(_ book: ContactBook, queries: [BenchQuery], warmUp: [BenchQuery]) throws
        -> Double
    {
        Report.start(
            "store.search.p50 / p99 and store.search.<kind>.p99",
            measures: "ms per ContactDatabase.search(limit: \(Self.limit)) over \(queries.count) mixed queries "
                + "(prefix, substring, folded, CJK, typo, multi-word) on the imported book; floor p99 ≤ 5 ms")
        for query in warmUp { _ = try book.database.search(SearchQuery(query.text), limit: Self.limit) }
        var all = Samples()
        var byKind = [BenchQuery.Kind: Samples]()
        var empty = [BenchQuery.Kind: Int]()
        for query in queries {
            let (results, milliseconds) = try Monotonic.measure {
                try book.database.search(SearchQuery(query.text), limit: Self.limit)
            }
            all.append(milliseconds)
            byKind[query.kind, default: Samples()].append(milliseconds)
            if results.isEmpty { empty[query.kind, default: 0] += 1 }
        }
        Report.figure("store.search.p50", all.median, "ms")
        Report.figure("store.search.p99", all.percentile(99), "ms")
        for kind in BenchQuery.Kind.allCases {
            guard let samples = byKind[kind] else { continue }
            Report.note(
                "   \(kind.rawValue): \(samples.count) queries, p50 \(Report.format(samples.median)) ms, "
                    + "max \(Report.format(samples.maximum)) ms, \(empty[kind] ?? 0) without results")
            Report.figure("store.search.\(kind.rawValue).p99", samples.percentile(99), "ms")
        }
        Self.noteSlowest(queries, all)
        return all.median
    }

    /// Times `database.scanSearch` on the same queries, two ways; returns both p50s.
    ///
    /// `naive` scans the whole table, as any plain scan must to give a ranked answer (ANCHORS.md's
    /// "plain LIKE scan" figure is this). `naive_first50` stops at the first 50 rows that contain
    /// the text in table order — an unranked answer, but the cheapest thing a LIKE can do — and is
    /// printed so that the headline ratio can be read against the harshest baseline too.
    private func measureNaive(_ book: ContactBook, queries: [BenchQuery], warmUp: [BenchQuery]) throws
        -> (full: Double, first50: Double)
    {
        Report.start(
            "store.search.naive.p50 / p99, naive_first50.p50 and the speedups",
            measures: "ms per naive LIKE '%q%' scan (name, alias, note, interests) over the same queries: the whole "
                + "table (naive) and stopping at \(Self.limit) rows (naive_first50); speedup = naive p50 / indexed p50, "
                + "floor ≥ 10×")
        for query in warmUp.prefix(20) { _ = try book.database.scanSearch(query.text, limit: nil) }
        var full = Samples()
        var first50 = Samples()
        for query in queries {
            full.append(try Monotonic.measure { try book.database.scanSearch(query.text, limit: nil) }.1)
            first50.append(try Monotonic.measure { try book.database.scanSearch(query.text, limit: Self.limit) }.1)
        }
        Report.figure("store.search.naive.p50", full.median, "ms")
        Report.figure("store.search.naive.p99", full.percentile(99), "ms")
        Report.figure("store.search.naive_first50.p50", first50.median, "ms")
        return (full.median, first50.median)
    }

    /// Lists the five slowest queries on stderr: where to look first when p99 regresses.
    private static func noteSlowest(_ queries: [BenchQuery], _ samples: Samples) {
        let slowest = zip(queries, samples.values).sorted { $0.1 > $1.1 }.prefix(5)
        let list = slowest.map { "\($0.0.kind.rawValue) '\($0.0.text)' \(Report.format($0.1)) ms" }
        Report.note("   slowest: " + list.joined(separator: ", "))
    }
}
