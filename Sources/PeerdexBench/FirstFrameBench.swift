import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexTUI

#if canImport(Glibc)
    import Glibc
#endif

/// `tui.first_frame`: from spawning `peerdex --data-dir DIR` in a terminal to its first full frame
/// with the book's rows in it.
///
/// The program runs on a pseudo-terminal (`PseudoTerminal`); its output is read as it comes. The
/// event loop draws at once and draws again when the store has answered, and curses then writes
/// only what changed, so the frame is known complete by what follows it: the clock stops at the
/// last byte of the burst of output that drew the first contact row (after the tab bar), once
/// `quiet` ms pass without output; the idle program writes nothing else. Reads block in `poll`, so
/// the figure carries no polling delay (the tmux method would add up to its ~2 ms poll interval
/// and tmux's own start).
struct FirstFrameBench {
    /// Runs measured; the median is reported.
    static let runs = 5
    /// Longest wait for a frame before the run counts as failed.
    static let timeoutMilliseconds = 10_000.0
    /// Output silence that ends the burst of the frame, in milliseconds (not counted).
    static let quiet: Int32 = 30

    let workspace: Workspace

    /// Spawns the TUI `runs` times (after one warm-up) and prints the median.
    func run() throws {
        let size = KeystrokeBench.size
        Report.start(
            "tui.first_frame",
            measures: "ms from spawning `peerdex --data-dir DIR` on a \(size.width)×\(size.height) pseudo-terminal "
                + "until the frame showing its first contact row was written (the end of that burst of output); "
                + "median of \(Self.runs); floor ≤ 200 ms")
        try workspace.ensureDatabase()
        let markers = try expectedMarkers()
        Report.note("   waiting for, in order: " + markers.map { "'\($0)'" }.joined(separator: ", "))
        let configDirectory = workspace.directory + "/config"  // empty: no user config.toml changes the frame
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        let environment = [
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_CONFIG_HOME": configDirectory,
        ]
        var binaries = [(figure: "tui.first_frame", path: workspace.options.peerdexPath, data: workspace.dataDirectory)]
        if let baseline = workspace.options.baselinePeerdexPath {
            // Its own copy of the book: an earlier build may not read the current key file.
            binaries.append(("tui.first_frame.baseline", baseline, try workspace.copyOfBook(named: "baseline-data")))
        }
        for binary in binaries {
            // A warm-up first: the page cache, as in daily use.
            _ = try measureOnce(binary.path, binary.data, markers: markers, environment: environment)
            var samples = Samples()
            for run in 1...Self.runs {
                let milliseconds = try measureOnce(binary.path, binary.data, markers: markers, environment: environment)
                Report.note("   \(binary.path) run \(run): \(Report.format(milliseconds)) ms")
                samples.append(milliseconds)
            }
            Report.figure(binary.figure, samples.median, "ms")
        }
    }

    /// Words the frame must show, in drawing order: the Contacts tab, then the longest word of
    /// the first contact row, taken from the same frame rendered in-process.
    private func expectedMarkers() throws -> [String] {
        let book: ContactBook
        do { book = try ContactBook.open(DataDirectory(explicit: workspace.dataDirectory)) } catch {
            throw BenchError("cannot open the book: \(error)")
        }
        let driver = TUIDriver(book: book, width: KeystrokeBench.size.width, height: KeystrokeBench.size.height)
        let buffer = driver.model.render()
        let lines = (0..<buffer.height).map { buffer.line($0) }
        guard let first = driver.model.selectedContact,
            let rowIndex = lines.firstIndex(where: { $0.contains(first.displayName) })
        else {
            throw BenchError("the in-process frame shows no contact row")
        }
        return [Pane.contacts.title, Self.longestWord(lines[rowIndex])]
    }

    /// One run: spawn, wait for the markers in order and for the burst that drew them to end,
    /// stop the clock at its last byte, quit the program.
    private func measureOnce(
        _ path: String, _ dataDirectory: String, markers: [String], environment: [String: String]
    ) throws -> Double {
        let terminal = try PseudoTerminal(width: KeystrokeBench.size.width, height: KeystrokeBench.size.height)
        let start = Monotonic.now()
        let pid = try terminal.spawn(path, ["--data-dir", dataDirectory], environment: environment)
        var output = [UInt8]()
        var found = 0
        var searchFrom: String.Index?
        var elapsed = 0.0
        var lastChunk = start
        while found < markers.count {
            elapsed = Monotonic.milliseconds(since: start)
            guard elapsed < Self.timeoutMilliseconds, let chunk = terminal.read(timeout: 50) else {
                kill(pid, SIGKILL)
                _ = Subprocess.wait(pid)
                throw BenchError(
                    "no full frame after \(Int(elapsed)) ms; saw: \(PseudoTerminal.visibleText(output).prefix(400))")
            }
            guard !chunk.isEmpty else { continue }
            output += chunk
            lastChunk = Monotonic.now()
            // Re-scan the whole text: a marker may straddle two reads.
            let text = PseudoTerminal.visibleText(output)
            found = 0
            searchFrom = text.startIndex
            for marker in markers {
                guard let from = searchFrom, let range = text.range(of: marker, range: from..<text.endIndex) else {
                    break
                }
                found += 1
                searchFrom = range.upperBound
            }
        }
        // The rest of the burst that drew the row: the frame is whole once output pauses.
        while let chunk = terminal.read(timeout: Self.quiet), !chunk.isEmpty { lastChunk = Monotonic.now() }
        elapsed = Double(lastChunk - start) / 1_000_000
        stop(pid, terminal)
        return elapsed
    }

    /// Quits with `q` as a user would; kills the program if it has not exited within two seconds.
    private func stop(_ pid: pid_t, _ terminal: PseudoTerminal) {
        terminal.write("q")
        let deadline = Monotonic.now() + 2_000_000_000
        var status: Int32 = 0
        while Monotonic.now() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            _ = terminal.read(timeout: 10)  // keep draining, so its last writes never block
        }
        Report.note("   peerdex did not quit on 'q'; killing it")
        kill(pid, SIGKILL)
        _ = Subprocess.wait(pid)
    }

    /// The longest run of letters and digits in a line (ties: the first), white space removed.
    static func longestWord(_ line: String) -> String {
        let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        return String(words.max(by: { $0.count < $1.count }) ?? "")
    }
}
