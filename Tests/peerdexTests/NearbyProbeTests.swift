import Foundation
import PeerdexTestSupport
import Testing

/// The nearby probe end to end (issue 12, items 3 and 4): namespaces whose links carry no
/// multicast, so mDNS finds nobody, and a node probing the subnet directly finds and verifies a
/// public node, never a private one, and a `contacts` node only when it is that node's contact;
/// `peerdex nearby --probe` does the same.
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: NetworkNamespaces.isAvailable,
        Comment(rawValue: "network namespaces cannot be made here: \(NetworkNamespaces.unavailableReason ?? "")")))
struct NearbyProbeTests {
    @Test func aProbeFindsWhatMulticastCannotAndHonoursVisibility() async throws {
        let lan = try NetworkNamespaces(count: 5)
        defer { lan.remove() }
        // No multicast on any link: the kernel sends none and the node finds no interface to join.
        for node in lan.nodes { try lan.ip(node.namespace, ["link", "set", node.interface, "multicast", "off"]) }
        let prober = try NearbyPerson(name: "Prober", visibility: "public")
        let ada = try NearbyPerson(name: "Ada", visibility: "public")
        let hidden = try NearbyPerson(name: "Hidden", visibility: "private")
        let cyd = try NearbyPerson(name: "Cyd", visibility: "contacts")
        let dee = try NearbyPerson(name: "Dee", visibility: "contacts")
        defer { for person in [prober, ada, hidden, cyd, dee] { person.cleanUp() } }
        // Cyd has the prober as a contact; Dee does not, though the prober has Dee.
        _ = try cyd.runner.run(["contacts", "add", prober.peerID, "--name", "Prober"])
        _ = try prober.runner.run(["contacts", "add", dee.peerID, "--name", "Dee"])
        var responders = [NamespaceProcess]()
        for (index, person) in [(1, ada), (2, hidden), (3, cyd), (4, dee)] {
            responders.append(try person.startNode(in: lan, node: index))
        }
        defer { for process in responders { process.kill() } }

        // Given no multicast, a node without a probe range finds nobody within 3 s
        let plain = try prober.startNode(in: lan, node: 0)
        var skipped = [String]()
        let unavailable = plain.readLine(timeout: .seconds(5), skipped: &skipped) {
            $0.hasPrefix("nearby discovery unavailable:")
        }
        #expect(unavailable != nil, "\(skipped)")
        let found = plain.readLine(timeout: .seconds(3), skipped: &skipped) { $0.hasSuffix("verified") }
        #expect(found == nil, "mDNS got through: \(skipped)")
        plain.terminate()
        #expect(await plain.waitForExit(timeout: .seconds(10)) == 0, "\(plain.errorOutput)")

        // When it probes the subnet instead
        let probing = try prober.startNode(in: lan, node: 0, extraArguments: ["--nearby-probe", "10.213.0.0/24"])

        // Then it verifies the public node and the contacts node that has it as a contact
        try NearbyPerson.expectLines(
            from: probing,
            [
                "nearby \(ada.peerID) at \(lan.nodes[1].ipv4):7447 verified",
                "nearby \(cyd.peerID) at \(lan.nodes[3].ipv4):7447 verified",
            ], within: .seconds(15))
        // And never the private node, nor the contacts node that does not know it (both were
        // probed in the same first second as the others)
        skipped = []
        let leaked = probing.readLine(timeout: .seconds(3), skipped: &skipped) { line in
            line.contains(hidden.peerID) || line.contains(dee.peerID)
        }
        #expect(leaked == nil, "\(skipped)")
        probing.terminate()
        #expect(await probing.waitForExit(timeout: .seconds(10)) == 0, "\(probing.errorOutput)")
        let log = (try? String(contentsOfFile: prober.runner.dataDirectory + "/peerdex.log", encoding: .utf8)) ?? ""
        #expect(log.contains("multicast DNS unavailable; nearby discovery probes only"), "probe-only mode says so")

        // And `peerdex nearby --probe` lists the same two
        let session = try lan.execute(
            in: 0, CommandRunner.executable.path,
            ["nearby", "--wait", "6", "--probe", "10.213.0.0/24", "--json", "--data-dir", prober.runner.dataDirectory])
        #expect(session.status == 0, "\(session.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(session.stdout.utf8)) as? [String: Any])
        let peers = try #require(report["peers"] as? [[String: Any]], "\(session.stdout)")
        #expect(Set(peers.compactMap { $0["peerId"] as? String }) == [ada.peerID, cyd.peerID], "\(session.stdout)")
        #expect(peers.first { $0["peerId"] as? String == ada.peerID }?["name"] as? String == "Ada")
        #expect(peers.first { $0["peerId"] as? String == cyd.peerID }?["name"] == nil, "a contacts node sends no name")
    }

    @Test func anInvalidRangeIsAClearError() throws {
        // In a namespace all the same: were the range accepted, nothing would reach the real network.
        let lan = try NetworkNamespaces(count: 1)
        defer { lan.remove() }
        let person = try NearbyPerson(name: "Wide", visibility: "public")
        defer { person.cleanUp() }
        let wide = try lan.execute(
            in: 0, CommandRunner.executable.path,
            ["node", "--nearby", "--nearby-probe", "10.0.0.0/16", "--data-dir", person.runner.dataDirectory])
        #expect(wide.status != 0)
        #expect(wide.stderr.contains("--nearby-probe: '10.0.0.0/16' is too wide: a probe range is at most a /24 (256 addresses)"), "\(wide.stderr)")
        let session = try lan.execute(
            in: 0, CommandRunner.executable.path,
            ["nearby", "--probe", "10.0.0.1/24", "--data-dir", person.runner.dataDirectory])
        #expect(session.status != 0)
        #expect(session.stderr.contains("--probe: '10.0.0.1/24' has host bits set; did you mean 10.0.0.0/24?"), "\(session.stderr)")
    }
}
