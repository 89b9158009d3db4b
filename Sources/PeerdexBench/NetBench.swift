import Crypto
import Dispatch
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport

/// The transport's figures, against a real `peerdex node` process on 127.0.0.1: handshake time,
/// ping latency on an established connection, requests per second with 64 pipelining clients,
/// and the node's memory holding 1,000 idle authenticated connections. The clients are
/// PeerdexNet nodes in this process, each with its own identity, as separate peers would be.
///
/// Unchecked Sendable: the workspace is only read, by the one task `run` starts and waits for.
struct NetBench: @unchecked Sendable {
    static let figures = [
        "net.handshake.p50", "net.handshake.p99", "net.ping.p50", "net.ping.p99", "net.requests_per_s",
        "net.conn.1000.rss",
    ]

    let workspace: Workspace

    func run() throws {
        let options = workspace.options
        try runBlocking {
            if options.wantsAny(["net.handshake.p50", "net.handshake.p99", "net.ping.p50", "net.ping.p99"]) {
                try await latencies()
            }
            if options.wants("net.requests_per_s") { try await throughput() }
            if options.wants("net.conn.1000.rss") { try await idleConnections() }
        }
    }

    // MARK: - Figures

    private func latencies() async throws {
        let node = try NodeUnderTest(workspace: workspace, name: "latency", extra: ["--requests-per-second", "10000000"])
        defer { node.stop() }
        Report.start(
            "net.handshake", measures: "TCP connect + Noise XX + identity check on loopback, 500 fresh connections")
        try await Self.withClient { client in
            var handshakes = Samples()
            for _ in 0..<520 {
                let (connection, milliseconds) = try await Self.timed { try await client.connection(to: node.address) }
                handshakes.append(milliseconds)
                connection.close()
                while connection.isOpen { await Task.yield() }
            }
            let measured = Samples(Array(handshakes.values.dropFirst(20)))  // the first warm the caches
            Report.figure("net.handshake.p50", measured.median, "ms")
            Report.figure("net.handshake.p99", measured.percentile(99), "ms")

            Report.start("net.ping", measures: "PING/PONG on one established connection, 10,000 in a row; floor p99 <= 1 ms")
            let connection = try await client.connection(to: node.address)
            var pings = Samples()
            for index in 0..<10_500 {
                let (_, milliseconds) = try await Self.timed { try await connection.ping() }
                if index >= 500 { pings.append(milliseconds) }
            }
            Report.figure("net.ping.p50", pings.median, "ms")
            Report.figure("net.ping.p99", pings.percentile(99), "ms")
        }
    }

    private func throughput() async throws {
        let node = try NodeUnderTest(workspace: workspace, name: "throughput", extra: ["--requests-per-second", "10000000"])
        defer { node.stop() }
        let clients = 64
        let depth = 32
        Report.start(
            "net.requests_per_s",
            measures: "one node, \(clients) clients each keeping \(depth) PINGs in flight, 5 s; floor >= 20,000/s")
        try await Self.withClients(clients) { nodes in
            let connections = try await withThrowingTaskGroup(of: PeerConnection.self) { group in
                for client in nodes { group.addTask { try await client.connection(to: node.address) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let answered = Locked(0)
            let failed = Locked(0)
            let measuring = Locked(false)
            let duration: Duration = .seconds(5)
            let warmUp: Duration = .seconds(1)
            let start = ContinuousClock.now
            await withTaskGroup(of: Void.self) { group in
                for connection in connections {
                    for _ in 0..<depth {
                        group.addTask {
                            while ContinuousClock.now - start < warmUp + duration {
                                do {
                                    _ = try await connection.ping()
                                    if measuring.value { answered.withLock { $0 += 1 } }
                                } catch {
                                    failed.withLock { $0 += 1 }
                                }
                            }
                        }
                    }
                }
                try? await Task.sleep(for: warmUp)
                measuring.set(true)
            }
            let seconds = (ContinuousClock.now - start - warmUp).seconds
            if failed.value > 0 { Report.note("   \(failed.value) requests failed") }
            Report.figure("net.requests_per_s", Double(answered.value) / seconds, "requests/s")
        }
    }

    private func idleConnections() async throws {
        let node = try NodeUnderTest(workspace: workspace, name: "idle")
        defer { node.stop() }
        Report.start("net.conn.1000.rss", measures: "the node's resident memory holding 1,000 idle authenticated connections; floor <= 150 MB")
        let before = node.residentMegabytes()
        try await Self.withClients(1_000) { nodes in
            for wave in stride(from: 0, to: nodes.count, by: 100) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in nodes[wave..<(wave + 100)] {
                        group.addTask { _ = try await client.ping(node.address) }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            Report.note("   the node before: \(Report.format(before)) MB")
            Report.figure("net.conn.1000.rss", node.residentMegabytes(), "MB")
        }
    }

    // MARK: - Helpers

    static func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, (ContinuousClock.now - start).seconds * 1_000)
    }

    static func withClient(_ body: (PeerdexNode) async throws -> Void) async throws {
        try await withClients(1) { try await body($0[0]) }
    }

    /// Runs `count` client nodes (no listener, each its own identity) around `body`.
    static func withClients(_ count: Int, _ body: ([PeerdexNode]) async throws -> Void) async throws {
        var configuration = NodeConfiguration()
        configuration.requestTimeout = .seconds(30)
        configuration.handshakeTimeout = .seconds(30)
        configuration.connectTimeout = .seconds(30)
        let nodes = (0..<count).map { _ in
            PeerdexNode(
                identity: try! LocalHandshakeIdentity(
                    identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
                    staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation)),
                configuration: configuration, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { try await node.run() } }
            do {
                try await body(nodes)
            } catch {
                for node in nodes { await node.shutdown() }
                throw error
            }
            for node in nodes { await node.shutdown() }
            try await group.waitForAll()
        }
    }
}

/// A `peerdex node` process listening on an ephemeral port of 127.0.0.1, with its own data
/// directory.
final class NodeUnderTest: @unchecked Sendable {
    let process = Process()
    let address: PeerAddress

    init(workspace: Workspace, name: String, extra: [String] = []) throws {
        let directory = workspace.directory + "/node-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        process.executableURL = URL(fileURLWithPath: workspace.options.peerdexPath)
        process.arguments =
            ["node", "--listen", "127.0.0.1:0", "--data-dir", directory, "--max-connections", "4096", "--log-level", "warning"]
            + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var bytes: [UInt8] = []
        while !bytes.contains(0x0A) {
            let chunk = output.fileHandleForReading.nextChunk()
            guard !chunk.isEmpty else { throw BenchError("peerdex node exited before listening") }
            bytes += chunk
        }
        let fields = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        guard fields.count == 5, let hostPort = try? HostPort(parsing: fields[2]), let peer = try? PeerID(parsing: fields[4])
        else { throw BenchError("unexpected first line from peerdex node: \(fields.joined(separator: " "))") }
        address = PeerAddress(hostPort, peerID: peer)
    }

    /// The process's resident memory now, in MB (VmRSS).
    func residentMegabytes() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes / 1_024
    }

    func stop() {
        guard process.isRunning else { return }
        process.interrupt()
        process.waitUntilExit()
    }
}

extension Samples {
    /// Samples of these values.
    init(_ values: [Double]) {
        self.init()
        for value in values { append(value) }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}

/// A value behind a lock, shared by the benchmark's tasks.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&stored) } }
}
