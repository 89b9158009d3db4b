/// Our own DNS-SD service instance (RFC 6763): the records we announce and defend.
///
/// The instance name is one label of UTF-8 (spaces and dots allowed); the host name is ours alone
/// (`peerdex-<first 12 characters of the peer ID>.local`), so only the instance name is expected
/// to meet conflicts. The records are derived here once, so the packets, the answers and the
/// conflict checks can never disagree about what we own.
public struct MDNSServiceInstance: Hashable, Sendable {
    /// The DNS-SD service type peerdex nodes browse for.
    public static let serviceType = DNSName(checkedLabels: [Array("_peerdex".utf8), Array("_tcp".utf8), local])
    /// The meta-query name that lists every service type on the link (RFC 6763 §9).
    public static let servicesEnumeration = DNSName(
        checkedLabels: [Array("_services".utf8), Array("_dns-sd".utf8), Array("_udp".utf8), local])
    /// Most addresses announced for the host: enough for every interface of a real machine, and
    /// few enough that a full answer stays far inside `DNSMessageLimits.default` (64 a section).
    public static let maximumAddresses = 16
    /// The instance label used when `instanceName` is empty (a label cannot be).
    public static let fallbackInstanceName = "peerdex"

    private static let local = Array("local".utf8)

    /// One label, e.g. `Ada` or `peerdex abcd1234`; cut to 63 UTF-8 bytes at a character boundary
    /// when the full name is made.
    public var instanceName: String
    /// The host name the SRV record points at, owner of the A and AAAA records.
    public var hostName: DNSName
    /// The TCP port of the Noise listener.
    public var port: UInt16
    /// The host's addresses; the first `maximumAddresses` distinct ones are announced.
    public var addresses: [IPAddress]
    /// The TXT strings (`NearbyAdvertisement.txtStrings`), each at most 255 bytes.
    public var txt: [[UInt8]]

    /// An instance from its parts.
    public init(instanceName: String, hostName: DNSName, port: UInt16, addresses: [IPAddress], txt: [[UInt8]]) {
        self.instanceName = instanceName
        self.hostName = hostName
        self.port = port
        self.addresses = addresses
        self.txt = txt
    }

    /// `<instanceName>._peerdex._tcp.local`, the name cut to one label (and `peerdex` if empty).
    public var instanceFullName: DNSName {
        let fitted = MDNSAnnouncer.fitted(instanceName, suffix: "")
        let label = fitted.isEmpty ? Self.fallbackInstanceName : fitted
        // One label of at most 63 bytes before a 21-byte name stays under 255: always valid.
        return DNSName(checkedLabels: [Array(label.utf8)] + Self.serviceType.labels)
    }

    /// The addresses announced: distinct, in the order given, at most `maximumAddresses`.
    public var announcedAddresses: [IPAddress] {
        var seen = Set<IPAddress>()
        return Array(addresses.filter { seen.insert($0).inserted }.prefix(Self.maximumAddresses))
    }

    // MARK: - Records

    /// Shared: `_peerdex._tcp.local` PTR the instance (many hosts answer it, no cache-flush).
    public var pointerRecord: DNSResourceRecord {
        DNSResourceRecord(name: Self.serviceType, ttl: MDNSPackets.otherTTL, data: .pointer(instanceFullName))
    }

    /// Unique: the instance's SRV, port and host.
    public var serviceRecord: DNSResourceRecord {
        DNSResourceRecord(
            name: instanceFullName, ttl: MDNSPackets.hostTTL,
            data: .service(DNSServiceData(port: port, target: hostName)), cacheFlush: true)
    }

    /// Unique: the instance's TXT, the signed advertisement.
    public var textRecord: DNSResourceRecord {
        DNSResourceRecord(name: instanceFullName, ttl: MDNSPackets.otherTTL, data: .text(txt), cacheFlush: true)
    }

    /// Unique: the host's A and AAAA records.
    public var addressRecords: [DNSResourceRecord] {
        announcedAddresses.map {
            DNSResourceRecord(name: hostName, ttl: MDNSPackets.hostTTL, data: .address($0), cacheFlush: true)
        }
    }

    /// Shared: `_services._dns-sd._udp.local` PTR `_peerdex._tcp.local` (RFC 6763 §9).
    public var enumerationRecord: DNSResourceRecord {
        DNSResourceRecord(name: Self.servicesEnumeration, ttl: MDNSPackets.otherTTL, data: .pointer(Self.serviceType))
    }

    /// Every record we announce, in announcement order.
    public var allRecords: [DNSResourceRecord] {
        [pointerRecord, serviceRecord, textRecord] + addressRecords + [enumerationRecord]
    }

    /// The unique records we own under `name` (what a probe proposes and a defense asserts).
    public func uniqueRecords(named name: DNSName) -> [DNSResourceRecord] {
        var records = [DNSResourceRecord]()
        if name == instanceFullName { records += [serviceRecord, textRecord] }
        if name == hostName { records += addressRecords }
        return records
    }

    /// The names whose records are ours alone: the instance and the host.
    public var uniqueNames: [DNSName] {
        hostName == instanceFullName ? [instanceFullName] : [instanceFullName, hostName]
    }

    /// The NSEC asserting which types `name` has, for a name of ours (RFC 6762 §6.1).
    func negativeRecord(named name: DNSName) -> DNSResourceRecord {
        let types = Set(uniqueRecords(named: name).map(\.type))
        return DNSResourceRecord(
            name: name, ttl: MDNSPackets.hostTTL, data: .nextSecure(next: name, types: types), cacheFlush: true)
    }
}
