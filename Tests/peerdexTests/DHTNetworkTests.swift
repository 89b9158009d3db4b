import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// A network of real `peerdex node` processes on 127.0.0.1: a profile one publishes is found by
/// `peerdex lookup` from another, and still found once the publisher and one replica are killed.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DHTNetworkTests {
    static let nodeCount = 20

    /// Runs `peerdex lookup` until it finds `peer` (or `timeout` passes); the last result.
    static func lookUp(
        _ peer: PeerID, through node: NodeProcess, from runner: CommandRunner, timeout: Duration
    ) async throws -> CommandRunner.Result {
        let deadline = ContinuousClock.now + timeout
        var result: CommandRunner.Result
        repeat {
            result = try runner.run(["lookup", peer.text, "--bootstrap", node.bootstrapArgument, "--json", "--timeout", "5"])
            if result.status == 0 { return result }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return result
    }

    @Test func aPublishedProfileIsFoundAndOutlivesItsPublisherAndOneReplica() async throws {
        let runners = (0...Self.nodeCount).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let first = try NodeProcess(runners[0])
        var nodes = [first]
        for runner in runners[1..<Self.nodeCount - 1] {
            nodes.append(try NodeProcess(runner, arguments: ["--bootstrap", first.bootstrapArgument]))
        }
        let publisherRunner = runners[Self.nodeCount - 1]
        let saved = try publisherRunner.run(
            ["profile", "set", "--name", "Ada Lovelace", "--interests", "maths,engines", "--location", "London",
             "--visibility", "public"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let publisher = try NodeProcess(publisherRunner, arguments: ["--bootstrap", nodes[7].bootstrapArgument])
        nodes.append(publisher)
        let peer = try #require(publisher.peerID)
        let asker = runners[Self.nodeCount]

        let found = try await Self.lookUp(peer, through: nodes[12], from: asker, timeout: .seconds(20))
        #expect(found.status == 0, "\(found.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect(report["name"] as? String == "Ada Lovelace")
        #expect(report["interests"] as? [String] == ["maths", "engines"])
        #expect(report["port"] as? Int == publisher.address.port)
        let holders = try #require(report["foundAt"] as? [String])
        #expect(!holders.isEmpty)

        // The publisher and one replica die without a word.
        publisher.kill()
        // A replica other than the node the lookups go through (which may hold the item too).
        let replica = try #require(
            nodes.first { holders.contains("\($0.address)") && $0 !== publisher && $0 !== nodes[12] },
            "holders \(holders)")
        replica.kill()
        let after = try await Self.lookUp(peer, through: nodes[12], from: asker, timeout: .seconds(20))
        #expect(after.status == 0, "\(after.stderr)")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(again["name"] as? String == "Ada Lovelace")
        #expect(!((again["foundAt"] as? [String]) ?? []).contains("\(replica.address)"), "the dead replica cannot have answered")
    }

    @Test func aLookupOfSomeoneWhoPublishedNothingSaysSo() async throws {
        let runners = (0..<4).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let first = try NodeProcess(runners[0])
        let others = try runners[1..<3].map { try NodeProcess($0, arguments: ["--bootstrap", first.bootstrapArgument]) }
        _ = others
        let nobody = try PeerID(publicKey: [UInt8](repeating: 9, count: 32))
        let result = try runners[3].run(["lookup", nobody.text, "--bootstrap", first.bootstrapArgument, "--timeout", "5"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no profile found for \(nobody.text)"), "\(result.stderr)")
    }

    @Test func aLookupWithoutABootstrapNodeSaysHowToJoin() throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let nobody = try PeerID(publicKey: [UInt8](repeating: 9, count: 32))
        let result = try runner.run(["lookup", nobody.text])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no bootstrap node: pass --bootstrap HOST:PORT"), "\(result.stderr)")
        let malformed = try runner.run(["lookup", nobody.text, "--bootstrap", "nowhere"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("expected HOST:PORT or 'mainline'"), "\(malformed.stderr)")
    }
}
