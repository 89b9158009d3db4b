import Dispatch
import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// Runs `peerdex node`: this installation's identity on a listening node, logging to the data
/// directory, until SIGINT or SIGTERM asks it to stop.
public enum NodeLauncher {
    /// The TCP port a node listens on unless told otherwise; the DHT's UDP will use the same
    /// number (docs/PROTOCOL.md, "Ports").
    public static let defaultPort = 7447

    /// Runs the node until a signal stops it: the Noise listener on TCP and the DHT on UDP, on
    /// one port number. `onListening` is called once both accept traffic, with the bound
    /// address (the port the system chose, for port 0). With `statsEvery`, and on SIGUSR1, a line
    /// of DHT statistics goes to `onStatistics`. The DHT joins through `bootstrap`, else through
    /// the `rendezvous` servers; with `servesRendezvous` the node is one itself: it answers
    /// requests for DHT nodes with those its DHT heard from lately.
    public static func run(
        directory: DataDirectory, listen: HostPort, configuration: NodeConfiguration, bootstrap: [DHTEndpoint] = [],
        rendezvous: [PeerAddress] = [], servesRendezvous: Bool = false,
        dhtConfiguration: DHTEngineConfiguration = DHTEngineConfiguration(), nearby: NearbyService.Settings? = nil,
        statsEvery: Duration? = nil, onListening: @escaping @Sendable (HostPort, PeerID) -> Void,
        onStatistics: @escaping @Sendable (String) -> Void = { _ in },
        onNearby: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        // With port 0 the system picks the TCP port, and the same number may be taken on UDP by
        // another program: then the node starts again on another port, a few times at most.
        var attempt = 1
        while true {
            do {
                return try await runOnce(
                    directory: directory, listen: listen, configuration: configuration, bootstrap: bootstrap,
                    rendezvous: rendezvous, servesRendezvous: servesRendezvous, dhtConfiguration: dhtConfiguration,
                    nearby: nearby, statsEvery: statsEvery, onListening: onListening, onStatistics: onStatistics,
                    onNearby: onNearby)
            } catch DHTNodeError.bindFailed(let address, let reason) where listen.port == 0 && attempt < 5 {
                Logger(label: "peerdex.node").info(
                    "UDP port taken, starting on another", metadata: ["address": "\(address)", "reason": "\(reason)"])
                attempt += 1
            }
        }
    }

    /// One start of the node on `listen` (see `run`).
    private static func runOnce(
        directory: DataDirectory, listen: HostPort, configuration: NodeConfiguration, bootstrap: [DHTEndpoint],
        rendezvous: [PeerAddress], servesRendezvous: Bool, dhtConfiguration: DHTEngineConfiguration,
        nearby: NearbyService.Settings?, statsEvery: Duration?,
        onListening: @escaping @Sendable (HostPort, PeerID) -> Void,
        onStatistics: @escaping @Sendable (String) -> Void, onNearby: @escaping @Sendable (String) -> Void
    ) async throws {
        let book = try ContactBook.open(directory)
        let logger = Logger(label: "peerdex.node")
        // Installed before the node starts, so that a signal during the start is not lost.
        let runtime = LockedValue<NodeRuntime?>(nil)
        let stopping = LockedValue(false)
        let signals = ShutdownSignals { signal in
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            stopping.withLock { $0 = true }
            Task { await runtime.value?.shutdown() }
        }
        defer { signals.cancel() }
        let started = try await NodeRuntime.start(
            book: book, listen: listen, configuration: configuration, bootstrap: bootstrap, rendezvous: rendezvous,
            servesRendezvous: servesRendezvous, dhtConfiguration: dhtConfiguration, nearby: nearby, logger: logger)
        runtime.withLock { $0 = started }
        if stopping.value { await started.shutdown() }
        onListening(started.address, book.identity.peerID)
        let statistics = StatisticsSignal { Task { onStatistics(await started.dht.statistics()) } }
        defer { statistics.cancel() }
        let periodic = statsEvery.map { interval in
            Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    onStatistics(await started.dht.statistics())
                }
            }
        }
        defer { periodic?.cancel() }
        try await started.run { event in
            switch event {
            case .appeared(let peer): onNearby("nearby \(peer.peerID) at \(peer.address) verified")
            case .disappeared(let peer, let reason): onNearby("nearby \(peer) gone (\(reason.rawValue))")
            case .unavailable(let reason): onNearby("nearby discovery unavailable: \(reason)")
            case .probing(let range): onNearby("nearby discovery probes \(range) only (no multicast DNS)")
            case .browsing, .updated: break
            }
        }
    }
}

/// SIGUSR1 as an event: each one calls `onSignal` (the node prints its DHT statistics).
final class StatisticsSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(_ onSignal: @escaping @Sendable () -> Void) {
        signal(SIGUSR1, SIG_IGN)  // the dispatch source sees it instead of the default action (exit)
        source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler(handler: onSignal)
        source.resume()
    }

    func cancel() { source.cancel() }
}

/// SIGINT and SIGTERM as events: the first of them calls `onSignal`, so that the program can stop
/// cleanly; a second one ends the process at once, for a stop that hangs.
///
/// Unchecked: the sources are set once in init, and cancelling a dispatch source is thread-safe.
final class ShutdownSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ onSignal: @escaping @Sendable (String) -> Void) {
        let received = SignalCount()
        // A parent (a test runner's thread) may have left them blocked, and a child inherits its
        // mask: they would then stay pending forever and the process would never stop cleanly.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)  // the dispatch source sees it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.increment() > 1 { exit(128 + number) }
                onSignal(name)
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }

    private final class SignalCount: @unchecked Sendable {
        private var count = 0
        private let lock = NSLock()
        func increment() -> Int { lock.withLock { count += 1; return count } }
    }
}
