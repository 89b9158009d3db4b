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

    /// Runs the node until a signal stops it. `onListening` is called once the listener accepts
    /// connections, with the bound address (the port the system chose, for port 0).
    public static func run(
        directory: DataDirectory, listen: HostPort, configuration: NodeConfiguration,
        onListening: @escaping @Sendable (HostPort, PeerID) -> Void
    ) async throws {
        try directory.prepare()
        let identity = try Identity.loadOrCreate(at: directory.identityPath)
        let logger = Logger(label: "peerdex.node")
        let node = PeerdexNode(identity: identity.handshakeIdentity, configuration: configuration, logger: logger)
        let signals = ShutdownSignals { signal in
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            Task { await node.shutdown() }
        }
        defer { signals.cancel() }
        try await node.run(listeningOn: listen) { bound in onListening(bound, identity.peerID) }
        logger.info("stopped")
    }
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
