import Foundation
import PeerdexTestSupport
import Testing

/// Nearby discovery against an mDNS implementation we did not write (python-zeroconf), in network
/// namespaces the test creates: zeroconf sees and resolves a peerdex node and hears its goodbye,
/// over IPv4 and over IPv6;
/// peerdex verifies an instance zeroconf publishes with an advertisement signed by an independent
/// implementation of the format (`Tests/Interop/nearby_txt.py`), and drops a forged one.
@Suite(
    .serialized, .timeLimit(.minutes(2)),
    .enabled(
        if: NetworkNamespaces.isAvailable,
        Comment(rawValue: "network namespaces cannot be made here: \(NetworkNamespaces.unavailableReason ?? "")")))
struct NearbyInteropTests {
    @Test(arguments: ["v4", "v6"])
    func zeroconfResolvesAPeerdexNodeAndHearsItsGoodbye(ipVersion: String) async throws {
        let python = try #require(LineProcess.interopPython, "run `make deps`: it installs python-zeroconf")
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let ada = try NearbyPerson(name: "Ada", visibility: "public")
        defer { ada.cleanUp() }

        // Given a peerdex node in one namespace and zeroconf browsing in the other
        let node = try ada.startNode(in: lan, node: 0)
        let browser = try lan.run(
            in: 1, python, [Self.script("zeroconf_peer.py"), "browse", "--seconds", "30", "--ip-version", ipVersion])

        // Then zeroconf resolves the instance: name, port, address and the signed TXT
        var skipped = [String]()
        let added = try #require(
            browser.readLine(timeout: .seconds(10), skipped: &skipped) { $0.contains("\"added\"") },
            "zeroconf printed \(skipped); stderr: \(browser.errorOutput)")
        let service = try #require(try JSONSerialization.jsonObject(with: Data(added.utf8)) as? [String: Any])
        #expect(service["name"] as? String == "Ada._peerdex._tcp.local.")
        #expect(service["port"] as? Int == 7447)
        let address = ipVersion == "v4" ? lan.nodes[0].ipv4 : lan.nodes[0].ipv6
        #expect((service["addresses"] as? [String])?.contains(address) == true, "\(added)")
        let txt = try #require(service["txt"] as? [String: String], "\(added)")
        #expect(txt["v"] == "1")
        #expect(txt["id"] == ada.peerID)
        #expect(txt["n"] == "Ada")
        #expect(txt["port"] == "7447")
        #expect(txt["sig"]?.count == 103, "64 bytes in unpadded base32")

        // When the node stops cleanly, zeroconf hears the goodbye
        node.terminate()
        let removed = browser.readLine(timeout: .seconds(5), skipped: &skipped) { $0.contains("\"removed\"") }
        #expect(removed != nil, "zeroconf printed \(skipped)")
        #expect(await node.waitForExit(timeout: .seconds(10)) == 0, "\(node.errorOutput)")
        browser.terminate()
        _ = await browser.waitForExit(timeout: .seconds(10))
    }

    @Test func peerdexVerifiesAnInstanceZeroconfPublishesAndDropsAForgedOne() async throws {
        let python = try #require(LineProcess.interopPython, "run `make deps`: it installs python-zeroconf")
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        // Bob's node advertises nothing itself (private): zeroconf publishes for it
        let bob = try NearbyPerson(name: "Bob", visibility: "private")
        let impostor = try NearbyPerson(name: "Mallory", visibility: "private")
        let watcher = try NearbyPerson(name: "Watcher", visibility: "private")
        defer { bob.cleanUp(); impostor.cleanUp(); watcher.cleanUp() }
        let bobNode = try bob.startNode(in: lan, node: 1)
        let watching = try watcher.startNode(in: lan, node: 0)

        // Given zeroconf publishing Bob's signed advertisement, and one forged in Mallory's name
        let signed = try Self.txt(python, identity: bob, extra: ["--name", "Bobby"])
        let forged = try Self.txt(python, identity: impostor, extra: ["--forge"])
        var publishers = [NamespaceProcess]()
        for (name, txt) in [("Bobby", signed), ("Mallory", forged)] {
            let publisher = try lan.run(
                in: 1, python,
                [Self.script("zeroconf_peer.py"), "publish", "--name", name, "--port", "7447", "--address", lan.nodes[1].ipv4]
                    + txt.flatMap { ["--txt", $0] })
            _ = try #require(publisher.readLine(timeout: .seconds(15)), "publisher: \(publisher.errorOutput)")
            publishers.append(publisher)
        }

        // Then the peerdex node in the other namespace verifies Bob, by a handshake to his node
        try NearbyPerson.expectLine(from: watching, "nearby \(bob.peerID) at \(lan.nodes[1].ipv4):7447 verified")

        // And a browse from there lists Bob with the name zeroconf published, and drops the forgery
        let result = try lan.execute(
            in: 0, CommandRunner.executable.path,
            ["nearby", "--wait", "3", "--json", "--data-dir", NearbyPerson.scratchDirectory()])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let peers = try #require(report["peers"] as? [[String: Any]], "\(result.stdout)")
        #expect(peers.compactMap { $0["peerId"] as? String } == [bob.peerID], "\(result.stdout)")
        #expect(peers.first?["name"] as? String == "Bobby")
        let dropped = report["dropped"] as? [String: Int] ?? [:]
        #expect((dropped["forged"] ?? 0) >= 1, "\(result.stdout)")

        for publisher in publishers { publisher.terminate() }
        bobNode.terminate()
        for publisher in publishers { _ = await publisher.waitForExit(timeout: .seconds(10)) }
    }

    // MARK: - Helpers

    static func script(_ name: String) -> String { LineProcess.interopScript(name) }

    /// The TXT strings `nearby_txt.py` makes for `identity`'s key.
    static func txt(_ python: String, identity: NearbyPerson, extra: [String]) throws -> [String] {
        let result = try CommandRunner.runTool(
            python,
            [
                script("nearby_txt.py"), "--identity", identity.runner.dataDirectory + "/identity.key", "--seq",
                String(Int(Date().timeIntervalSince1970 * 1_000)), "--port", "7447",
            ] + extra)
        try #require(result.status == 0, "nearby_txt.py: \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }
}
