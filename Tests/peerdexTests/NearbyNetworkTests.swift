import Foundation
import PeerdexTestSupport
import Testing

/// Nearby discovery end to end (issue 12): real `peerdex` processes in network namespaces the
/// test creates, joined by a bridge, with no route anywhere else. Nodes find and verify each
/// other, a private node stays invisible, a killed node disappears within 10 s and one that
/// shuts down cleanly at once, an unblocked peer is listed again at once, and a DHT lookup works
/// between namespaces with no bootstrap node.
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: NetworkNamespaces.isAvailable,
        Comment(rawValue: "network namespaces cannot be made here: \(NetworkNamespaces.unavailableReason ?? "")")))
struct NearbyNetworkTests {
    @Test func twoNodesFindAndVerifyEachOtherAndTheCommandListsThem() async throws {
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let ada = try NearbyPerson(name: "Ada", visibility: "public")
        let bob = try NearbyPerson(name: "Bob", visibility: "contacts")
        defer { ada.cleanUp(); bob.cleanUp() }

        // Given a node with nearby discovery in each namespace
        let adaNode = try ada.startNode(in: lan, node: 0)
        let bobNode = try bob.startNode(in: lan, node: 1)

        // Then each verifies the other at the other's address, within seconds
        try NearbyPerson.expectLine(from: adaNode, "nearby \(bob.peerID) at \(lan.nodes[1].ipv4):7447 verified")
        try NearbyPerson.expectLine(from: bobNode, "nearby \(ada.peerID) at \(lan.nodes[0].ipv4):7447 verified")

        // And a third person browsing from Bob's namespace lists both, Bob without his name
        let carol = try NearbyPerson(name: "Carol", visibility: "private")
        defer { carol.cleanUp() }
        _ = try carol.runner.run(["contacts", "add", ada.peerID, "--name", "Ada L."])
        let result = try lan.execute(
            in: 1, CommandRunner.executable.path,
            ["nearby", "--wait", "3", "--json", "--data-dir", carol.runner.dataDirectory])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let peers = try #require(report["peers"] as? [[String: Any]], "\(result.stdout)")
        let byID = Dictionary(uniqueKeysWithValues: peers.compactMap { peer in (peer["peerId"] as? String).map { ($0, peer) } })
        #expect(Set(byID.keys) == [ada.peerID, bob.peerID], "\(result.stdout)")
        #expect(byID[ada.peerID]?["name"] as? String == "Ada")
        #expect(byID[ada.peerID]?["address"] as? String == "\(lan.nodes[0].ipv4):7447")
        #expect(byID[ada.peerID]?["contact"] as? Bool == true)
        #expect(byID[bob.peerID]?["name"] == nil, "a contacts-only profile's name stays off the LAN")
        #expect(byID[bob.peerID]?["contact"] as? Bool == false)
        #expect(report["advertised"] as? Bool == false, "Carol is private")
    }

    @Test func aPrivateNodeIsNeverAdvertisedButStillSeesOthers() async throws {
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let hidden = try NearbyPerson(name: "Hidden", visibility: "private")
        let open = try NearbyPerson(name: "Open", visibility: "public")
        defer { hidden.cleanUp(); open.cleanUp() }

        let hiddenNode = try hidden.startNode(in: lan, node: 0)
        let openNode = try open.startNode(in: lan, node: 1)

        // The private node sees the public one…
        try NearbyPerson.expectLine(from: hiddenNode, "nearby \(open.peerID) at \(lan.nodes[1].ipv4):7447 verified")
        // …and a browser next to the public one, given time for several query rounds, never sees it
        let result = try lan.execute(
            in: 1, CommandRunner.executable.path,
            ["nearby", "--wait", "4", "--json", "--data-dir", NearbyPerson.scratchDirectory()])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(open.peerID), "\(result.stdout)")
        #expect(!result.stdout.contains(hidden.peerID), "\(result.stdout)")
        var skipped = [String]()
        let heard = openNode.readLine(timeout: .milliseconds(500), skipped: &skipped) { $0.contains(hidden.peerID) }
        #expect(heard == nil, "the public node heard of the private one: \(skipped)")
    }

    @Test func aKilledNodeDisappearsWithinTenSecondsAndAGoodbyeAtOnce() async throws {
        let lan = try NetworkNamespaces(count: 3)
        defer { lan.remove() }
        let watcher = try NearbyPerson(name: "Watcher", visibility: "private")
        let crasher = try NearbyPerson(name: "Crasher", visibility: "public")
        let leaver = try NearbyPerson(name: "Leaver", visibility: "public")
        defer { watcher.cleanUp(); crasher.cleanUp(); leaver.cleanUp() }
        let watching = try watcher.startNode(in: lan, node: 0)
        let crashing = try crasher.startNode(in: lan, node: 1)
        let leaving = try leaver.startNode(in: lan, node: 2)
        try NearbyPerson.expectLines(
            from: watching,
            [
                "nearby \(crasher.peerID) at \(lan.nodes[1].ipv4):7447 verified",
                "nearby \(leaver.peerID) at \(lan.nodes[2].ipv4):7447 verified",
            ])

        // When one node is killed (no goodbye), the re-checks drop it within 10 s
        crashing.kill()
        var started = ContinuousClock.now
        try NearbyPerson.expectLine(from: watching, "nearby \(crasher.peerID) gone (recheckFailed)", within: .seconds(10))
        #expect(ContinuousClock.now - started < .seconds(10))

        // When the other stops cleanly, its goodbye drops it within a second
        started = ContinuousClock.now
        leaving.terminate()
        try NearbyPerson.expectLine(from: watching, "nearby \(leaver.peerID) gone (goodbye)", within: .seconds(3))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(await leaving.waitForExit(timeout: .seconds(10)) == 0, "\(leaving.errorOutput)")
    }

    @Test func anUnblockedPeerIsListedAgainAtOnceOverMulticast() async throws {
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let user = try NearbyPerson(name: "User", visibility: "private")
        let bob = try NearbyPerson(name: "Bob", visibility: "public")
        defer { user.cleanUp(); bob.cleanUp() }
        _ = try user.runner.run(["contacts", "add", bob.peerID, "--name", "Bob"])
        let blocked = try user.runner.run(["contacts", "block", bob.peerID])
        try #require(blocked.status == 0, "\(blocked.stderr)")

        // Given the user's node, which blocks Bob, beside Bob's, past his announcements (1, 2 and
        // 4 s after he starts) and the user's first queries: both have heard each other out, and
        // the user's queries now carry Bob's PTR as a known answer, which keeps Bob quiet.
        let userNode = try user.startNode(in: lan, node: 0)
        let bobNode = try bob.startNode(in: lan, node: 1)
        defer { bobNode.kill(); userNode.kill() }
        try await Task.sleep(for: .seconds(9))
        var skipped = [String]()
        let early = userNode.readLine(timeout: .milliseconds(100), skipped: &skipped) { $0.contains(bob.peerID) }
        #expect(early == nil, "a blocked peer was listed: \(skipped)")

        // When the user unblocks him, the node asks afresh and lists him within seconds (the
        // store is read every second), not at Bob's next announcement, which would never come
        let unblocked = try user.runner.run(["contacts", "unblock", bob.peerID])
        try #require(unblocked.status == 0, "\(unblocked.stderr)")
        try NearbyPerson.expectLine(
            from: userNode, "nearby \(bob.peerID) at \(lan.nodes[1].ipv4):7447 verified", within: .seconds(4))
    }

    @Test func aDHTLookupWorksBetweenNamespacesWithNoBootstrapNode() async throws {
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let ada = try NearbyPerson(name: "Ada Lovelace", visibility: "public", interests: "maths")
        let bob = try NearbyPerson(name: "Bob", visibility: "public")
        defer { ada.cleanUp(); bob.cleanUp() }
        let adaNode = try ada.startNode(in: lan, node: 0)
        let bobNode = try bob.startNode(in: lan, node: 1)
        try NearbyPerson.expectLine(from: adaNode, "nearby \(bob.peerID) at \(lan.nodes[1].ipv4):7447 verified")
        try NearbyPerson.expectLine(from: bobNode, "nearby \(ada.peerID) at \(lan.nodes[0].ipv4):7447 verified")

        // When someone in Bob's namespace looks Ada up with no bootstrap node, only the LAN
        let lookup = try lan.execute(
            in: 1, CommandRunner.executable.path,
            ["lookup", ada.peerID, "--nearby", "--json", "--data-dir", NearbyPerson.scratchDirectory()])

        // Then the DHT the nearby peers seeded holds her profile
        #expect(lookup.status == 0, "\(lookup.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8)) as? [String: Any])
        #expect(report["name"] as? String == "Ada Lovelace", "\(lookup.stdout)")
        #expect(report["interests"] as? [String] == ["maths"])
    }
}

/// One person of a nearby test: a data directory with a profile, and the node run from it.
struct NearbyPerson {
    let runner: CommandRunner
    let peerID: String

    /// A new identity with `name` and `visibility` (and `interests`).
    init(name: String, visibility: String, interests: String? = nil) throws {
        runner = CommandRunner()
        var arguments = ["profile", "set", "--name", name, "--visibility", visibility]
        if let interests { arguments += ["--interests", interests] }
        let set = try runner.run(arguments)
        try #require(set.status == 0, "profile set: \(set.stderr)")
        let id = try runner.json(["id", "--json"]) as? [String: Any]
        peerID = try #require(id?["peerId"] as? String)
    }

    /// A `peerdex node --nearby` (with `extraArguments`) in namespace `node` of `lan`, once it listens.
    func startNode(in lan: NetworkNamespaces, node: Int, extraArguments: [String] = []) throws -> NamespaceProcess {
        let process = try lan.run(
            in: node, CommandRunner.executable.path,
            ["node", "--listen", "0.0.0.0:7447", "--nearby", "--log-level", "debug", "--data-dir", runner.dataDirectory]
                + extraArguments)
        try Self.expectLine(from: process, "listening on 0.0.0.0:7447 peer \(peerID)", within: .seconds(20))
        return process
    }

    /// Waits for `line` on `process`'s stdout, failing with what it printed instead.
    static func expectLine(from process: NamespaceProcess, _ line: String, within timeout: Duration = .seconds(10)) throws {
        var skipped = [String]()
        let found = process.readLine(timeout: timeout, skipped: &skipped) { $0 == line }
        try #require(found != nil, "no '\(line)' within \(timeout); printed \(skipped); stderr: \(process.errorOutput)")
    }

    /// Waits for every one of `lines`, in any order.
    static func expectLines(from process: NamespaceProcess, _ lines: Set<String>, within timeout: Duration = .seconds(10)) throws {
        var missing = lines
        var skipped = [String]()
        let deadline = ContinuousClock.now + timeout
        while !missing.isEmpty, ContinuousClock.now < deadline {
            guard let line = process.readLine(timeout: deadline - ContinuousClock.now, skipped: &skipped, where: missing.contains)
            else { break }
            missing.remove(line)
        }
        try #require(missing.isEmpty, "missing \(missing) within \(timeout); printed \(skipped); stderr: \(process.errorOutput)")
    }

    /// A fresh data directory nobody else uses.
    static func scratchDirectory() -> String { CommandRunner().dataDirectory }

    func cleanUp() { runner.cleanUp() }
}

/// The TUI's Nearby pane on a real LAN of namespaces, in a real (tmux) terminal: a node in the
/// other namespace appears, `a` adds it as a contact, and it goes when it is killed.
@Suite(
    .serialized, .timeLimit(.minutes(2)),
    .enabled(
        if: NetworkNamespaces.isAvailable && TmuxSession.isAvailable,
        Comment(rawValue: "needs network namespaces and tmux: \(NetworkNamespaces.unavailableReason ?? "no tmux")")))
struct NearbyTUIEndToEndTests {
    @Test func aNearbyPeerAppearsIsAddedAndGoes() throws {
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let bob = try NearbyPerson(name: "Bob Nearby", visibility: "public")
        let user = try NearbyPerson(name: "User", visibility: "private")
        defer { bob.cleanUp(); user.cleanUp() }
        let bobNode = try bob.startNode(in: lan, node: 1)
        defer { bobNode.kill() }

        // Given the TUI with nearby discovery in the other namespace, on its Nearby pane
        let tui = try TmuxSession(
            command: [
                "ip", "netns", "exec", lan.nodes[0].namespace, CommandRunner.executable.path, "--data-dir",
                user.runner.dataDirectory, "--nearby",
            ], width: 120, height: 30)
        defer { tui.close() }
        try tui.waitFor("contact book is empty")
        try tui.send("3")

        // Then Bob's node appears, verified, with its address
        let screen = try tui.waitFor("Bob Nearby")
        #expect(screen.contains("\(lan.nodes[1].ipv4)"), "\(screen)")

        // When `a` is pressed on his row, he is a contact
        try tui.send("a")
        try tui.waitFor("Bob as a contact", timeout: 10) { _ in
            Thread.sleep(forTimeInterval: 0.2)
            let listed = try? user.runner.run(["contacts", "list", "--json"])
            return listed?.stdout.contains(bob.peerID) == true
        }

        // When his node is killed, his row goes within 10 s (the status line still says he was added)
        bobNode.kill()
        try tui.waitFor("Looking for peerdex nodes", timeout: 12)
    }
}
