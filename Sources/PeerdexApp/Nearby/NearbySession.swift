import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// `peerdex nearby`: browses the LAN for a while (advertising too, as the profile's visibility
/// allows) and reports the peers a handshake verified.
///
/// It runs a Noise listener of its own for that time, so that the peers it finds can verify it
/// in turn; when the port is taken (a running node or TUI), on one the system picks.
public enum NearbySession {
    /// What a session found, as `--json` prints it.
    public struct Report: Sendable, Encodable {
        /// The verified peers, in the order they were verified.
        public var peers: [Peer]
        /// Whether we advertised ourselves (false for a `private` profile).
        public var advertised: Bool
        /// Where our listener was, for the peers that verified us.
        public var listening: String
        /// How long the session browsed, in seconds.
        public var waitedSeconds: Double
        /// Advertisements and peers dropped, by reason (forged, replayed, …); our own echo is left out.
        public var dropped: [String: Int]
    }

    /// One verified nearby peer.
    public struct Peer: Sendable, Encodable, Equatable {
        /// Its peer ID, proved by the handshake.
        public var peerId: String
        /// Its advertised name; nil when its visibility keeps the name off the LAN.
        public var name: String?
        /// Where the handshake reached it.
        public var address: String
        /// The latest handshake's or PING's round trip, in milliseconds.
        public var rttMs: Double
        /// When it was last heard from (ISO 8601).
        public var lastHeard: String
        /// Whether it is in the contact book already.
        public var contact: Bool
    }

    /// Browses for `wait` (or until `stop` fires, or SIGINT / SIGTERM), then withdraws with a goodbye and
    /// reports. Throws when discovery cannot run (no multicast interface, the port refused).
    public static func run(
        book: ContactBook, listen: HostPort, wait: Duration, settings: NearbyService.Settings = .init(),
        stop: FirstSignal = FirstSignal(), onEvent: @escaping @Sendable (NearbyService.Event) -> Void = { _ in }
    ) async throws -> Report {
        let logger = Logger(label: "peerdex.nearby")
        let (node, serving, bound) = try await startNode(book, on: listen, logger: logger)
        let service = NearbyService(book: book, node: node, dht: nil, port: bound.port, settings: settings, logger: logger)
        let unavailable = LockedValue<String?>(nil)
        let begun = ContinuousClock.now
        let browsing = Task {
            await service.run { event in
                if case .unavailable(let reason) = event {
                    unavailable.withLock { $0 = reason }
                    stop.fire()
                }
                onEvent(event)
            }
        }
        // Ctrl-C ends the wait early, still with a goodbye and a report.
        let signals = ShutdownSignals { _ in stop.fire() }
        defer { signals.cancel() }
        let timer = Task {
            try? await Task.sleep(for: wait)
            stop.fire()
        }
        await stop.wait()
        timer.cancel()
        service.withdraw()
        let peers = service.peers
        let drops = service.drops
        let advertised = service.isAdvertising
        browsing.cancel()
        await browsing.value
        await node.shutdown()
        _ = await serving.result
        if let reason = unavailable.value { throw AppError.network("nearby discovery unavailable: \(reason)") }
        let known = (try? book.store { try ContactBookIndex(database: $0) })?.known ?? []
        let elapsed = ContinuousClock.now - begun
        return Report(
            peers: peers.map { peer in
                Peer(
                    peerId: peer.peerID.text, name: peer.name, address: "\(peer.address)", rttMs: peer.rtt * 1_000,
                    lastHeard: ISO8601.string(service.date(of: peer.lastHeard)), contact: known.contains(peer.peerID))
            },
            advertised: advertised, listening: "\(bound)",
            waitedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            dropped: Dictionary(
                uniqueKeysWithValues: drops.filter { $0.key != .ownAdvertisement && $0.value > 0 }.map { ($0.key.rawValue, $0.value) }))
    }

    /// The verified nearby peers' DHT endpoints (their UDP port is their TCP port), for a command
    /// that joins the DHT through the LAN alone (`lookup --nearby`): browses without advertising
    /// until a moment after the first peer is verified, for at most `within`.
    public static func dhtEndpoints(book: ContactBook, within: Duration) async throws -> [DHTEndpoint] {
        var settings = NearbyService.Settings()
        settings.advertises = false
        let stop = FirstSignal()
        // Peers started together are verified within a few milliseconds of each other.
        let report = try await run(
            book: book, listen: HostPort(host: "0.0.0.0", port: 0), wait: within, settings: settings, stop: stop
        ) { event in
            guard case .appeared = event else { return }
            Task {
                try? await Task.sleep(for: .milliseconds(300))
                stop.fire()
            }
        }
        return report.peers.compactMap { peer in
            guard let hostPort = try? HostPort(parsing: peer.address), let ip = IPAddress(parsing: hostPort.host) else {
                return nil
            }
            return DHTEndpoint(ip: ip, port: UInt16(clamping: hostPort.port))
        }
    }

    /// A node with the book's identity listening on `address`, or on a port the system picks when
    /// that one is taken.
    private static func startNode(_ book: ContactBook, on address: HostPort, logger: Logger) async throws
        -> (PeerdexNode, Task<Void, any Error>, HostPort)
    {
        for candidate in address.port == 0 ? [address] : [address, HostPort(host: address.host, port: 0)] {
            // It answers nearby probes too, as the profile's visibility allows.
            let listeningPort = LockedValue<UInt16?>(nil)
            let node = PeerdexNode(
                identity: book.identity.handshakeIdentity, configuration: NodeConfiguration(), logger: logger,
                handler: NearbyProbeAnswer.handler(book: book, port: { listeningPort.value }, logger: logger, next: nil))
            let (bound, continuation) = AsyncStream.makeStream(of: HostPort.self)
            let serving = Task {
                defer { continuation.finish() }
                try await node.run(listeningOn: candidate) { continuation.yield($0) }
            }
            var addresses = bound.makeAsyncIterator()
            if let listening = await addresses.next() {
                listeningPort.withLock { $0 = UInt16(clamping: listening.port) }
                return (node, serving, listening)
            }
            if case .failure(let error) = await serving.result, candidate.port == 0 { throw error }
        }
        throw NetError.notRunning
    }
}

/// A one-shot signal many may wait for: fired by a timer, a completion, or Ctrl-C.
public final class FirstSignal: Sendable {
    private let fired = FirstOf<Void>()

    /// A signal not yet fired.
    public init() {}

    /// Fires the signal; later calls do nothing.
    public func fire() { fired.offer(()) }

    /// Returns once the signal has fired.
    public func wait() async { await fired.value }
}
