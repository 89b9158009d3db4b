import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// End-to-end runs of `peerdex invite` (the address of the node running for the data directory)
/// and of `--qr` on `invite` and `id`, decoded back with zbarimg.
@Suite(.timeLimit(.minutes(2))) struct InviteCommandTests {
    let cli = CommandRunner()

    /// `invite --json` as a dictionary, with what it said on stderr.
    func invite(_ arguments: [String] = []) throws -> (json: [String: Any], stderr: String) {
        let result = try cli.run(["invite", "--json"] + arguments)
        try #require(result.status == 0, "peerdex invite exited \(result.status): \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (json, result.stderr)
    }

    /// Runs `peerdex <arguments>` in a terminal of the given size (a pty from util-linux
    /// `script`); stdout and stderr both arrive in `stdout`, as on a screen.
    func runInTerminal(columns: Int, rows: Int, _ arguments: [String]) throws -> CommandRunner.Result {
        let words = [CommandRunner.executable.path] + arguments + ["--data-dir", cli.dataDirectory]
        let command = "stty cols \(columns) rows \(rows); exec " + words.map { "'\($0)'" }.joined(separator: " ")
        return try CommandRunner.runTool("/usr/bin/script", ["--quiet", "--return", "--command", command, "/dev/null"])
    }

    @Test func withNoNodeRunningTheInviteHasNoAddressAndSaysWhy() throws {
        defer { cli.cleanUp() }
        let peerID = try #require((try cli.json(["id"]) as? [String: String])?["peerId"])
        let (json, stderr) = try invite()
        #expect(json["peerId"] as? String == peerID)
        #expect(json["invite"] as? String == "peerdex://\(peerID)")
        #expect(json["address"] is NSNull)
        #expect(stderr.contains("no node is running for this data directory; the invite carries no address"))
        let human = try cli.run(["invite"])
        #expect(human.status == 0)
        #expect(human.stdout == "peerdex://\(peerID)\n")
    }

    @Test func aRunningNodesAddressGoesInTheInviteUntilItStops() async throws {
        defer { cli.cleanUp() }
        let node = try NodeProcess(cli)
        let (json, stderr) = try invite()
        let peerID = try #require(node.peerID)
        #expect(json["address"] as? String == "\(node.address)")
        #expect(json["invite"] as? String == "peerdex://\(peerID)@\(node.address)")
        #expect(stderr.isEmpty)
        // The invite parses back to the node, as `contacts add` and `ping` read it.
        let parsed = try Invite(parsing: try #require(json["invite"] as? String))
        #expect(parsed.peerID == peerID && parsed.address == node.address)
        // Stopped cleanly, the node takes its address file away.
        node.process.terminate()
        #expect(await node.waitForExit(timeout: .seconds(10)) == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.dataDirectory + "/node.json"))
        #expect(try invite().json["address"] is NSNull)
    }

    @Test func aCrashedNodesFileIsIgnored() throws {
        defer { cli.cleanUp() }
        let node = try NodeProcess(cli)
        node.kill()  // SIGKILL: no chance to remove node.json
        #expect(FileManager.default.fileExists(atPath: cli.dataDirectory + "/node.json"))
        let (json, stderr) = try invite()
        #expect(json["address"] is NSNull)
        #expect(stderr.contains("no node is running"))
    }

    @Test func addressOverridesTheNodes() throws {
        defer { cli.cleanUp() }
        let node = try NodeProcess(cli)
        defer { node.kill() }
        let (json, stderr) = try invite(["--address", "peer.example:443"])
        #expect(json["address"] as? String == "peer.example:443")
        #expect((json["invite"] as? String)?.hasSuffix("@peer.example:443") == true)
        #expect(stderr.isEmpty)
        let bad = try cli.run(["invite", "--address", "peer.example"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--address"))
        #expect(try cli.run(["invite", "--json", "--qr"]).status != 0)
    }

    @Test func idQRIntoAPipePrintsTheTextThenACodeThatDecodes() throws {
        defer { cli.cleanUp() }
        let result = try cli.run(["id", "--qr"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let invite = try #require(lines.count > 2 ? lines[1].dropFirst("invite   ".count) : nil)
        #expect(lines[0].hasPrefix("peer ID  "))
        let code = Array(lines.dropFirst(2))
        // An address-less invite: version 4, 33 modules, 41 with the quiet zone, 21 lines.
        #expect(code.count == 21 && code.allSatisfy { $0.count == 41 })
        #expect(code[0] == String(repeating: "█", count: 41))  // the quiet zone, light
        #expect(try QRDecoding.decode(pixels: QRDecoding.pixels(halfBlockLines: code)) == String(invite))
    }

    @Test func inviteQRCarriesTheNodesAddressAndFitsEightyByTwentyFour() throws {
        defer { cli.cleanUp() }
        let node = try NodeProcess(cli)
        defer { node.kill() }
        let url = "peerdex://\(try #require(node.peerID))@\(node.address)"
        let piped = try cli.run(["invite", "--qr"])
        #expect(piped.status == 0)
        let lines = piped.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == url)
        #expect(try QRDecoding.decode(pixels: QRDecoding.pixels(halfBlockLines: Array(lines.dropFirst()))) == url)
        // In an 80×24 terminal the code (45×23 for a 127.0.0.1 invite) and the prompt fit.
        let screen = try runInTerminal(columns: 80, rows: 24, ["invite", "--qr"])
        #expect(screen.status == 0)
        #expect(screen.stdout.contains("█████"))
    }

    @Test func aTerminalTooSmallForTheCodeIsRefusedWithTheSizeNeeded() throws {
        defer { cli.cleanUp() }
        let narrow = try runInTerminal(columns: 40, rows: 30, ["id", "--qr"])
        #expect(narrow.status == 1)
        #expect(narrow.stdout.contains("the terminal is 40×30; the QR code needs at least 41×22"))
        #expect(!narrow.stdout.contains("▀"))
        let short = try runInTerminal(columns: 80, rows: 21, ["id", "--qr"])
        #expect(short.status == 1)
        #expect(short.stdout.contains("needs at least 41×22"))
        let enough = try runInTerminal(columns: 41, rows: 22, ["id", "--qr"])
        #expect(enough.status == 0)
    }
}
