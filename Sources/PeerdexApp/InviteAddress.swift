import PeerdexCore
import PeerdexNet
import PeerdexQR

#if canImport(Glibc)
import Glibc
#endif

/// Which address our invite carries: where the node running for this data directory can be
/// reached, as `peerdex invite` and the TUI's identity overlay show it.
public enum InviteAddress {
    /// Where peers can reach a listener bound to `bound`, best first.
    ///
    /// A listener bound to one host is reached there. One bound to every interface (`0.0.0.0`,
    /// `::`) is reached at each up, non-loopback interface's addresses: IPv4 ones first (the
    /// likelier to work from a phone on the same LAN), then, for `::` only (an IPv4 wildcard
    /// takes no IPv6), the IPv6 ones. IPv6 link-local addresses (fe80::/10) are left out: they
    /// mean nothing without the interface name, which differs on the other machine.
    public static func reachable(from bound: HostPort, interfaces: [MDNSInterface]) -> [HostPort] {
        guard let ip = IPAddress(parsing: bound.host), ip.bytes.allSatisfy({ $0 == 0 }) else { return [bound] }
        let candidates = interfaces.filter { $0.isUp && !$0.isLoopback }.flatMap(\.addresses).filter { address in
            if address.isLoopback { return false }
            if case .v6(let high, _) = address, high >> 54 == 0x3fa { return false }
            return true
        }
        let ordered = candidates.filter(\.isIPv4) + (ip.isIPv4 ? [] : candidates.filter { !$0.isIPv4 })
        var seen = Set<IPAddress>()
        return ordered.filter { seen.insert($0).inserted }.map { HostPort(host: text(of: $0), port: bound.port) }
    }

    /// An address as `inet_ntop` writes it: IPv6 in its shortest form (RFC 5952, `2001:db8::20`),
    /// which keeps invites, and their QR codes, small.
    static func text(of address: IPAddress) -> String {
        guard !address.isIPv4 else { return "\(address)" }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: address.bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "\(address)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Our invite with `address`, and its QR code (nil in the unlikely case it cannot be made:
    /// the text is shown alone then).
    public static func invite(of identity: Identity, address: HostPort?) -> (invite: Invite, code: QRCode?) {
        let invite = identity.invite(address: address)
        return (invite, try? QREncoder.encode(invite.url))
    }

    /// `reachable(from:interfaces:)` over this machine's interfaces now (`getifaddrs`).
    public static func reachable(from bound: HostPort) -> [HostPort] {
        reachable(from: bound, interfaces: MDNSInterface.enumerate())
    }

    /// The address an invite made now should carry, and where it came from.
    public struct Choice: Equatable, Sendable {
        /// Where the address came from, or why there is none.
        public enum Source: Equatable, Sendable {
            /// Given on the command line (`--address`).
            case given
            /// The running node's (`node.json`), bound to `listening`.
            case runningNode(listening: String)
            /// A node runs, bound to `listening`, but no address of this machine reaches it.
            case unreachableNode(listening: String)
            /// No node runs for this data directory.
            case noNode
        }

        /// The address for the invite; nil when there is none to give.
        public var address: HostPort?
        /// Where it came from.
        public var source: Source

        /// A choice from its parts.
        public init(address: HostPort?, source: Source) {
            self.address = address
            self.source = source
        }

        /// What to tell the user on stderr when the invite carries no address; nil when it has one.
        public var warning: String? {
            switch source {
            case .given, .runningNode: return nil
            case .unreachableNode(let listening):
                return "the node listens on \(listening) but this machine has no other address than loopback; "
                    + "the invite carries no address — give one with --address HOST:PORT"
            case .noNode:
                return "no node is running for this data directory; the invite carries no address — "
                    + "start `peerdex node` or the TUI"
            }
        }
    }

    /// The address for an invite of `directory`'s identity: `override` when given, else the first
    /// address the running node (its `node.json`) is reachable at, else none.
    public static func choose(for directory: DataDirectory, override: HostPort? = nil) -> Choice {
        if let override { return Choice(address: override, source: .given) }
        guard let node = NodeAddressFile.running(in: directory) else { return Choice(address: nil, source: .noNode) }
        guard let first = node.reachable.first else {
            return Choice(address: nil, source: .unreachableNode(listening: node.listening))
        }
        return Choice(address: first, source: .runningNode(listening: node.listening))
    }
}
