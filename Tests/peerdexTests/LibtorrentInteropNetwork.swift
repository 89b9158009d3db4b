import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport

/// The network of the libtorrent interoperability tests, on 127.0.0.1: 8 libtorrent nodes
/// (`LibtorrentDriver`) and 4 `peerdex node` processes that bootstrap from two libtorrent nodes and
/// the peerdex nodes started before them; every libtorrent node is also given every peerdex node
/// (`add_node`). Ready once every libtorrent node holds every peerdex node in its routing table
/// and every peerdex node has published its profile (when public) and announced itself.
final class InteropNetwork: @unchecked Sendable {
    /// The peerdex nodes' profiles: name and more `profile set` arguments; the last stays private.
    static let profiles: [(name: String, arguments: [String])] = [
        ("Ada Lovelace", ["--interests", "mathematics,engines", "--location", "London", "--visibility", "public"]),
        ("Grace Hopper", ["--interests", "compilers", "--location", "Arlington", "--visibility", "public"]),
        ("Alan Turing", ["--visibility", "public"]),
        ("Pat Private", []),
    ]
    /// How long the network may take to converge on a loaded machine (about a second when idle).
    static let convergence: Duration = .seconds(20)

    /// The libtorrent nodes.
    let libtorrent: LibtorrentDriver
    /// The peerdex nodes, in the order of `profiles`.
    private(set) var peerdex: [PeerdexNodeProcess] = []

    private init(libtorrent: LibtorrentDriver) { self.libtorrent = libtorrent }

    /// Runs `body` on a new network, then ends every process of it, whatever happened.
    static func with(_ body: (InteropNetwork) async throws -> Void) async throws {
        let network = InteropNetwork(libtorrent: try await LibtorrentDriver.start(nodes: 8))
        do {
            try await network.start()
            try await body(network)
        } catch {
            await network.stop()
            throw error
        }
        await network.stop()
    }

    /// Every node's `127.0.0.1:port`, libtorrent's and peerdex's.
    var endpoints: Set<String> {
        Set(libtorrent.nodes.map { "127.0.0.1:\($0.port)" } + peerdex.map { "\($0.address)" })
    }

    /// The `--bootstrap` list of peerdex node `index`: two libtorrent nodes and the peerdex nodes before it.
    func bootstrap(for index: Int) -> [String] {
        let count = libtorrent.nodes.count
        let seeds = [libtorrent.nodes[index % count], libtorrent.nodes[(index + 1) % count]]
        return seeds.map { "127.0.0.1:\($0.port)" } + peerdex.prefix(index).map { "\($0.address)" }
    }

    // MARK: - Starting and stopping

    private func start() async throws {
        for (index, profile) in Self.profiles.enumerated() {
            let runner = CommandRunner()
            let set = try runner.run(["profile", "set", "--name", profile.name] + profile.arguments)
            guard set.status == 0 else { throw NotReady(reason: "profile set: \(set.stderr)") }
            let node = try await PeerdexNodeProcess(
                runner: runner, name: profile.name, bootstrap: bootstrap(for: index))
            peerdex.append(node)
        }
        for node in peerdex {
            let added = try await libtorrent.send("add_node", ["port": node.address.port])
            guard added.ok else { throw NotReady(reason: "add_node: \(added)") }
        }
        let deadline = ContinuousClock.now + Self.convergence
        for (node, profile) in zip(peerdex, Self.profiles) {
            let published = profile.arguments.contains("public") ? ["profile published"] : []
            for event in published + ["announced on the rendezvous"] {
                guard await node.waitForLog(event, until: deadline) else {
                    throw NotReady(reason: "\(node.name) did not log '\(event)': \(node.log(after: 0))")
                }
            }
        }
        let addresses = peerdex.map { "\($0.address)" }
        let everyoneKnowsEveryone = { (tables: [[String: String]]) in
            tables.allSatisfy { table in addresses.allSatisfy { table[$0] != nil } }
        }
        guard try await waitForLibtorrent(everyoneKnowsEveryone) else {
            let missing = try await libtorrentRoutingTables().enumerated().flatMap { index, table in
                peerdex.filter { table["\($0.address)"] == nil }.map { "libtorrent node \(index) lacks \($0.name)" }
            }
            throw NotReady(reason: "libtorrent's routing tables lack peerdex nodes: \(missing)")
        }
    }

    private func stop() async {
        for node in peerdex {
            await node.stop()
            node.runner.cleanUp()
        }
        libtorrent.stop()
    }

    /// The network did not come up in time.
    struct NotReady: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the interop network did not come up: \(reason)" }
    }

    // MARK: - libtorrent's side

    /// Each libtorrent node's routing table: node ID (hex) by `127.0.0.1:port`.
    func libtorrentRoutingTables() async throws -> [[String: String]] {
        let state = try await libtorrent.send("state")
        guard state.ok else { throw NotReady(reason: "state: \(state)") }
        return state.objects("nodes").map { node in
            let live = node["live"] as? [[String: Any]] ?? []
            let entries = live.compactMap { entry -> (String, String)? in
                guard let address = entry["addr"] as? String, let id = entry["id"] as? String else { return nil }
                return (address, id)
            }
            return Dictionary(entries) { first, _ in first }
        }
    }

    /// Polls libtorrent's routing tables until `condition` holds for them, for up to `convergence`.
    func waitForLibtorrent(_ condition: ([[String: String]]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + Self.convergence
        while true {
            if condition(try await libtorrentRoutingTables()) { return true }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// libtorrent node `node`'s `get` of the profile item (salt `peerdex/profile`) under `publicKey`.
    func libtorrentGet(_ publicKey: [UInt8], node: Int) async throws -> LibtorrentDriver.Reply {
        let salt = Self.hex(ProfileRecord.salt)
        return try await libtorrent.send("get", ["node": node, "key": Self.hex(publicKey), "salt": salt])
    }

    /// A `put` of `value` under `seed`'s key and the profile salt from libtorrent node `node`'s side:
    /// libtorrent's own put (a byte string; seq = the highest it finds + 1) when `seq` is nil, else the
    /// driver's KRPC put signed with `seed` (libtorrent's Python binding cannot put a dictionary).
    func libtorrentPut(seed: [UInt8], value: BencodeValue, seq: Int? = nil, node: Int) async throws
        -> LibtorrentDriver.Reply
    {
        var arguments: [String: Any] = [
            "node": node, "seed": Self.hex(seed), "salt": Self.hex(ProfileRecord.salt),
            "value": Self.hex(value.encoded()),
        ]
        if let seq {
            arguments["seq"] = seq
            arguments["via"] = "krpc"
        } else {
            arguments["via"] = "libtorrent"
        }
        return try await libtorrent.send("put", arguments)
    }

    // MARK: - peerdex's side

    /// `peerdex lookup <peer> --bootstrap 127.0.0.1:<port> --json`, from a data directory of its own.
    func lookup(_ peer: PeerID, through port: Int) throws -> CommandRunner.Result {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        return try runner.run(["lookup", peer.text, "--bootstrap", "127.0.0.1:\(port)", "--json"])
    }

    /// The profile item under `publicKey` as a read-only peerdex `DHTNode` in this process reads it.
    func readItem(publicKey: [UInt8]) async throws -> MutableItem? {
        let result = try await withDHTNode { node, _ in
            try await node.run(.getMutable(publicKey: publicKey, salt: ProfileRecord.salt))
        }
        guard case .item(let item, _) = result.outcome else { return nil }
        return item
    }

    /// The peers announced under `infoHash`, as a read-only peerdex `DHTNode` in this process finds them.
    func readPeers(_ infoHash: NodeID) async throws -> [DHTEndpoint] {
        let result = try await withDHTNode { node, _ in try await node.run(.getPeers(infoHash)) }
        guard case .peers(let peers) = result.outcome else { return [] }
        return peers
    }

    /// Runs `body` with a peerdex `DHTNode` in this process, joined through a peerdex node and a
    /// libtorrent node, and shuts it down after. Read-only by default (BEP 43: nobody keeps it in a
    /// routing table, so it leaves no dead entry behind, which would cost libtorrent 15 s per lookup).
    func withDHTNode<Result: Sendable>(
        readOnly: Bool = true, _ body: (DHTNode, DHTEndpoint) async throws -> Result
    ) async throws -> Result {
        var configuration = DHTEngineConfiguration()
        configuration.readOnly = readOnly
        var random = SystemRandomNumberGenerator()
        let logger = Logger(label: "test.interop") { _ in SwiftLogNoOpLogHandler() }
        let node = DHTNode(localID: NodeID(random: &random), configuration: configuration, logger: logger)
        let bound = try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        do {
            _ = try await node.run(.bootstrap([peerdex[0].address.port, libtorrent.nodes[0].port].map(Self.loopback)))
            let result = try await body(node, Self.loopback(bound.port))
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }

    /// `127.0.0.1:port`.
    static func loopback(_ port: Int) -> DHTEndpoint { DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(port)) }

    /// Lowercase hex, as the driver takes bytes.
    static func hex(_ bytes: some Sequence<UInt8>) -> String { HexBytes.encode(bytes) }
}

// MARK: - A peerdex node process

/// `peerdex node --listen … --bootstrap …` on a data directory of its own, restartable on its port.
final class PeerdexNodeProcess: @unchecked Sendable {
    /// Its data directory.
    let runner: CommandRunner
    /// Its profile's name, for messages.
    let name: String
    /// Where it listens (TCP for Noise, UDP for the DHT), the same after a restart.
    let address: HostPort
    /// Its identity.
    let peerID: PeerID
    private var process: Process
    private var lines: TimedLineReader

    /// Starts `peerdex node` on an ephemeral port of 127.0.0.1 and waits until it listens.
    init(runner: CommandRunner, name: String, bootstrap: [String]) async throws {
        self.runner = runner
        self.name = name
        (process, lines, address, peerID) = try await Self.launch(runner, name, "127.0.0.1:0", bootstrap)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Starts it again (after `stop`) on the same port: libtorrent's routing tables keep the
    /// endpoint, and a dead endpoint among its closest would cost each libtorrent lookup 15 s.
    func restart(bootstrap: [String]) async throws {
        let (process, lines, address, peerID) = try await Self.launch(runner, name, "\(address)", bootstrap)
        self.process = process
        self.lines = lines
        guard address == self.address, peerID == self.peerID else {
            throw DidNotStart(name: name, line: "restarted as \(peerID) on \(address)")
        }
    }

    /// Runs the process and reads its `listening on HOST:PORT peer ID` line.
    private static func launch(_ runner: CommandRunner, _ name: String, _ listen: String, _ bootstrap: [String])
        async throws -> (Process, TimedLineReader, HostPort, PeerID)
    {
        let process = Process()
        let output = Pipe()
        process.executableURL = CommandRunner.executable
        process.arguments =
            ["node", "--listen", listen, "--data-dir", runner.dataDirectory] + bootstrap.flatMap { ["--bootstrap", $0] }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // a child must not hold the runner's output open if the test process dies
        process.standardInput = FileHandle.nullDevice
        try process.runSerialized()
        let lines = TimedLineReader(output.fileHandleForReading)
        let line = await lines.next(timeout: .seconds(20)) ?? "(nothing)"
        let fields = line.split(separator: " ")
        guard fields.count == 5, fields[0] == "listening", fields[3] == "peer",
            let bound = try? HostPort(parsing: fields[2]), let id = try? PeerID(parsing: fields[4])
        else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw DidNotStart(name: name, line: line)
        }
        return (process, lines, bound, id)
    }

    /// SIGTERM, then SIGKILL if it has not stopped after 5 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Its `dht:` statistics line, asked for with SIGUSR1.
    func statistics() async throws -> Statistics {
        kill(process.processIdentifier, SIGUSR1)
        while let line = await lines.next(timeout: .seconds(10)) {
            guard line.hasPrefix("dht: ") else { continue }
            let words = line.dropFirst(5).split(separator: " ").map(String.init)
            let pairs = stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }
            return Statistics(fields: Dictionary(pairs) { $1 })
        }
        throw DidNotStart(name: name, line: "no statistics line after SIGUSR1")
    }

    /// A statistics line by name: `nodes`, `items`, `peers`, `answered`, `external`…
    struct Statistics: CustomStringConvertible {
        var fields: [String: String]
        /// A counter, or -1 when absent.
        func count(_ name: String) -> Int { Int(fields[name] ?? "") ?? -1 }
        var description: String {
            fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " ")
        }
    }

    // MARK: Its data directory

    /// The Ed25519 seed of its identity (`identity.key`, version 2: a line `ed25519-seed <base64>`).
    func identitySeed() throws -> [UInt8] {
        let text = try String(contentsOfFile: runner.dataDirectory + "/identity.key", encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("ed25519-seed ") }
        guard let encoded = line?.split(separator: " ").last, let seed = Data(base64Encoded: String(encoded)) else {
            throw DidNotStart(name: name, line: "no ed25519-seed in identity.key")
        }
        return Array(seed)
    }

    private var logData: Data { FileManager.default.contents(atPath: runner.dataDirectory + "/peerdex.log") ?? Data() }

    /// Its log (`peerdex.log`) from byte `offset` on.
    func log(after offset: Int) -> String { String(decoding: logData.dropFirst(offset), as: UTF8.self) }

    /// The log's length in bytes now, so that a wait can look only at what comes after.
    var logLength: Int { logData.count }

    /// The DHT node ID of its latest run (`dht listening … id=<hex>`).
    func dhtID() -> NodeID? {
        let line = log(after: 0).split(separator: "\n").last { $0.contains("dht listening") }
        return line?.split(separator: " ").first { $0.hasPrefix("id=") }.flatMap { NodeID(hex: $0.dropFirst(3)) }
    }

    /// Waits for a log line, after byte `offset`, that contains every one of `words`.
    func waitForLog(_ words: String..., after offset: Int = 0, until deadline: ContinuousClock.Instant? = nil) async
        -> Bool
    {
        let deadline = deadline ?? ContinuousClock.now + InteropNetwork.convergence
        while true {
            let lines = log(after: offset).split(separator: "\n")
            if lines.contains(where: { line in words.allSatisfy { line.contains($0) } }) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The node did not start, or did not say what a test needs.
    struct DidNotStart: Error, CustomStringConvertible {
        var name: String
        var line: String
        var description: String { "peerdex node \(name): \(line)" }
    }
}
