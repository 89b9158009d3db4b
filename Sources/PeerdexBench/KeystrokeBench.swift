import PeerdexApp
import PeerdexCore
import PeerdexTUI

/// `tui.keystroke.*`: typing searches into the real TUI model with the real store, key by key.
///
/// Each keystroke is timed as the work one key costs, done in one go (see `TUIDriver.send`): `/` to
/// open search, the query's characters one by one (each one searches), two backspaces, Esc.
/// The loop's thread hops and curses' output are left out; `tui.keystroke.terminal` measures the
/// real program, loop and terminal included.
struct KeystrokeBench {
    /// At least this many keystrokes are timed.
    static let minimumKeystrokes = 600
    /// The terminal size simulated.
    static let size = (width: 120, height: 40)

    let workspace: Workspace

    /// Types queries until enough keystrokes are timed; prints p50 and p99.
    func run() throws {
        Report.start(
            "tui.keystroke.p50 / p99",
            measures: "ms per keystroke while typing searches in a \(Self.size.width)×\(Self.size.height) TUI: "
                + "AppModel.update + TUICommandExecutor (real store) + answers + render; floor p99 ≤ 16 ms")
        try workspace.ensureDatabase()
        let book: ContactBook
        do { book = try ContactBook.open(DataDirectory(explicit: workspace.dataDirectory)) } catch {
            throw BenchError("cannot open the book: \(error)")
        }
        var driver = TUIDriver(book: book, width: Self.size.width, height: Self.size.height)
        let queries = QueryMix.queries(count: 1000, from: workspace.contacts(), seed: workspace.options.seed &+ 4)

        // A warm-up query, untimed, as a user's first search would find the caches cold otherwise.
        for key in Self.keys(typing: queries[0].text) { driver.send(.key(key)) }

        var samples = Samples()
        var commandSamples = Samples()  // where the time goes: update + store …
        var renderSamples = Samples()  // … and render
        var slowest: (milliseconds: Double, description: String) = (0, "")
        var queriesTyped = 0
        var withoutResults = 0
        for query in queries.dropFirst() where samples.count < Self.minimumKeystrokes {
            var typed = ""
            for (index, key) in Self.keys(typing: query.text).enumerated() {
                if index > 0, case .char(let character) = key { typed.append(character) }
                let (_, milliseconds) = Monotonic.measure { driver.send(.key(key)) }
                samples.append(milliseconds)
                commandSamples.append(driver.lastSplit.commands)
                renderSamples.append(driver.lastSplit.render)
                if milliseconds > slowest.milliseconds { slowest = (milliseconds, "\(key) in '\(typed)'") }
                if index == query.text.count, driver.model.lists[.search]?.total == 0 { withoutResults += 1 }
            }
            queriesTyped += 1
        }
        guard driver.failures.isEmpty else {
            throw BenchError("the TUI reported failures: \(driver.failures.prefix(3))")
        }
        Report.note(
            "   \(samples.count) keystrokes over \(queriesTyped) queries (\(withoutResults) without results); "
                + "slowest \(Report.format(slowest.milliseconds)) ms (\(slowest.description)); "
                + "checksum \(driver.frameChecksum & 0xF)"
        )
        Report.note(
            "   of which update + executor (store): p50 \(Report.format(commandSamples.median)) ms, "
                + "p99 \(Report.format(commandSamples.percentile(99))) ms; "
                + "render: p50 \(Report.format(renderSamples.median)) ms, "
                + "p99 \(Report.format(renderSamples.percentile(99))) ms (TUI search limit \(driver.model.searchLimit))"
        )
        Report.figure("tui.keystroke.p50", samples.median, "ms")
        Report.figure("tui.keystroke.p99", samples.percentile(99), "ms")
    }

    /// The keys that open search, type `text`, delete two characters and leave.
    static func keys(typing text: String) -> [Key] {
        [.char("/")] + text.map { Key.char($0) } + [.backspace, .backspace, .escape]
    }
}
