/// Answers queries for our instance and notices conflicts over its name (RFC 6762 §6, §7.1, §8.2,
/// §9), on a clock passed in: the app hands it every packet heard on port 5353 and sends what it
/// returns.
///
/// Routing: a QM question is answered by multicast, at most once a second per record (§6.2). A
/// QU question (§5.4) is answered by unicast to the asker, except for records we have not
/// multicast within a quarter of their TTL, which go out by multicast *instead* (as §5.4 asks,
/// so every cache on the link is refreshed and a conflicting host hears us). A query from a port
/// other than 5353 is a legacy resolver's (§6.7): one unicast reply with its ID and questions,
/// TTLs of at most 10 s and no cache-flush bits. Nothing is answered while we are probing.
///
/// What this does not do, and the app must: wait `MDNSResponderReply.multicastDelay` before
/// multicasting; answer on an interface only with that interface's addresses (one responder, or
/// one instance, per interface); drop packets whose source is not on the link (§11).
public struct MDNSResponder: Sendable {
    /// The mDNS port; queries from any other port are legacy unicast, responses are ignored.
    public static let mdnsPort: UInt16 = 5_353
    /// The shortest gap between two multicasts of one record (§6.2).
    public static let multicastInterval = 1.0
    /// The shortest gap before a record is multicast again to defend it against a probe (§6.2).
    public static let probeDefenseInterval = 0.25
    /// The largest TTL in a reply to a legacy resolver (§6.7).
    public static let legacyUnicastTTL: UInt32 = 10

    /// The instance we answer for; replacing it (a new seq, name or address) forgets the
    /// multicast times of records it no longer has.
    public var instance: MDNSServiceInstance {
        didSet {
            let current = Set(instance.allRecords.map(RecordKey.init) + instance.uniqueNames.map(negativeKey))
            lastMulticast = lastMulticast.filter { current.contains($0.key) }
        }
    }

    /// When each of our records was last multicast; never more entries than we have records.
    private var lastMulticast: [RecordKey: Double] = [:]

    /// A responder for `instance` that has multicast nothing yet.
    public init(instance: MDNSServiceInstance) {
        self.instance = instance
    }

    /// What to do with a packet heard from `source` (IP and UDP port) at `now` seconds;
    /// `isProbing` says whether our announcer is still probing (then nothing is answered, and a
    /// rival probe for our name is tie-broken instead of defended against).
    public mutating func handle(
        _ message: DNSMessage, from source: IPAddress, port: UInt16, now: Double, isProbing: Bool
    ) -> MDNSResponderReply {
        // §18.3, §18.11: other opcodes and response codes are silently ignored.
        guard message.flags.opcode == 0, message.flags.responseCode == 0 else { return MDNSResponderReply() }
        if message.flags.isResponse {
            // §11: a response not from port 5353 is not a multicast DNS response.
            guard port == Self.mdnsPort, conflicts(with: message) else { return MDNSResponderReply() }
            return MDNSResponderReply(conflict: .nameTaken)
        }
        return answer(message, legacy: port != Self.mdnsPort, now: now, isProbing: isProbing)
    }

    /// Records that the app multicast `message` at `now` (our announcements), so answers after
    /// it keep to the one-second rule.
    public mutating func noteMulticast(_ message: DNSMessage, now: Double) {
        let ours = Set(instance.allRecords.map(RecordKey.init))
        for record in message.answers + message.additionals where ours.contains(RecordKey(record)) {
            lastMulticast[RecordKey(record)] = now
        }
    }

    // MARK: - Queries

    /// One record we may send, and why.
    private struct Candidate {
        var record: DNSResourceRecord
        var isAnswer: Bool
        var isMulticast: Bool
        var isDefense: Bool
    }

    private mutating func answer(_ query: DNSMessage, legacy: Bool, now: Double, isProbing: Bool)
        -> MDNSResponderReply
    {
        var probed = Set<DNSName>()
        var candidates = [Candidate]()
        if !legacy {
            for name in instance.uniqueNames where query.questions.contains(where: { $0.name == name }) {
                let theirs = query.authorities.filter { $0.name == name }
                guard !theirs.isEmpty else { continue }
                probed.insert(name)
                let order = Self.tieBreak(ours: instance.uniqueRecords(named: name), theirs: theirs)
                if isProbing, order == .theirsLater { return MDNSResponderReply(conflict: .lostTieBreak) }
                // Identical records are our own probe looped back: nothing to defend.
                guard !isProbing, order != .same else { continue }
                candidates += instance.uniqueRecords(named: name).map {
                    Candidate(record: $0, isAnswer: true, isMulticast: true, isDefense: true)
                }
            }
        }
        guard !isProbing else { return MDNSResponderReply() }

        for question in query.questions where !probed.contains(question.name) {
            guard question.recordClass == dnsClassInternet || question.recordClass == Self.anyClass else { continue }
            let matched = matches(question)
            let answers = matched.answers.filter { !Self.isKnown($0, in: query) }
            guard !answers.isEmpty else { continue }
            var routes = Set<Bool>()
            for record in answers {
                let multicast = !legacy && (!question.unicastResponse || !wasMulticastRecently(record, now: now))
                routes.insert(multicast)
                candidates.append(Candidate(record: record, isAnswer: true, isMulticast: multicast, isDefense: false))
            }
            // Additionals go wherever this question's answers go.
            for record in matched.additionals where !Self.isKnown(record, in: query) {
                for multicast in routes.sorted(by: { !$0 && $1 }) {
                    candidates.append(
                        Candidate(record: record, isAnswer: false, isMulticast: multicast, isDefense: false))
                }
            }
        }
        return reply(to: query, candidates: candidates, legacy: legacy, now: now)
    }

    /// Assembles the two messages: duplicates merged (an answer wins over an additional), the
    /// rate limit applied to multicast, the host's NSEC added where an address family is missing.
    private mutating func reply(to query: DNSMessage, candidates: [Candidate], legacy: Bool, now: Double)
        -> MDNSResponderReply
    {
        var result = MDNSResponderReply()
        let multicastCandidates = candidates.filter(\.isMulticast)
        let defended = Set(multicastCandidates.filter(\.isDefense).map { RecordKey($0.record) })
        let multicastAnswers = Self.distinct(multicastCandidates.filter(\.isAnswer).map(\.record)).filter {
            let key = RecordKey($0)
            let interval = defended.contains(key) ? Self.probeDefenseInterval : Self.multicastInterval
            return lastMulticast[key].map { now - $0 >= interval } ?? true
        }
        if !multicastAnswers.isEmpty {
            var additionals = Self.distinct(multicastCandidates.filter { !$0.isAnswer }.map(\.record)).filter {
                let last = lastMulticast[RecordKey($0)]
                return !multicastAnswers.contains($0) && last.map { now - $0 >= Self.multicastInterval } ?? true
            }
            additionals += hostNegative(answers: multicastAnswers, additionals: additionals)
            for record in multicastAnswers + additionals { lastMulticast[RecordKey(record)] = now }
            result.multicast = DNSMessage(flags: .response, answers: multicastAnswers, additionals: additionals)
            if query.flags.isTruncated {
                result.multicastDelay = Self.truncatedQueryDelay
            } else if multicastAnswers.contains(where: { !$0.cacheFlush }) && defended.isEmpty {
                result.multicastDelay = Self.sharedAnswerDelay
            }
        }

        let unicastAnswers = Self.distinct(candidates.filter { !$0.isMulticast && $0.isAnswer }.map(\.record))
        if !unicastAnswers.isEmpty {
            var additionals = Self.distinct(candidates.filter { !$0.isMulticast && !$0.isAnswer }.map(\.record))
                .filter { !unicastAnswers.contains($0) }
            additionals += hostNegative(answers: unicastAnswers, additionals: additionals)
            var message = DNSMessage(id: query.id, flags: .response, answers: unicastAnswers, additionals: additionals)
            if legacy { message = Self.legacyReply(message, questions: query.questions) }
            result.unicast = message
        }
        return result
    }

    /// Whether `record` went out by multicast within a quarter of its TTL (§5.4).
    private func wasMulticastRecently(_ record: DNSResourceRecord, now: Double) -> Bool {
        guard let last = lastMulticast[RecordKey(record)] else { return false }
        return now - last < Double(record.ttl) / 4
    }

    private func negativeKey(_ name: DNSName) -> RecordKey {
        RecordKey(instance.negativeRecord(named: name))
    }

    /// The class of a question asking for every class.
    static let anyClass: UInt16 = 255
    /// The random wait before multicasting shared answers (§6).
    public static let sharedAnswerDelay = 0.02...0.12
    /// The random wait before answering a query whose known answers continue in later packets (§6).
    public static let truncatedQueryDelay = 0.4...0.5
}

/// What the responder wants sent in reply to one packet, and whether it threatens our name.
public struct MDNSResponderReply: Hashable, Sendable {
    /// A response to multicast to the group.
    public var multicast: DNSMessage?
    /// A response to send to the packet's source address and port (QU questions, legacy unicast).
    public var unicast: DNSMessage?
    /// A threat to our name, for `MDNSAnnouncer`: `.lostTieBreak` → `lostTieBreak(now:)`,
    /// `.nameTaken` → `conflict(now:)`.
    public var conflict: MDNSConflict?
    /// The range to draw the wait before multicasting from: 20–120 ms when shared records are
    /// answered, 400–500 ms when the query's known answers continue in later packets (§6); 0 for
    /// unique answers and probe defenses, which go at once. Unicast replies go at once.
    public var multicastDelay: ClosedRange<Double>

    /// A reply from its parts; by default nothing to send.
    public init(
        multicast: DNSMessage? = nil, unicast: DNSMessage? = nil, conflict: MDNSConflict? = nil,
        multicastDelay: ClosedRange<Double> = 0...0
    ) {
        self.multicast = multicast
        self.unicast = unicast
        self.conflict = conflict
        self.multicastDelay = multicastDelay
    }
}

/// Another host's claim on our name.
public enum MDNSConflict: Hashable, Sendable {
    /// Another host probing for our name at the same time won the tie-break (§8.2): wait 1 s and
    /// probe the same name again.
    case lostTieBreak
    /// Another host answers for our name with different data (§9): probe again, renaming if that
    /// probing also conflicts.
    case nameTaken
}

/// A record by what it says, TTL and cache-flush bit aside: the unit of the rate limit.
struct RecordKey: Hashable {
    let name: DNSName
    let data: DNSRecordData

    init(_ record: DNSResourceRecord) {
        name = record.name
        data = record.data
    }
}
