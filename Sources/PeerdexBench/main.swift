import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// `make bench`: one `bench: <name> <value> <unit>` line per figure on stdout, progress on stderr.
// See docs/BENCHMARKS.md for what each figure measures and its floor.

/// Runs every selected benchmark in order; the order matters, as later ones reuse the imported book.
func runBenchmarks(_ options: BenchOptions) throws {
    guard FileManager.default.isExecutableFile(atPath: options.peerdexPath) else {
        throw BenchError("no peerdex executable at \(options.peerdexPath) (build it, or pass --peerdex PATH)")
    }
    let workspace = try Workspace(options: options)
    defer { workspace.cleanUp() }
    Report.note("work directory: \(workspace.directory); peerdex: \(options.peerdexPath)")
    let start = Monotonic.now()
    if options.wants(ImportBench.figure) { try ImportBench(workspace: workspace).run() }
    if options.wantsAny(SearchBench.figures) { try SearchBench(workspace: workspace).run() }
    if options.wantsAny(["cli.search.wall", "cli.search.wall.p95"]) { try CLISearchBench(workspace: workspace).run() }
    if options.wantsAny(["tui.keystroke.p50", "tui.keystroke.p99"]) { try KeystrokeBench(workspace: workspace).run() }
    if options.wantsAny(TerminalKeystrokeBench.figures) { try TerminalKeystrokeBench(workspace: workspace).run() }
    if options.wantsAny(ServingKeystrokeBench.figures) { try ServingKeystrokeBench(workspace: workspace).run() }
    if options.wantsAny(ExternalChangeBench.figures) { try ExternalChangeBench(workspace: workspace).run() }
    if options.wantsAny(["tui.rss", "tui.rss.peak", "tui.scroll.p99"]) { try RSSBench(workspace: workspace).run() }
    if options.wantsAny(["tui.first_frame", "tui.first_frame.baseline"]) { try FirstFrameBench(workspace: workspace).run() }
    if options.wantsAny(NetBench.figures) { try NetBench(workspace: workspace).run() }
    if options.wantsAny(DHTLoopbackBench.figures) { try DHTLoopbackBench(options: options).run() }
    if options.wantsAny(DHTSimBench.figures) { try DHTSimBench(options: options).run() }
    if options.wantsAny(DiscoveryCacheBench.figures) { try DiscoveryCacheBench(options: options).run() }
    if options.wantsAny(DiscoveryServeBench.figures) { try DiscoveryServeBench(options: options).run() }
    if options.wantsAny(DiscoveryQueryBench.figures) { try DiscoveryQueryBench(options: options).run() }
    if options.wantsAny(NearbyBench.figures) { try NearbyBench(options: options).run() }
    if options.wantsAny(DemoBench.figures) { try DemoBench(options: options).run() }
    Report.note("\nall done in \(Report.format(Monotonic.milliseconds(since: start) / 1000)) s")
}

do {
    let options = try BenchOptions(
        arguments: Array(CommandLine.arguments.dropFirst()), executablePath: BenchOptions.ownPath)
    if let directory = options.rssProbeDirectory {
        try RSSProbe.run(dataDirectory: directory)
    } else {
        try runBenchmarks(options)
    }
} catch {
    Report.note("PeerdexBench: \(error)")
    exit(1)
}
