import Foundation
import PeerdexCore

/// Where a DHT node joins the network: `HOST:PORT` entries from `--bootstrap` and the config
/// file, and the word `mainline` for the public network's well-known routers (opt-in only: no
/// default, test, benchmark or CI run ever names it).
public enum BootstrapNodes {
    /// The word that stands for the public Mainline DHT's routers.
    public static let mainlineKeyword = "mainline"

    /// The public Mainline routers `mainline` stands for. Used only when a user asks for them.
    static let mainlineRouters = [
        HostPort(host: "router.bittorrent.com", port: 6881), HostPort(host: "dht.transmissionbt.com", port: 6881),
        HostPort(host: "router.utorrent.com", port: 6881), HostPort(host: "dht.libtorrent.org", port: 25401),
    ]

    /// Checks each entry's form (`HOST:PORT` or `mainline`) without resolving anything.
    public static func validate(_ entries: [String]) throws(AppError) {
        for entry in entries where entry.lowercased() != mainlineKeyword {
            do { _ = try HostPort(parsing: entry) } catch {
                throw .invalidArgument("bootstrap node '\(entry)': \(error) (expected HOST:PORT or '\(mainlineKeyword)')")
            }
        }
    }

    /// The UDP endpoints of `entries`, host names resolved (IPv4 and IPv6), duplicates dropped.
    /// An entry that does not resolve is reported through `onUnresolved` and skipped.
    public static func resolve(_ entries: [String], onUnresolved: (String) -> Void = { _ in }) throws(AppError)
        -> [DHTEndpoint]
    {
        try validate(entries)
        var endpoints = [DHTEndpoint]()
        for entry in entries {
            let hosts =
                entry.lowercased() == mainlineKeyword ? mainlineRouters : [try! HostPort(parsing: entry)]  // validated above
            for host in hosts {
                let found = addresses(of: host.host).map { DHTEndpoint(ip: $0, port: UInt16(host.port)) }
                if found.isEmpty { onUnresolved("\(host)") }
                for endpoint in found where !endpoints.contains(endpoint) { endpoints.append(endpoint) }
            }
        }
        return endpoints
    }

    /// The addresses a host name or literal stands for (a literal is returned without a lookup).
    static func addresses(of host: String) -> [IPAddress] {
        if let literal = IPAddress(parsing: host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var result = [IPAddress]()
        for info in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = info.pointee.ai_addr else { continue }
            switch Int32(info.pointee.ai_family) {
            case AF_INET:
                let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                result.append(.v4(UInt32(bigEndian: ipv4)))
            case AF_INET6:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                if let ip = IPAddress(bytes: bytes) { result.append(ip) }
            default:
                continue
            }
        }
        return result.reduce(into: []) { unique, ip in if !unique.contains(ip) { unique.append(ip) } }
    }
}
