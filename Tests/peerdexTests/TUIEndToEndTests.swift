import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary in a real (tmux) terminal: what a user does, end to end.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: TmuxSession.isAvailable, "needs tmux (make test installs it)"))
struct TUIEndToEndTests {
    let cli = CommandRunner()

    func open(width: Int = 100, height: Int = 30) throws -> TmuxSession {
        try TmuxSession(
            command: [CommandRunner.executable.path, "--data-dir", cli.dataDirectory], width: width, height: height)
    }

    @Test func addSearchFavoriteBlockResizeQuitAndRestart() throws {
        defer { cli.cleanUp() }
        let peer = Fixtures.peerID(42).text
        var tui = try open()
        try tui.waitFor("contact book is empty")

        // Add: a wrong ID is refused inline, the right one is asked for a name and saved.
        try tui.send("a")
        try tui.send(String(peer.dropLast()), literal: true)
        try tui.send("Enter")
        try tui.waitFor("1 missing")
        try tui.send("C-u")
        try tui.send(peer, literal: true)
        try tui.send("Enter")
        try tui.send("Zoë Müller", literal: true)
        try tui.send("Enter")
        try tui.waitFor("Contacts 1")
        #expect(try cli.json(["contacts", "show", peer]) is [String: Any])

        // Search without the diacritics.
        try tui.send("/")
        try tui.send("muller", literal: true)
        try tui.waitFor("1 found")
        try tui.send("Enter")

        // Favorite it and see it in Favorites.
        try tui.send("f")
        try tui.waitFor("Favorites 1")
        try tui.send("2")
        try tui.waitFor("the Favorites pane listing Zoë Müller") { $0.contains("┌─ Favorites") && $0.contains("Zoë Müller") }

        // Block it (with confirmation) and see it leave the lists.
        try tui.send("1")
        try tui.send("b")
        try tui.waitFor("(y/n)") { $0.contains("y/n") || $0.contains("[y]") }
        try tui.send("y")
        try tui.waitFor("Blocked 1")
        let afterBlock = try tui.waitFor("Contacts 0")
        #expect(afterBlock.contains("Favorites 0"))

        // Resize: the layout follows, then shrink below the minimum and back.
        try tui.resize(width: 140, height: 40)
        try tui.waitFor("140 columns") { $0.split(separator: "\n").first.map { $0.count > 100 } ?? false }
        try tui.resize(width: 30, height: 8)
        try tui.waitFor("too small") { $0.lowercased().contains("too small") }
        try tui.resize(width: 100, height: 30)
        try tui.waitFor("Blocked 1")

        // Quit; the shell after it sees a clean exit.
        try tui.send("q")
        try tui.waitFor("[exited 0]")
        tui.close()

        // Restart: everything is as it was left.
        tui = try open()
        defer { tui.close() }
        try tui.waitFor("Blocked 1")
        try tui.send("5")
        try tui.waitFor("Zoë Müller")
        let stored = try #require(try cli.json(["contacts", "show", peer]) as? [String: Any])
        #expect(stored["favorite"] as? Bool == true)
        #expect(stored["blocked"] as? Bool == true)
        #expect(stored["name"] as? String == "Zoë Müller")
    }

    @Test func ctrlCQuitsAndLogsIt() throws {
        defer { cli.cleanUp() }
        let tui = try open()
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        try tui.send("C-c")
        try tui.waitFor("[exited 0]")
        let log = try String(contentsOfFile: cli.dataDirectory + "/peerdex.log", encoding: .utf8)
        #expect(log.contains("tui started") && log.contains("tui quit"))
    }

    /// Logs go to the data directory, never to stderr, which is the terminal while the screen is
    /// ours: here stderr goes to a file, and a failed change (adding oneself) is logged.
    @Test func logsNeverReachStderr() throws {
        defer { cli.cleanUp() }
        let errors = cli.dataDirectory + "-stderr"
        defer { try? FileManager.default.removeItem(atPath: errors) }
        let own = try #require(try cli.json(["id"]) as? [String: String])["peerId"]!
        let tui = try TmuxSession(command: [
            "/bin/sh", "-c", "exec \"$0\" --data-dir \"$1\" 2>\"$2\"", CommandRunner.executable.path, cli.dataDirectory, errors,
        ])
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        try tui.send("a")
        try tui.send(own, literal: true)
        try tui.send("Enter")
        try tui.send("Enter")
        try tui.waitFor("your own peer ID")
        try tui.send("q")
        try tui.waitFor("[exited 0]")
        let log = try String(contentsOfFile: cli.dataDirectory + "/peerdex.log", encoding: .utf8)
        #expect(log.contains("warning peerdex.tui [PeerdexApp] request #"), "\(log)")
        #expect(log.contains("info peerdex.tui [PeerdexApp] tui quit"))
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "")
    }

    /// Each signal that ends a program is handled on the loop's thread: the terminal is restored,
    /// then the process dies of the same signal (exit status 128 + n in the shell).
    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")])
    func aTerminatingSignalRestoresTheTerminal(signal: Int32, name: String) throws {
        defer { cli.cleanUp() }
        let tui = try open()
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        let pid = try #require(try tui.programPID())
        #expect(kill(pid, signal) == 0)
        let screen = try tui.waitFor("[exited \(128 + signal)]")
        #expect(!screen.contains("contact book is empty"), "the full-screen frame should be gone after \(name)")
        let log = try String(contentsOfFile: cli.dataDirectory + "/peerdex.log", encoding: .utf8)
        #expect(log.contains("tui ended by signal \(signal)"))
    }

    /// SIGWINCH sent to the program (tmux sends it on a resize; here also by hand) redraws at the
    /// terminal's size.
    @Test func SIGWINCHRedrawsAtTheNewSize() throws {
        defer { cli.cleanUp() }
        let tui = try open(width: 100, height: 30)
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        try tui.resize(width: 120, height: 30)
        try tui.waitFor("a 120-column frame") { $0.split(separator: "\n").first.map { $0.count > 110 } ?? false }
        let pid = try #require(try tui.programPID())
        #expect(kill(pid, SIGWINCH) == 0)  // no size change: nothing breaks, the frame stays
        try tui.send("?")
        try tui.waitFor("Keys")
        try tui.send("q")
        try tui.send("q")
        try tui.waitFor("[exited 0]")
    }

    @Test func mouseClicksSelectPanesAndRows() throws {
        defer { cli.cleanUp() }
        for seed in 1...3 {
            try #require(try cli.run(["contacts", "add", Fixtures.peerID(seed).text, "--name", "Person \(seed)"]).status == 0)
        }
        let tui = try open()
        defer { tui.close() }
        try tui.waitFor("Contacts  1/3")
        // xterm SGR mouse reports, as a terminal sends them: press and release at column;row (1-based).
        try tui.send("\u{1B}[<0;10;6M", "\u{1B}[<0;10;6m", literal: true)
        try tui.waitFor("Contacts  3/3  Person 3")
        try tui.send("\u{1B}[<64;10;6M", literal: true)  // wheel up
        try tui.waitFor("Contacts  1/3  Person 1")
        try tui.send("\u{1B}[<0;20;1M", "\u{1B}[<0;20;1m", literal: true)  // the Favorites tab
        try tui.waitFor("─ Favorites")
    }

    /// How long this takes is a benchmark figure (`tui.external_change`), not a test's limit.
    @Test func changesFromAnotherProcessAppear() throws {
        defer { cli.cleanUp() }
        let tui = try open()
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        try #require(try cli.run(["contacts", "add", Fixtures.peerID(7).text, "--name", "Grace Hopper"]).status == 0)
        try tui.waitFor("Grace Hopper", timeout: 20)
        try #require(try cli.run(["contacts", "block", Fixtures.peerID(7).text]).status == 0)
        try tui.waitFor("Blocked 1", timeout: 20)
    }

    /// `/zoe`, Enter, `f`, `2`, `1`, `/ordinary` once searched for "zoeordinary".
    @Test func aSecondSearchReplacesTheFirst() throws {
        defer { cli.cleanUp() }
        try #require(try cli.run(["contacts", "add", Fixtures.peerID(1).text, "--name", "Zoë Adams"]).status == 0)
        try #require(try cli.run(["contacts", "add", Fixtures.peerID(2).text, "--name", "Ordinary Person"]).status == 0)
        let tui = try open()
        defer { tui.close() }
        try tui.waitFor("Contacts 2")
        try tui.send("/")
        try tui.send("zoe", literal: true)
        try tui.waitFor("1 found")
        try tui.send("Enter")
        try tui.send("f")
        try tui.waitFor("Favorites 1")
        try tui.send("2")
        try tui.send("1")
        try tui.send("/")
        try tui.send("ordinary", literal: true)
        let screen = try tui.waitFor("Search “ordinary”")
        #expect(!screen.contains("zoeordinary"))
        try tui.waitFor("Ordinary Person")
        try tui.send("Enter")
        try tui.send("b")
        try tui.waitFor("Block Ordinary Person?")
    }
}
