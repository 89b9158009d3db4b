/// The browser's view of the local network: advertisements heard, handshakes reported, and the
/// verified peers that result, on a virtual clock (`now:` in seconds, passed in).
///
/// A peer heard from an address stays unverified, and unlisted, until the app reports that a Noise
/// handshake to that address proved the advertised peer ID. A listed peer leaves on a goodbye
/// (TTL 0), when no advertisement refreshes it within its TTL, or when re-checks stop succeeding:
/// the app runs `dueRechecks(now:)` every few seconds, and a peer with no successful handshake for
/// `verificationLifetime` is dropped even if the app never reports a failure. Each method returns
/// the actions the app performs (handshakes) or forwards (list changes), as swift-nio's state
/// machines do.
public struct NearbyPeerTable: Sendable {
    /// Limits and timings.
    public struct Settings: Hashable, Sendable {
        /// The most peers held, verified or not.
        public var capacity = 256
        /// Seconds between re-check handshakes to a verified peer.
        public var recheckInterval = 3.0
        /// A verified peer with no successful handshake for this long is dropped (issue 12:
        /// a killed node disappears within 10 s).
        public var verificationLifetime = 8.0
        /// Seconds before an unverified peer heard again is offered for a handshake again.
        public var verifyRetryInterval = 3.0
        /// The longest TTL honoured, in seconds (RFC 6762 §10: 75 minutes for TXT records).
        public var maximumTTL: UInt32 = 4_500
        /// How many departed peers' sequence numbers are kept to refuse replays.
        public var rememberedDepartures = 1_024

        /// The defaults above.
        public init() {}
    }

    /// How far the table trusts an entry.
    enum Trust: Hashable, Sendable {
        case unverified(lastRequest: Double)
        case verified(rtt: Double, ordinal: UInt64, lastSuccess: Double, nextRecheck: Double)
    }

    /// One peer heard on the LAN.
    struct Entry: Hashable, Sendable {
        var advertisement: NearbyAdvertisement
        var address: DHTEndpoint
        /// A newer address for a verified peer, shown only once a handshake there succeeds.
        var candidate: DHTEndpoint?
        var lastHeard: Double
        var expiresAt: Double
        var trust: Trust
    }

    /// The settings in force.
    public let settings: Settings
    /// Our own peer ID, whose advertisements come back by multicast loopback and are ignored.
    public let localPeerID: PeerID?
    /// How many advertisements or peers were dropped, by reason.
    public private(set) var drops: [NearbyDropReason: Int] = [:]
    /// Peers never listed.
    public private(set) var blocked: Set<PeerID>

    var entries: [PeerID: Entry] = [:]
    /// Highest sequence numbers of peers no longer held, oldest departure first.
    var departedSeq: [PeerID: UInt64] = [:]
    var departureOrder: [PeerID] = []
    var nextOrdinal: UInt64 = 0

    /// An empty table.
    public init(localPeerID: PeerID?, blocked: Set<PeerID> = [], settings: Settings = Settings()) {
        self.localPeerID = localPeerID
        self.blocked = blocked
        self.settings = settings
    }

    // MARK: - Reads

    /// The verified peers in the order they were first verified, so rows never move under the
    /// cursor: a newcomer is appended, a leaver closes its gap.
    public var verifiedPeers: [NearbyPeer] {
        entries.values.compactMap { entry -> (UInt64, NearbyPeer)? in
            guard case .verified(let rtt, let ordinal, _, _) = entry.trust else { return nil }
            return (ordinal, Self.row(entry, rtt: rtt))
        }
        .sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// How many peers are held, verified or not.
    public var count: Int { entries.count }

    /// The earliest time something is due (an expiry, a re-check), for the app's timer.
    public var nextDeadline: Double? {
        entries.values.lazy.flatMap { entry -> [Double] in
            guard case .verified(_, _, let lastSuccess, let nextRecheck) = entry.trust else { return [entry.expiresAt] }
            return [entry.expiresAt, nextRecheck, lastSuccess + settings.verificationLifetime]
        }
        .min()
    }

    // MARK: - Advertisements

    /// Reads TXT strings heard from `host` with the record's `ttl`; malformed, oversized,
    /// unsigned and forged ones are dropped and counted.
    public mutating func hear(txtStrings: [[UInt8]], from host: IPAddress, ttl: UInt32, now: Double) -> [NearbyAction] {
        do {
            return hear(try NearbyAdvertisement(txtStrings: txtStrings), from: host, ttl: ttl, now: now)
        } catch {
            return countDrop(NearbyDropReason(error))
        }
    }

    /// Takes a verified advertisement heard from `host` with the record's `ttl` (0: a goodbye).
    public mutating func hear(_ advertisement: NearbyAdvertisement, from host: IPAddress, ttl: UInt32, now: Double)
        -> [NearbyAction]
    {
        let peer = advertisement.peerID
        guard peer != localPeerID else { return countDrop(.ownAdvertisement) }
        guard !blocked.contains(peer) else { return countDrop(.blocked) }
        let accepted = entries[peer]?.advertisement.seq ?? departedSeq[peer]
        if let accepted, advertisement.seq < accepted { return countDrop(.replayed) }
        let address = DHTEndpoint(ip: host, port: advertisement.port)
        guard ttl > 0 else { return goodbye(advertisement, at: address) }
        let expiresAt = now + Double(min(ttl, settings.maximumTTL))
        guard var entry = entries[peer] else {
            return admit(advertisement, at: address, expiresAt: expiresAt, now: now)
        }
        let renamed = entry.advertisement.name != advertisement.name
        entry.advertisement = advertisement
        entry.lastHeard = now
        entry.expiresAt = max(entry.expiresAt, expiresAt)
        var actions = [NearbyAction]()
        switch entry.trust {
        case .unverified(let lastRequest):
            // A second address is tried beside the first, never instead of it: a copy replayed from
            // elsewhere must not divert the handshake that would prove the real sender.
            if address != entry.address, entry.candidate == nil {
                entry.candidate = address
                actions.append(.verify(peer, at: address))
            } else if now - lastRequest >= settings.verifyRetryInterval {
                entry.trust = .unverified(lastRequest: now)
                actions.append(.verify(peer, at: entry.address))
                if let candidate = entry.candidate { actions.append(.verify(peer, at: candidate)) }
            }
        case .verified(let rtt, _, _, _):
            if address != entry.address, address != entry.candidate {
                entry.candidate = address
                actions.append(.verify(peer, at: address))
            }
            if renamed { actions.append(.updated(Self.row(entry, rtt: rtt))) }
        }
        entries[peer] = entry
        return actions
    }

    /// A new peer: held unverified, evicting the oldest unverified one when full.
    private mutating func admit(
        _ advertisement: NearbyAdvertisement, at address: DHTEndpoint, expiresAt: Double, now: Double
    )
        -> [NearbyAction]
    {
        if entries.count >= settings.capacity {
            let oldestUnverified = entries.values.filter { if case .unverified = $0.trust { true } else { false } }
                .min { ($0.lastHeard, $0.advertisement.peerID) < ($1.lastHeard, $1.advertisement.peerID) }
            guard let oldestUnverified else { return countDrop(.tableFull) }
            remove(oldestUnverified.advertisement.peerID)
        }
        let peer = advertisement.peerID
        if departedSeq.removeValue(forKey: peer) != nil { departureOrder.removeAll { $0 == peer } }
        entries[peer] = Entry(
            advertisement: advertisement, address: address, candidate: nil, lastHeard: now, expiresAt: expiresAt,
            trust: .unverified(lastRequest: now))
        return [.verify(peer, at: address)]
    }

    /// A goodbye removes the peer at once, but only the address it came from: a goodbye replayed
    /// from elsewhere must not hide a peer verified here.
    private mutating func goodbye(_ advertisement: NearbyAdvertisement, at address: DHTEndpoint) -> [NearbyAction] {
        let peer = advertisement.peerID
        guard var entry = entries[peer] else { return [] }
        if entry.candidate == address {
            entry.candidate = nil
            entries[peer] = entry
            return []
        }
        guard entry.address == address else { return [] }
        entry.advertisement = advertisement
        entries[peer] = entry
        return remove(peer, because: .goodbye)
    }

    // MARK: - Handshakes

    /// The app's report that a handshake to `address` proved `peer`, in `rtt` seconds.
    public mutating func verificationSucceeded(_ peer: PeerID, at address: DHTEndpoint, rtt: Double, now: Double)
        -> [NearbyAction]
    {
        guard var entry = entries[peer], address == entry.address || address == entry.candidate else { return [] }
        let nextRecheck = now + settings.recheckInterval
        entry.lastHeard = max(entry.lastHeard, now)
        switch entry.trust {
        case .unverified:
            entry.address = address
            entry.candidate = nil
            entry.trust = .verified(rtt: rtt, ordinal: nextOrdinal, lastSuccess: now, nextRecheck: nextRecheck)
            nextOrdinal += 1
            entries[peer] = entry
            return [.appeared(Self.row(entry, rtt: rtt))]
        case .verified(_, let ordinal, _, _):
            let moved = address != entry.address
            entry.address = address
            entry.candidate = nil
            entry.trust = .verified(rtt: rtt, ordinal: ordinal, lastSuccess: now, nextRecheck: nextRecheck)
            entries[peer] = entry
            return moved ? [.updated(Self.row(entry, rtt: rtt))] : []
        }
    }

    /// The app's report that a handshake to `address` failed or proved another peer ID.
    public mutating func verificationFailed(_ peer: PeerID, at address: DHTEndpoint, now: Double) -> [NearbyAction] {
        guard var entry = entries[peer] else { return [] }
        if address == entry.candidate {
            entry.candidate = nil
            entries[peer] = entry
            return countDrop(.verificationFailed)
        }
        guard address == entry.address else { return [] }
        if case .unverified = entry.trust {
            if let candidate = entry.candidate {
                entry.address = candidate
                entry.candidate = nil
                entries[peer] = entry
            } else {
                remove(peer)
            }
            return countDrop(.verificationFailed)
        }
        return remove(peer, because: .recheckFailed)
    }

    /// The handshakes due now to re-check verified peers; each is offered once per interval.
    public mutating func dueRechecks(now: Double) -> [NearbyAction] {
        var actions = [NearbyAction]()
        for (peer, var entry) in entries.sorted(by: { $0.key < $1.key }) {
            guard case .verified(let rtt, let ordinal, let lastSuccess, let nextRecheck) = entry.trust,
                nextRecheck <= now
            else { continue }
            entry.trust = .verified(
                rtt: rtt, ordinal: ordinal, lastSuccess: lastSuccess, nextRecheck: now + settings.recheckInterval)
            entries[peer] = entry
            actions.append(.verify(peer, at: entry.address))
        }
        return actions
    }

    // MARK: - Time and blocking

    /// Removes peers whose TTL ran out, and verified peers whose re-checks stopped succeeding.
    public mutating func expire(now: Double) -> [NearbyAction] {
        var actions = [NearbyAction]()
        for (peer, entry) in entries.sorted(by: { $0.key < $1.key }) {
            if entry.expiresAt <= now {
                actions += remove(peer, because: .expired)
            } else if case .verified(_, _, let lastSuccess, _) = entry.trust,
                lastSuccess + settings.verificationLifetime <= now
            {
                actions += remove(peer, because: .recheckFailed)
            }
        }
        return actions
    }

    /// Blocks or unblocks `peer`; a blocked peer leaves the table at once.
    public mutating func setBlocked(_ peer: PeerID, _ isBlocked: Bool) -> [NearbyAction] {
        guard isBlocked else {
            blocked.remove(peer)
            return []
        }
        blocked.insert(peer)
        return entries[peer] == nil ? [] : remove(peer, because: .blocked)
    }

    // MARK: - Helpers

    /// Removes `peer`, remembering its sequence number; a listed peer's leaving is reported.
    @discardableResult
    private mutating func remove(_ peer: PeerID, because reason: NearbyRemovalReason? = nil) -> [NearbyAction] {
        guard let entry = entries.removeValue(forKey: peer) else { return [] }
        remember(peer, seq: entry.advertisement.seq)
        guard case .verified = entry.trust, let reason else { return [] }
        return [.disappeared(peer, reason)]
    }

    private mutating func remember(_ peer: PeerID, seq: UInt64) {
        if departedSeq.updateValue(seq, forKey: peer) == nil { departureOrder.append(peer) }
        while departureOrder.count > settings.rememberedDepartures {
            departedSeq[departureOrder.removeFirst()] = nil
        }
    }

    private mutating func countDrop(_ reason: NearbyDropReason) -> [NearbyAction] {
        drops[reason, default: 0] += 1
        return []
    }

    private static func row(_ entry: Entry, rtt: Double) -> NearbyPeer {
        NearbyPeer(
            peerID: entry.advertisement.peerID, name: entry.advertisement.name, address: entry.address, rtt: rtt,
            lastHeard: entry.lastHeard)
    }
}
