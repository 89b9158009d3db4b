/// The unsolicited packets for our instance: probes, announcements and goodbyes (RFC 6762 §8,
/// §10). `MDNSAnnouncer` says when to send which; the app encodes them and multicasts them to
/// 224.0.0.251 / ff02::fb port 5353.
public enum MDNSPackets {
    /// TTL of records naming a host or derived from its addresses: A, AAAA, SRV (RFC 6762 §10).
    public static let hostTTL: UInt32 = 120
    /// TTL of the other records: PTR and TXT (RFC 6762 §10).
    public static let otherTTL: UInt32 = 4_500

    /// A probe (§8.1): a query asking ANY for the instance and the host name with the QU bit, our
    /// proposed SRV, TXT, A and AAAA in the authority section for simultaneous-probe
    /// tie-breaking (§8.2). Authority records never carry the cache-flush bit (§10.2).
    public static func probe(_ instance: MDNSServiceInstance) -> DNSMessage {
        let names = instance.uniqueNames
        return DNSMessage(
            questions: names.map { DNSQuestion(name: $0, type: .any, unicastResponse: true) },
            authorities: names.flatMap { instance.uniqueRecords(named: $0) }.map(withoutCacheFlush))
    }

    /// An announcement (§8.3): a response with the service PTR, SRV, TXT, A and AAAA (the unique
    /// ones with cache-flush) and the services-enumeration PTR, all as answers.
    public static func announcement(_ instance: MDNSServiceInstance) -> DNSMessage {
        DNSMessage(flags: .response, answers: instance.allRecords)
    }

    /// A goodbye (§10.1): the announcement's records with TTL 0.
    public static func goodbye(_ instance: MDNSServiceInstance) -> DNSMessage {
        var message = announcement(instance)
        for index in message.answers.indices { message.answers[index].ttl = 0 }
        return message
    }

    static func withoutCacheFlush(_ record: DNSResourceRecord) -> DNSResourceRecord {
        var copy = record
        copy.cacheFlush = false
        return copy
    }
}
