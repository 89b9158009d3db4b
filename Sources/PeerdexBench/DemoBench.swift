import Foundation
import PeerdexApp
import PeerdexTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `peerdex demo`'s figures (issue 13), on the real binary in tmux:
/// - `demo.ready`: from spawning `peerdex demo --nodes 30` until the Nearby pane lists a nearby
///   person and a network search lists a network result. The bench waits for the first frame,
///   opens the Nearby pane, waits for a row, then types a search and waits for a network result,
///   so the figure includes its own key presses and tmux's ~50 ms polling: an upper bound.
/// - `demo.rss`: the demo process's resident memory (30 nodes and the TUI) two seconds later.
struct DemoBench {
    static let figures = ["demo.ready", "demo.ready.max", "demo.rss"]
    /// Demo starts measured.
    static let runs = 5
    /// The network's size the issue names.
    static let nodes = 30

    let options: BenchOptions

    func run() throws {
        guard TmuxSession.isAvailable else {
            Report.note("demo: skipped, tmux is not installed")
            return
        }
        Report.start(
            "demo",
            measures: "peerdex demo --nodes \(Self.nodes) in a 120×32 tmux window, \(Self.runs) starts; "
                + "ready = Nearby lists a person and a network search lists a result (floor <= 3 s); rss after")
        var ready = Samples()
        var memory = Samples()
        for run in 1...Self.runs {
            let (seconds, rss) = try measureOnce(seed: UInt64(run))
            ready.append(seconds)
            memory.append(rss)
            Report.note("   run \(run): ready \(Report.format(seconds)) s, rss \(Report.format(rss)) MiB")
        }
        Report.figure("demo.ready", ready.median, "s")
        Report.figure("demo.ready.max", ready.percentile(100), "s")
        Report.figure("demo.rss", memory.median, "MiB")
    }

    /// One demo start: seconds until ready, then MiB resident.
    private func measureOnce(seed: UInt64) throws -> (Double, Double) {
        let directory = NSTemporaryDirectory() + "peerdex-demo-bench-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = Monotonic.now()
        let tui = try TmuxSession(
            command: [options.peerdexPath, "demo", "--nodes", "\(Self.nodes)", "--seed", "\(seed)", "--directory", directory],
            width: 120, height: 32)
        defer { tui.close() }
        try tui.waitFor("Contacts", timeout: 20)
        let manifest = try DemoManifest.awaited(in: directory)
        // Nearby: any person the user's probe may list (public ones always answer it).
        try tui.send("3")
        let nearbyNames = manifest.people.filter { $0.nearby && $0.visibility == "public" && $0.relation != "blocked" }
            .map(\.name)
        try tui.waitFor("a nearby person", timeout: 20) { screen in nearbyNames.contains { screen.contains($0) } }
        // Network: the interest most public strangers share, which discovery peers answer for.
        try tui.send("/")
        try tui.send(manifest.commonStrangerInterest, literal: true)
        try tui.waitFor("a network result", timeout: 20) { screen in
            screen.range(of: #"network: .*· [1-9][0-9]* found"#, options: .regularExpression) != nil
        }
        let seconds = Monotonic.milliseconds(since: started) / 1_000
        Thread.sleep(forTimeInterval: 2)
        let rss = try tui.programPID().map(Self.residentMiB) ?? 0
        try tui.send("q")
        return (seconds, rss)
    }

    /// `VmRSS` of `pid` in MiB.
    private static func residentMiB(_ pid: pid_t) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1_024
    }
}

extension DemoManifest {
    /// The manifest of the demo starting in `directory`, waiting up to 10 s for it.
    fileprivate static func awaited(in directory: String) throws -> DemoManifest {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let manifest = try read(inDemoDirectory: directory) { return manifest }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw BenchError("no demo.json in \(directory)")
    }

    /// The interest held by the most public strangers (a network result the user's book does
    /// not hide).
    fileprivate var commonStrangerInterest: String {
        var counts: [String: Int] = [:]
        for person in people where person.relation == "stranger" && person.visibility == "public" {
            for interest in person.interests { counts[interest, default: 0] += 1 }
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "jazz"
    }
}
