/// Browses for `_peerdex._tcp.local` instances on a clock passed in (RFC 6762 §5.2, §7.1): says
/// when to query and what, and turns responses into TXT sightings for `NearbyPeerTable`.
///
/// `tick` returns at most one query, which may combine three things:
/// - the scheduled PTR question, 1 s, 2 s, 4 s… apart after the first, capped at an hour (§5.2);
/// - the same question as a cache refresh when a remembered PTR reaches 80, 85, 90 or 95 % of
///   its TTL (§5.2), at most one query a second;
/// - SRV and TXT questions for instances whose PTR arrived without a TXT (a follow-up,
///   `resolveDelay` after the PTR, retried a second apart, `resolveAttempts` times at most,
///   `maximumResolvesPerQuery` instances a query, `maximumPendingResolves` waiting at most).
///
/// A PTR question carries as known answers the remembered PTRs with more than half their TTL
/// left (§7.1), as many as fit `maximumQueryBytes`, longest-lived first. Responses are digested
/// by `handle`; the caller drops those whose source port is not 5353 (§11).
public struct MDNSBrowser: Sendable {
    /// The gap after the first query; each later gap doubles (§5.2).
    public static let firstInterval = 1.0
    /// The longest gap between scheduled queries (§5.2).
    public static let maximumInterval = 3_600.0
    /// The longest delay before the first query (the caller draws 20–120 ms).
    public static let maximumInitialDelay = 0.12
    /// Most instances remembered; when full, the one expiring soonest makes room.
    public static let capacity = 256
    /// Longest TTL believed, so a hostile record cannot be remembered for days.
    public static let maximumTTL: UInt32 = 4_500
    /// Fractions of a PTR's TTL at which it is refreshed by a query (§5.2).
    public static let refreshFractions = [0.80, 0.85, 0.90, 0.95]
    /// Shortest gap between a query and a refresh query.
    public static let minimumRefreshGap = 1.0
    /// Wait after a PTR without TXT before asking for it, so a TXT in the responder's next
    /// packet arrives first.
    public static let resolveDelay = 0.125
    /// Gap between follow-up queries.
    public static let resolveRetryInterval = 1.0
    /// Follow-up queries per instance before giving up until its PTR is heard again.
    public static let resolveAttempts = 3
    /// Most instances waiting for a follow-up.
    public static let maximumPendingResolves = 32
    /// Most instances asked about in one follow-up query.
    public static let maximumResolvesPerQuery = 8
    /// Largest query we build: one Ethernet frame after IPv6 and UDP headers.
    public static let maximumQueryBytes = 1_440

    /// A remembered PTR, and the TXT of its instance when one was heard.
    private struct Entry {
        var ttl: UInt32
        var receivedAt: Double
        var refreshesSent = 0
        var txt: [[UInt8]]?
        var txtExpiresAt = 0.0

        var expiresAt: Double { receivedAt + Double(ttl) }

        var nextRefresh: Double? {
            guard refreshesSent < MDNSBrowser.refreshFractions.count else { return nil }
            return receivedAt + Double(ttl) * MDNSBrowser.refreshFractions[refreshesSent]
        }
    }

    private var nextQueryAt: Double?
    private var interval = Self.firstInterval
    private var lastQueryAt: Double?
    private var entries: [DNSName: Entry] = [:]
    /// Instances waiting for a follow-up, first come first asked, with the attempts made.
    private var pendingResolves: [(instance: DNSName, attempts: Int)] = []
    private var resolveAt: Double?
    /// When a query without known answers is due (`askAfresh`), outside the regular schedule.
    private var freshQueryAt: Double?

    /// A browser whose first query is due `initialDelay` seconds after `now` (clamped to
    /// 0…120 ms; the caller draws 20–120 ms at random, §5.2).
    public init(now: Double, initialDelay: Double) {
        nextQueryAt = now + min(max(initialDelay, 0), Self.maximumInitialDelay)
    }

    /// When `tick` next has something to do: a query to send, or a PTR to forget.
    public var nextDeadline: Double? {
        [nextQueryAt, freshQueryAt, resolveAt, refreshDeadline, entries.values.map(\.expiresAt).min()]
            .compactMap { $0 }.min()
    }

    /// How many instances are remembered.
    public var rememberedCount: Int { entries.count }

    /// The instances waiting for a follow-up query, in the order they will be asked about.
    public var pendingResolveInstances: [DNSName] { pendingResolves.map(\.instance) }

    /// Queries again soon, the schedule back at its first interval: after an interface change
    /// or a wake from sleep (§8.3 asks the same of announcements).
    public mutating func restart(now: Double, delay: Double = 0) {
        interval = Self.firstInterval
        nextQueryAt = now + min(max(delay, 0), Self.maximumInitialDelay)
    }

    /// Queries once more at `now`, without known answers, so that every responder answers, those
    /// whose PTR is remembered too; the regular schedule goes on as it was. For when an
    /// advertisement heard before is needed again, as when its peer is unblocked (the table
    /// dropped it while blocked, and known-answer suppression would keep its responder quiet).
    public mutating func askAfresh(now: Double) {
        freshQueryAt = now
    }

    /// The query due at `now`, if any (QM questions, known answers for the PTR question unless
    /// `askAfresh` asked for a query without them).
    public mutating func tick(now: Double) -> DNSMessage? {
        expire(now: now)
        var asksPointer = false
        if let due = nextQueryAt, now >= due {
            asksPointer = true
            nextQueryAt = now + interval
            interval = min(interval * 2, Self.maximumInterval)
        }
        if let due = refreshDeadline, now >= due { asksPointer = true }
        var fresh = false
        if let due = freshQueryAt, now >= due {
            asksPointer = true
            fresh = true
            freshQueryAt = nil
        }
        let resolving = dueResolves(now: now)
        guard asksPointer || !resolving.isEmpty else { return nil }

        var questions = [DNSQuestion]()
        var knownAnswers = [DNSResourceRecord]()
        if asksPointer {
            lastQueryAt = now
            for name in Array(entries.keys) {
                while let refresh = entries[name]?.nextRefresh, refresh <= now { entries[name]?.refreshesSent += 1 }
            }
            questions.append(DNSQuestion(name: MDNSServiceInstance.serviceType, type: .ptr))
        }
        for instance in resolving {
            questions += [DNSQuestion(name: instance, type: .srv), DNSQuestion(name: instance, type: .txt)]
        }
        if asksPointer, !fresh { knownAnswers = self.knownAnswers(now: now, questions: questions) }
        return DNSMessage(questions: questions, answers: knownAnswers)
    }

    // MARK: - Responses

    /// Digests a response from `source`: remembers its PTRs for known-answer suppression and
    /// returns a sighting for each TXT (answers and additionals) of an instance of our type. A
    /// PTR goodbye without a TXT in the packet becomes a goodbye sighting with the TXT last heard,
    /// if any (`NearbyPeerTable` needs the signed TXT to act on a goodbye).
    public mutating func handle(_ message: DNSMessage, from source: IPAddress, now: Double) -> [MDNSSighting] {
        let flags = message.flags
        guard flags.isResponse, flags.opcode == 0, flags.responseCode == 0 else { return [] }
        expire(now: now)
        let records = message.answers + message.additionals
        var departed = [(instance: DNSName, txt: [[UInt8]]?)]()
        var announced = [DNSName]()
        for record in records where record.name == MDNSServiceInstance.serviceType {
            guard case .pointer(let instance) = record.data, Self.isInstance(instance) else { continue }
            if record.ttl == 0 {
                departed.append((instance, entries.removeValue(forKey: instance)?.txt))
                pendingResolves.removeAll { $0.instance == instance }
            } else {
                remember(instance, ttl: record.ttl, now: now)
                announced.append(instance)
            }
        }

        var sightings = [MDNSSighting]()
        var seen = Set<DNSName>()
        for record in records where Self.isInstance(record.name) {
            guard case .text(let strings) = record.data, seen.insert(record.name).inserted else { continue }
            sightings.append(MDNSSighting(instance: record.name, txtStrings: strings, ttl: record.ttl, source: source))
            entries[record.name]?.txt = record.ttl > 0 ? strings : nil
            entries[record.name]?.txtExpiresAt = now + Double(min(record.ttl, Self.maximumTTL))
            pendingResolves.removeAll { $0.instance == record.name }
        }
        for (instance, txt) in departed where !seen.contains(instance) {
            guard let txt else { continue }
            sightings.append(MDNSSighting(instance: instance, txtStrings: txt, ttl: 0, source: source))
        }
        if pendingResolves.isEmpty { resolveAt = nil }
        for instance in announced where !seen.contains(instance) { requestResolve(instance, now: now) }
        return sightings
    }

    // MARK: - Cache

    /// Whether `name` is `<one label>._peerdex._tcp.local`.
    static func isInstance(_ name: DNSName) -> Bool {
        name.labels.count == MDNSServiceInstance.serviceType.labels.count + 1
            && name.isWithin(MDNSServiceInstance.serviceType)
    }

    private mutating func remember(_ instance: DNSName, ttl: UInt32, now: Double) {
        let ttl = min(ttl, Self.maximumTTL)
        if var entry = entries[instance] {
            entry.ttl = ttl
            entry.receivedAt = now
            entry.refreshesSent = 0
            entries[instance] = entry
            return
        }
        if entries.count >= Self.capacity {
            let soonest = entries.map { ($0.key, $0.value.expiresAt) }.min(by: Self.expiresEarlier)
            if let soonest { forget(soonest.0) }
        }
        entries[instance] = Entry(ttl: ttl, receivedAt: now)
    }

    private mutating func forget(_ instance: DNSName) {
        entries.removeValue(forKey: instance)
        pendingResolves.removeAll { $0.instance == instance }
        if pendingResolves.isEmpty { resolveAt = nil }
    }

    /// Orders by expiry, then by name so that ties resolve the same way on every run.
    private static func expiresEarlier(_ lhs: (DNSName, Double), _ rhs: (DNSName, Double)) -> Bool {
        lhs.1 != rhs.1 ? lhs.1 < rhs.1 : lhs.0.description < rhs.0.description
    }

    /// Drops PTRs whose TTL ran out.
    private mutating func expire(now: Double) {
        for (name, entry) in entries where entry.expiresAt <= now { forget(name) }
    }

    /// The next refresh point of any remembered PTR, kept a second after the last query.
    private var refreshDeadline: Double? {
        guard let earliest = entries.values.compactMap(\.nextRefresh).min() else { return nil }
        return max(earliest, (lastQueryAt ?? -Double.infinity) + Self.minimumRefreshGap)
    }

    /// Remembered PTRs with more than half their TTL left, longest-lived first, as many as keep
    /// the query within `maximumQueryBytes` and the answer section within its limit.
    private func knownAnswers(now: Double, questions: [DNSQuestion]) -> [DNSResourceRecord] {
        let live = entries.filter { $0.value.expiresAt - now > Double($0.value.ttl) / 2 }
            .sorted { Self.expiresEarlier(($1.key, $1.value.expiresAt), ($0.key, $0.value.expiresAt)) }
        // Upper bounds: questions uncompressed; each answer's owner points at the PTR question's
        // name, and its data is the instance label plus a pointer (RFC 1035 §4.1.4).
        var size = DNSMessage.headerLength + questions.reduce(0) { $0 + $1.name.wireLength + 4 }
        var answers = [DNSResourceRecord]()
        for (instance, entry) in live {
            guard let label = instance.labels.first else { continue }
            let recordSize = 2 + 10 + 1 + label.count + 2
            guard size + recordSize <= Self.maximumQueryBytes,
                answers.count < DNSMessageLimits.default.maximumEntriesPerSection
            else { break }
            size += recordSize
            let remaining = UInt32(min((entry.expiresAt - now).rounded(.down), Double(Self.maximumTTL)))
            answers.append(
                DNSResourceRecord(name: MDNSServiceInstance.serviceType, ttl: remaining, data: .pointer(instance)))
        }
        return answers
    }

    // MARK: - Follow-ups

    private mutating func requestResolve(_ instance: DNSName, now: Double) {
        if let entry = entries[instance], entry.txt != nil, entry.txtExpiresAt > now { return }
        guard entries[instance] != nil, !pendingResolves.contains(where: { $0.instance == instance }),
            pendingResolves.count < Self.maximumPendingResolves
        else { return }
        pendingResolves.append((instance, 0))
        if resolveAt == nil { resolveAt = now + Self.resolveDelay }
    }

    /// The instances to ask about now, their attempts counted; those out of attempts are dropped.
    private mutating func dueResolves(now: Double) -> [DNSName] {
        guard let due = resolveAt, now >= due else { return [] }
        let batch = pendingResolves.prefix(Self.maximumResolvesPerQuery).map { ($0.instance, $0.attempts + 1) }
        // Asked ones go to the back, so a long queue is served in turn; spent ones are dropped.
        pendingResolves = Array(pendingResolves.dropFirst(batch.count))
            + batch.filter { $0.1 < Self.resolveAttempts }.map { (instance: $0.0, attempts: $0.1) }
        resolveAt = pendingResolves.isEmpty ? nil : now + Self.resolveRetryInterval
        return batch.map(\.0)
    }
}

/// A TXT record of an instance of our service type, heard from one address.
public struct MDNSSighting: Hashable, Sendable {
    /// The instance's full name.
    public var instance: DNSName
    /// The TXT strings, for `NearbyPeerTable.hear(txtStrings:from:ttl:now:)`.
    public var txtStrings: [[UInt8]]
    /// The record's TTL; 0 is a goodbye.
    public var ttl: UInt32
    /// The packet's sender: the app verifies `<source>:<port from the TXT>` by a handshake.
    public var source: IPAddress

    /// A sighting from its parts.
    public init(instance: DNSName, txtStrings: [[UInt8]], ttl: UInt32, source: IPAddress) {
        self.instance = instance
        self.txtStrings = txtStrings
        self.ttl = ttl
        self.source = source
    }
}
