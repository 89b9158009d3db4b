/// `cli.search.wall`: a whole `peerdex contacts search <q>` process, spawn to exit.
///
/// This is what a script or a shell user waits for: loading the binary, parsing arguments, opening
/// the data directory, identity and database (migration check included), searching and printing.
struct CLISearchBench {
    /// Runs measured; the median and p95 are reported.
    static let runs = 20
    /// Unmeasured runs first, so the binary and database are in the page cache as in daily use.
    static let warmUpRuns = 2

    let workspace: Workspace

    /// Spawns the searches and prints the median and p95.
    func run() throws {
        let options = workspace.options
        Report.start(
            "cli.search.wall / cli.search.wall.p95",
            measures: "ms from spawn to exit of `peerdex contacts search <q> --data-dir DIR` (stdout to /dev/null), "
                + "median of \(Self.runs) runs over a few queries; floor ≤ 150 ms")
        try workspace.ensureDatabase()
        // One query of each kind but multi-word, cycled: the process cost, not one query's, is measured.
        let mix = QueryMix.queries(count: 1000, from: workspace.contacts(), seed: options.seed &+ 3)
        let kinds: [BenchQuery.Kind] = [.prefix, .folded, .cjk, .typo, .substring]
        let queries = kinds.compactMap { kind in mix.first { $0.kind == kind }?.text }
        Report.note("   queries: " + queries.map { "'\($0)'" }.joined(separator: ", "))

        func spawn(_ query: String) throws -> Double {
            try Subprocess(
                path: options.peerdexPath,
                arguments: ["contacts", "search", query, "--data-dir", workspace.dataDirectory],
                errorPath: workspace.errorPath
            ).runChecked().milliseconds
        }
        for index in 0..<Self.warmUpRuns { _ = try spawn(queries[index % queries.count]) }
        var samples = Samples()
        for index in 0..<Self.runs { samples.append(try spawn(queries[index % queries.count])) }
        Report.figure("cli.search.wall", samples.median, "ms")
        Report.figure("cli.search.wall.p95", samples.percentile(95), "ms")

        // The floor of any peerdex command: start-up and argument parsing alone, for comparison.
        var startup = Samples()
        for _ in 0..<10 {
            startup.append(
                try Subprocess(path: options.peerdexPath, arguments: ["--help"], errorPath: workspace.errorPath)
                    .runChecked().milliseconds)
        }
        Report.note(
            "   for comparison, `peerdex --help` (process start-up only): median \(Report.format(startup.median)) ms")
    }
}
