// MARK: - Which records answer a question

extension MDNSResponder {
    /// Our records answering `question`, and the additional records DNS-SD sends with them
    /// (RFC 6763 §12): a PTR brings SRV, TXT and addresses, an SRV the addresses, an address the
    /// other family. A question for one of our unique names and a type it lacks is answered with
    /// an NSEC (RFC 6762 §6.1).
    func matches(_ question: DNSQuestion) -> (answers: [DNSResourceRecord], additionals: [DNSResourceRecord]) {
        let name = question.name
        let type = question.type
        let isAny = type == .any
        var answers = [DNSResourceRecord]()
        var additionals = [DNSResourceRecord]()
        if name == MDNSServiceInstance.serviceType, isAny || type == .ptr {
            answers.append(instance.pointerRecord)
            additionals += [instance.serviceRecord, instance.textRecord] + instance.addressRecords
        }
        if name == MDNSServiceInstance.servicesEnumeration, isAny || type == .ptr {
            answers.append(instance.enumerationRecord)
        }
        if name == instance.instanceFullName {
            let owned = [instance.serviceRecord, instance.textRecord].filter { isAny || $0.type == type }
            answers += owned
            if owned.contains(where: { $0.type == .srv }) { additionals += instance.addressRecords }
            if owned.isEmpty { answers.append(instance.negativeRecord(named: name)) }
        }
        if name == instance.hostName {
            let owned = instance.addressRecords.filter { isAny || $0.type == type }
            answers += owned
            if owned.isEmpty {
                answers.append(instance.negativeRecord(named: name))
            } else {
                additionals += instance.addressRecords.filter { !owned.contains($0) }
            }
        }
        return (answers, additionals)
    }

    /// Whether the query's known-answer list holds `record` with at least half our TTL (§7.1).
    static func isKnown(_ record: DNSResourceRecord, in query: DNSMessage) -> Bool {
        query.answers.contains {
            $0.name == record.name && $0.data == record.data && $0.recordClass == record.recordClass
                && UInt64($0.ttl) * 2 >= UInt64(record.ttl)
        }
    }

    /// The records in order, each once (TTL and cache-flush aside).
    static func distinct(_ records: [DNSResourceRecord]) -> [DNSResourceRecord] {
        var seen = Set<RecordKey>()
        return records.filter { seen.insert(RecordKey($0)).inserted }
    }

    /// The host's NSEC when the reply carries the SRV or an address and the host lacks A or AAAA,
    /// so the asker does not query for the missing family (RFC 6762 §6.2).
    func hostNegative(answers: [DNSResourceRecord], additionals: [DNSResourceRecord]) -> [DNSResourceRecord] {
        let types = Set(instance.addressRecords.map(\.type))
        let all = answers + additionals
        let pointsAtHost = all.contains { $0.type == .srv || ($0.name == instance.hostName && $0.type != .nsec) }
        let negative = instance.negativeRecord(named: instance.hostName)
        guard pointsAtHost, types.count < 2, !all.contains(negative) else { return [] }
        return [negative]
    }

    /// A reply to a legacy resolver (§6.7): its questions echoed, TTLs at most 10 s, no cache-flush.
    static func legacyReply(_ message: DNSMessage, questions: [DNSQuestion]) -> DNSMessage {
        func legacy(_ record: DNSResourceRecord) -> DNSResourceRecord {
            var copy = record
            copy.ttl = min(copy.ttl, legacyUnicastTTL)
            copy.cacheFlush = false
            return copy
        }
        var reply = message
        reply.questions = questions
        reply.answers = message.answers.map(legacy)
        reply.additionals = message.additionals.map(legacy)
        return reply
    }
}

// MARK: - Conflicts

extension MDNSResponder {
    /// Whether a response holds, for our instance or host name, an SRV, TXT, A or AAAA record
    /// whose data is not ours (§9). Goodbyes (TTL 0) claim nothing; our own packets looped back
    /// carry exactly our data.
    func conflicts(with response: DNSMessage) -> Bool {
        let instanceName = instance.instanceFullName
        for record in response.answers + response.authorities + response.additionals where record.ttl > 0 {
            let ours: [DNSResourceRecord]
            if record.name == instanceName, record.type == .srv || record.type == .txt {
                ours = [instance.serviceRecord, instance.textRecord]
            } else if record.name == instance.hostName, record.type == .a || record.type == .aaaa {
                ours = instance.addressRecords
            } else {
                continue
            }
            if !ours.contains(where: { $0.data == record.data }) { return true }
        }
        return false
    }

    /// How two probes for one name compare (§8.2).
    enum ProbeOrder: Equatable {
        /// Our records are lexicographically later: we win and ignore the other probe.
        case oursLater
        /// Theirs are later: we defer, wait a second and probe again.
        case theirsLater
        /// The same records: our own probe looped back.
        case same
    }

    /// §8.2.1: both sets sorted, compared pairwise by class, type, then uncompressed rdata
    /// bytes; the first difference decides, and a set that runs out first is earlier.
    static func tieBreak(ours: [DNSResourceRecord], theirs: [DNSResourceRecord]) -> ProbeOrder {
        let mine = ours.map(TieBreakKey.init).sorted()
        let other = theirs.map(TieBreakKey.init).sorted()
        for (lhs, rhs) in zip(mine, other) where lhs != rhs {
            return lhs < rhs ? .theirsLater : .oursLater
        }
        if mine.count == other.count { return .same }
        return mine.count > other.count ? .oursLater : .theirsLater
    }

    /// A record as §8.2.1 compares it.
    struct TieBreakKey: Comparable {
        let recordClass: UInt16
        let type: UInt16
        let rdata: [UInt8]

        init(_ record: DNSResourceRecord) {
            recordClass = record.recordClass
            type = record.type.rawValue
            rdata = MDNSResponder.uncompressedData(record.data)
        }

        static func < (lhs: TieBreakKey, rhs: TieBreakKey) -> Bool {
            if lhs.recordClass != rhs.recordClass { return lhs.recordClass < rhs.recordClass }
            if lhs.type != rhs.type { return lhs.type < rhs.type }
            return lhs.rdata.lexicographicallyPrecedes(rhs.rdata)
        }
    }

    /// Record data as on the wire with no name compressed, names in the case they carry.
    static func uncompressedData(_ data: DNSRecordData) -> [UInt8] {
        func name(_ name: DNSName) -> [UInt8] {
            name.labels.flatMap { [UInt8(truncatingIfNeeded: $0.count)] + $0 } + [0]
        }
        func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        switch data {
        case .address(let address):
            return address.bytes
        case .pointer(let target):
            return name(target)
        case .service(let service):
            return bigEndian(service.priority) + bigEndian(service.weight) + bigEndian(service.port)
                + name(service.target)
        case .text(let strings):
            return (strings.isEmpty ? [[]] : strings).flatMap { [UInt8(clamping: $0.count)] + $0.prefix(255) }
        case .nextSecure(let next, let types):
            return name(next) + typeBitmap(types)
        case .unknown(_, let raw):
            return raw
        }
    }

    /// RFC 4034 §4.1.2, as the encoder writes it.
    private static func typeBitmap(_ types: Set<DNSRecordType>) -> [UInt8] {
        let windows = Dictionary(grouping: types.map(\.rawValue)) { UInt8($0 >> 8) }
        var bytes = [UInt8]()
        for window in windows.keys.sorted() {
            let lows = windows[window, default: []].map { Int($0 & 0xFF) }
            guard let highest = lows.max() else { continue }
            var bitmap = [UInt8](repeating: 0, count: highest / 8 + 1)
            for low in lows { bitmap[low / 8] |= 0x80 >> (low % 8) }
            bytes += [window, UInt8(bitmap.count)] + bitmap
        }
        return bytes
    }
}
