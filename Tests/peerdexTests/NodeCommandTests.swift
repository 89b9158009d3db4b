import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

/// `peerdex node` and `peerdex ping` as processes, on 127.0.0.1: the line scripts wait for, a
/// ping by address and by invite, the errors, and a clean stop on SIGTERM with requests in flight.
@Suite struct NodeCommandTests {

    @Test func pingByAddressAndByInviteProvesTheNodesPeerID() async throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let node = try NodeProcess(runner)
        let nodeID = try #require(node.peerID)
        #expect(try runner.run(["id", "--json"]).stdout.contains(nodeID.text), "the node runs as the data directory's identity")

        let json = try runner.json(["ping", "\(node.address)", "--count", "3", "--interval", "0", "--json"])
        let report = try #require(json as? [String: Any])
        #expect(report["peerId"] as? String == nodeID.text)
        #expect((report["roundTripsMs"] as? [Double])?.count == 3)
        #expect(report["lost"] as? Int == 0)
        #expect(report["agent"] as? String == "peerdex/0.1")

        let byInvite = try runner.run(["ping", "peerdex://\(nodeID.text)@\(node.address)", "--count", "1"])
        #expect(byInvite.status == 0, "\(byInvite.stderr)")
        #expect(byInvite.stdout.contains("peer \(nodeID.text) at \(node.address)"))
        #expect(byInvite.stdout.contains("1 of 1 answered"))
    }

    @Test func pingRefusesAnImpostorAndExplainsUnreachablePeers() async throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let node = try NodeProcess(runner)
        let someoneElse = try PeerID(publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        let impostor = try runner.run(["ping", "peerdex://\(someoneElse.text)@\(node.address)", "--count", "1"])
        #expect(impostor.status != 0)
        #expect(impostor.stderr.contains("not \(someoneElse.text) as dialled"), "\(impostor.stderr)")

        let closed = try runner.run(["ping", "127.0.0.1:9", "--count", "1", "--timeout", "2"])
        #expect(closed.status != 0)
        #expect(closed.stderr.contains("cannot connect to 127.0.0.1:9"), "\(closed.stderr)")

        let noAddress = try runner.run(["ping", "peerdex://\(someoneElse.text)"])
        #expect(noAddress.status != 0)
        #expect(noAddress.stderr.contains("the invite has no address"))
        let garbage = try runner.run(["ping", "not-an-address"])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("has no port"), "\(garbage.stderr)")
    }

    @Test func aListenAddressInUseOrMalformedIsAClearError() async throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let node = try NodeProcess(runner)
        let taken = try runner.run(["node", "--listen", "\(node.address)"])
        #expect(taken.status != 0)
        #expect(taken.stderr.contains("cannot listen on \(node.address)"), "\(taken.stderr)")
        let malformed = try runner.run(["node", "--listen", "localhost"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("--listen"), "\(malformed.stderr)")
    }

    @Test func sigtermWithRequestsInFlightAnswersOrFailsEveryOneAndExitsCleanly() async throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let node = try NodeProcess(runner)
        let target = PeerAddress(node.address, peerID: node.peerID)
        let client = PeerdexNode(
            identity: try LocalHandshakeIdentity(
                identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
                staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation)),
            logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            let connection = try await client.connection(to: target)
            let outcomes = Locked((answered: 0, failed: 0))
            let loops = Task {
                await withTaskGroup(of: Void.self) { loops in
                    for _ in 0..<16 {
                        loops.addTask {
                            while true {
                                do {
                                    _ = try await connection.ping(timeout: .seconds(3))
                                    outcomes.withLock { $0.answered += 1 }
                                } catch {
                                    outcomes.withLock { $0.failed += 1 }
                                    return
                                }
                            }
                        }
                    }
                }
            }
            let warmUp = ContinuousClock.now + .seconds(10)
            while outcomes.value.answered < 100, ContinuousClock.now < warmUp { try await Task.sleep(for: .milliseconds(10)) }
            #expect(outcomes.value.answered >= 100, "requests are flowing when the signal comes")
            let signalled = ContinuousClock.now
            kill(node.process.processIdentifier, SIGTERM)
            let status = await node.waitForExit(timeout: .seconds(5))
            #expect(status == 0, "exits 0 after SIGTERM")
            await loops.value  // each loop ends at its first failure: nothing hangs
            #expect(ContinuousClock.now - signalled < .seconds(3))
            #expect(outcomes.value.failed == 16, "every loop saw its last request answered with an error or the close")
            await client.shutdown()
            try await group.waitForAll()
        }
        let log = try String(contentsOfFile: runner.dataDirectory + "/peerdex.log", encoding: .utf8)
        #expect(log.contains("stopping signal=SIGTERM"))
        #expect(log.contains("stopped"))
    }
}
