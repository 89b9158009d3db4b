import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import Testing

@testable import PeerdexApp

/// The rendezvous client's pieces that need no network: which servers the options name, which
/// handed-out nodes a DHT socket can reach, and what it says when no server answers.
@Suite struct RendezvousClientTests {
    static let peer = try! PeerID(publicKey: [UInt8](repeating: 7, count: 32))

    @Test func serversAreHostPortsOrInvitesWithAnAddressWithoutRepeats() throws {
        let invite = Invite(peerID: Self.peer, address: HostPort(host: "192.0.2.1", port: 7447)).url
        let servers = try RendezvousClient.servers(
            ["127.0.0.1:7000", invite, "[::1]:7001", "127.0.0.1:7000", "host.example:9"])
        #expect(
            servers == [
                PeerAddress(HostPort(host: "127.0.0.1", port: 7000)),
                PeerAddress(HostPort(host: "192.0.2.1", port: 7447), peerID: Self.peer),
                PeerAddress(HostPort(host: "::1", port: 7001)), PeerAddress(HostPort(host: "host.example", port: 9)),
            ])
        #expect(try RendezvousClient.servers([]) == [])
    }

    @Test(arguments: [
        ("nowhere", "expected HOST:PORT or an invite with an address"),
        ("127.0.0.1:0", "rendezvous server '127.0.0.1:0'"),
        ("127.0.0.1:70000", "70000"), ("peerdex://\(peer.text)", "the invite has no address"),
        ("peerdex://garbage@127.0.0.1:1", "invalid peer ID"), ("http://127.0.0.1:1", "rendezvous server 'http://"),
    ])
    func malformedServersAreRefusedWithTheEntry(entry: String, message: String) {
        let error = #expect(throws: AppError.self) { try RendezvousClient.servers(["127.0.0.1:1", entry]) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("127.0.0.1", [true, false, false, false]), ("0.0.0.0", [true, true, false, false]),
        ("192.0.2.1", [true, true, false, false]), ("::1", [false, false, true, false]),
        ("::", [true, true, true, true]), ("2001:db8::1", [false, false, true, true]),
        ("localhost", [true, true, false, false]),
    ])
    func aSocketReachesOnlyItsOwnFamilyAndALoopbackOneOnlyLoopback(host: String, expected: [Bool]) {
        let addresses: [IPAddress] = [.v4(0x7f00_0001), .v4(0xc000_0201), .v6(0, 1), .v6(0x2001_0db8_0000_0000, 2)]
        #expect(addresses.map { RendezvousClient.reachable($0, from: host) } == expected)
    }

    @Test func whenNoServerAnswersEachOneSaysWhy() async throws {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let servers = try RendezvousClient.servers(["127.0.0.1:9", "127.0.0.1:9"])
        #expect(servers.count == 1)
        let outcome = await RendezvousClient.fetchNodes(
            from: servers + [PeerAddress(HostPort(host: "127.0.0.1", port: 19))], reachableFrom: "127.0.0.1",
            excluding: NodeID(high: 1, middle: 2, low: 3), timeout: .seconds(2), logger: Logger(label: "test"))
        #expect(outcome.nodes.isEmpty)
        #expect(outcome.server == nil)
        #expect(outcome.failures.count == 2)
        let first = "rendezvous server 127.0.0.1:9: cannot connect to 127.0.0.1:9"
        #expect(outcome.failures.first?.hasPrefix(first) == true, "\(outcome.failures)")
        let none = await RendezvousClient.fetchNodes(
            from: [], reachableFrom: "127.0.0.1", excluding: NodeID(high: 1, middle: 2, low: 3), timeout: .seconds(1),
            logger: Logger(label: "test"))
        #expect(none.nodes.isEmpty && none.failures.isEmpty)
    }
}
