import Foundation
import Logging
import PeerdexCore

/// Runs `peerdex demo`: a local network of generated people, a throwaway user joined to it, and
/// the TUI on that user (issue 13, item 1). Everything lives in one directory, removed on exit
/// unless kept; the user's own data directory is never opened.
public enum DemoLauncher {
    /// What the command line chose.
    public struct Options: Sendable {
        /// How many people (nodes).
        public var nodes = DemoPopulation.defaultSize
        /// The people's seed.
        public var seed: UInt64 = 1
        /// Keep the directory on exit.
        public var keep = false
        /// Where the demo lives; nil: a new temporary directory.
        public var directory: String?
        /// Open the TUI; false runs the network alone until SIGINT or SIGTERM.
        public var opensTUI = true

        /// The defaults: 30 people, seed 1, a temporary directory removed on exit, the TUI.
        public init() {}
    }

    /// How long stopping waits for the nodes before leaving them to the process's end.
    static let stopTimeout: Duration = .seconds(5)

    /// Starts the network, opens the TUI (or waits for a signal), stops every node and removes
    /// the directory unless kept; returns how the TUI ended and the directory. `onReady` gets the
    /// directory once the network is up (the headless mode's announcement; the TUI covers the
    /// screen otherwise).
    public static func run(
        _ options: Options, settings: TUISettings, onReady: @escaping @Sendable (String, DemoManifest) -> Void = { _, _ in }
    ) throws -> (outcome: TUIOutcome, directory: String) {
        let (root, created) = try prepareDirectory(options.directory)
        defer {
            if created, !options.keep { try? FileManager.default.removeItem(atPath: root) }
        }
        let userDirectory = DataDirectory(explicit: root + "/user")
        AppLogging.bootstrap(userDirectory)
        let logger = Logger(label: "peerdex.demo")
        let book = try ContactBook.open(userDirectory)
        let people = DemoPopulation.people(count: options.nodes, seed: options.seed)
        let identity = book.identity
        let books = try DemoNetwork.prepareBooks(
            people: people, root: root, user: identity, userName: DemoPopulation.user.name)
        let network = try blocking { try await DemoNetwork.start(people: people, books: books, logger: logger) }
        defer { stop(network, logger: logger) }
        try DemoBooks.writeUser(DemoPopulation.user, into: book, members: network.members, now: ContactBook.now())
        let manifest = DemoManifest(network: network, user: identity, userDirectory: userDirectory, seed: options.seed)
        try AtomicFile.replace(root + "/" + DemoManifest.fileName, with: try manifest.encoded(), mode: 0o644)
        logger.info("demo network up", metadata: ["nodes": "\(people.count)", "directory": "\(root)"])
        onReady(root, manifest)
        guard options.opensTUI else { return (waitForSignal(), root) }
        var nearby = NearbyService.Settings()
        nearby.usesMulticast = false
        nearby.probeRange = network.nearbyRange
        nearby.probePort = network.nearbyPort
        let settingsForNode = TUINetworkSettings(
            listen: HostPort(host: "127.0.0.1", port: 0), bootstrap: network.bootstrap, nearby: nearby)
        return (try TUIRunner(book: book, settings: settings, network: settingsForNode).run(), root)
    }

    /// The demo directory: `requested` (created if missing, refused when it holds anything, so
    /// that no one's files are mixed in; kept on exit), else a new one under the temporary
    /// directory. The second value says whether it is ours to remove on exit.
    static func prepareDirectory(_ requested: String?) throws(AppError) -> (String, Bool) {
        let files = FileManager.default
        if let requested {
            let path = URL(fileURLWithPath: requested).standardizedFileURL.path
            if let contents = try? files.contentsOfDirectory(atPath: path) {
                guard contents.isEmpty else { throw .demo("\(path) is not empty; give a new or empty directory") }
                return (path, false)
            }
            do { try files.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .demo("cannot create \(path): \(error.localizedDescription)")
            }
            // Named by the user, so kept like one that existed: only our own temporary goes.
            return (path, false)
        }
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/peerdex-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .demo("cannot create a directory in \(base): \(String(cString: strerror(errno)))")
        }
        return (String(cString: made), true)
    }

    /// Until SIGINT or SIGTERM.
    private static func waitForSignal() -> TUIOutcome {
        let stopped = DispatchSemaphore(value: 0)
        let signals = ShutdownSignals { _ in stopped.signal() }
        stopped.wait()
        signals.cancel()
        return .quit
    }

    /// Stops every node, waiting at most `stopTimeout`.
    private static func stop(_ network: DemoNetwork, logger: Logger) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await network.shutdown()
            done.signal()
        }
        let seconds = Double(stopTimeout.components.seconds)
        if done.wait(timeout: .now() + seconds) == .timedOut {
            logger.warning("demo nodes still stopping after \(stopTimeout); leaving them to the process's end")
        }
    }

    /// Runs `body` on the concurrency pool and waits for it on this thread (the main one: the
    /// TUI's loop and this launcher block it, never the pool's threads).
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = LockedValue<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }
}
