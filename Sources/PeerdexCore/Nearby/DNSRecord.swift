/// A DNS resource record type (RFC 1035 §3.2.2); any 16-bit value, with names for the ones
/// multicast DNS service discovery uses.
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number on the wire.
    public let rawValue: UInt16

    /// A type from its number.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// An IPv4 address.
    public static let a = DNSRecordType(rawValue: 1)
    /// A name pointing at another (a DNS-SD service type at its instances).
    public static let ptr = DNSRecordType(rawValue: 12)
    /// Strings of bytes (DNS-SD `key=value` attributes).
    public static let txt = DNSRecordType(rawValue: 16)
    /// An IPv6 address.
    public static let aaaa = DNSRecordType(rawValue: 28)
    /// A service location: priority, weight, port and target host (RFC 2782).
    public static let srv = DNSRecordType(rawValue: 33)
    /// The EDNS(0) pseudo-record (RFC 6891), kept raw.
    public static let opt = DNSRecordType(rawValue: 41)
    /// Which types a name has, as mDNS uses it for negative answers (RFC 6762 §6.1).
    public static let nsec = DNSRecordType(rawValue: 47)
    /// Every type: a question only.
    public static let any = DNSRecordType(rawValue: 255)

    /// Orders by number, as NSEC type bitmaps do.
    public static func < (lhs: DNSRecordType, rhs: DNSRecordType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The mnemonic for known types, `TYPE<n>` otherwise (RFC 3597 §5).
    public var description: String {
        switch self {
        case .a: "A"
        case .ptr: "PTR"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .opt: "OPT"
        case .nsec: "NSEC"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}

/// The class of the Internet, the only one multicast DNS uses.
public let dnsClassInternet: UInt16 = 1

/// One question: a name, a type, a class, and mDNS's request for a unicast reply (the top bit
/// of the class, RFC 6762 §5.4).
public struct DNSQuestion: Sendable, Hashable {
    /// The name asked about.
    public var name: DNSName
    /// The type asked for (`.any` for all).
    public var type: DNSRecordType
    /// The class in 15 bits, normally `dnsClassInternet`.
    public var recordClass: UInt16
    /// Whether the asker prefers a unicast reply (the QU bit).
    public var unicastResponse: Bool

    /// A question from its parts; `recordClass` keeps only its low 15 bits.
    public init(
        name: DNSName, type: DNSRecordType, recordClass: UInt16 = dnsClassInternet, unicastResponse: Bool = false
    ) {
        self.name = name
        self.type = type
        self.recordClass = recordClass & 0x7FFF
        self.unicastResponse = unicastResponse
    }
}

/// One resource record: a name, a class, mDNS's cache-flush bit (the top bit of the class,
/// RFC 6762 §10.2), a TTL and typed data, whose case gives the record's type.
public struct DNSResourceRecord: Sendable, Hashable {
    /// The owner name.
    public var name: DNSName
    /// The class in 15 bits, normally `dnsClassInternet`.
    public var recordClass: UInt16
    /// Whether this record replaces every other of its name and type in caches (unique records).
    public var cacheFlush: Bool
    /// Seconds the record may be cached; 0 is a goodbye (RFC 6762 §10.1).
    public var ttl: UInt32
    /// The data.
    public var data: DNSRecordData

    /// A record from its parts; `recordClass` keeps only its low 15 bits.
    public init(
        name: DNSName, ttl: UInt32, data: DNSRecordData, recordClass: UInt16 = dnsClassInternet,
        cacheFlush: Bool = false
    ) {
        self.name = name
        self.recordClass = recordClass & 0x7FFF
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.data = data
    }

    /// The type, from the data.
    public var type: DNSRecordType { data.type }
}

/// The data of a record, typed for what DNS-SD needs and raw for the rest.
public enum DNSRecordData: Sendable, Hashable {
    /// An A record (IPv4) or an AAAA record (IPv6).
    case address(IPAddress)
    /// A PTR record: the name pointed at.
    case pointer(DNSName)
    /// An SRV record (RFC 2782).
    case service(DNSServiceData)
    /// A TXT record: its strings of at most 255 bytes each (see `DNSTextAttributes`).
    case text([[UInt8]])
    /// An NSEC record as mDNS uses it: the next name (by convention the owner itself) and the
    /// types that name has (RFC 6762 §6.1).
    case nextSecure(next: DNSName, types: Set<DNSRecordType>)
    /// Any other type, the data kept as received (so names in it must not be compressed).
    case unknown(DNSRecordType, [UInt8])

    /// The record type this data belongs to.
    public var type: DNSRecordType {
        switch self {
        case .address(.v4): .a
        case .address(.v6): .aaaa
        case .pointer: .ptr
        case .service: .srv
        case .text: .txt
        case .nextSecure: .nsec
        case .unknown(let type, _): type
        }
    }
}

/// The data of an SRV record: where a service instance listens.
public struct DNSServiceData: Sendable, Hashable {
    /// Lower is tried first.
    public var priority: UInt16
    /// Relative share among targets of equal priority.
    public var weight: UInt16
    /// The port the service listens on.
    public var port: UInt16
    /// The host name, resolved by its A and AAAA records.
    public var target: DNSName

    /// SRV data from its parts.
    public init(priority: UInt16 = 0, weight: UInt16 = 0, port: UInt16, target: DNSName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}
