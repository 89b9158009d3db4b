import Foundation

/// `tui.rss`: resident memory of a process that scrolled the TUI through the whole book.
///
/// Spawns this executable with `--rss-probe DATA_DIR` (see `RSSProbe`) and reads its report.
struct RSSBench {
    let workspace: Workspace

    /// Runs the probe and prints the figures.
    func run() throws {
        Report.start(
            "tui.rss",
            measures: "MB resident (VmRSS) in a separate process after scrolling the Contacts pane through all "
                + "rows with PgDn/↓, rendering every frame (real store); floor ≤ 100 MB")
        try workspace.ensureDatabase()
        let outcome = try Subprocess(
            path: BenchOptions.ownPath,
            arguments: ["--rss-probe", workspace.dataDirectory], errorPath: workspace.errorPath
        ).runChecked(captureOutput: true)
        var report = [String: Double]()
        for line in outcome.output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { report[String(parts[0])] = value }
        }
        guard let rss = report["rssKB"], let peak = report["peakKB"], let rows = report["rows"], rss > 0 else {
            throw BenchError("the RSS probe's report is unreadable: \(outcome.output)")
        }
        Report.note(
            "   scrolled \(Int(rows)) rows with \(Int(report["keys"] ?? 0)) keys in "
                + "\(Report.format(outcome.milliseconds / 1000)) s; "
                + "RSS after opening \(Report.format((report["rssStartKB"] ?? 0) / 1024)) MB, "
                + "scroll key p50 \(Report.format(report["keyP50"] ?? 0)) ms; "
                + "last row loaded: \(report["lastRowLoaded"] == 1)"
        )
        Report.figure("tui.rss", rss / 1024, "MB")
        Report.figure("tui.rss.peak", peak / 1024, "MB")
        Report.figure("tui.scroll.p99", report["keyP99"] ?? 0, "ms")
    }
}
