/// An IPv4 range that nearby discovery may probe directly, for networks that drop multicast
/// (issue 12, item 3): "10.0.0.0/24" style, at most a /24 so a sweep stays small and polite.
///
/// A network address with host bits set ("10.0.0.5/24") is refused rather than normalized: it is
/// most likely a typo, and probing a range other than the one written would surprise.
public struct NearbyProbeRange: Hashable, Sendable, CustomStringConvertible {
    /// The widest range accepted: 256 addresses.
    public static let widestPrefixLength = 24

    /// The network address (host bits clear).
    public let network: UInt32
    /// The prefix length, 24 to 32.
    public let prefixLength: Int

    /// Parses `address/prefix` (IPv4 dotted quad, prefix 24…32).
    public init(parsing text: String) throws(NearbyProbeRangeError) {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(parts[1]) else {
            throw .malformed(trimmed)
        }
        guard case .v4(let address)? = IPAddress(parsing: parts[0]) else {
            throw parts[0].contains(":") ? .notIPv4(trimmed) : .malformed(trimmed)
        }
        guard (0...32).contains(prefix) else { throw .malformed(trimmed) }
        guard prefix >= Self.widestPrefixLength else { throw .tooWide(trimmed) }
        let mask = Self.mask(prefix)
        guard address & ~mask == 0 else {
            throw .hostBitsSet(trimmed, network: "\(IPAddress.v4(address & mask))/\(prefix)")
        }
        network = address
        prefixLength = prefix
    }

    /// How many addresses the range spans, 1 to 256.
    public var size: Int { 1 << (32 - prefixLength) }

    /// The addresses to probe, in ascending order: every address of the range but its network
    /// and broadcast addresses (/24 to /30); both of a /31 (RFC 3021) and the one of a /32.
    public var hosts: [IPAddress] {
        let all = (0..<UInt32(size)).map { network + $0 }
        guard prefixLength <= 30 else { return all.map(IPAddress.v4) }
        return all.dropFirst().dropLast().map(IPAddress.v4)
    }

    /// Whether `address` lies in the range.
    public func contains(_ address: IPAddress) -> Bool {
        guard case .v4(let value) = address else { return false }
        return value & Self.mask(prefixLength) == network
    }

    /// `10.0.0.0/24`.
    public var description: String { "\(IPAddress.v4(network))/\(prefixLength)" }

    private static func mask(_ prefix: Int) -> UInt32 {
        prefix == 0 ? 0 : UInt32.max << (32 - prefix)
    }
}

/// Why a probe range was refused.
public enum NearbyProbeRangeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `address/prefix`.
    case malformed(String)
    /// The address is not an IPv4 dotted quad.
    case notIPv4(String)
    /// Wider than a /24.
    case tooWide(String)
    /// The address has bits set beyond the prefix; `network` is what was probably meant.
    case hostBitsSet(String, network: String)

    /// One line for a person.
    public var description: String {
        switch self {
        case .malformed(let text): return "'\(text)' is not an IPv4 range like 10.0.0.0/24"
        case .notIPv4(let text): return "'\(text)' is not an IPv4 range like 10.0.0.0/24 (only IPv4 is probed)"
        case .tooWide(let text): return "'\(text)' is too wide: a probe range is at most a /24 (256 addresses)"
        case .hostBitsSet(let text, let network): return "'\(text)' has host bits set; did you mean \(network)?"
        }
    }
}
