#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PeerdexCore

/// A network interface as mDNS sees it: its name, index, flags and addresses.
public struct MDNSInterface: Hashable, Sendable, CustomStringConvertible {
    /// The interface's name (`eth0`, `veth1`, `wlan0`).
    public var name: String
    /// Its index, as `if_nametoindex` gives it (what IPv6 joins and scope IDs name).
    public var index: UInt32
    /// Whether it is administratively up (`IFF_UP`).
    public var isUp: Bool
    /// Whether it supports multicast (`IFF_MULTICAST`).
    public var supportsMulticast: Bool
    /// Whether it is a loopback interface (`IFF_LOOPBACK`).
    public var isLoopback: Bool
    /// Its IPv4 and IPv6 addresses, in the order the system lists them.
    public var addresses: [IPAddress]

    /// An interface from its parts.
    public init(
        name: String, index: UInt32, isUp: Bool, supportsMulticast: Bool, isLoopback: Bool, addresses: [IPAddress]
    ) {
        self.name = name
        self.index = index
        self.isUp = isUp
        self.supportsMulticast = supportsMulticast
        self.isLoopback = isLoopback
        self.addresses = addresses
    }

    /// The first IPv4 address: the one IPv4 joins and `IP_MULTICAST_IF` name the interface by.
    public var ipv4Address: IPAddress? { addresses.first(where: \.isIPv4) }

    /// Whether it has an IPv6 address, without which IPv6 multicast has no source address.
    public var hasIPv6: Bool { addresses.contains { !$0.isIPv4 } }

    /// The addresses worth advertising in A/AAAA records: IPv4, and IPv6 link-local (fe80::/10)
    /// or unique local (fc00::/7). Global IPv6 addresses are left out: mDNS answers stay on the
    /// link, where the link-local address always works, and a global one would tell every
    /// neighbour the address we use on the internet.
    public var advertisableAddresses: [IPAddress] {
        addresses.filter { address in
            guard case .v6(let high, _) = address else { return true }
            return high >> 54 == 0x3fa || high >> 57 == 0x7e
        }
    }

    /// `eth0#2`.
    public var description: String { "\(name)#\(index)" }
}

// MARK: - Selection

extension MDNSInterface {
    /// The interfaces to join among `all`: those named in `names` (an interface that is down or
    /// has no multicast is still refused), or with `names` nil every interface that is up,
    /// multicast-capable and not loopback. Returns the chosen ones and, for each refused
    /// candidate, why; an explicitly named interface that does not exist is reported too.
    public static func select(
        from all: [MDNSInterface], names: [String]?
    ) -> (chosen: [MDNSInterface], refused: [String]) {
        var chosen = [MDNSInterface]()
        var refused = [String]()
        let candidates: [MDNSInterface]
        if let names {
            candidates = all.filter { names.contains($0.name) }
            for name in names where !all.contains(where: { $0.name == name }) {
                refused.append("\(name): no such interface")
            }
        } else {
            candidates = all.filter { !$0.isLoopback }
        }
        for interface in candidates {
            if !interface.isUp {
                refused.append("\(interface.name): down")
            } else if !interface.supportsMulticast {
                refused.append("\(interface.name): no multicast")
            } else if interface.ipv4Address == nil && !interface.hasIPv6 {
                refused.append("\(interface.name): no IP address")
            } else {
                chosen.append(interface)
            }
        }
        return (chosen, refused)
    }
}

// MARK: - Enumeration

extension MDNSInterface {
    /// Every interface with at least one IP address, from `getifaddrs`; empty if that fails.
    /// Interfaces without an IP address are left out: mDNS can neither join nor send there.
    public static func enumerate() -> [MDNSInterface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var byName: [String: MDNSInterface] = [:]
        var order: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let cName = entry.pointee.ifa_name, let address = ipAddress(of: entry.pointee.ifa_addr) else {
                continue
            }
            let name = String(cString: cName)
            let flags = UInt32(entry.pointee.ifa_flags)
            if byName[name] == nil {
                order.append(name)
                byName[name] = MDNSInterface(
                    name: name, index: if_nametoindex(cName), isUp: flags & UInt32(IFF_UP) != 0,
                    supportsMulticast: flags & UInt32(IFF_MULTICAST) != 0,
                    isLoopback: flags & UInt32(IFF_LOOPBACK) != 0, addresses: [])
            }
            byName[name]?.addresses.append(address)
        }
        return order.compactMap { byName[$0] }
    }

    /// The IP address in a socket address, nil for other families (link-layer entries).
    private static func ipAddress(of pointer: UnsafeMutablePointer<sockaddr>?) -> IPAddress? {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                .v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                IPAddress(bytes: withUnsafeBytes(of: address.pointee.sin6_addr) { Array($0) })
            }
        default:
            return nil
        }
    }
}
