/// When to probe which address of a `NearbyProbeRange`, on a clock passed in: sweeps the range
/// in ascending order at most `rate` addresses a second with at most `maximumInFlight` probes
/// unanswered, and starts a new sweep no sooner than `sweepInterval` after the previous one began.
/// It sends nothing; the caller probes what `due` hands out and reports each end with `finished`.
///
/// ```swift
/// var schedule = NearbyProbeSchedule(range: range, excluding: ownAddresses, now: 0)
/// for address in schedule.due(now: now) { probe(address) }   // later: schedule.finished(address)
/// ```
public struct NearbyProbeSchedule: Sendable {
    /// The pace of the sweeps.
    public struct Settings: Hashable, Sendable {
        /// Probes started per second, at most (a burst of `burst` after a pause).
        public var rate = 20.0
        /// Probes started back to back after a pause, at most.
        public var burst = 2
        /// Probes unanswered at once, at most.
        public var maximumInFlight = 8
        /// Seconds from the start of one sweep to the start of the next, at least.
        public var sweepInterval = 60.0

        /// The defaults: 20 a second, bursts of 2, 8 in flight, a sweep a minute.
        public init() {}
    }

    /// The settings.
    public let settings: Settings
    /// The addresses each sweep probes: the range's hosts but ours.
    public let targets: [IPAddress]

    private var cursor = 0
    private var sweepStartedAt: Double
    private var tokens: Double
    private var tokensAt: Double
    private var probing = Set<IPAddress>()

    /// A schedule for `range` that never probes `own` (our interfaces' addresses), whose first
    /// sweep begins at `now`.
    public init(range: NearbyProbeRange, excluding own: Set<IPAddress>, settings: Settings = Settings(), now: Double) {
        self.settings = settings
        targets = range.hosts.filter { !own.contains($0) }
        sweepStartedAt = now
        tokens = Double(max(settings.burst, 1))
        tokensAt = now
    }

    /// The probes started and not yet finished.
    public var inFlight: Int { probing.count }

    /// How many sweeps have begun, the first included.
    public private(set) var sweeps = 1

    /// The addresses to probe now (each then counts as in flight until `finished`). An address
    /// still in flight from the previous sweep is skipped in this one.
    public mutating func due(now: Double) -> [IPAddress] {
        guard !targets.isEmpty, settings.rate > 0 else { return [] }
        refill(now: now)
        var handedOut = [IPAddress]()
        while probing.count < settings.maximumInFlight, tokens >= 1 {
            if cursor == targets.count {
                guard now >= sweepStartedAt + settings.sweepInterval else { break }
                cursor = 0
                sweepStartedAt = now
                sweeps += 1
            }
            let address = targets[cursor]
            cursor += 1
            guard !probing.contains(address) else { continue }
            probing.insert(address)
            tokens -= 1
            handedOut.append(address)
        }
        return handedOut
    }

    /// Lets the next sweep begin as soon as the current one ends, not a sweep interval after it
    /// began: something changed that earlier answers could not show (a peer was unblocked).
    public mutating func sweepSoon(now: Double) {
        sweepStartedAt = min(sweepStartedAt, now - settings.sweepInterval)
    }

    /// The probe of `address` ended, answered or not.
    public mutating func finished(_ address: IPAddress) {
        probing.remove(address)
    }

    /// When `due` may next hand something out (nil: only once a probe finishes, or never).
    public var nextDeadline: Double? {
        guard !targets.isEmpty, settings.rate > 0, probing.count < settings.maximumInFlight else { return nil }
        let tokenAt = tokens >= 1 ? tokensAt : tokensAt + (1 - tokens) / settings.rate
        return cursor == targets.count ? max(tokenAt, sweepStartedAt + settings.sweepInterval) : tokenAt
    }

    private mutating func refill(now: Double) {
        guard now > tokensAt else { return }
        tokens = min(Double(max(settings.burst, 1)), tokens + (now - tokensAt) * settings.rate)
        tokensAt = now
    }
}
