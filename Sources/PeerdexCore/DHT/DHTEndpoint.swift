import Foundation

/// An IP address as the DHT carries it: 4 or 16 bytes, compared and hashed by value.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address, big-endian.
    case v4(UInt32)
    /// An IPv6 address as two big-endian halves.
    case v6(UInt64, UInt64)

    /// The address of 4 or 16 bytes, or nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes.dropFirst(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self = .v6(high, low)
        default: return nil
        }
    }

    /// Parses dotted IPv4 (`127.0.0.1`) or colon IPv6 (`::1`, `fe80::1`), or nil.
    public init?(parsing text: some StringProtocol) {
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(String(text)) else { return nil }
            self.init(bytes: bytes)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var bytes = [UInt8]()
            for part in parts {
                guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
                bytes.append(value)
            }
            self.init(bytes: bytes)
        }
    }

    /// The 4 or 16 bytes, most significant first.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value): (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) }
        case .v6(let high, let low):
            (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
        }
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { if case .v4 = self { true } else { false } }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): value >> 24 == 127
        case .v6(let high, let low): high == 0 && low == 1
        }
    }

    /// Addresses that are not on the public internet: loopback, private (RFC 1918, fc00::/7),
    /// link-local, carrier-grade NAT and unspecified. BEP 42 node-ID checks and the routing
    /// table's diversity limits apply only to the others.
    public var isLocal: Bool {
        switch self {
        case .v4(let value):
            let first = value >> 24
            let second = (value >> 16) & 0xff
            return first == 0 || first == 10 || first == 127 || (first == 172 && (16...31).contains(second))
                || (first == 192 && second == 168) || (first == 169 && second == 254)
                || (first == 100 && (64...127).contains(second))
        case .v6(let high, let low):
            return (high == 0 && (low == 0 || low == 1)) || high >> 57 == 0x7e  // fc00::/7
                || high >> 54 == 0x3fa  // fe80::/10
        }
    }

    /// The network this address belongs to for diversity limits: its /24 (IPv4) or /48 (IPv6).
    public var diversityPrefix: IPAddress {
        switch self {
        case .v4(let value): .v4(value & 0xffff_ff00)
        case .v6(let high, _): .v6(high & 0xffff_ffff_ffff_0000, 0)
        }
    }

    /// Dotted IPv4 or the full colon form of IPv6 (eight groups, unabbreviated except `::1`).
    public var description: String {
        switch self {
        case .v4: return bytes.map(String.init).joined(separator: ".")
        case .v6(0, 1): return "::1"
        case .v6:
            let bytes = bytes
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result = [UInt16]()
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

/// A UDP address and port: where a DHT node listens.
public struct DHTEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The IP address.
    public var ip: IPAddress
    /// The UDP port.
    public var port: UInt16

    /// An endpoint from its parts.
    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// The compact form of BEP 5: 6 bytes (IPv4) or 18 (IPv6), address then big-endian port;
    /// nil for any other length.
    public init?(compact bytes: some Collection<UInt8>) {
        guard bytes.count == 6 || bytes.count == 18, let ip = IPAddress(bytes: bytes.dropLast(2)) else { return nil }
        let port = bytes.suffix(2).reduce(UInt16(0)) { $0 << 8 | UInt16($1) }
        self.init(ip: ip, port: port)
    }

    /// The 6- or 18-byte compact form.
    public var compact: [UInt8] { ip.bytes + [UInt8(port >> 8), UInt8(port & 0xff)] }

    /// `a.b.c.d:port` or `[v6]:port`.
    public var description: String { ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)" }
}

/// A DHT node as others describe it: its ID and where it listens (BEP 5's "compact node info").
public struct DHTNodeInfo: Hashable, Sendable, CustomStringConvertible {
    /// Compact node info length for IPv4: 20-byte ID, 4-byte address, 2-byte port.
    public static let compactIPv4Length = 26
    /// Compact node info length for IPv6: 20-byte ID, 16-byte address, 2-byte port.
    public static let compactIPv6Length = 38

    /// The node's ID.
    public var id: NodeID
    /// Its UDP endpoint.
    public var endpoint: DHTEndpoint

    /// A node from its parts.
    public init(id: NodeID, endpoint: DHTEndpoint) {
        self.id = id
        self.endpoint = endpoint
    }

    /// The compact node info (26 or 38 bytes).
    public var compact: [UInt8] { id.bytes + endpoint.compact }

    /// Decodes a `nodes` (26-byte entries) or `nodes6` (38-byte entries) string; nil unless its
    /// length is a whole number of entries.
    public static func decodeList(_ bytes: [UInt8], entryLength: Int) -> [DHTNodeInfo]? {
        guard entryLength == compactIPv4Length || entryLength == compactIPv6Length,
            bytes.count.isMultiple(of: entryLength)
        else { return nil }
        var nodes = [DHTNodeInfo]()
        nodes.reserveCapacity(bytes.count / entryLength)
        var start = 0
        while start < bytes.count {
            let entry = bytes[start..<start + entryLength]
            guard let id = NodeID(bytes: entry.prefix(NodeID.byteCount)),
                let endpoint = DHTEndpoint(compact: entry.dropFirst(NodeID.byteCount))
            else { return nil }
            nodes.append(DHTNodeInfo(id: id, endpoint: endpoint))
            start += entryLength
        }
        return nodes
    }

    /// Encodes nodes as one compact string (all of one address family).
    public static func encodeList(_ nodes: [DHTNodeInfo]) -> [UInt8] { nodes.flatMap(\.compact) }

    /// `id@endpoint`, the ID shortened.
    public var description: String { "\(id.hex.prefix(8))@\(endpoint)" }
}
