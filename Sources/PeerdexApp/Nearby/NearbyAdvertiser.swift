import Crypto
import PeerdexCore

/// Our own DNS-SD instance on the LAN: what the profile lets us advertise (nothing when it is
/// `private`), the announcer's schedule and the responder that answers for it, turned into the
/// packets to send. A value the nearby service's loop owns; it reads no clock and sends nothing.
struct NearbyAdvertiser {
    /// What decides the instance's records.
    struct Source: Equatable {
        var visibility: PrivacyLevel
        var name: String
        var port: UInt16
        var addresses: [IPAddress]
    }

    /// A packet to send: to the group (after a random wait within `delay`, RFC 6762 §6), or to
    /// one host's port.
    enum Packet: Equatable {
        case multicast(DNSMessage, delay: ClosedRange<Double> = 0...0)
        case unicast(DNSMessage, to: IPAddress, port: UInt16)
    }

    private let peerID: PeerID
    private let signingKey: Curve25519.Signing.PrivateKey
    private var source: Source?
    private var seq: UInt64
    private var announcer: MDNSAnnouncer?
    private var responder: MDNSResponder?
    private var advertisement: NearbyAdvertisement?

    /// An advertiser that says nothing until `update`; `firstSeq` must exceed any seq an earlier
    /// run advertised (the caller passes the time in milliseconds), since browsers drop lower ones
    /// as replays.
    init(peerID: PeerID, signingKey: Curve25519.Signing.PrivateKey, firstSeq: UInt64) {
        self.peerID = peerID
        self.signingKey = signingKey
        self.seq = firstSeq
    }

    /// Whether anything is advertised (the visibility is not `private`).
    var isAdvertising: Bool { announcer != nil && announcer?.state != .stopped }

    /// The name we announce (after any conflict renaming), when advertising.
    var instanceName: String? { isAdvertising ? announcer?.instanceName : nil }

    /// When `tick` next has something to send.
    var nextDeadline: Double? { announcer?.nextDeadline }

    /// Takes the profile's visibility and name, the listener's port and the interface addresses:
    /// starts advertising, re-announces a change, or withdraws with a goodbye when the profile
    /// turned private. `initialDelay` is the random wait before the first probe.
    mutating func update(_ new: Source, now: Double, initialDelay: Double) -> [Packet] {
        guard new != source else { return [] }
        let old = source
        source = new
        guard new.visibility != .private else { return stop(now: now) }
        seq += old == nil ? 0 : 1
        guard
            let signed = try? NearbyAdvertisement.advertised(
                visibility: new.visibility, name: new.name, seq: seq, port: new.port, with: signingKey)
        else {
            return stop(now: now)  // a name the profile should never have let through; say nothing
        }
        advertisement = signed
        let wanted = Self.instanceName(for: signed, peerID: peerID)
        if var running = announcer, running.state != .stopped {
            running.changed(now: now, instanceName: wanted)
            announcer = running
        } else {
            announcer = MDNSAnnouncer(instanceName: wanted, now: now, initialDelay: initialDelay)
        }
        refreshResponder()
        return []
    }

    /// The probes, announcements due at `now`.
    mutating func tick(now: Double) -> [Packet] {
        guard var running = announcer else { return [] }
        let actions = running.tick(now: now)
        announcer = running
        refreshResponder()
        let packets = actions.compactMap { packet(for: $0) }
        for case .multicast(let message, _) in packets { responder?.noteMulticast(message, now: now) }
        return packets
    }

    /// Answers a query or notices a conflict in a packet heard from `host:port`.
    mutating func handle(_ message: DNSMessage, from host: IPAddress, port: UInt16, now: Double) -> [Packet] {
        guard var running = announcer, running.state != .stopped, var answering = responder else { return [] }
        let isProbing: Bool
        if case .probing = running.state { isProbing = true } else { isProbing = false }
        let reply = answering.handle(message, from: host, port: port, now: now, isProbing: isProbing)
        responder = answering
        switch reply.conflict {
        case .lostTieBreak?: running.lostTieBreak(now: now)
        case .nameTaken?: running.conflict(now: now)
        case nil: break
        }
        announcer = running
        refreshResponder()
        // While probing, the name is not ours yet: we defend nothing and answer nothing (§8.1).
        guard !isProbing else { return [] }
        var packets = [Packet]()
        if let multicast = reply.multicast { packets.append(.multicast(multicast, delay: reply.multicastDelay)) }
        if let unicast = reply.unicast { packets.append(.unicast(unicast, to: host, port: port)) }
        return packets
    }

    /// Withdraws the instance: a goodbye for what was announced, then silence.
    mutating func stop(now: Double) -> [Packet] {
        guard var running = announcer else { return [] }
        let actions = running.stop(now: now)
        announcer = nil
        defer { responder = nil }
        return actions.compactMap { packet(for: $0) }
    }

    // MARK: - Records

    /// The instance name: the display name when it is advertised, else one from the peer ID, so
    /// that a `contacts` profile's name stays off the LAN in the instance name too.
    static func instanceName(for advertisement: NearbyAdvertisement, peerID: PeerID) -> String {
        advertisement.name ?? "peerdex \(peerID.text.prefix(8))"
    }

    /// The host name of our SRV target and A/AAAA records, from the peer ID: stable and unique.
    static func hostName(for peerID: PeerID) -> DNSName {
        (try? DNSName("peerdex-\(peerID.text.prefix(12)).local")) ?? .root
    }

    private func instance(named name: String) -> MDNSServiceInstance? {
        guard let source, let advertisement else { return nil }
        return MDNSServiceInstance(
            instanceName: name, hostName: Self.hostName(for: peerID), port: source.port, addresses: source.addresses,
            txt: advertisement.txtStrings)
    }

    private mutating func refreshResponder() {
        guard let announcer, announcer.state != .stopped, let current = instance(named: announcer.instanceName) else {
            responder = nil
            return
        }
        if responder == nil {
            responder = MDNSResponder(instance: current)
        } else if responder?.instance != current {
            responder?.instance = current
        }
    }

    private func packet(for action: MDNSAnnouncer.Action) -> Packet? {
        switch action {
        case .probe(let name): instance(named: name).map { .multicast(MDNSPackets.probe($0)) }
        case .announce(let name): instance(named: name).map { .multicast(MDNSPackets.announcement($0)) }
        case .goodbye(let name): instance(named: name).map { .multicast(MDNSPackets.goodbye($0)) }
        }
    }
}
