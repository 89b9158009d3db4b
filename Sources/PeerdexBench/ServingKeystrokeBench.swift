import Foundation
import PeerdexCore
import PeerdexNet

#if canImport(Glibc)
    import Glibc
#endif

/// `tui.keystroke.serving.*`: keys typed into the real `peerdex` TUI while the node it runs in
/// its own process answers peer queries from 16 other nodes at 1,000 a second.
///
/// The TUI is the one `TerminalKeystrokeBench` drives (a pseudo-terminal, each key timed to the
/// last byte of the update it caused), on a copy of the imported book whose owner shares with
/// discovery peers and allows contact sharing, so that every query is really searched and
/// answered from the book. The same session types the same number of queries first without
/// load (`idle`), then with it; the load generator paces its queries to the rate and counts what
/// was answered, so the figure says what the node actually served meanwhile.
struct ServingKeystrokeBench {
    static let figures = [
        "tui.keystroke.serving.p50", "tui.keystroke.serving.p99", "tui.keystroke.serving.idle.p99",
        "tui.keystroke.serving.queries_per_s",
    ]
    /// Peer queries a second the node is asked while keys are typed.
    static let queryRate = 1_000.0
    /// Nodes asking, each its own identity with one connection and one query in flight.
    static let askerCount = 16
    /// Queries typed in each phase.
    static let typedQueries = 30

    let workspace: Workspace

    func run() throws {
        let size = KeystrokeBench.size
        Report.start(
            "tui.keystroke.serving.p50 / p99",
            measures: "ms from writing a key to a \(size.width)×\(size.height) pseudo-terminal running `peerdex` to the "
                + "last byte of its update, while the TUI's in-process node answers \(Int(Self.queryRate)) peer "
                + "queries/s from \(Self.askerCount) nodes on 127.0.0.1; floor p99 ≤ 16 ms")
        try workspace.ensureDatabase()
        let data = try workspace.copyOfBook(named: "serving-data")
        try peerdex(
            ["profile", "set", "--data-dir", data, "--name", "Bench Owner", "--visibility", "public",
             "--share-with-discovery-peers", "on", "--allow-contact-sharing", "on"])
        let peerID = try PeerID(parsing: try Self.peerIDText(json: try peerdex(["id", "--json", "--data-dir", data])))
        let port = try Self.freePort()
        let session = try TerminalKeystrokeBench.Session(
            path: workspace.options.peerdexPath, workspace: workspace, dataDirectory: data,
            arguments: ["tui", "--listen", "127.0.0.1:\(port)"])
        defer { session.stop() }
        let server = PeerAddress(HostPort(host: "127.0.0.1", port: port), peerID: peerID)

        let typed = QueryMix.queries(count: 2 * Self.typedQueries + 1, from: workspace.contacts(), seed: workspace.options.seed &+ 11)
        _ = session.type(typed[0].text)  // warm-up, untimed
        var idle = Samples()
        for query in typed[1...Self.typedQueries] { for value in session.type(query.text) { idle.append(value) } }

        var random = SplitMix64(seed: workspace.options.seed &+ 0x6c6f_6164)
        let queries = (0..<2_048).map { _ in WirePeerQuery(text: DiscoveryServeBench.queryText(random: &random)) }
        let load = QueryLoad(server: server, queries: queries)
        try load.start()
        defer { load.stop() }
        try load.waitUntilAnswering()
        let loadStart = load.snapshot()
        var serving = Samples()
        for query in typed[(Self.typedQueries + 1)...] { for value in session.type(query.text) { serving.append(value) } }
        let loadEnd = load.snapshot()
        load.stop()
        try load.finish()

        let seconds = loadEnd.time - loadStart.time
        let answered = loadEnd.answered - loadStart.answered
        let failed = loadEnd.failed - loadStart.failed
        let rate = Double(answered) / seconds
        Report.note(
            "   idle: \(idle.count) keys, p50 \(Report.format(idle.median)) ms; serving: \(serving.count) keys in "
                + "\(Report.format(seconds)) s; \(answered) queries answered (\(Report.format(Double(loadEnd.results - loadStart.results) / Double(max(answered, 1)))) "
                + "results each), \(failed) failed, query p99 \(Report.format(load.latencyP99())) ms; "
                + "\(session.silentKeys) keys without output")
        guard failed == 0 else { throw BenchError("\(failed) peer queries to the TUI's node failed") }
        guard rate >= 0.95 * Self.queryRate else {
            throw BenchError("the TUI's node answered \(Report.format(rate)) queries/s, under the \(Int(Self.queryRate)) asked")
        }
        Report.figure("tui.keystroke.serving.p50", serving.median, "ms")
        Report.figure("tui.keystroke.serving.p99", serving.percentile(99), "ms")
        Report.figure("tui.keystroke.serving.idle.p99", idle.percentile(99), "ms")
        Report.figure("tui.keystroke.serving.queries_per_s", rate, "queries/s")
    }

    /// Runs `peerdex` with `arguments` to completion; its stdout.
    @discardableResult
    private func peerdex(_ arguments: [String]) throws -> String {
        try Subprocess(path: workspace.options.peerdexPath, arguments: arguments, errorPath: workspace.errorPath)
            .runChecked(captureOutput: true).output
    }

    /// The `peerId` of `peerdex id --json`'s document.
    private static func peerIDText(json: String) throws -> String {
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        guard let text = document?["peerId"] as? String else { throw BenchError("peerdex id --json gave no peerId: \(json)") }
        return text
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the system's pick for a port-0 bind).
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else { throw BenchError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Peer queries paced to `ServingKeystrokeBench.queryRate` from `askerCount` nodes, run on the
/// concurrency pool while the benchmark's thread types keys.
private final class QueryLoad: @unchecked Sendable {
    /// Counters at one moment.
    struct Snapshot {
        var time: Double
        var answered: Int
        var failed: Int
        var results: Int
    }

    private let server: PeerAddress
    private let queries: [WirePeerQuery]
    private let counters = Locked(Snapshot(time: 0, answered: 0, failed: 0, results: 0))
    private let latencies = Locked([Double]())
    private let stopping = Locked(false)
    private let outcome = Locked<Result<Void, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let clockStart = ContinuousClock.now

    init(server: PeerAddress, queries: [WirePeerQuery]) {
        self.server = server
        self.queries = queries
    }

    /// Starts the askers (they connect, retrying while the TUI's node starts listening).
    func start() throws {
        Task.detached { [self] in
            do {
                try await NetBench.withClients(ServingKeystrokeBench.askerCount) { askers in try await self.ask(with: askers) }
                outcome.set(.success(()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
    }

    /// Waits until the askers have had 200 answers, or fails after 30 s (the node did not serve).
    func waitUntilAnswering() throws {
        let start = Monotonic.now()
        while counters.value.answered < 200 {
            if case .failure(let error) = outcome.value { throw BenchError("the query load stopped: \(error)") }
            guard Monotonic.milliseconds(since: start) < 30_000 else {
                throw BenchError("the TUI's node answered \(counters.value.answered) queries in 30 s")
            }
            usleep(20_000)
        }
    }

    /// The counters now.
    func snapshot() -> Snapshot {
        var snapshot = counters.value
        snapshot.time = (ContinuousClock.now - clockStart).seconds
        return snapshot
    }

    /// p99 of the query latencies seen, in ms.
    func latencyP99() -> Double {
        var samples = Samples()
        for value in latencies.value { samples.append(value) }
        return samples.count > 0 ? samples.percentile(99) : 0
    }

    /// Asks the askers to stop after their query in flight.
    func stop() { stopping.set(true) }

    /// Waits for the askers to stop; rethrows what stopped them, if anything did.
    func finish() throws {
        guard done.wait(timeout: .now() + 30) == .success else { throw BenchError("the query load did not stop") }
        if case .failure(let error) = outcome.value { throw error }
    }

    private func ask(with askers: [PeerdexNode]) async throws {
        var connections = [PeerConnection]()
        let deadline = ContinuousClock.now + .seconds(30)
        for asker in askers {
            while true {
                do {
                    connections.append(try await asker.connection(to: server))
                    break
                } catch where ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        let interval = Duration.seconds(Double(askers.count) / ServingKeystrokeBench.queryRate)
        await withTaskGroup(of: Void.self) { group in
            for (number, connection) in connections.enumerated() {
                group.addTask { [self] in
                    // Staggered so that the askers' queries spread evenly over each interval.
                    var due = ContinuousClock.now + interval * (Double(number) / Double(askers.count))
                    var next = number * (queries.count / askers.count)
                    while !stopping.value {
                        try? await Task.sleep(until: due, clock: .continuous)
                        due += interval
                        let sent = ContinuousClock.now
                        do {
                            let reply = try await connection.query(queries[next % queries.count])
                            let milliseconds = (ContinuousClock.now - sent).seconds * 1000
                            latencies.withLock { $0.append(milliseconds) }
                            counters.withLock {
                                if reply.busy || reply.rejected > 0 { $0.failed += 1 } else { $0.answered += 1 }
                                $0.results += reply.results.count
                            }
                        } catch {
                            counters.withLock { $0.failed += 1 }
                        }
                        next += 1
                    }
                }
            }
        }
    }
}
