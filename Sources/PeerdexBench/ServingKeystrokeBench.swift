import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexNet

#if canImport(Glibc)
    import Glibc
#endif

/// `tui.keystroke.serving.*` and `tui.keystroke.terminal.serving.*`: typing searches while a node
/// in the TUI's process answers peer queries from 16 other nodes at 1,000 a second.
///
/// Both run on a copy of the imported book whose owner shares with discovery peers and allows
/// contact sharing, so that every query is really searched and answered from the book, and both
/// type the same number of keys first without load (`idle`), then with it. The load generator
/// paces its queries to the rate and counts what was answered, so the figures say what the node
/// actually served meanwhile; a shortfall or a failed query fails the run.
///
/// - `tui.keystroke.serving.*` is `tui.keystroke.*` (the model, the executor on the real store and
///   the render, each key one synchronous step; floor p99 ≤ 16 ms) with a node in this process
///   answering through the handler chain `NodeRuntime` builds (`DiscoveryHandler` over the
///   replicating layer over a responder of the book), so serving takes its share of the cores.
/// - `tui.keystroke.terminal.serving.*` is `tui.keystroke.terminal.*`: the real `peerdex` on a
///   pseudo-terminal, each key timed to the last byte of its update, whose own in-process node
///   (`--listen 127.0.0.1:PORT`) is the one asked.
struct ServingKeystrokeBench {
    static let figures = [
        "tui.keystroke.serving.p50", "tui.keystroke.serving.p99", "tui.keystroke.serving.idle.p99",
        "tui.keystroke.terminal.serving.p50", "tui.keystroke.terminal.serving.p99",
        "tui.keystroke.terminal.serving.idle.p99",
    ]
    /// Peer queries a second the node is asked while keys are typed.
    static let queryRate = 1_000.0
    /// Nodes asking, each its own identity with one connection and one query in flight.
    static let askerCount = 16
    /// Queries typed in each terminal phase.
    static let typedQueries = 30

    let workspace: Workspace

    func run() throws {
        try workspace.ensureDatabase()
        let data = try workspace.copyOfBook(named: "serving-data")
        try peerdex(
            ["profile", "set", "--data-dir", data, "--name", "Bench Owner", "--visibility", "public",
             "--share-with-discovery-peers", "on", "--allow-contact-sharing", "on"])
        var random = SplitMix64(seed: workspace.options.seed &+ 0x6c6f_6164)
        let queries = (0..<2_048).map { _ in WirePeerQuery(text: DiscoveryServeBench.queryText(random: &random)) }
        if workspace.options.wantsAny(Array(Self.figures.prefix(3))) { try inProcess(data: data, queries: queries) }
        if workspace.options.wantsAny(Array(Self.figures.suffix(3))) { try terminal(data: data, queries: queries) }
    }

    /// The model's keystrokes with a node of this process serving.
    private func inProcess(data: String, queries: [WirePeerQuery]) throws {
        let size = KeystrokeBench.size
        Report.start(
            "tui.keystroke.serving.p50 / p99",
            measures: "ms per keystroke as tui.keystroke measures it (update + executor on the real store + render, "
                + "\(size.width)×\(size.height)) while a node in this process answers \(Int(Self.queryRate)) peer queries/s "
                + "from \(Self.askerCount) nodes on 127.0.0.1; floor p99 ≤ 16 ms")
        let book: ContactBook
        do { book = try ContactBook.open(DataDirectory(explicit: data)) } catch {
            throw BenchError("cannot open the book: \(error)")
        }
        let server = try ServedNode(book: book)
        defer { server.stop() }
        var driver = TUIDriver(book: book, width: size.width, height: size.height)
        let typed = QueryMix.queries(count: 1000, from: workspace.contacts(), seed: workspace.options.seed &+ 4)
        var next = typed.makeIterator()
        func typeKeys(_ count: Int) -> Samples {
            var samples = Samples()
            while samples.count < count, let query = next.next() {
                for key in KeystrokeBench.keys(typing: query.text) {
                    samples.append(Monotonic.measure { driver.send(.key(key)) }.1)
                }
            }
            return samples
        }
        _ = typeKeys(20)  // warm-up, untimed
        let idle = typeKeys(KeystrokeBench.minimumKeystrokes)
        let (serving, load) = try Self.underLoad(server: server.address, queries: queries) {
            typeKeys(KeystrokeBench.minimumKeystrokes)
        }
        guard driver.failures.isEmpty else { throw BenchError("the TUI reported failures: \(driver.failures.prefix(3))") }
        Report.note("   idle: \(idle.count) keys, p50 \(Report.format(idle.median)) ms; serving: \(serving.count) keys; " + load)
        Report.figure("tui.keystroke.serving.p50", serving.median, "ms")
        Report.figure("tui.keystroke.serving.p99", serving.percentile(99), "ms")
        Report.figure("tui.keystroke.serving.idle.p99", idle.percentile(99), "ms")
    }

    /// The real program's keystrokes, its own node serving.
    private func terminal(data: String, queries: [WirePeerQuery]) throws {
        let size = KeystrokeBench.size
        Report.start(
            "tui.keystroke.terminal.serving.p50 / p99",
            measures: "ms from writing a key to a \(size.width)×\(size.height) pseudo-terminal running `peerdex` to the "
                + "last byte of its update, while the TUI's in-process node answers \(Int(Self.queryRate)) peer "
                + "queries/s from \(Self.askerCount) nodes on 127.0.0.1; compare with idle (the same session, no load)")
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
        let (serving, load) = try Self.underLoad(server: server, queries: queries) {
            var serving = Samples()
            for query in typed[(Self.typedQueries + 1)...] { for value in session.type(query.text) { serving.append(value) } }
            return serving
        }
        Report.note(
            "   idle: \(idle.count) keys, p50 \(Report.format(idle.median)) ms; serving: \(serving.count) keys; " + load
                + "; \(session.silentKeys) keys without output")
        Report.figure("tui.keystroke.terminal.serving.p50", serving.median, "ms")
        Report.figure("tui.keystroke.terminal.serving.p99", serving.percentile(99), "ms")
        Report.figure("tui.keystroke.terminal.serving.idle.p99", idle.percentile(99), "ms")
    }

    /// Runs `body` while `server` is asked `queryRate` queries a second; its result and a line
    /// saying what the load was. Fails when a query failed or the node fell short of the rate.
    private static func underLoad<T>(
        server: PeerAddress, queries: [WirePeerQuery], _ body: () throws -> T
    ) throws -> (T, String) {
        let load = QueryLoad(server: server, queries: queries)
        try load.start()
        defer { load.stop() }
        try load.waitUntilAnswering()
        let start = load.snapshot()
        let result = try body()
        let end = load.snapshot()
        load.stop()
        try load.finish()
        let seconds = end.time - start.time
        let answered = end.answered - start.answered
        let failed = end.failed - start.failed
        let rate = Double(answered) / seconds
        let line =
            "\(answered) queries answered in \(Report.format(seconds)) s (\(Report.format(rate)) queries/s, "
            + "\(Report.format(Double(end.results - start.results) / Double(max(answered, 1)))) results each), "
            + "\(failed) failed, query p99 \(Report.format(load.latencyP99())) ms"
        guard failed == 0 else { throw BenchError("\(failed) peer queries failed: \(line)") }
        guard rate >= 0.95 * queryRate else { throw BenchError("the node fell short of \(Int(queryRate)) queries/s: \(line)") }
        return (result, line)
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

/// A node in this process answering discovery requests from `book` as `NodeRuntime`'s node
/// does (no DHT: the askers dial it directly), on 127.0.0.1 and a port the system picks.
private final class ServedNode: @unchecked Sendable {
    let node: PeerdexNode
    let address: PeerAddress
    private let stopped = DispatchSemaphore(value: 0)

    init(book: ContactBook) throws {
        let responder = try DiscoveryServing.responder(of: book)
        let shared = responder.controller.sharedContacts(responder.contacts, for: .stranger, path: .peerQuery).count
        Report.note("   the served book: \(responder.contacts.count) contacts, \(shared) of them shareable with a stranger")
        let snapshot = DiscoveryResponderSnapshot(responder)
        let node = PeerdexNode(
            identity: book.identity.handshakeIdentity, logger: DiscoveryServeBench.silentLogger,
            handler: DiscoveryHandler(responding: ReplicatingResponder(snapshot: snapshot)))
        self.node = node
        let bound = Locked<HostPort?>(nil)
        let stopped = stopped
        Task.detached {
            try? await node.run(listeningOn: HostPort(host: "127.0.0.1", port: 0)) { bound.set($0) }
            stopped.signal()
        }
        let start = Monotonic.now()
        while bound.value == nil {
            guard Monotonic.milliseconds(since: start) < 10_000 else { throw BenchError("the served node did not listen") }
            usleep(5_000)
        }
        address = PeerAddress(bound.value!, peerID: book.identity.peerID)
    }

    /// Shuts the node down and waits for it to stop.
    func stop() {
        let node = node
        try? runBlocking { await node.shutdown() }
        _ = stopped.wait(timeout: .now() + 10)
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
                            // Counted, not validated entry by entry: the askers stand for other
                            // machines, so the less of the shared cores they take the better.
                            let response = try await connection.request(.peerQuery(queries[next % queries.count]))
                            let milliseconds = (ContinuousClock.now - sent).seconds * 1000
                            latencies.withLock { $0.append(milliseconds) }
                            counters.withLock {
                                guard case .peerQueryReply(let reply) = response.body, !reply.busy else {
                                    $0.failed += 1
                                    return
                                }
                                $0.answered += 1
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
