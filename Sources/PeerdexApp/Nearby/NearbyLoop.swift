import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// The nearby service's state and what it does with each input, owned by its one loop: the
/// pure browser, table, advertiser and probe schedule, the handshakes and probes in flight, and
/// the clock they share. With no transport (multicast DNS could not start) only probes feed it.
struct NearbyLoop {
    /// What the loop is fed.
    enum Input: Sendable {
        /// A datagram heard on port 5353, and who sent it.
        case packet([UInt8], from: IPAddress, port: UInt16)
        /// Time to look at the schedules.
        case tick
        /// A handshake to `endpoint` ended: the round-trip time when it proved `peer`, else nil.
        case verified(PeerID, at: DHTEndpoint, rtt: Double?)
        /// Send the goodbye and advertise no more.
        case withdraw
        /// A probe of `address` ended: the TXT strings it answered (empty: nothing for us), or
        /// nil when nothing answered.
        case probed([[UInt8]]?, from: IPAddress)
    }

    /// What the loop needs of its service.
    struct Context: Sendable {
        let book: ContactBook
        let node: PeerdexNode
        let dht: DHTNode?
        let port: UInt16
        let settings: NearbyService.Settings
        let logger: Logger
        let snapshot: LockedValue<NearbyService.Snapshot>
    }

    private let context: Context
    /// Nil when multicast DNS could not start and only the probe runs.
    private let transport: MDNSTransport?
    private let feed: AsyncStream<Input>.Continuation
    private let onEvent: @Sendable (NearbyService.Event) -> Void
    private let started = ContinuousClock.now
    private var random = SystemRandomNumberGenerator()

    private var table: NearbyPeerTable
    private var browser: MDNSBrowser
    private var advertiser: NearbyAdvertiser
    private var probes: NearbyProbeSchedule?
    private var verifying = Set<String>()
    private var malformedPackets = 0
    private var nextStoreCheck = 0.0
    private var withdrawn = false
    /// Answers of shared records waiting out their random delay (RFC 6762 §6), in no order.
    private var delayed: [(sendAt: Double, message: DNSMessage)] = []
    private let storeObserver: StoreChangeObserver?

    init(
        service: NearbyService, transport: MDNSTransport?, feed: AsyncStream<Input>.Continuation,
        onEvent: @escaping @Sendable (NearbyService.Event) -> Void
    ) {
        context = service.context
        self.transport = transport
        self.feed = feed
        self.onEvent = onEvent
        let identity = context.book.identity
        table = NearbyPeerTable(localPeerID: identity.peerID, settings: context.settings.table)
        browser = MDNSBrowser(now: 0, initialDelay: Double.random(in: 0.02...0.12))
        // Milliseconds since 1970: above anything an earlier run advertised, with no counter to store.
        let firstSeq = UInt64(max(Date().timeIntervalSince1970 * 1_000, 1))
        advertiser = NearbyAdvertiser(peerID: identity.peerID, signingKey: identity.signingKey, firstSeq: firstSeq)
        storeObserver = try? context.book.store { try $0.changeObserver() }
        probes = context.settings.probeRange.map { range in
            // Every address of ours, not only the joined interfaces': probing ourselves is useless.
            let own = Set(MDNSInterface.enumerate().flatMap(\.addresses))
            return NearbyProbeSchedule(range: range, excluding: own, settings: context.settings.probeSchedule, now: 0)
        }
        context.snapshot.withLock { $0.epoch = Date() }
    }

    private var now: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    // MARK: - Life

    /// Reads the profile and the blocked peers, starts advertising as they allow, says so.
    mutating func start(in group: inout DiscardingTaskGroup) {
        readStore(now: now, force: true)
        if transport == nil, let range = context.settings.probeRange {
            onEvent(.probing(range))
        } else {
            onEvent(.browsing(advertising: advertiser.isAdvertising))
        }
        handle(.tick, in: &group)
    }

    /// Withdraws our instance with a goodbye (on cancellation, so on every clean shutdown).
    mutating func stop() {
        send(advertiser.stop(now: now))
    }

    /// Does what `input` asks.
    mutating func handle(_ input: Input, in group: inout DiscardingTaskGroup) {
        let now = self.now
        switch input {
        case .packet(let bytes, let host, let port):
            receive(bytes, from: host, port: port, now: now, in: &group)
        case .tick:
            if now >= nextStoreCheck { readStore(now: now, force: false) }
            sendDelayed(now: now)
            send(advertiser.tick(now: now))
            if transport != nil, let query = browser.tick(now: now) { send([.multicast(query)]) }
            for address in probes?.due(now: now) ?? [] { probe(address, in: &group) }
            perform(table.dueRechecks(now: now), in: &group)
            perform(table.expire(now: now), in: &group)
        case .withdraw:
            withdrawn = true
            send(advertiser.stop(now: now))
        case .probed(let txtStrings, let address):
            probes?.finished(address)
            if let txtStrings, !txtStrings.isEmpty {
                let ttl = UInt32(clamping: Int(2 * context.settings.probeSchedule.sweepInterval))
                perform(table.hear(txtStrings: txtStrings, from: address, ttl: ttl, now: now), in: &group)
            }
        case .verified(let peer, let endpoint, let rtt):
            verifying.remove(Self.key(peer, endpoint))
            if let rtt {
                var actions = table.verificationSucceeded(peer, at: endpoint, rtt: rtt, now: now)
                // A re-check changes the round-trip time and when the peer was last heard: the
                // TUI's row shows both.
                if actions.isEmpty, let row = table.verifiedPeers.first(where: { $0.peerID == peer }) {
                    actions = [.updated(row)]
                }
                perform(actions, in: &group)
            } else {
                perform(table.verificationFailed(peer, at: endpoint, now: now), in: &group)
            }
        }
        publishSnapshot()
    }

    // MARK: - Packets

    private mutating func receive(
        _ bytes: [UInt8], from host: IPAddress, port: UInt16, now: Double, in group: inout DiscardingTaskGroup
    ) {
        guard let message = try? DNSMessage(decoding: bytes) else {
            malformedPackets += 1
            return
        }
        send(advertiser.handle(message, from: host, port: port, now: now), now: now)
        let sightings: [MDNSSighting]
        if !message.flags.isResponse {
            sightings = MDNSBrowser.probeSightings(in: message, from: host)
        } else if port == MDNSResponder.mdnsPort || port == UInt16(clamping: context.settings.transport.port) {
            sightings = browser.handle(message, from: host, now: now)
        } else {
            return  // responses come from port 5353 (RFC 6762 §6); others are spoofs or mistakes
        }
        for sighting in sightings {
            // A link-local IPv6 sender cannot be dialled without its interface; its IPv4 or
            // routable copy of the same advertisement is used instead.
            guard !Self.isLinkLocal(sighting.source) else { continue }
            perform(
                table.hear(txtStrings: sighting.txtStrings, from: sighting.source, ttl: sighting.ttl, now: now),
                in: &group)
        }
    }

    private mutating func send(_ packets: [NearbyAdvertiser.Packet], now: Double = 0) {
        for packet in packets {
            switch packet {
            case .multicast(let message, let delay) where delay.upperBound > 0:
                delayed.append((now + Double.random(in: delay, using: &random), message))
            case .multicast(let message, _):
                guard let transport, let bytes = encoded(message) else { continue }
                transport.sendMulticast(bytes)
            case .unicast(let message, let host, let port):
                guard let transport, let bytes = encoded(message) else { continue }
                transport.send(bytes, to: host, port: port)
            }
        }
    }

    private mutating func sendDelayed(now: Double) {
        guard delayed.contains(where: { $0.sendAt <= now }) else { return }
        let due = delayed.filter { $0.sendAt <= now }
        delayed.removeAll { $0.sendAt <= now }
        send(due.map { .multicast($0.message) })
    }

    private func encoded(_ message: DNSMessage) -> [UInt8]? {
        do { return try message.encoded() } catch {
            context.logger.error("an mDNS message of ours does not encode", metadata: ["error": "\(error)"])
            return nil
        }
    }

    // MARK: - The table's actions

    private mutating func perform(_ actions: [NearbyAction], in group: inout DiscardingTaskGroup) {
        for action in actions {
            switch action {
            case .verify(let peer, let endpoint):
                verify(peer, at: endpoint, in: &group)
            case .appeared(let peer):
                context.logger.info("nearby peer verified", metadata: ["peer": "\(peer.peerID)", "address": "\(peer.address)"])
                onEvent(.appeared(peer))
                if let dht = context.dht { group.addTask { [context] in await Self.seed(dht, with: peer.address, logger: context.logger) } }
            case .updated(let peer):
                onEvent(.updated(peer))
            case .disappeared(let peer, let reason):
                context.logger.info("nearby peer gone", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                onEvent(.disappeared(peer, reason))
            }
        }
    }

    /// Starts a handshake to `endpoint` that must prove `peer`, unless one is running already.
    private mutating func verify(_ peer: PeerID, at endpoint: DHTEndpoint, in group: inout DiscardingTaskGroup) {
        let key = Self.key(peer, endpoint)
        guard !verifying.contains(key), verifying.count < context.settings.maximumVerificationsInFlight else { return }
        verifying.insert(key)
        group.addTask { [context, feed] in
            let rtt = await Self.handshake(peer, at: endpoint, context: context)
            feed.yield(.verified(peer, at: endpoint, rtt: rtt))
        }
    }

    /// A PING over Noise (dialling when no connection is open) within the verify timeout: the
    /// handshake's proof of the peer ID is what verifies, the PING what shows it still answers.
    static func handshake(_ peer: PeerID, at endpoint: DHTEndpoint, context: Context) async -> Double? {
        let address = PeerAddress(HostPort(host: "\(endpoint.ip)", port: Int(endpoint.port)), peerID: peer)
        let timeout = context.settings.verifyTimeout
        return await firstWithin(timeout) {
            let begun = ContinuousClock.now
            do {
                let reply = try await context.node.ping(address, timeout: timeout)
                let elapsed = ContinuousClock.now - begun
                guard reply.peer == peer else { return nil }
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            } catch {
                context.logger.debug("nearby handshake failed", metadata: ["peer": "\(address)", "error": "\(error)"])
                return nil
            }
        }
    }

    /// What `body` gives, or nil when `timeout` passes first. A dial's own timeout is longer than
    /// ours, so `body` may run on after the deadline; its answer then no longer counts.
    static func firstWithin<Value: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async -> Value?
    ) async -> Value? {
        let outcome = FirstOf<Value?>()
        let attempt = Task { outcome.offer(await body()) }
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            outcome.offer(nil)
        }
        let result = await outcome.value
        deadline.cancel()
        _ = attempt
        return result
    }

    // MARK: - Probes

    /// Asks `address` on the probe port for its advertisement, in a task that feeds the answer back.
    private func probe(_ address: IPAddress, in group: inout DiscardingTaskGroup) {
        group.addTask { [context, feed] in
            feed.yield(.probed(await Self.probe(address, context: context), from: address))
        }
    }

    /// The TXT strings `address` answers a `NearbyProbe` with, within the probe timeout; nil
    /// when nothing answered (no host, no listener, not peerdex, too slow): silence, not an error.
    static func probe(_ address: IPAddress, context: Context) async -> [[UInt8]]? {
        let target = PeerAddress(HostPort(host: "\(address)", port: context.settings.probePort))
        let timeout = context.settings.probeTimeout
        return await firstWithin(timeout) {
            do {
                return try await context.node.connection(to: target).probeNearby(timeout: timeout)
            } catch {
                context.logger.debug("nearby probe unanswered", metadata: ["address": "\(target)", "error": "\(error)"])
                return nil
            }
        }
    }

    /// Puts a verified LAN peer into the DHT's routing table (its UDP port is its TCP port), then
    /// puts our own items again, so a LAN with no bootstrap node still finds our profile.
    static func seed(_ dht: DHTNode, with endpoint: DHTEndpoint, logger: Logger) async {
        do {
            _ = try await dht.run(.bootstrap([endpoint]))
            let items = try await dht.inspect { engine in engine.published.values.map(\.item) }
            for item in items { _ = try await dht.publish(item) }
        } catch {
            logger.debug("seeding the DHT from a nearby peer failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Store

    /// Reads the profile (what we advertise) and the blocked peers (never listed) when the store
    /// changed since the last look, or when `force`.
    private mutating func readStore(now: Double, force: Bool) {
        nextStoreCheck = now + context.settings.storeCheckInterval
        if !force, let storeObserver, (try? storeObserver.hasChanged()) == false { return }
        do {
            let (profile, blocked) = try context.book.store { database in
                (try database.profile(), Set(try database.contacts(in: .blocked).map(\.peerID)))
            }
            let unblocked = table.blocked.subtracting(blocked)
            for peer in unblocked { _ = table.setBlocked(peer, false) }
            // An unblocked peer is found again at once: on the probed range by the next sweep,
            // brought forward; over multicast by a query that every responder answers.
            if !unblocked.isEmpty {
                probes?.sweepSoon(now: now)
                browser.askAfresh(now: now)
            }
            for peer in blocked.subtracting(table.blocked) {
                for case .disappeared(let gone, let reason) in table.setBlocked(peer, true) {
                    onEvent(.disappeared(gone, reason))
                }
            }
            guard context.settings.advertises, !withdrawn, let transport else { return }
            let source = NearbyAdvertiser.Source(
                visibility: profile.visibility, name: profile.name, port: context.port,
                addresses: transport.localAddresses)
            send(advertiser.update(source, now: now, initialDelay: Double.random(in: 0...0.25, using: &random)))
        } catch {
            context.logger.warning("cannot read the profile for nearby discovery", metadata: ["error": "\(error)"])
        }
    }

    private func publishSnapshot() {
        let peers = table.verifiedPeers
        let drops = table.drops
        let advertising = advertiser.isAdvertising
        let malformed = malformedPackets
        context.snapshot.withLock { snapshot in
            snapshot.peers = peers
            snapshot.drops = drops
            snapshot.malformedPackets = malformed
            snapshot.advertising = advertising
        }
    }

    // MARK: - Helpers

    private static func key(_ peer: PeerID, _ endpoint: DHTEndpoint) -> String { "\(peer)@\(endpoint)" }

    private static func isLinkLocal(_ address: IPAddress) -> Bool {
        if case .v6(let high, _) = address { return high >> 54 == 0x3fa }  // fe80::/10
        return false
    }
}
