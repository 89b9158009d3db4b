import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// LAN discovery for one running node (issue 12): browses for `_peerdex._tcp.local` instances
/// over multicast DNS, shows a peer only once a Noise handshake to its advertised address proves
/// its advertised peer ID, re-checks listed peers every few seconds, seeds the DHT's routing table
/// with them, and advertises our own instance as the profile's visibility allows (nothing when
/// `private`, no name unless `public`).
///
/// Everything the pure parts decide (`NearbyPeerTable`, `MDNSBrowser`, `NearbyAdvertiser`) runs
/// on one loop fed by packets, a ticker and handshake results, so none of it needs a lock.
public final class NearbyService: Sendable {
    /// What the service tells its owner (the TUI, `peerdex nearby`).
    public enum Event: Sendable, Equatable {
        /// Browsing has started; `advertising` is false when the profile is `private`.
        case browsing(advertising: Bool)
        /// Multicast DNS is off or unavailable: only the range is probed, nothing is advertised
        /// (nodes probing us still get what the visibility allows).
        case probing(NearbyProbeRange)
        /// A peer is verified and listed.
        case appeared(NearbyPeer)
        /// A listed peer changed (name, address, round-trip time).
        case updated(NearbyPeer)
        /// A listed peer left, and why.
        case disappeared(PeerID, NearbyRemovalReason)
        /// Discovery cannot run here (no multicast interface, port 5353 refused), and why.
        case unavailable(String)
    }

    /// Timings and limits.
    public struct Settings: Sendable {
        /// The sockets: port, families, interfaces.
        public var transport = MDNSTransport.Configuration()
        /// Whether to use multicast DNS at all; without it only `probeRange` is probed (the demo,
        /// whose nodes share loopback, must not announce a throwaway identity on the real LAN).
        public var usesMulticast = true
        /// The browser's table: capacity, re-check timings.
        public var table = NearbyPeerTable.Settings()
        /// Whether to advertise at all (as the visibility allows); browse-only sessions say no.
        public var advertises = true
        /// The longest a verification handshake may take, connection included.
        public var verifyTimeout: Duration = .seconds(2)
        /// How often the loop looks at its schedules.
        public var tickInterval: Duration = .milliseconds(50)
        /// How often the store is asked whether the profile or the blocked peers changed.
        public var storeCheckInterval = 1.0
        /// The most verification handshakes in flight at once.
        public var maximumVerificationsInFlight = 32
        /// The IPv4 range to probe directly, for networks that drop multicast; nil (the default)
        /// probes nothing. Probing also runs when multicast DNS cannot start.
        public var probeRange: NearbyProbeRange?
        /// The TCP port probed on each address of `probeRange`.
        public var probePort = 7447
        /// The probes' pace: rate, probes in flight, sweep interval.
        public var probeSchedule = NearbyProbeSchedule.Settings()
        /// The longest a probe may take, connection included.
        public var probeTimeout: Duration = .seconds(2)

        /// The defaults above.
        public init() {}
    }

    private let book: ContactBook
    private let node: PeerdexNode
    private let dht: DHTNode?
    private let port: UInt16
    private let settings: Settings
    private let logger: Logger
    private let snapshot = LockedValue(Snapshot())
    /// The running loop's input, for `withdraw`.
    private let liveInput = LockedValue<AsyncStream<NearbyLoop.Input>.Continuation?>(nil)

    /// What other threads may read while the loop runs.
    struct Snapshot {
        var peers: [NearbyPeer] = []
        var drops: [NearbyDropReason: Int] = [:]
        var malformedPackets = 0
        var advertising = false
        /// The wall-clock time of the loop's time 0.
        var epoch = Date()
    }

    /// A service for `node`, whose Noise listener is on `port` (the port advertised); with `dht`,
    /// verified peers join its routing table.
    public init(
        book: ContactBook, node: PeerdexNode, dht: DHTNode?, port: Int, settings: Settings = Settings(),
        logger: Logger = Logger(label: "peerdex.nearby")
    ) {
        self.book = book
        self.node = node
        self.dht = dht
        self.port = UInt16(clamping: port)
        self.settings = settings
        self.logger = logger
    }

    /// The verified peers now, in the order they were first verified.
    public var peers: [NearbyPeer] { snapshot.value.peers }

    /// Advertisements and peers dropped so far, by reason.
    public var drops: [NearbyDropReason: Int] { snapshot.value.drops }

    /// Whether our instance is being advertised now.
    public var isAdvertising: Bool { snapshot.value.advertising }

    /// The wall-clock time of a time on the service's clock (`NearbyPeer.lastHeard`).
    public func date(of time: Double) -> Date { snapshot.value.epoch.addingTimeInterval(time) }

    /// Packets that were not DNS messages within the codec's limits.
    public var malformedPackets: Int { snapshot.value.malformedPackets }

    /// Browses and advertises (and probes `Settings.probeRange`) until cancelled, then sends a
    /// goodbye for what it announced. When multicast DNS cannot start it probes alone if it has a
    /// range (`.browsing(advertising: false)`), else reports `.unavailable` and returns.
    /// `onEvent` is called on the loop, in order; it must not block.
    public func run(onEvent: @escaping @Sendable (Event) -> Void) async {
        let (inputs, feed) = AsyncStream.makeStream(of: NearbyLoop.Input.self, bufferingPolicy: .bufferingNewest(4_096))
        let transport: MDNSTransport?
        do {
            guard settings.usesMulticast else { throw NearbyServiceError.multicastTurnedOff }
            transport = try await MDNSTransport.start(configuration: settings.transport, logger: logger) {
                bytes, host, port in
                feed.yield(.packet(bytes, from: host, port: port))
            }
        } catch {
            guard let range = settings.probeRange else {
                logger.warning("nearby discovery unavailable", metadata: ["error": "\(error)"])
                onEvent(.unavailable("\(error)"))
                return
            }
            // A network that drops multicast is what the probe is for: it runs on alone.
            logger.warning(
                "multicast DNS unavailable; nearby discovery probes only",
                metadata: ["range": "\(range)", "error": "\(error)"])
            transport = nil
        }
        liveInput.withLock { $0 = feed }
        defer { liveInput.withLock { $0 = nil } }
        var loop = NearbyLoop(service: self, transport: transport, feed: feed, onEvent: onEvent)
        await withDiscardingTaskGroup { group in
            group.addTask { [settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.tickInterval)
                    feed.yield(.tick)
                }
            }
            loop.start(in: &group)
            for await input in inputs {
                loop.handle(input, in: &group)
            }
            loop.stop()
            group.cancelAll()
        }
        feed.finish()
        await transport?.close()
    }

    /// Sends the goodbye now and advertises nothing more, while browsing goes on until `run`
    /// ends: a node shutting down calls it first, so that peers drop it at once rather than after
    /// their re-checks fail.
    public func withdraw() {
        _ = liveInput.value?.yield(.withdraw)
    }

    // MARK: - For the loop

    var context: NearbyLoop.Context {
        NearbyLoop.Context(
            book: book, node: node, dht: dht, port: port, settings: settings, logger: logger, snapshot: snapshot)
    }
}

/// Why nearby discovery runs without multicast DNS, beside the transport's own reasons.
enum NearbyServiceError: Error, CustomStringConvertible {
    /// `Settings.usesMulticast` is false.
    case multicastTurnedOff

    var description: String { "multicast DNS is turned off" }
}
