import Foundation
import Logging
import NIOCore
import NIOPosix
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// The mDNS sockets on loopback. Nothing here joins a group or sends multicast from the host's
/// network namespace (`interfaces: []`); the live multicast test runs only inside a namespace
/// set up for it (see `multicastOnALiveInterface`).
@Suite(.timeLimit(.minutes(1))) struct MDNSTransportTests {
    /// A datagram as `onPacket` saw it.
    struct Received: Equatable, Sendable {
        var bytes: [UInt8]
        var ip: IPAddress
        var port: UInt16
    }

    /// What one transport received, in order.
    final class Inbox: Sendable {
        let packets = Locked<[Received]>([])

        /// The callback to give `start`.
        var onPacket: @Sendable ([UInt8], IPAddress, UInt16) -> Void {
            { [packets] bytes, ip, port in packets.withLock { $0.append(Received(bytes: bytes, ip: ip, port: port)) } }
        }

        /// Waits until `count` datagrams arrived (or 5 s passed) and returns them all.
        func wait(for count: Int) async throws -> [Received] {
            for _ in 0..<500 where packets.value.count < count { try await Task.sleep(for: .milliseconds(10)) }
            return packets.value
        }
    }

    /// A transport on ephemeral loopback-reachable ports that joins nothing.
    static func unicastOnly(
        port: Int = 0, ipv6: Bool = true, maximumPacketLength: Int = 9_000, inbox: Inbox
    ) async throws -> MDNSTransport {
        var configuration = MDNSTransport.Configuration()
        configuration.port = port
        configuration.ipv6 = ipv6
        configuration.interfaces = []
        configuration.maximumPacketLength = maximumPacketLength
        return try await MDNSTransport.start(
            configuration: configuration, logger: Logger(label: "test.mdns"), onPacket: inbox.onPacket)
    }

    // MARK: - Unicast on loopback

    @Test func unicastReachesAnotherTransportOverIPv4AndIPv6() async throws {
        let (inboxA, inboxB) = (Inbox(), Inbox())
        let a = try await Self.unicastOnly(inbox: inboxA)
        let b = try await Self.unicastOnly(inbox: inboxB)
        let (aPort4, aPort6) = (try #require(a.ipv4Port), try #require(a.ipv6Port))
        let (bPort4, bPort6) = (try #require(b.ipv4Port), try #require(b.ipv6Port))
        #expect(aPort4 != 0 && aPort6 != 0 && aPort4 != bPort4)

        a.send([1, 2, 3], to: .v4(0x7f00_0001), port: UInt16(bPort4))
        #expect(
            try await inboxB.wait(for: 1) == [Received(bytes: [1, 2, 3], ip: .v4(0x7f00_0001), port: UInt16(aPort4))])
        b.send([4, 5], to: .v6(0, 1), port: UInt16(aPort6))
        #expect(try await inboxA.wait(for: 1) == [Received(bytes: [4, 5], ip: .v6(0, 1), port: UInt16(bPort6))])

        #expect(a.joinedInterfaces == [] && a.localAddresses == [])
        a.sendMulticast([9])  // joined nothing: goes nowhere
        await a.close()
        await b.close()
    }

    @Test func anIPv4OnlyTransportDropsIPv6Sends() async throws {
        let (inboxA, inboxB) = (Inbox(), Inbox())
        let a = try await Self.unicastOnly(ipv6: false, inbox: inboxA)
        let b = try await Self.unicastOnly(inbox: inboxB)
        #expect(a.ipv6Port == nil)
        a.send([7], to: .v6(0, 1), port: UInt16(try #require(b.ipv6Port)))
        a.send([8], to: .v4(0x7f00_0001), port: UInt16(try #require(b.ipv4Port)))
        #expect(try await inboxB.wait(for: 1).map(\.bytes) == [[8]])
        try await Task.sleep(for: .milliseconds(100))
        #expect(inboxB.packets.value.map(\.bytes) == [[8]])
        await a.close()
        await b.close()
    }

    // MARK: - Limits

    @Test func oversizedDatagramsAreDroppedAndCounted() async throws {
        let (inboxA, inboxB) = (Inbox(), Inbox())
        let a = try await Self.unicastOnly(inbox: inboxA)
        let b = try await Self.unicastOnly(maximumPacketLength: 100, inbox: inboxB)
        let port = UInt16(try #require(b.ipv4Port))
        a.send([UInt8](repeating: 1, count: 101), to: .v4(0x7f00_0001), port: port)
        a.send([UInt8](repeating: 2, count: 5_000), to: .v4(0x7f00_0001), port: port)
        a.send([UInt8](repeating: 3, count: 100), to: .v4(0x7f00_0001), port: port)
        let received = try await inboxB.wait(for: 1)
        #expect(received.map(\.bytes) == [[UInt8](repeating: 3, count: 100)])
        #expect(b.oversizedDrops == 2)
        #expect(a.oversizedDrops == 0)
        await a.close()
        await b.close()
    }

    // MARK: - Closing

    @Test func closeIsIdempotentAndSilencesSends() async throws {
        let (inboxA, inboxB) = (Inbox(), Inbox())
        let a = try await Self.unicastOnly(inbox: inboxA)
        let b = try await Self.unicastOnly(inbox: inboxB)
        let port = UInt16(try #require(b.ipv4Port))
        await a.close()
        await a.close()
        a.send([1], to: .v4(0x7f00_0001), port: port)
        a.sendMulticast([1])
        try await Task.sleep(for: .milliseconds(200))
        #expect(inboxB.packets.value == [])
        await b.close()
    }

    // MARK: - Binding

    @Test func twoTransportsShareAFixedPort() async throws {
        // A port that was free a moment ago on IPv4; another test may bind it on either family
        // before we do, so the first transport retries with another until it holds both.
        var first: (transport: MDNSTransport, port: Int)?
        for _ in 0..<10 where first == nil {
            let probe = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "0.0.0.0", port: 0).get()
            let port = try #require(probe.localAddress?.port)
            try await probe.close()
            guard let a = try? await Self.unicastOnly(port: port, inbox: Inbox()) else { continue }
            if a.ipv4Port == port && a.ipv6Port == port { first = (a, port) } else { await a.close() }
        }
        let (a, port) = try #require(first, "no port was free on both families in 10 tries")
        // Both transports set SO_REUSEADDR and SO_REUSEPORT: the second binds the same port.
        let b = try await Self.unicastOnly(port: port, inbox: Inbox())
        #expect(b.ipv4Port == port && b.ipv6Port == port)
        await a.close()
        await b.close()
    }

    @Test func aPortHeldWithoutSharingIsReported() async throws {
        let blocker = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "0.0.0.0", port: 0).get()
        let port = try #require(blocker.localAddress?.port)
        defer { blocker.close(promise: nil) }
        await #expect {
            _ = try await Self.unicastOnly(port: port, ipv6: false, inbox: Inbox())
        } throws: { error in
            guard let error = error as? MDNSTransportError, case .bindFailed(let reasons) = error else { return false }
            return reasons.count == 1 && reasons[0].hasPrefix("cannot bind UDP 0.0.0.0:\(port): ")
                && error.description.contains("Address already in use")
        }
    }

    @Test func turningBothFamiliesOffIsRefused() async throws {
        var configuration = MDNSTransport.Configuration()
        configuration.ipv4 = false
        configuration.ipv6 = false
        await #expect(throws: MDNSTransportError.noFamilyEnabled) {
            _ = try await MDNSTransport.start(configuration: configuration, logger: Logger(label: "test")) { _, _, _ in
            }
        }
        #expect(MDNSTransportError.noFamilyEnabled.description == "both IPv4 and IPv6 are turned off")
    }

    @Test func anInterfaceThatDoesNotExistIsReported() async throws {
        var configuration = MDNSTransport.Configuration()
        configuration.port = 0
        configuration.interfaces = ["pdx-none0"]
        await #expect(throws: MDNSTransportError.noInterface(reasons: ["pdx-none0: no such interface"])) {
            _ = try await MDNSTransport.start(configuration: configuration, logger: Logger(label: "test")) { _, _, _ in
            }
        }
        #expect(
            MDNSTransportError.noInterface(reasons: ["pdx-none0: no such interface"]).description
                == "no network interface can join the mDNS group: pdx-none0: no such interface")
    }

    // MARK: - Interfaces and addresses

    static let loopback = MDNSInterface(
        name: "lo", index: 1, isUp: true, supportsMulticast: false, isLoopback: true,
        addresses: [.v4(0x7f00_0001), .v6(0, 1)])
    static let ethernet = MDNSInterface(
        name: "eth0", index: 2, isUp: true, supportsMulticast: true, isLoopback: false,
        addresses: [
            .v4(0x0ad5_0002), IPAddress(parsing: "fd00:213::2")!, IPAddress(parsing: "2001:db8::2")!,
            IPAddress(parsing: "fe80::1")!,
        ])
    static let veth = MDNSInterface(
        name: "veth1", index: 7, isUp: true, supportsMulticast: true, isLoopback: false,
        addresses: [IPAddress(parsing: "fe80::7")!])
    static let down = MDNSInterface(
        name: "eth1", index: 3, isUp: false, supportsMulticast: true, isLoopback: false, addresses: [.v4(0x0a00_0001)])
    static let noMulticast = MDNSInterface(
        name: "tun0", index: 4, isUp: true, supportsMulticast: false, isLoopback: false, addresses: [.v4(0x0a08_0001)])

    @Test func everyInterfaceThatIsUpWithMulticastIsChosenButLoopback() {
        let all = [Self.loopback, Self.ethernet, Self.down, Self.noMulticast, Self.veth]
        let (chosen, refused) = MDNSInterface.select(from: all, names: nil)
        #expect(chosen == [Self.ethernet, Self.veth])
        #expect(refused == ["eth1: down", "tun0: no multicast"])
    }

    @Test func namedInterfacesAreChosenWhenUsable() {
        let all = [Self.loopback, Self.ethernet, Self.down, Self.veth]
        let (chosen, refused) = MDNSInterface.select(from: all, names: ["veth1", "eth1", "lo", "wlan9"])
        #expect(chosen == [Self.veth])
        #expect(refused == ["wlan9: no such interface", "lo: no multicast", "eth1: down"])
        #expect(MDNSInterface.select(from: all, names: []).chosen == [])
    }

    @Test func advertisedAddressesLeaveOutGlobalIPv6() {
        #expect(
            Self.ethernet.advertisableAddresses
                == [.v4(0x0ad5_0002), IPAddress(parsing: "fd00:213::2")!, IPAddress(parsing: "fe80::1")!])
        #expect(Self.ethernet.ipv4Address == .v4(0x0ad5_0002))
        #expect(Self.veth.ipv4Address == nil && Self.veth.hasIPv6)
    }

    @Test func enumerationFindsLoopback() throws {
        let loopback = try #require(MDNSInterface.enumerate().first { $0.isLoopback })
        #expect(loopback.isUp && loopback.index > 0 && loopback.addresses.contains(.v4(0x7f00_0001)))
    }

    @Test func linkLocalDestinationsCarryTheirScope() throws {
        let address = MDNSDatagramHandler.socketAddress(MDNSTransport.ipv6Group, port: 5353, scope: 7)
        guard case .v6(let raw) = address else { Issue.record("not IPv6: \(address)"); return }
        #expect(raw.address.sin6_scope_id == 7 && address.port == 5353)
        #expect(DHTEndpoint(address) == DHTEndpoint(ip: MDNSTransport.ipv6Group, port: 5353))
        #expect(MDNSDatagramHandler.isLinkLocal(IPAddress(parsing: "fe80::1")!))
        #expect(!MDNSDatagramHandler.isLinkLocal(IPAddress(parsing: "fd00::1")!))
        let v4 = MDNSDatagramHandler.socketAddress(MDNSTransport.ipv4Group, port: 5353, scope: 0)
        #expect(v4.description.contains("224.0.0.251") && v4.port == 5353)
    }

    // MARK: - Live multicast, in a namespace only

    /// The interface for the live test, when it was asked for from inside a namespace: both
    /// `PEERDEX_MDNS_LIVE_INTERFACE` and `PEERDEX_MDNS_LIVE_NETNS` (what `readlink
    /// /proc/self/ns/net` prints in that namespace) set, and this process in that namespace.
    static var liveInterface: String? {
        let environment = ProcessInfo.processInfo.environment
        guard let name = environment["PEERDEX_MDNS_LIVE_INTERFACE"],
            let expected = environment["PEERDEX_MDNS_LIVE_NETNS"],
            let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net"), own == expected
        else { return nil }
        return name
    }

    /// Two transports sharing port 5353 on one interface: a multicast from one reaches the other
    /// on both families. Runs only inside a namespace set up for it (`liveInterface`), so that a
    /// test never multicasts on a real network.
    @Test(.enabled(if: liveInterface != nil, "needs PEERDEX_MDNS_LIVE_INTERFACE inside a network namespace"))
    func multicastOnALiveInterface() async throws {
        let name = try #require(Self.liveInterface)
        var configuration = MDNSTransport.Configuration()
        configuration.interfaces = [name]
        let (inboxA, inboxB) = (Inbox(), Inbox())
        let logger = Logger(label: "test.mdns")
        let a = try await MDNSTransport.start(configuration: configuration, logger: logger, onPacket: inboxA.onPacket)
        let b = try await MDNSTransport.start(configuration: configuration, logger: logger, onPacket: inboxB.onPacket)
        #expect(a.joinedInterfaces == [name] && !a.localAddresses.isEmpty)
        a.sendMulticast([0xAB, 0xCD])
        let received = try await inboxB.wait(for: 2)
        #expect(received.map(\.bytes) == [[0xAB, 0xCD], [0xAB, 0xCD]])
        #expect(Set(received.map(\.ip.isIPv4)) == [true, false])
        #expect(received.allSatisfy { $0.port == 5353 })
        await a.close()
        await b.close()
    }
}
