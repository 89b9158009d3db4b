import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `tui.keystroke.terminal.*`: keystrokes typed into the real `peerdex` on a pseudo-terminal,
/// timed from writing the key to the last byte of the screen update it caused.
///
/// This is the event loop as a user meets it: the key read from the terminal, the model, the
/// requests (off the loop since the event-driven loop), the answers and the curses output. The
/// update counts as finished once the program has written nothing for `quiet` milliseconds; the
/// figure is the time to its last byte, so the quiet wait is not in it. With `--baseline-peerdex`
/// the same keys go to a second binary, one query each in turn, so that both see the same
/// machine load; its figures are printed beside, as `…baseline…`.
struct TerminalKeystrokeBench {
    /// Queries typed per binary.
    static let queries = 40
    /// Output silence that ends one key's update, in milliseconds.
    static let quiet: Int32 = 40
    /// Longest wait for any output after a key.
    static let keyTimeout = 2_000.0

    let workspace: Workspace

    /// Figure names this benchmark prints.
    static let figures = [
        "tui.keystroke.terminal.p50", "tui.keystroke.terminal.p99",
        "tui.keystroke.terminal.baseline.p50", "tui.keystroke.terminal.baseline.p99",
    ]

    /// Types the queries into each binary in turn and prints p50 and p99 per binary.
    func run() throws {
        let size = KeystrokeBench.size
        Report.start(
            "tui.keystroke.terminal.p50 / p99",
            measures: "ms from writing a key to a \(size.width)×\(size.height) pseudo-terminal running `peerdex` "
                + "to the last byte of the update it caused (\(Self.quiet) ms of silence ends an update); "
                + "/, a query key by key, two backspaces, Esc")
        try workspace.ensureDatabase()
        var sessions = [try Session(path: workspace.options.peerdexPath, workspace: workspace, dataDirectory: workspace.dataDirectory)]
        if let baseline = workspace.options.baselinePeerdexPath {
            // A copy of the book without our identity file: an earlier build may not read the
            // current key file format (version 1 builds refuse version 2), and makes its own.
            let copy = try workspace.copyOfBook(named: "baseline-data")
            sessions.append(try Session(path: baseline, workspace: workspace, dataDirectory: copy))
            Report.note("   baseline: \(baseline), on a copy of the book in \(copy)")
        }
        defer { sessions.forEach { $0.stop() } }
        let queries = QueryMix.queries(count: Self.queries + 1, from: workspace.contacts(), seed: workspace.options.seed &+ 9)
        for session in sessions { _ = session.type(queries[0].text) }  // warm-up, untimed
        var samples = sessions.map { _ in Samples() }
        for query in queries.dropFirst() {
            for (index, session) in sessions.enumerated() {
                for milliseconds in session.type(query.text) { samples[index].append(milliseconds) }
            }
        }
        for (index, session) in sessions.enumerated() {
            Report.note("   \(session.path): \(samples[index].count) keys, \(session.silentKeys) without output")
        }
        Report.figure("tui.keystroke.terminal.p50", samples[0].median, "ms")
        Report.figure("tui.keystroke.terminal.p99", samples[0].percentile(99), "ms")
        if samples.count > 1 {
            Report.figure("tui.keystroke.terminal.baseline.p50", samples[1].median, "ms")
            Report.figure("tui.keystroke.terminal.baseline.p99", samples[1].percentile(99), "ms")
        }
    }

    /// One running `peerdex` on its own pseudo-terminal.
    final class Session: @unchecked Sendable {
        let path: String
        let terminal: PseudoTerminal
        let pid: pid_t
        private(set) var silentKeys = 0

        /// Starts `path` on `dataDirectory`, with `arguments` after `--data-dir` (a subcommand and its options).
        init(path: String, workspace: Workspace, dataDirectory: String, arguments: [String] = []) throws {
            self.path = path
            let size = KeystrokeBench.size
            terminal = try PseudoTerminal(width: size.width, height: size.height)
            let configDirectory = workspace.directory + "/config"
            try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
            let environment = [
                "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_CONFIG_HOME": configDirectory,
            ]
            pid = try terminal.spawn(path, ["--data-dir", dataDirectory] + arguments, environment: environment)
            var output = [UInt8]()
            let start = Monotonic.now()
            while Monotonic.milliseconds(since: start) < 10_000, let chunk = terminal.read(timeout: 300), !chunk.isEmpty {
                output += chunk  // the first frame, until the program falls silent
            }
            var status: Int32 = 0
            guard !output.isEmpty, waitpid(pid, &status, WNOHANG) == 0 else {
                throw BenchError("\(path) did not start its TUI: \(PseudoTerminal.visibleText(output).prefix(300))")
            }
        }

        /// Types `/`, the query, two backspaces and Esc; returns each key's milliseconds.
        func type(_ query: String) -> [Double] {
            let keys = ["/"] + query.map(String.init) + ["\u{7F}", "\u{7F}", "\u{1B}"]
            var times = [Double]()
            for key in keys {
                let start = Monotonic.now()
                terminal.write(key)
                guard let milliseconds = settle(after: start, timeout: keyTimeout) else {
                    silentKeys += 1
                    continue
                }
                times.append(milliseconds)
            }
            return times
        }

        /// Reads until `quiet` ms pass without output; the ms from `start` to the last byte, or
        /// nil when nothing came within `timeout`.
        func settle(after start: UInt64, timeout: Double) -> Double? {
            var last: UInt64?
            while true {
                let waited = Monotonic.milliseconds(since: start)
                let limit = last == nil ? Int32(max(1, timeout - waited)) : TerminalKeystrokeBench.quiet
                guard let chunk = terminal.read(timeout: limit), !chunk.isEmpty else { break }
                last = Monotonic.now()
            }
            return last.map { Double($0 - start) / 1_000_000 }
        }

        /// Quits with `q` (Esc first, in case a search is open); kills what does not exit.
        func stop() {
            terminal.write("\u{1B}")
            _ = settle(after: Monotonic.now(), timeout: 200)
            terminal.write("q")
            let deadline = Monotonic.now() + 2_000_000_000
            var status: Int32 = 0
            while Monotonic.now() < deadline {
                if waitpid(pid, &status, WNOHANG) == pid { return }
                _ = terminal.read(timeout: 10)
            }
            kill(pid, SIGKILL)
            _ = Subprocess.wait(pid)
        }
    }
}
