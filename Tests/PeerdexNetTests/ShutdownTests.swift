import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore
@testable import PeerdexNet

/// A node that stops answers what it has in hand, refuses what comes after, and never hangs.
@Suite struct ShutdownTests {
    @Test func requestsInFlightAreAnsweredBeforeTheConnectionsClose() async throws {
        // A grace period far longer than the 0.3 s the handler takes: a machine loaded by the other
        // tests can take seconds to run 20 handlers, and the test is that shutdown waits for them,
        // yet returns once they are done rather than at the end of the grace period.
        var configuration = NodeHarness.quick()
        configuration.shutdownGracePeriod = .seconds(30)
        let generous = configuration
        try await NodeHarness.withNode(configuration: generous, handler: SlowPingHandler(delay: .milliseconds(300))) {
            server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                let answers = Task {
                    await withTaskGroup(of: String?.self) { group in
                        for _ in 0..<20 { group.addTask { try? await connection.ping().agent } }
                        return await group.reduce(into: []) { $0.append($1) }
                    }
                }
                try await PeerdexNodeTests.waitUntil { server.context.requestsInFlight == 20 }
                let stopping = ContinuousClock.now
                await server.shutdown()
                #expect(await answers.value == Array(repeating: "slow", count: 20), "every request in flight answered")
                let took = ContinuousClock.now - stopping
                #expect(took < .seconds(15), "shutdown took \(took): it waited for the grace period")
                try await PeerdexNodeTests.waitUntil { !connection.isOpen }
                await #expect(throws: NetError.self) { try await connection.ping() }
            }
        }
    }

    @Test func aRequestThatArrivesWhileStoppingIsRefusedNotDropped() async throws {
        // The first request holds the node in its grace period for 2 s: the window in which a
        // late request must be refused rather than meet a closed connection.
        var configuration = NodeHarness.quick()
        configuration.shutdownGracePeriod = .seconds(5)
        let patient = configuration
        try await NodeHarness.withNode(configuration: patient, handler: SlowPingHandler(delay: .seconds(2))) {
            server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                let first = Task { try await connection.ping(timeout: .seconds(10)) }
                try await PeerdexNodeTests.waitUntil { server.context.requestsInFlight == 1 }
                let stopping = Task { await server.shutdown() }
                try await PeerdexNodeTests.waitUntil { server.context.isStopping }
                let late = await #expect(throws: NetError.self) { try await connection.ping() }
                #expect(PeerdexNodeTests.code(late) == .shuttingDown, "\(String(describing: late))")
                #expect(try await first.value.agent == "slow")
                await stopping.value
            }
        }
    }

    @Test func aHandlerSlowerThanTheGracePeriodDoesNotHoldTheNode() async throws {
        var configuration = NodeHarness.quick()
        configuration.shutdownGracePeriod = .milliseconds(200)
        let impatient = configuration
        try await NodeHarness.withNode(configuration: impatient, handler: SilentHandler()) { server, address in
            try await NodeHarness.withNode(listen: false) { client, _ in
                let connection = try await client.connection(to: address)
                let pending = Task { try await connection.ping(timeout: .seconds(60)) }
                try await PeerdexNodeTests.waitUntil { server.context.requestsInFlight == 1 }
                let start = ContinuousClock.now
                await server.shutdown()
                await #expect(throws: NetError.connectionClosed) { try await pending.value }
                // The handler would sleep 30 s and the request wait 60 s; the grace period is 0.2 s,
                // and the rest of the bound is slack for a machine loaded by the other tests.
                let took = ContinuousClock.now - start
                #expect(took < .seconds(10), "failed after \(took), at the grace period, not hung")
            }
        }
    }
}
