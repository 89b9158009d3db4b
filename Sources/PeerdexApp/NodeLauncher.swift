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
        dhtConfiguration: DHTEngineConfiguration = DHTEngineConfiguration(), statsEvery: Duration? = nil,
        onListening: @escaping @Sendable (HostPort, PeerID) -> Void,
        onStatistics: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        // With port 0 the system picks the TCP port, and the same number may be taken on UDP by
        // another program: then the node starts again on another port, a few times at most.
        var attempt = 1
        while true {
            do {
                return try await runOnce(
                    directory: directory, listen: listen, configuration: configuration, bootstrap: bootstrap,
                    rendezvous: rendezvous, servesRendezvous: servesRendezvous, dhtConfiguration: dhtConfiguration,
                    statsEvery: statsEvery, onListening: onListening, onStatistics: onStatistics)
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
        statsEvery: Duration?, onListening: @escaping @Sendable (HostPort, PeerID) -> Void,
        onStatistics: @escaping @Sendable (String) -> Void
    ) async throws {
        let book = try ContactBook.open(directory)
        let identity = book.identity
        let logger = Logger(label: "peerdex.node")
        let rendezvousHandler = servesRendezvous ? RendezvousHandler() : nil
        let node = PeerdexNode(
            identity: identity.handshakeIdentity, configuration: configuration, logger: logger,
            handler: rendezvousHandler)
        let signals = ShutdownSignals { signal in
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            Task { await node.shutdown() }
        }
        defer { signals.cancel() }
        let (bound, boundContinuation) = AsyncStream.makeStream(of: HostPort.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { boundContinuation.finish() }
                try await node.run(listeningOn: listen) { address in boundContinuation.yield(address) }
            }
            var dht: DHTService?
            for await address in bound {
                do {
                    dht = try await DHTService.start(
                        book: book, host: address.host, port: address.port, bootstrap: bootstrap,
                        rendezvous: rendezvous, configuration: dhtConfiguration, logger: Logger(label: "peerdex.dht"))
                } catch {
                    await node.shutdown()
                    throw error
                }
                if let dht { rendezvousHandler?.serve(from: dht.node) }
                onListening(address, identity.peerID)
                break
            }
            guard let dht else { return try await group.waitForAll() }
            let statistics = StatisticsSignal { Task { onStatistics(await dht.statistics()) } }
            defer { statistics.cancel() }
            group.addTask { await dht.run() }
            if let statsEvery {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: statsEvery)
                        onStatistics(await dht.statistics())
                    }
                }
            }
            // The node's run ends at shutdown; the DHT's tasks end with it.
            try await group.next()
            group.cancelAll()
            await dht.shutdown()
        }
        logger.info("stopped")
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
