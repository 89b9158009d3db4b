import Foundation
import PeerdexCore
import PeerdexNet
import Testing

@testable import PeerdexApp

/// Which address an invite carries: the listener's reachable addresses, and the choice between
/// `--address`, the running node's file and nothing.
@Suite struct InviteAddressTests {
    static func interface(_ name: String, up: Bool = true, loopback: Bool = false, _ addresses: [String]) -> MDNSInterface {
        MDNSInterface(
            name: name, index: 1, isUp: up, supportsMulticast: true, isLoopback: loopback,
            addresses: addresses.map { IPAddress(parsing: $0)! })
    }

    static let machine = [
        interface("lo", loopback: true, ["127.0.0.1", "::1"]),
        interface("eth0", ["fe80::1", "2001:db8::20", "192.168.1.20"]),
        interface("wlan0", up: false, ["10.0.0.5"]),
        interface("docker0", ["172.17.0.1", "fd00::1"]),
    ]

    @Test func aListenerBoundToOneHostIsReachedThere() {
        let bound = HostPort(host: "127.0.0.1", port: 7447)
        #expect(InviteAddress.reachable(from: bound, interfaces: Self.machine) == [bound])
        let named = HostPort(host: "peer.example", port: 7447)
        #expect(InviteAddress.reachable(from: named, interfaces: Self.machine) == [named])
    }

    @Test func theIPv4WildcardIsReachedAtEveryUpNonLoopbackIPv4Address() {
        let reachable = InviteAddress.reachable(from: HostPort(host: "0.0.0.0", port: 7447), interfaces: Self.machine)
        #expect(reachable.map(\.description) == ["192.168.1.20:7447", "172.17.0.1:7447"])
    }

    @Test func theIPv6WildcardAddsIPv6AfterIPv4WithoutLinkLocal() {
        let reachable = InviteAddress.reachable(from: HostPort(host: "::", port: 9000), interfaces: Self.machine)
        #expect(
            reachable.map(\.description) == [
                "192.168.1.20:9000", "172.17.0.1:9000", "[2001:db8::20]:9000", "[fd00::1]:9000",
            ])
    }

    @Test func aMachineWithLoopbackOnlyHasNoAddressForTheWildcard() {
        let reachable = InviteAddress.reachable(
            from: HostPort(host: "0.0.0.0", port: 7447), interfaces: [Self.interface("lo", loopback: true, ["127.0.0.1"])])
        #expect(reachable.isEmpty)
    }

    @Test func theChoiceGoesGivenThenRunningNodeThenNone() throws {
        let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-invite-\(UUID().uuidString)")
        try directory.prepare()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // No node: no address, and a note that says how to get one.
        let none = InviteAddress.choose(for: directory)
        #expect(none == InviteAddress.Choice(address: nil, source: .noNode))
        #expect(none.warning?.contains("no node is running for this data directory") == true)
        // A running node (this process stands in for it): its first address.
        let file = NodeAddressFile(pid: getpid(), listening: "0.0.0.0:7447", addresses: ["192.168.1.20:7447", "10.0.0.5:7447"])
        try file.encoded().write(to: URL(fileURLWithPath: NodeAddressFile.path(in: directory)))
        let running = InviteAddress.choose(for: directory)
        #expect(running.address == HostPort(host: "192.168.1.20", port: 7447))
        #expect(running.source == .runningNode(listening: "0.0.0.0:7447") && running.warning == nil)
        // --address wins over it.
        let given = HostPort(host: "peer.example", port: 443)
        #expect(InviteAddress.choose(for: directory, override: given) == InviteAddress.Choice(address: given, source: .given))
        // A node with no address to give says so.
        let bare = NodeAddressFile(pid: getpid(), listening: "0.0.0.0:7447", addresses: [])
        try bare.encoded().write(to: URL(fileURLWithPath: NodeAddressFile.path(in: directory)))
        let unreachable = InviteAddress.choose(for: directory)
        #expect(unreachable.address == nil && unreachable.source == .unreachableNode(listening: "0.0.0.0:7447"))
        #expect(unreachable.warning?.contains("--address") == true)
    }
}
