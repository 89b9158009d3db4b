import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// What a node's PONG offers: the configuration's capabilities at start, then whatever
/// `advertise` says while it runs, with no restart.
@Suite struct NodeCapabilitiesTests {
    @Test func aRunningNodesPongFollowsWhatItAdvertises() async throws {
        var configuration = NodeHarness.patient()
        configuration.capabilities = ["rendezvous"]
        try await NodeHarness.withNode(configuration: configuration) { server, address in
            try await NodeHarness.withNode(configuration: NodeHarness.patient(), listen: false) { client, _ in
                let atStart = try await client.ping(address).capabilities
                #expect(atStart == ["rendezvous"])
                server.advertise(["rendezvous", PeerCapability.contactDiscovery])
                #expect(server.capabilities == ["rendezvous", PeerCapability.contactDiscovery])
                let offered = try await client.ping(address).capabilities
                #expect(offered == ["rendezvous", PeerCapability.contactDiscovery])
                server.advertise([])
                let withdrawn = try await client.ping(address).capabilities
                #expect(withdrawn.isEmpty)
            }
        }
    }
}
