#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeerdexCore

/// One mDNS socket per address family, joined to the mDNS group on every multicast-capable interface.
///
/// ```swift
/// let transport = try await MDNSTransport.start(configuration: .init(), logger: logger) { bytes, ip, port in
///     // decode with DNSMessage, hand to the browser and announcer
/// }
/// transport.sendMulticast(query)
/// await transport.close()
/// ```
///
/// Multicast goes out once per joined interface and family: IPv6 names the interface with the
/// destination's scope ID (`ff02::fb%index`), IPv4 with `IP_MULTICAST_IF` set just before each
/// datagram is written (writes on a socket are serialized so the option cannot change under a
/// datagram still queued). Nothing is sent through the default route.
public final class MDNSTransport: Sendable {
    /// What to bind and join.
    public struct Configuration: Sendable {
        /// The UDP port to bind and to multicast to; 0 binds an ephemeral port (tests), and
        /// multicasts then go to that port.
        public var port: Int = 5353
        /// Whether to open the IPv4 socket (224.0.0.251).
        public var ipv4: Bool = true
        /// Whether to open the IPv6 socket (ff02::fb).
        public var ipv6: Bool = true
        /// The interfaces to join by name; nil: every interface that is up, multicast-capable and
        /// not loopback; empty: none (unicast only, multicast sends go nowhere).
        public var interfaces: [String]? = nil
        /// RFC 6762 §17; longer datagrams are dropped and counted.
        public var maximumPacketLength = 9_000

        /// The defaults: port 5353, both families, every suitable interface.
        public init() {}
    }

    /// The IPv4 mDNS group, 224.0.0.251.
    public static let ipv4Group = IPAddress.v4(0xe000_00fb)
    /// The IPv6 link-local mDNS group, ff02::fb.
    public static let ipv6Group = IPAddress.v6(0xff02_0000_0000_0000, 0xfb)

    /// One bound socket and what it joined.
    private struct Socket: Sendable {
        var isIPv4: Bool
        var channel: any Channel
        var handler: NIOLoopBound<MDNSDatagramHandler>
        var port: Int
        var joined: [MDNSInterface] = []
        var group: IPAddress { isIPv4 ? MDNSTransport.ipv4Group : MDNSTransport.ipv6Group }

        /// Tells the handler which interfaces' multicast to let through.
        func acceptMulticastFromJoined() async {
            let handler = handler
            let indexes = Set(joined.map { Int($0.index) })
            try? await channel.eventLoop.submit { handler.value.acceptMulticast(onInterfaces: indexes) }.get()
        }
    }

    private let sockets: [Socket]
    private let closed = NIOLockedValueBox(false)
    private let oversized: NIOLockedValueBox<Int>
    private let logger: Logger

    /// The addresses of the interfaces joined (for our A/AAAA records): IPv4, and IPv6
    /// link-local or unique local, as they were at `start`.
    public let localAddresses: [IPAddress]
    /// The names of the interfaces joined on at least one family, in the system's order.
    public let joinedInterfaces: [String]
    /// The bound IPv4 port, nil without an IPv4 socket.
    public var ipv4Port: Int? { sockets.first(where: \.isIPv4)?.port }
    /// The bound IPv6 port, nil without an IPv6 socket.
    public var ipv6Port: Int? { sockets.first(where: { !$0.isIPv4 })?.port }
    /// Datagrams dropped as oversized, for the statistics line.
    public var oversizedDrops: Int { oversized.withLockedValue { $0 } }

    /// `candidates` in the system's order; those joined on some family are kept.
    private init(sockets: [Socket], candidates: [MDNSInterface], oversized: NIOLockedValueBox<Int>, logger: Logger) {
        self.sockets = sockets
        self.oversized = oversized
        self.logger = logger
        let joined = Set(sockets.flatMap { $0.joined.map(\.name) })
        let interfaces = candidates.filter { joined.contains($0.name) }
        joinedInterfaces = interfaces.map(\.name)
        let families = Set(sockets.map(\.isIPv4))
        localAddresses = interfaces.flatMap(\.advertisableAddresses).filter { families.contains($0.isIPv4) }
    }

    // MARK: - Starting

    /// Binds (SO_REUSEADDR and SO_REUSEPORT so Avahi / python-zeroconf / a second peerdex on the
    /// same host can share 5353), joins the groups, sets multicast TTL / hop limit 255 and
    /// multicast loop on; calls `onPacket` for every datagram received (bytes, sender IP, sender
    /// UDP port), on an event loop, so it must return quickly. Throws `MDNSTransportError` when
    /// nothing could be bound or no interface could join. A family that fails while the other
    /// works is logged and left out.
    public static func start(
        configuration: Configuration, logger: Logger,
        onPacket: @escaping @Sendable ([UInt8], IPAddress, UInt16) -> Void
    ) async throws -> MDNSTransport {
        guard configuration.ipv4 || configuration.ipv6 else { throw MDNSTransportError.noFamilyEnabled }
        let oversized = NIOLockedValueBox(0)
        var sockets = [Socket]()
        var bindFailures = [String]()
        for isIPv4 in [true, false] where isIPv4 ? configuration.ipv4 : configuration.ipv6 {
            do {
                sockets.append(
                    try await bind(
                        isIPv4: isIPv4, configuration: configuration, oversized: oversized, logger: logger,
                        onPacket: onPacket))
            } catch {
                logger.warning("mdns cannot bind", metadata: ["error": "\(error)"])
                bindFailures.append("\(error)")
            }
        }
        guard !sockets.isEmpty else { throw MDNSTransportError.bindFailed(reasons: bindFailures) }

        let (chosen, refused) = MDNSInterface.select(
            from: MDNSInterface.enumerate(), names: configuration.interfaces)
        var joinFailures = [String]()
        for index in sockets.indices {
            let (joined, failures) = await join(sockets[index], interfaces: chosen)
            sockets[index].joined = joined
            await sockets[index].acceptMulticastFromJoined()
            joinFailures += failures
        }
        let joinedAny = sockets.contains { !$0.joined.isEmpty }
        if !joinedAny && configuration.interfaces?.isEmpty != true {
            for socket in sockets { try? await socket.channel.close() }
            throw MDNSTransportError.noInterface(reasons: refused + joinFailures)
        }
        for reason in refused { logger.debug("mdns interface left out", metadata: ["reason": "\(reason)"]) }
        for failure in joinFailures { logger.warning("mdns interface left out", metadata: ["reason": "\(failure)"]) }
        let transport = MDNSTransport(sockets: sockets, candidates: chosen, oversized: oversized, logger: logger)
        logger.info(
            "mdns listening",
            metadata: [
                "ipv4": "\(transport.ipv4Port.map(String.init) ?? "off")",
                "ipv6": "\(transport.ipv6Port.map(String.init) ?? "off")",
                "interfaces": "\(transport.joinedInterfaces.joined(separator: ","))",
            ])
        return transport
    }

    /// Binds one family's socket with the options mDNS needs.
    private static func bind(
        isIPv4: Bool, configuration: Configuration, oversized: NIOLockedValueBox<Int>, logger: Logger,
        onPacket: @escaping @Sendable ([UInt8], IPAddress, UInt16) -> Void
    ) async throws -> Socket {
        let host = isIPv4 ? "0.0.0.0" : "::"
        let maximum = configuration.maximumPacketLength
        var bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.maxMessagesPerRead, value: 16)
            // Which interface each datagram came in on, to drop multicast from interfaces not joined.
            .channelOption(.receivePacketInfo, value: true)
            // One byte more than the limit, so that a longer datagram shows as too long.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: maximum + 1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        MDNSDatagramHandler(
                            maximumPacketLength: maximum, oversizedDrops: oversized, logger: logger,
                            onPacket: onPacket))
                }
            }
        // Sharing only makes sense on a fixed port; on port 0 it would let Linux hand two
        // sockets the same ephemeral port (see DHTNode).
        if configuration.port != 0 {
            bootstrap = bootstrap
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
        }
        if !isIPv4 {
            // NIO opens IPv6 sockets dual-stack; the IPv4 socket already holds the port for IPv4.
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: configuration.port).get()
        } catch {
            let address = isIPv4 ? "0.0.0.0:\(configuration.port)" : "[::]:\(configuration.port)"
            throw MDNSTransportError.socketFailed(address: address, reason: "\(error)")
        }
        do {
            try await configureMulticast(channel, isIPv4: isIPv4)
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: MDNSDatagramHandler.self),
                    eventLoop: channel.eventLoop)
            }.get()
            return Socket(
                isIPv4: isIPv4, channel: channel, handler: handler,
                port: channel.localAddress?.port ?? configuration.port)
        } catch {
            try? await channel.close()
            throw MDNSTransportError.socketFailed(address: host, reason: "\(error)")
        }
    }

    /// TTL / hop limit 255 (RFC 6762 §11) and loop on, so that other mDNS software on this host
    /// hears us. On Linux, also receive only the groups this socket joined: by default a socket
    /// bound to the wildcard gets every group any socket on the host joined, on any interface.
    private static func configureMulticast(_ channel: any Channel, isIPv4: Bool) async throws {
        guard let options = channel as? any SocketOptionProvider else { return }
        if isIPv4 {
            try await options.setIPMulticastTTL(255).get()
            try await options.setIPMulticastLoop(1).get()
        } else {
            try await options.setIPv6MulticastHops(255).get()
            try await options.setIPv6MulticastLoop(1).get()
        }
        #if os(Linux)
        // IP_MULTICAST_ALL (49, Linux 2.6.31) and IPV6_MULTICAST_ALL (29, Linux 4.20); an older
        // kernel refuses the IPv6 one, which only costs extra datagrams.
        let option = ChannelOptions.Types.SocketOption(
            level: isIPv4 ? .ip : .ipv6, name: NIOBSDSocket.Option(rawValue: isIPv4 ? 49 : 29))
        try? await channel.setOption(option, value: 0).get()
        #endif
    }

    /// Joins the socket's group on each interface that has an address of its family.
    private static func join(
        _ socket: Socket, interfaces: [MDNSInterface]
    ) async -> (joined: [MDNSInterface], failures: [String]) {
        guard let options = socket.channel as? any SocketOptionProvider else { return ([], ["no socket options"]) }
        var joined = [MDNSInterface]()
        var failures = [String]()
        let family = socket.isIPv4 ? "IPv4" : "IPv6"
        for interface in interfaces {
            do {
                if socket.isIPv4 {
                    guard case .v4(let local)? = interface.ipv4Address else { continue }
                    let request = ip_mreq(
                        imr_multiaddr: in_addr(s_addr: UInt32(0xe000_00fb).bigEndian),
                        imr_interface: in_addr(s_addr: local.bigEndian))
                    try await options.unsafeSetSocketOption(level: .ip, name: .ip_add_membership, value: request).get()
                } else {
                    guard interface.hasIPv6 else { continue }
                    var group = in6_addr()
                    withUnsafeMutableBytes(of: &group) { $0.copyBytes(from: MDNSTransport.ipv6Group.bytes) }
                    let request = ipv6_mreq(ipv6mr_multiaddr: group, ipv6mr_interface: interface.index)
                    try await options.unsafeSetSocketOption(level: .ipv6, name: .ipv6_join_group, value: request).get()
                }
                joined.append(interface)
            } catch {
                failures.append("\(interface.name): cannot join the \(family) group: \(error)")
            }
        }
        return (joined, failures)
    }

    // MARK: - Sending

    /// Sends to the group on every family that is up, once per joined interface; does nothing
    /// when no interface was joined or after `close`.
    public func sendMulticast(_ bytes: [UInt8]) {
        guard !closed.withLockedValue({ $0 }) else { return }
        for socket in sockets where !socket.joined.isEmpty {
            let (handler, group, port, interfaces) = (socket.handler, socket.group, socket.port, socket.joined)
            socket.channel.eventLoop.execute {
                handler.value.sendMulticast(bytes, group: group, port: port, interfaces: interfaces)
            }
        }
    }

    /// Sends a unicast reply; dropped (and logged) when no socket of the address's family is open.
    public func send(_ bytes: [UInt8], to address: IPAddress, port: UInt16) {
        guard !closed.withLockedValue({ $0 }) else { return }
        guard let socket = sockets.first(where: { $0.isIPv4 == address.isIPv4 }) else {
            logger.debug("mdns no socket for the address family", metadata: ["to": "\(address)"])
            return
        }
        let handler = socket.handler
        let fallbackScope = socket.joined.first?.index ?? 0
        socket.channel.eventLoop.execute {
            handler.value.sendUnicast(bytes, to: address, port: port, fallbackScope: fallbackScope)
        }
    }

    // MARK: - Closing

    /// Closes both sockets (leaving the groups); later sends do nothing. Safe to call twice.
    public func close() async {
        let wasClosed = closed.withLockedValue { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        for socket in sockets { try? await socket.channel.close() }
    }
}

/// Why nearby discovery's sockets could not be opened; the caller reports
/// "nearby discovery unavailable: <description>".
public enum MDNSTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Both IPv4 and IPv6 were turned off.
    case noFamilyEnabled
    /// One family's socket could not be bound or set up.
    case socketFailed(address: String, reason: String)
    /// No family's socket could be bound; each reason says why.
    case bindFailed(reasons: [String])
    /// No interface could join the group; each reason names an interface and why.
    case noInterface(reasons: [String])

    /// What went wrong, for a person.
    public var description: String {
        switch self {
        case .noFamilyEnabled:
            "both IPv4 and IPv6 are turned off"
        case .socketFailed(let address, let reason):
            "cannot bind UDP \(address): \(reason)"
        case .bindFailed(let reasons):
            reasons.isEmpty ? "cannot bind a UDP socket" : reasons.joined(separator: "; ")
        case .noInterface(let reasons):
            "no network interface can join the mDNS group"
                + (reasons.isEmpty ? " (none is up with multicast)" : ": " + reasons.joined(separator: "; "))
        }
    }
}
