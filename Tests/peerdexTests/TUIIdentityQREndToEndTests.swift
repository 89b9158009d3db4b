import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// The real TUI in an 80×24 tmux window: once its in-process node listens, `i` shows the invite
/// with the node's address and a QR code of it that zbarimg reads off the captured screen.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: TmuxSession.isAvailable, "needs tmux (make test installs it)"))
struct TUIIdentityQREndToEndTests {
    @Test func theOverlaysCodeCarriesTheInProcessNodesAddress() throws {
        let user = CommandRunner()
        defer { user.cleanUp() }
        let tui = try TmuxSession(
            command: [CommandRunner.executable.path, "--data-dir", user.dataDirectory, "--listen", "127.0.0.1:0"],
            width: 80, height: 24)
        defer { tui.close() }
        try tui.waitFor("online 127.0.0.1:")
        // `peerdex invite` reads the TUI's node from node.json; the overlay must show the same invite.
        let invite = try #require(try user.json(["invite"]) as? [String: Any])
        let url = try #require(invite["invite"] as? String)
        let address = try #require(invite["address"] as? String)
        #expect(address.hasPrefix("127.0.0.1:"))

        try tui.send("i")
        let screen = try tui.waitFor("@\(address)")
        // The code is the first 45 columns of the first 23 rows (a version 5 code with its quiet zone).
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(23).map { row in
            String(row.prefix(45)).padding(toLength: 45, withPad: " ", startingAt: 0)
        }
        #expect(rows.first == String(repeating: "█", count: 45), "\(screen)")
        #expect(try QRDecoding.decode(pixels: QRDecoding.pixels(halfBlockLines: rows)) == url)
        try tui.send("q")  // closes the overlay
        try tui.waitFor("the overlay closed") { !$0.contains("Your identity") }
        try tui.send("q")
        // Quitting stops the node, which takes its address file away.
        let nodeFile = user.dataDirectory + "/node.json"
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: nodeFile), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!FileManager.default.fileExists(atPath: nodeFile))
    }
}
