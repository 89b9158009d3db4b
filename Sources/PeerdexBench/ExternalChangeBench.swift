import Dispatch
import Foundation
import PeerdexCore

#if canImport(Glibc)
    import Glibc
#endif

/// `tui.external_change`: a contact added by another process, until a running TUI shows it.
///
/// The TUI runs on a pseudo-terminal over a small book of its own; `peerdex contacts add` runs
/// as a separate process, and the clock runs from spawning it to the first output of the TUI
/// that contains the new name (a reader thread timestamps the output as it arrives; curses
/// writes only the cells that changed, so each name ends in a random token of its own and the
/// watch looks for the token's tail). So the
/// figure includes the add command's own run (its start, commit and exit, printed beside), which
/// is what a user who types the command in another terminal waits for.
struct ExternalChangeBench {
    /// Contacts added (and timed) per binary.
    static let runs = 10

    let workspace: Workspace

    /// Figure names this benchmark prints.
    static let figures = ["tui.external_change", "tui.external_change.baseline"]

    /// Measures the current binary, and the baseline one when given.
    func run() throws {
        Report.start(
            "tui.external_change",
            measures: "ms from spawning `peerdex contacts add` in another process to a running TUI drawing the new "
                + "contact; median of \(Self.runs)")
        var binaries = [("tui.external_change", workspace.options.peerdexPath)]
        if let baseline = workspace.options.baselinePeerdexPath { binaries.append(("tui.external_change.baseline", baseline)) }
        for (figure, path) in binaries {
            let (seen, commands) = try measure(path)
            Report.note("   \(path): the add command alone took \(Report.format(commands.median)) ms (median)")
            Report.figure(figure, seen.median, "ms")
        }
    }

    /// Times `runs` additions seen by one binary's TUI; returns the times seen and the commands' own.
    private func measure(_ path: String) throws -> (seen: Samples, commands: Samples) {
        let directory = workspace.directory + "/external-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try TerminalKeystrokeBench.Session(path: path, workspace: workspace, dataDirectory: directory)
        defer { session.stop() }
        var seen = Samples()
        var commands = Samples()
        var random = SplitMix64(seed: workspace.options.seed &+ 17)
        for run in 1...Self.runs {
            let token = String((0..<8).map { _ in Character(UnicodeScalar(UInt8(65 + random.next() % 26))) })
            let name = "Marker \(token)"
            let reader = OutputWatch(session.terminal, waitingFor: String(token.suffix(6)))
            let start = Monotonic.now()
            let outcome = try Subprocess(
                path: workspace.options.peerdexPath,
                arguments: ["contacts", "add", Self.peerID(run).text, "--name", name, "--data-dir", directory],
                errorPath: workspace.directory + "/stderr.txt"
            ).runChecked()
            commands.append(outcome.milliseconds)
            guard let shown = reader.wait(seconds: 10) else { throw BenchError("\(path) never showed \(name)") }
            seen.append(Double(shown - start) / 1_000_000)
            _ = session.settle(after: Monotonic.now(), timeout: 100)  // the rest of that frame
        }
        return (seen, commands)
    }

    private static func peerID(_ seed: Int) -> PeerID {
        try! PeerID(publicKey: (0..<32).map { UInt8(truncatingIfNeeded: seed &* 37 &+ $0 &* 11 &+ 5) })
    }
}

/// Reads a pseudo-terminal on a thread of its own and notes when `text` first appears.
private final class OutputWatch: @unchecked Sendable {
    private let found = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var time: UInt64?

    init(_ terminal: PseudoTerminal, waitingFor text: String) {
        Thread.detachNewThread { [self] in
            var output = [UInt8]()
            let deadline = Monotonic.now() + 10_000_000_000
            while Monotonic.now() < deadline {
                guard let chunk = terminal.read(timeout: 20) else { break }
                guard !chunk.isEmpty else { continue }
                output += chunk
                if PseudoTerminal.visibleText(output).contains(text) {
                    lock.withLock { time = Monotonic.now() }
                    break
                }
            }
            found.signal()
        }
    }

    /// The monotonic time the text appeared, or nil.
    func wait(seconds: Int) -> UInt64? {
        _ = found.wait(timeout: .now() + .seconds(seconds))
        return lock.withLock { time }
    }
}
