import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

/// The fallback rendezvous server, with real `peerdex node` processes on 127.0.0.1: a newcomer
/// with no bootstrap node joins the DHT through the nodes `peerdex node --rendezvous` hands out,
/// and `peerdex lookup --rendezvous-server` finds its profile; a node that is not a rendezvous
/// server refuses.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RendezvousTests {
    /// Asks the rendezvous server `server` for DHT nodes over Noise, as a throwaway identity.
    static func askForNodes(_ server: NodeProcess) async throws -> [DHTNodeInfo] {
        let identity = try LocalHandshakeIdentity(
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
        let client = PeerdexNode(identity: identity, logger: Logger(label: "test.rendezvous"))
        let running = Task { try await client.run() }
        defer { running.cancel() }
        let connection = try await client.connection(to: PeerAddress(server.address, peerID: server.peerID))
        let reply = try await connection.dhtNodes()
        await client.shutdown()
        return reply.nodes
    }

    /// Runs `peerdex lookup` through the rendezvous server until it finds `peer` (or `timeout`
    /// passes); the last result.
    static func lookUp(_ peer: PeerID, rendezvous: String, from runner: CommandRunner, timeout: Duration) async throws
        -> CommandRunner.Result
    {
        let deadline = ContinuousClock.now + timeout
        var result: CommandRunner.Result
        repeat {
            result = try runner.run(
                ["lookup", peer.text, "--rendezvous-server", rendezvous, "--json", "--timeout", "5"])
            if result.status == 0 { return result }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return result
    }

    @Test func aNewcomerWithoutBootstrapNodesJoinsThroughTheRendezvousAndItsProfileIsFound() async throws {
        let runners = (0..<7).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let server = try NodeProcess(runners[0], arguments: ["--rendezvous"])
        let members = try runners[1...4].map {
            try NodeProcess($0, arguments: ["--bootstrap", server.bootstrapArgument])
        }
        // The server's DHT pings each member that queried it; once they answered, it hands them out.
        let memberPorts = Set(members.map { UInt16($0.address.port) })
        var handedOut = [DHTNodeInfo]()
        let deadline = ContinuousClock.now + .seconds(20)
        repeat {
            handedOut = try await Self.askForNodes(server)
            if Set(handedOut.map(\.endpoint.port)) == memberPorts { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        #expect(Set(handedOut.map(\.endpoint.port)) == memberPorts, "the server handed out \(handedOut)")
        #expect(!handedOut.contains { $0.endpoint.port == UInt16(server.address.port) }, "never itself")

        let newcomerRunner = runners[5]
        let saved = try newcomerRunner.run(
            ["profile", "set", "--name", "Grace Hopper", "--interests", "compilers", "--visibility", "public"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let newcomer = try NodeProcess(newcomerRunner, arguments: ["--rendezvous-server", server.bootstrapArgument])
        let peer = try #require(newcomer.peerID)

        // The newcomer knew no DHT node but the ones the server handed it, so a profile found by
        // others was published through them. The lookup joins the same way, by invite this time.
        let invite = Invite(peerID: try #require(server.peerID), address: server.address).url
        let found = try await Self.lookUp(peer, rendezvous: invite, from: runners[6], timeout: .seconds(30))
        #expect(found.status == 0, "\(found.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect(report["name"] as? String == "Grace Hopper")
        #expect(report["interests"] as? [String] == ["compilers"])
        #expect(report["port"] as? Int == newcomer.address.port)
        _ = members
    }

    @Test func aNodeThatIsNotARendezvousServerRefusesAndTheLookupSaysSo() async throws {
        let runners = (0..<2).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let plain = try NodeProcess(runners[0])
        let error = await #expect(throws: NetError.self) { try await Self.askForNodes(plain) }
        guard case .remote(let code, _, _) = error else {
            Issue.record("not a refusal: \(String(describing: error))")
            return
        }
        #expect(code == .unknownMessage)

        let nobody = try PeerID(publicKey: [UInt8](repeating: 9, count: 32))
        let result = try runners[1].run(
            ["lookup", nobody.text, "--rendezvous-server", plain.bootstrapArgument, "--timeout", "5"])
        #expect(result.status != 0)
        let refusal = "the peer refused (UNKNOWN_MESSAGE): this node is not a rendezvous server"
        #expect(result.stderr.contains("rendezvous server \(plain.address): \(refusal)"), "\(result.stderr)")
    }

    @Test func aMalformedRendezvousServerIsRefusedBeforeAnythingRuns() throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let nobody = try PeerID(publicKey: [UInt8](repeating: 9, count: 32))
        for command in [["lookup", nobody.text], ["node", "--listen", "127.0.0.1:0"]] {
            let result = try runner.run(command + ["--rendezvous-server", "nowhere"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("rendezvous server 'nowhere'"), "\(result.stderr)")
            let bare = try runner.run(command + ["--rendezvous-server", "peerdex://\(nobody.text)"])
            #expect(bare.status != 0)
            #expect(bare.stderr.contains("the invite has no address"), "\(bare.stderr)")
        }
    }
}
