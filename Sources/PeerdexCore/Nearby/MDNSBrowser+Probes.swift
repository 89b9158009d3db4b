/// Sightings in other hosts' probes: a node still claiming its name (RFC 6762 §8.1, about 0.75 s
/// before its first announcement) already proposes its TXT record in the probe's authority
/// section, and ours is signed, so a browser can start verifying it at once.
extension MDNSBrowser {
    /// The TXT records of instances of our type proposed in a probe from `source`. Nothing is
    /// remembered: RFC 6762 §8.2 says not to cache a probe's records, and the table only acts on
    /// them after a handshake proves the advertised peer ID. A probe never carries a goodbye, so
    /// records with TTL 0 are ignored.
    public static func probeSightings(in message: DNSMessage, from source: IPAddress) -> [MDNSSighting] {
        let flags = message.flags
        guard !flags.isResponse, flags.opcode == 0, !message.questions.isEmpty else { return [] }
        var seen = Set<DNSName>()
        return message.authorities.compactMap { record in
            guard record.ttl > 0, isInstance(record.name), case .text(let strings) = record.data,
                seen.insert(record.name).inserted
            else { return nil }
            return MDNSSighting(instance: record.name, txtStrings: strings, ttl: record.ttl, source: source)
        }
    }
}
