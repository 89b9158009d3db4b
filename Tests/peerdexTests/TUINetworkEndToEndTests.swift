import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// The real TUI with its in-process node, in a real (tmux) terminal, on a network of real
/// `peerdex node` processes on 127.0.0.1: a search finds someone who is not in the book, and `a`
/// adds them.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: TmuxSession.isAvailable, "needs tmux (make test installs it)"))
struct TUINetworkEndToEndTests {
    @Test func aNetworkResultIsFoundAndAdded() throws {
        let runners = (0..<3).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let (bootstrapRunner, ada, user) = (runners[0], runners[1], runners[2])
        let saved = try ada.run(
            ["profile", "set", "--name", "Ada Networked", "--interests", "jazz", "--visibility", "public",
             "--share-with-discovery-peers", "on"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let bootstrap = try NodeProcess(bootstrapRunner)
        let adaNode = try NodeProcess(ada, arguments: ["--bootstrap", bootstrap.bootstrapArgument])
        defer { for node in [bootstrap, adaNode] { node.kill() } }
        let adaID = try #require(adaNode.peerID)

        // Given the TUI on an empty book, its node joining through the bootstrap node
        let tui = try TmuxSession(
            command: [
                CommandRunner.executable.path, "--data-dir", user.dataDirectory, "--listen", "127.0.0.1:0",
                "--bootstrap", bootstrap.bootstrapArgument,
            ], width: 120, height: 30)
        try tui.waitFor("contact book is empty")
        try tui.waitFor("1 discovery peer", timeout: 30)

        // When the user searches for Ada, she shows up as a network row
        try tui.send("/")
        try tui.send("Ada", literal: true)
        let found = try tui.waitFor("Ada Networked", timeout: 15)
        #expect(found.contains("◇"), "\(found)")
        try tui.waitFor("1 found")

        // And `a` on that row, then Enter on the name it offers, adds her to the book
        try tui.send("Enter")
        try tui.send("a")
        try tui.waitFor("Ada Networked")
        try tui.send("Enter")
        try tui.waitFor("Added Ada Networked")
        let shown = try user.run(["contacts", "show", adaID.text, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Ada Networked"))
        try tui.send("q")
    }

    @Test func offlineSaysSoOnTheStatusLine() throws {
        let user = CommandRunner()
        defer { user.cleanUp() }
        let tui = try TmuxSession(
            command: [CommandRunner.executable.path, "--data-dir", user.dataDirectory, "--offline"], width: 100, height: 30)
        try tui.waitFor("offline: started with --offline")
        try tui.send("q")
    }
}
