/// Decides whom a running node asks for audience keys, and when (issue 11, "Profiles by
/// audience", the member's side): every contact that is not blocked, soon after start, then
/// every `interval`; a contact that could not be reached is tried again after `firstRetry`,
/// doubling up to `interval`. At most `maximumInFlight` contacts are asked at once.
///
/// It also paces the rendezvous scans that find contacts with no known address: at most one
/// per `firstScanGap`, the gap doubling (up to `interval`) while scans identify nobody new.
///
/// Times are seconds on the caller's clock (Core reads none); the fetcher in PeerdexApp runs
/// the I/O and reports back with `recordAnswer` and `recordFailure`.
public struct AudienceKeyFetchPlanner: Sendable {
    /// Tunables; the defaults are what a user's node runs with.
    public struct Configuration: Sendable, Equatable {
        /// Seconds after start before the first contacts are asked (the node joins the DHT meanwhile).
        public var firstAsk = 3.0
        /// Seconds between two asks of a contact that answered (with keys or without).
        public var interval = 600.0
        /// Seconds before a contact that could not be reached is tried again; doubles per failure.
        public var firstRetry = 5.0
        /// Contacts asked at once, at most.
        public var maximumInFlight = 3
        /// Seconds between rendezvous scans at first; doubles while scans find nobody new.
        public var firstScanGap = 5.0

        /// The defaults.
        public init() {}
    }

    /// Where one contact stands.
    public struct Schedule: Sendable, Equatable {
        /// When it is next due.
        public var due: Double
        /// Failures in a row since it last answered.
        public var failures: Int
        /// Whether it is being asked now.
        public var inFlight: Bool
    }

    /// The tunables.
    public let configuration: Configuration
    /// The contacts that may be asked, by peer ID.
    public private(set) var schedules: [PeerID: Schedule] = [:]
    private let startedAt: Double
    private var nextScan: Double
    private var scanGap: Double

    /// A planner for a node started at `now`.
    public init(configuration: Configuration = Configuration(), now: Double) {
        self.configuration = configuration
        startedAt = now
        nextScan = now
        scanGap = configuration.firstScanGap
    }

    /// Contacts being asked now.
    public var inFlight: Int { schedules.values.filter(\.inFlight).count }

    // MARK: - Membership

    /// Brings the contacts to ask in line with the book: each contact not blocked is kept (a new
    /// one is due at once, but not before `firstAsk` after start); blocked and removed ones are
    /// forgotten, even while being asked, so that their answer is dropped.
    public mutating func update(contacts: some Sequence<Contact>, now: Double) {
        var kept = [PeerID: Schedule]()
        for contact in contacts where !contact.isBlocked {
            kept[contact.peerID] =
                schedules[contact.peerID]
                ?? Schedule(due: max(now, startedAt + configuration.firstAsk), failures: 0, inFlight: false)
        }
        schedules = kept
    }

    /// Stops asking `peer` (found blocked or removed between two reads of the book); its
    /// answer, if one is on its way, is dropped.
    public mutating func forget(_ peer: PeerID) {
        schedules[peer] = nil
    }

    // MARK: - Asking

    /// The contacts to ask now, earliest due first (then by peer ID), as many as free slots
    /// allow; they count as in flight until their answer or failure is recorded.
    public mutating func due(now: Double) -> [PeerID] {
        let free = configuration.maximumInFlight - inFlight
        guard free > 0 else { return [] }
        // One pass keeping the `free` earliest (a few): a book of 100,000 contacts is not sorted per ask.
        var chosen = [(due: Double, peer: PeerID)]()
        for (peer, schedule) in schedules where !schedule.inFlight && schedule.due <= now {
            let entry = (due: schedule.due, peer: peer)
            guard chosen.count < free || entry < chosen[chosen.count - 1] else { continue }
            let index = chosen.firstIndex { entry < $0 } ?? chosen.count
            chosen.insert(entry, at: index)
            if chosen.count > free { chosen.removeLast() }
        }
        for entry in chosen { schedules[entry.peer]?.inFlight = true }
        return chosen.map(\.peer)
    }

    /// `peer` answered (whatever it granted): asked again after `interval`. Returns whether its
    /// keys may be kept: false when it was blocked or removed while we asked.
    @discardableResult
    public mutating func recordAnswer(of peer: PeerID, now: Double) -> Bool {
        guard schedules[peer] != nil else { return false }
        schedules[peer] = Schedule(due: now + configuration.interval, failures: 0, inFlight: false)
        return true
    }

    /// `peer` could not be reached or did not answer in time: tried again after `firstRetry`,
    /// doubled per failure in a row, at most `interval`.
    public mutating func recordFailure(of peer: PeerID, now: Double) {
        guard let schedule = schedules[peer] else { return }
        let failures = schedule.failures + 1
        let backoff = min(configuration.firstRetry * Double(1 << min(failures - 1, 30)), configuration.interval)
        schedules[peer] = Schedule(due: now + backoff, failures: failures, inFlight: false)
    }

    /// When the next contact not being asked is due; nil when there is none.
    public func nextDue() -> Double? {
        schedules.values.filter { !$0.inFlight }.map(\.due).min()
    }

    // MARK: - Rendezvous scans

    /// Whether a rendezvous scan may run now; if so, the next one waits at least the current gap.
    public mutating func startScan(now: Double) -> Bool {
        guard now >= nextScan else { return false }
        nextScan = now + scanGap
        return true
    }

    /// How the scan went: one that identified new peers keeps scans frequent; one that found
    /// nobody new doubles the gap, up to `interval`.
    public mutating func recordScan(identifiedNew: Bool, now: Double) {
        scanGap = identifiedNew ? configuration.firstScanGap : min(scanGap * 2, configuration.interval)
        nextScan = now + scanGap
    }
}
