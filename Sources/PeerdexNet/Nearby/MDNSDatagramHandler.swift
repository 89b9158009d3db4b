#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeerdexCore

/// One mDNS socket's pipeline: hands every datagram to the caller at once, and writes what the
/// transport sends, one datagram at a time, so that the outgoing interface set for an IPv4
/// multicast (`IP_MULTICAST_IF`, a socket-wide option) is still the one set when the kernel
/// takes the datagram. Confined to the channel's event loop.
final class MDNSDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// A datagram waiting to be written; `interface` is the IPv4 address naming the outgoing
    /// interface of an IPv4 multicast, nil for everything else.
    private struct Outgoing {
        var envelope: AddressedEnvelope<ByteBuffer>
        var interface: in_addr?
    }

    /// Link-local senders remembered with the interface they were heard on, at most this many.
    static let scopeCapacity = 256

    private let maximumPacketLength: Int
    private let oversizedDrops: NIOLockedValueBox<Int>
    private let onPacket: @Sendable ([UInt8], IPAddress, UInt16) -> Void
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var queue = CircularBuffer<Outgoing>()
    private var writing = false
    private var scopes: [IPAddress: UInt32] = [:]
    private var joinedIndexes: Set<Int> = []

    init(
        maximumPacketLength: Int, oversizedDrops: NIOLockedValueBox<Int>, logger: Logger,
        onPacket: @escaping @Sendable ([UInt8], IPAddress, UInt16) -> Void
    ) {
        self.maximumPacketLength = maximumPacketLength
        self.oversizedDrops = oversizedDrops
        self.logger = logger
        self.onPacket = onPacket
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        queue.removeAll()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // The receive buffer holds one byte more than the limit, so a longer datagram arrives
        // cut to that length and is caught here.
        guard envelope.data.readableBytes <= maximumPacketLength else {
            oversizedDrops.withLockedValue { $0 += 1 }
            return
        }
        // Linux hands an IPv6 socket every datagram for a group it joined anywhere, whatever
        // interface it arrived on (IPv4 checks the interface), so a group joined on another
        // interface by other software on this host would leak in without this check.
        if let info = envelope.metadata?.packetInfo, info.destinationAddress.isMulticast,
            !joinedIndexes.contains(info.interfaceIndex)
        {
            return
        }
        guard let source = DHTEndpoint(envelope.remoteAddress) else { return }
        if case .v6(let address) = envelope.remoteAddress, address.address.sin6_scope_id != 0,
            Self.isLinkLocal(source.ip)
        {
            rememberScope(address.address.sin6_scope_id, of: source.ip)
        }
        onPacket(Array(envelope.data.readableBytesView), source.ip, source.port)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP error concerns one datagram (an ICMP error reported on the socket, a send
        // refused); the socket goes on.
        logger.debug("mdns datagram error", metadata: ["error": "\(error)"])
    }

    // MARK: - Sending (called on the event loop)

    /// The interfaces this socket joined the group on; multicast arriving elsewhere is dropped.
    func acceptMulticast(onInterfaces indexes: Set<Int>) { joinedIndexes = indexes }

    /// Queues one multicast to the group on each interface.
    func sendMulticast(_ bytes: [UInt8], group: IPAddress, port: Int, interfaces: [MDNSInterface]) {
        guard let context else { return }
        for interface in interfaces {
            switch group {
            case .v4:
                guard case .v4(let value)? = interface.ipv4Address else { continue }
                let address = Self.socketAddress(group, port: port, scope: 0)
                let buffer = context.channel.allocator.buffer(bytes: bytes)
                queue.append(
                    Outgoing(
                        envelope: AddressedEnvelope(remoteAddress: address, data: buffer),
                        interface: in_addr(s_addr: value.bigEndian)))
            case .v6:
                // A link-local destination's scope ID picks the outgoing interface per datagram,
                // so IPv6 needs no socket-wide option.
                let address = Self.socketAddress(group, port: port, scope: interface.index)
                let buffer = context.channel.allocator.buffer(bytes: bytes)
                queue.append(
                    Outgoing(envelope: AddressedEnvelope(remoteAddress: address, data: buffer), interface: nil))
            }
        }
        drain()
    }

    /// Queues one unicast datagram. A link-local IPv6 destination goes out on the interface it
    /// was last heard on, else on `fallbackScope` (the first IPv6 interface joined).
    func sendUnicast(_ bytes: [UInt8], to address: IPAddress, port: UInt16, fallbackScope: UInt32) {
        guard let context else { return }
        let scope = Self.isLinkLocal(address) ? scopes[address] ?? fallbackScope : 0
        let destination = Self.socketAddress(address, port: Int(port), scope: scope)
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        queue.append(Outgoing(envelope: AddressedEnvelope(remoteAddress: destination, data: buffer), interface: nil))
        drain()
    }

    /// Writes queued datagrams until one is left waiting on a full socket buffer; its
    /// completion resumes the queue.
    private func drain() {
        while !writing, let context, let next = queue.popFirst() {
            if let interface = next.interface, let options = context.channel as? any SocketOptionProvider {
                options.setIPMulticastIF(interface).whenFailure { [logger] error in
                    logger.debug("mdns cannot choose the outgoing interface", metadata: ["error": "\(error)"])
                }
            }
            writing = true
            var returned = false
            context.writeAndFlush(wrapOutboundOut(next.envelope)).assumeIsolated().whenComplete { [weak self] result in
                guard let self else { return }
                if case .failure(let error) = result {
                    self.logger.debug(
                        "mdns send failed",
                        metadata: ["to": "\(next.envelope.remoteAddress)", "error": "\(error)"])
                }
                self.writing = false
                // Written at once: the loop above goes on. Written later: resume from here.
                if returned { self.drain() }
            }
            returned = true
        }
    }

    // MARK: - Addresses

    private func rememberScope(_ scope: UInt32, of address: IPAddress) {
        guard scopes[address] != scope else { return }
        // Forgetting everything when full is crude but cheap and rare; a peer forgotten is
        // answered through the fallback interface until it is heard again.
        if scopes.count >= Self.scopeCapacity { scopes.removeAll(keepingCapacity: true) }
        scopes[address] = scope
    }

    /// fe80::/10.
    static func isLinkLocal(_ address: IPAddress) -> Bool {
        if case .v6(let high, _) = address { high >> 54 == 0x3fa } else { false }
    }

    /// The socket address of an IP address and port, with an IPv6 scope ID.
    static func socketAddress(_ address: IPAddress, port: Int, scope: UInt32) -> SocketAddress {
        switch address {
        case .v4(let value):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            raw.sin_addr.s_addr = value.bigEndian
            return SocketAddress(raw, host: "")
        case .v6:
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
            raw.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: address.bytes) }
            return SocketAddress(raw, host: "")
        }
    }
}
