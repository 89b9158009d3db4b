/// When our own mDNS service instance is probed, announced and withdrawn (RFC 6762 §8, §10.1),
/// on a clock passed in (`now:` in seconds): it says what to send when, and another layer builds
/// the packets with `DNSMessage`.
///
/// Probing sends three probes 250 ms apart, the first after a random delay the caller draws (so
/// tests are deterministic); a conflict renames the instance `Name (2)`, `Name (3)`… and probes
/// again, and after 15 conflicts within 10 s each new attempt waits 5 s, so a hostile or broken
/// host cannot make us flood the link. Announcing sends unsolicited responses 1 s, 2 s, 4 s…
/// apart; after that we only answer queries. Each `tick` performs at most one step and schedules
/// the next from the time it actually ran, so a late tick never bursts.
public struct MDNSAnnouncer: Sendable {
    /// Where the instance is in its life.
    public enum State: Hashable, Sendable {
        /// Claiming the name; `sent` probes have gone out for it.
        case probing(sent: Int)
        /// The name is ours; `sent` unsolicited announcements have gone out.
        case announcing(sent: Int)
        /// Every announcement went out; from now on we only answer.
        case announced
        /// Withdrawn; nothing more is sent.
        case stopped
    }

    /// What the caller sends now, for the instance name carried.
    public enum Action: Hashable, Sendable {
        /// A probe query with our proposed records in the authority section (§8.1).
        case probe(String)
        /// An unsolicited response announcing our records (§8.3).
        case announce(String)
        /// An unsolicited response with TTL 0 withdrawing our records (§10.1).
        case goodbye(String)
    }

    /// Seconds between probes, and from the last probe to the first announcement (§8.1).
    public static let probeInterval = 0.25
    /// Probes sent before the name counts as ours (§8.1).
    public static let probeCount = 3
    /// The longest random delay before the first probe (§8.1).
    public static let maximumInitialDelay = 0.25
    /// Conflicts within `conflictWindow` after which each new probe attempt is delayed (§8.1).
    public static let conflictLimit = 15
    /// The window, in seconds, over which conflicts are counted (§8.1).
    public static let conflictWindow = 10.0
    /// The wait, in seconds, before probing again once conflicts hit the limit (§8.1).
    public static let conflictBackoff = 5.0
    /// The wait, in seconds, before probing again after losing a simultaneous-probe tie-break (§8.2.1).
    public static let tieBreakDelay = 1.0
    /// The longest instance name label, in UTF-8 bytes (RFC 1035 label limit).
    public static let maximumNameLength = 63

    /// The name we want, before any conflict suffix.
    public private(set) var baseName: String
    /// The name currently probed or announced.
    public private(set) var instanceName: String
    /// Where the instance is.
    public private(set) var state: State
    /// When `tick` next does something, or nil when nothing is scheduled.
    public private(set) var nextDeadline: Double?
    /// Unsolicited announcements per series: at least 2 (§8.3), at most 8.
    public let announcementCount: Int

    /// The suffix number of the current name; 1 means no suffix.
    private var renameNumber = 1
    /// Times of recent conflicts, at most `conflictLimit`, oldest first.
    private var recentConflicts: [Double] = []
    /// The name last announced, whose records others may cache until our goodbye.
    private var announcedName: String?
    /// The name probed for since, if any: browsers may act on a probe's signed TXT at once.
    private var probedName: String?

    /// Starts probing for `instanceName`, the first probe `initialDelay` seconds after `now`
    /// (clamped to 0…250 ms; the caller draws it at random).
    public init(instanceName: String, now: Double, initialDelay: Double, announcementCount: Int = 3) {
        let fitted = Self.fitted(instanceName, suffix: "")
        self.baseName = fitted
        self.instanceName = fitted
        self.state = .probing(sent: 0)
        self.nextDeadline = now + min(max(initialDelay, 0), Self.maximumInitialDelay)
        self.announcementCount = min(max(announcementCount, 2), 8)
    }

    /// Performs the step due at `now`, if any, and schedules the next.
    public mutating func tick(now: Double) -> [Action] {
        guard let deadline = nextDeadline, now >= deadline else { return [] }
        switch state {
        case .probing(let sent) where sent < Self.probeCount:
            state = .probing(sent: sent + 1)
            nextDeadline = now + Self.probeInterval
            probedName = instanceName
            return [.probe(instanceName)]
        case .probing, .announcing:
            return announce(now: now)
        case .announced, .stopped:
            nextDeadline = nil
            return []
        }
    }

    /// Another host answered or probed for our instance name with different data.
    ///
    /// While probing, we rename and probe again (§8.1); once the name was ours, we probe again
    /// under it first (§9), and rename only if that probing meets a conflict.
    public mutating func conflict(now: Double) {
        switch state {
        case .stopped:
            return
        case .announcing, .announced:
            restartProbing(at: now)
        case .probing:
            recentConflicts.removeAll { $0 <= now - Self.conflictWindow }
            recentConflicts.append(now)
            if recentConflicts.count > Self.conflictLimit { recentConflicts.removeFirst() }
            renameNumber += 1
            probedName = nil  // the name is another host's: a goodbye for it is not ours to send
            instanceName = Self.fitted(baseName, suffix: " (\(renameNumber))")
            let throttled = recentConflicts.count >= Self.conflictLimit
            restartProbing(at: throttled ? now + Self.conflictBackoff : now)
        }
    }

    /// Another host probed for our name at the same time and won the tie-break (§8.2): we probe
    /// again under the same name after `tieBreakDelay`, and rename only if that probing meets a
    /// conflict, as the other host's announcements will then be.
    public mutating func lostTieBreak(now: Double) {
        guard case .probing = state else { return }
        restartProbing(at: now + Self.tieBreakDelay)
    }

    /// Our records changed (a new advertisement seq, or a new `instanceName`): announce them
    /// again, probing first only when the name is new.
    public mutating func changed(now: Double, instanceName newName: String? = nil) {
        guard state != .stopped else { return }
        if let newName, Self.fitted(newName, suffix: "") != baseName {
            baseName = Self.fitted(newName, suffix: "")
            instanceName = baseName
            renameNumber = 1
            recentConflicts = []
            restartProbing(at: now)
            return
        }
        switch state {
        case .announcing, .announced:
            state = .announcing(sent: 0)
            nextDeadline = now
        case .probing, .stopped:
            break  // the announcements after probing will carry the new records
        }
    }

    /// Withdraws the instance: a goodbye for the name last announced and for one probed since,
    /// if any (nobody can hold records never sent; peerdex browsers act on a probe's signed TXT
    /// before the announcement), then silence.
    public mutating func stop(now: Double) -> [Action] {
        let withdrawn = state == .stopped ? [] : [announcedName, probedName].compactMap { $0 }
        state = .stopped
        nextDeadline = nil
        announcedName = nil
        probedName = nil
        return withdrawn.reduce(into: [Action]()) { actions, name in
            if !actions.contains(.goodbye(name)) { actions.append(.goodbye(name)) }
        }
    }

    // MARK: - Steps

    private mutating func announce(now: Double) -> [Action] {
        let sent: Int
        if case .announcing(let already) = state { sent = already } else { sent = 0 }
        if sent + 1 >= announcementCount {
            state = .announced
            nextDeadline = nil
        } else {
            state = .announcing(sent: sent + 1)
            nextDeadline = now + Double(1 << sent)
        }
        announcedName = instanceName
        probedName = nil
        return [.announce(instanceName)]
    }

    private mutating func restartProbing(at time: Double) {
        state = .probing(sent: 0)
        nextDeadline = time
    }

    /// `name` with `suffix`, the name cut at a character boundary so the whole fits one label.
    static func fitted(_ name: String, suffix: String) -> String {
        var base = Substring(name)
        while base.utf8.count + suffix.utf8.count > maximumNameLength, !base.isEmpty {
            base.removeLast()
        }
        return base + suffix
    }
}
