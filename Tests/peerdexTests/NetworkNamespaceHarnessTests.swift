import Foundation
import PeerdexTestSupport
import Testing

/// The network-namespace harness that the nearby-discovery tests stand on, proved with an
/// independent mDNS implementation (python-zeroconf, `Tests/Interop/zeroconf_peer.py`): multicast
/// DNS crosses the bridge over IPv4 and over IPv6, a goodbye is heard, a cut link silences a node,
/// and no namespace has a way out.
@Suite(
    .timeLimit(.minutes(1)),
    .enabled(
        if: NetworkNamespaces.isAvailable,
        Comment(rawValue: "network namespaces cannot be made here: \(NetworkNamespaces.unavailableReason ?? "")")))
struct NetworkNamespaceHarnessTests {
    @Test(arguments: ["v4", "v6"])
    func aZeroconfServiceIsBrowsedFromAnotherNamespaceAndItsGoodbyeRemovesIt(ipVersion: String) async throws {
        let python = try #require(LineProcess.interopPython, "run `make deps`: it installs python-zeroconf")
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let (publisherNode, browserNode) = (lan.nodes[0], lan.nodes[1])
        let name = "harness-" + UUID().uuidString.prefix(8).lowercased()
        let address = ipVersion == "v4" ? publisherNode.ipv4 : publisherNode.ipv6

        // Given a browser in one namespace and a publisher in the other
        let browser = try lan.run(
            in: browserNode.index, python, Self.peer + ["browse", "--seconds", "50", "--ip-version", ipVersion])
        let publisher = try lan.run(
            in: publisherNode.index, python,
            Self.peer + [
                "publish", "--name", name, "--port", "4242", "--txt", "v=1", "--txt", "id=\(name)", "--address",
                address,
                "--ip-version", ipVersion,
            ])
        let registered = try #require(publisher.readLine(timeout: .seconds(15)), "publisher: \(publisher.errorOutput)")
        #expect(try Self.object(registered)["event"] as? String == "registered")

        // Then the browser resolves it, with what was published
        var skipped = [String]()
        let added = try #require(
            browser.readLine(timeout: .seconds(10), skipped: &skipped) {
                $0.contains("\"added\"") && $0.contains(name)
            },
            "browser printed \(skipped); stderr: \(browser.errorOutput)")
        let service = try Self.object(added)
        #expect(service["name"] as? String == "\(name)._peerdex._tcp.local.")
        #expect(service["addresses"] as? [String] == [address])
        #expect(service["port"] as? Int == 4242)
        #expect(service["txt"] as? [String: String] == ["v": "1", "id": name])

        // When the publisher shuts down cleanly, its goodbye reaches the browser
        publisher.terminate()
        let publisherExit = await publisher.waitForExit(timeout: .seconds(10))
        #expect(publisherExit == 0, "publisher: \(publisher.errorOutput)")
        let removed = browser.readLine(timeout: .seconds(5), skipped: &skipped) {
            $0.contains("\"removed\"") && $0.contains(name)
        }
        #expect(removed != nil, "browser printed \(skipped)")
        browser.terminate()
        let browserExit = await browser.waitForExit(timeout: .seconds(10))
        #expect(browserExit == 0, "browser: \(browser.errorOutput)")
    }

    @Test func aCutLinkSilencesANodeUntilItIsRestored() async throws {
        let python = try #require(LineProcess.interopPython, "run `make deps`: it installs python-zeroconf")
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let publisherNode = lan.nodes[0]

        // Given a published service on a node whose link is cut
        try lan.cutLink(of: publisherNode.index)
        let publisher = try lan.run(
            in: publisherNode.index, python,
            Self.peer + ["publish", "--name", "silent", "--port", "4242", "--address", publisherNode.ipv4])
        _ = try #require(publisher.readLine(timeout: .seconds(15)), "publisher: \(publisher.errorOutput)")

        // Then a browser on the other node hears nothing of it
        let deaf = try lan.execute(in: 1, python, Self.peer + ["browse", "--seconds", "2"])
        #expect(
            deaf.stdout.split(separator: "\n").map(String.init) == [#"{"event": "done", "seen": 0}"#], "\(deaf.stderr)")
        #expect(publisher.isRunning, "the node itself noticed nothing")

        // When the link is restored, the same publisher answers a new browser's query
        try lan.restoreLink(of: publisherNode.index)
        let hearing = try lan.execute(in: 1, python, Self.peer + ["browse", "--seconds", "2"])
        #expect(
            hearing.stdout.contains(#""name": "silent._peerdex._tcp.local.""#), "\(hearing.stdout) \(hearing.stderr)")
    }

    @Test func theNamespacesHaveNoWayOutAndRemoveLeavesNothing() throws {
        let lan = try NetworkNamespaces(count: 2)
        let namespaces = lan.nodes.map(\.namespace) + [lan.bridgeNamespace]
        #expect(Set(try Self.namespaceList(lan)).isSuperset(of: namespaces))

        for node in lan.nodes {
            // Then each node has its loopback and its one interface on the bridge, and no default route
            #expect(try Self.linkNames(lan, node.namespace) == ["eth0", "lo"])
            #expect(try lan.ip(node.namespace, ["-j", "route", "show", "default"]).trimmed == "[]")
            #expect(try lan.ip(node.namespace, ["-j", "-6", "route", "show", "default"]).trimmed == "[]")
            // and an address beyond the segment is unreachable (documentation ranges, RFC 5737 / 3849)
            #expect(throws: NetworkNamespaces.CommandFailed.self) {
                try lan.ip(node.namespace, ["route", "get", "192.0.2.1"])
            }
            #expect(throws: NetworkNamespaces.CommandFailed.self) {
                try lan.ip(node.namespace, ["-6", "route", "get", "2001:db8::1"])
            }
        }
        // The bridge namespace switches only: no addresses besides loopback's, no routes
        #expect(try Self.linkNames(lan, lan.bridgeNamespace) == ["br0", "lo", "p0", "p1"])
        #expect(try lan.ip(lan.bridgeNamespace, ["-j", "route", "show"]).trimmed == "[]")
        let bridgeAddresses = try lan.ip(lan.bridgeNamespace, ["-br", "addr", "show", "dev", "br0"])
        #expect(!bridgeAddresses.contains("."), "\(bridgeAddresses)")

        // When the harness is removed, every namespace goes
        lan.remove()
        #expect(Set(try Self.namespaceList(lan)).isDisjoint(with: namespaces))
    }

    // MARK: - Helpers

    static var peer: [String] { [LineProcess.interopScript("zeroconf_peer.py")] }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }

    static func linkNames(_ lan: NetworkNamespaces, _ namespace: String) throws -> [String] {
        let links = try JSONSerialization.jsonObject(with: Data(try lan.ip(namespace, ["-j", "link", "show"]).utf8))
        return ((links as? [[String: Any]]) ?? []).compactMap { $0["ifname"] as? String }.sorted()
    }

    static func namespaceList(_ lan: NetworkNamespaces) throws -> [String] {
        try lan.ip(nil, ["netns", "list"]).split(separator: "\n").compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
