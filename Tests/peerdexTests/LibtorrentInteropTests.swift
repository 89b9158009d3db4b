import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

/// peerdex's DHT against libtorrent 2.0.8, the reference Mainline implementation (issue 10,
/// "Interoperability"): one network on 127.0.0.1 of 8 libtorrent nodes (Tests/Interop/libtorrent_dht.py)
/// and 4 `peerdex node` processes, all joined to each other, per test.
@Suite(
    .serialized, .timeLimit(.minutes(1)),
    .enabled(
        if: LibtorrentDriver.unavailableReason == nil,
        Comment(rawValue: "libtorrent is not available: \(LibtorrentDriver.unavailableReason ?? "")")))
struct LibtorrentInteropTests {
    static let salt = ProfileRecord.salt

    @Test func aPeerdexNodeJoinsAndAnswersLibtorrentsQueries() async throws {
        try await InteropNetwork.with { network in
            // libtorrent puts a node in its routing table only once it has answered a query of its own.
            let tables = try await network.libtorrentRoutingTables()
            for node in network.peerdex {
                let id = try #require(node.dhtID(), "\(node.name) logged its DHT node ID")
                for (index, table) in tables.enumerated() {
                    #expect(table["\(node.address)"] == id.hex, "libtorrent node \(index) holds \(node.name) with its ID")
                }
                let statistics = try await node.statistics()
                print("DEBUG stats", statistics, tables.map { $0.count })
                #expect(Int(statistics["nodes"] ?? "") ?? 0 >= 8, "\(node.name)'s table: \(statistics)")
                #expect(Int(statistics["answered"] ?? "") ?? 0 > 0, "\(node.name) answered queries: \(statistics)")
                // BEP 42's `ip` of libtorrent's replies (and ours) told it its address.
                #expect(statistics["external"] == "\(node.address)", "\(statistics)")
            }
        }
    }

    @Test func zzExperiment() async throws {
        try await InteropNetwork.with { network in
            var random = SystemRandomNumberGenerator()
            let node = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "x") { _ in SwiftLogNoOpLogHandler() })
            let bound = try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
            let seeds = [network.libtorrent.nodes[0].port].map { DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16($0)) }
            let joined = try await node.run(.bootstrap(seeds))
            print("DEBUG joined", joined)
            _ = try await network.libtorrent.send("add_node", ["port": bound.port])
            try await Task.sleep(for: .seconds(1))
            let key = Curve25519.Signing.PrivateKey()
            let item = try MutableItem.sign(value: .dictionary(["v": .integer(1), "n": .string("X")]), seq: 1, salt: Self.salt, with: key)
            let put = try await node.run(.putMutable(item))
            print("DEBUG put", put)
            for i in 0..<8 {
                let got = try await network.libtorrent.send("get", ["node": i, "key": hex(item.publicKey), "salt": hex(Self.salt)])
                print("DEBUG get", got.ok, got.int("seq") ?? -1)
            }
            let ih = NodeID(random: &random)
            let ann = try await node.run(.announce(ih, port: 4321))
            print("DEBUG announce", ann)
            let gp = try await network.libtorrent.send("get_peers", ["node": 3, "info_hash": ih.hex])
            print("DEBUG gp", gp)
            _ = try await network.libtorrent.send("announce", ["node": 3, "info_hash": ih.hex])
            let peers = try await node.run(.getPeers(ih))
            print("DEBUG peers", peers)
            let own = try await network.libtorrent.send("put", ["node": 2, "seed": hex(key.rawRepresentation), "salt": hex(Self.salt), "value": hex(BencodeValue.string("s").encoded())])
            print("DEBUG own", own)
            let got = try await node.run(.getMutable(publicKey: item.publicKey, salt: Self.salt))
            print("DEBUG got", got)
            let stats = try await node.inspect { ($0.statistics, $0.routing.count, $0.items.count) }
            print("DEBUG stats", stats)
            let tables = try await network.libtorrentRoutingTables()
            print("DEBUG in tables", tables.map { $0["127.0.0.1:\(bound.port)"] != nil })
            await node.shutdown()
        }
    }

    @Test func anItemLibtorrentPutsIsReadByPeerdexLookup() async throws {
        try await InteropNetwork.with { network in
            let seed = Array(SHA256.hash(data: Array("peerdex interop: Lin".utf8)))
            let peer = try PeerID(publicKey: Array(Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation))
            let value = BencodeValue.dictionary([
                "v": .integer(1), "n": .string("Lin"), "i": .list([.string("go"), .string("chess")]), "l": .string("Oslo"),
                "p": .integer(4242),
            ]).encoded()
            let put = try await network.libtorrent.send(
                "put", ["node": 2, "seed": hex(seed), "salt": hex(Self.salt), "value": hex(value), "seq": 7])
            #expect(put.ok && put.int("num_success") ?? 0 >= 1, "\(put)")
            #expect(put.objects("errors").isEmpty, "no node refused the put: \(put)")

            let found = try network.lookup(peer, through: network.libtorrent.nodes[5].port)
            let report = try #require(found.json, "lookup: \(found.stderr)")
            #expect(report["peerId"] as? String == peer.text)
            #expect(report["name"] as? String == "Lin")
            #expect(report["interests"] as? [String] == ["go", "chess"])
            #expect(report["location"] as? String == "Oslo")
            #expect(report["port"] as? Int == 4242)
            #expect(report["seq"] as? Int == 7)
            let holders = Set(report["foundAt"] as? [String] ?? [])
            #expect(!holders.isEmpty && holders.isSubset(of: network.endpoints), "found at \(holders)")

            print("DEBUG lookup", report, put)
            let nobody = try PeerID(publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
            let missing = try network.lookup(nobody, through: network.libtorrent.nodes[1].port)
            #expect(missing.status != 0 && missing.stderr.contains("no profile found"), "\(missing.stderr)")
        }
    }

    @Test func aProfilePeerdexPublishesIsReadByLibtorrentAndItsSignatureVerifies() async throws {
        try await InteropNetwork.with { network in
            let ada = network.peerdex[0]
            for index in [3, 6] {
                let got = try await network.libtorrent.send(
                    "get", ["node": index, "key": hex(ada.peerID.publicKey), "salt": hex(Self.salt)])
                #expect(got.ok && got.int("seq") == 1 && got.fields["authoritative"] as? Bool == true, "\(got)")
                // The driver checked the signature; check it again with our own code.
                let item = try MutableItem(
                    publicKey: ada.peerID.publicKey, salt: Self.salt, seq: 1, valueBytes: try #require(got.bytes("value")),
                    signature: try #require(got.bytes("sig")))
                let record = try ProfileRecord(decoding: item.valueBytes)
                #expect(record.name == "Ada Lovelace")
                #expect(record.interests == ["mathematics", "engines"])
                #expect(record.location == "London")
                #expect(record.port.map(Int.init) == ada.address.port)
            }
            // A private profile is never published.
            let pat = network.peerdex[3]
            let hidden = try await network.libtorrent.send(
                "get", ["node": 2, "key": hex(pat.peerID.publicKey), "salt": hex(Self.salt)])
            #expect(!hidden.ok && hidden.error == "not found", "\(hidden)")
        }
    }

    @Test func aHigherSeqReplacesALowerOneInBothDirections() async throws {
        try await InteropNetwork.with { network in
            let grace = network.peerdex[1]
            let key: [String: Any] = ["key": hex(grace.peerID.publicKey), "salt": hex(Self.salt)]
            let first = try await network.libtorrent.send("get", key.merging(["node": 3]) { $1 })
            #expect(first.ok && first.int("seq") == 1, "\(first)")

            // peerdex → libtorrent: seq 2 replaces seq 1. The running node looks for a changed profile
            // only every 30 s, so the user's other way is taken: change it, restart the node (same port).
            await grace.stop()
            let changed = try grace.runner.run(["profile", "set", "--name", "Grace B. Hopper"])
            #expect(changed.status == 0 && changed.stdout.contains("seq 2"), "\(changed.stdout)\(changed.stderr)")
            let restartedAt = grace.logLength
            try await grace.restart(bootstrap: network.bootstrap(for: 1))
            #expect(await grace.waitForLog("profile published", "seq=2", after: restartedAt), "\(grace.log(after: restartedAt))")
            let second = try await network.libtorrent.send("get", key.merging(["node": 5]) { $1 })
            #expect(second.ok && second.int("seq") == 2 && second.fields["authoritative"] as? Bool == true, "\(second)")
            let item = try MutableItem(
                publicKey: grace.peerID.publicKey, salt: Self.salt, seq: 2, valueBytes: try #require(second.bytes("value")),
                signature: try #require(second.bytes("sig")))
            #expect(try ProfileRecord(decoding: item.valueBytes).name == "Grace B. Hopper")

            // libtorrent → peerdex: libtorrent's own put takes the highest seq it finds (peerdex's 2) + 1.
            let seed = try grace.identitySeed()
            let string = BencodeValue.string("libtorrent was here").encoded()
            let own = try await network.libtorrent.send(
                "put", key.merging(["node": 6, "seed": hex(seed), "value": hex(string), "via": "libtorrent"]) { $1 })
            #expect(own.ok && own.string("via") == "libtorrent" && own.int("seq") == 3, "\(own)")
            let read = try await network.readItem(publicKey: grace.peerID.publicKey)
            #expect(read?.seq == 3 && read?.valueBytes == string, "peerdex reads libtorrent's own put: \(String(describing: read))")
            let notAProfile = try network.lookup(grace.peerID, through: network.libtorrent.nodes[7].port)
            #expect(notAProfile.status != 0 && notAProfile.stderr.contains("not valid"), "\(notAProfile.stderr)")

            // A profile record with seq 4 (signed by the driver: libtorrent's binding puts only strings).
            let record = BencodeValue.dictionary(["v": .integer(1), "n": .string("Grace (from libtorrent)")]).encoded()
            let fourth = try await network.libtorrent.send(
                "put", key.merging(["node": 6, "seed": hex(seed), "value": hex(record), "seq": 4]) { $1 })
            #expect(fourth.ok && fourth.objects("errors").isEmpty, "every node took seq 4 over 3: \(fourth)")
            let shown = try network.lookup(grace.peerID, through: network.libtorrent.nodes[7].port)
            let report = try #require(shown.json, "lookup: \(shown.stderr)")
            #expect(report["seq"] as? Int == 4 && report["name"] as? String == "Grace (from libtorrent)", "\(report)")

            // And a lower seq is refused everywhere now, by peerdex's nodes as by libtorrent's (302).
            let older = BencodeValue.dictionary(["v": .integer(1), "n": .string("Grace, older")]).encoded()
            let stale = try await network.libtorrent.send(
                "put", key.merging(["node": 6, "seed": hex(seed), "value": hex(older), "seq": 3]) { $1 })
            let refusals = stale.objects("errors")
            #expect(!stale.ok && stale.int("num_success") == 0 && !refusals.isEmpty, "\(stale)")
            #expect(refusals.allSatisfy { $0["code"] as? Int == 302 }, "\(stale)")
            print("DEBUG stale", stale, "fourth", fourth, "own", own, "read", String(describing: read), "report", report, "notAProfile", notAProfile.stderr)
            let refusers = Set(refusals.compactMap { $0["node"] as? String })
            let peerdexHolders = Set(fourth.strings("stored_at")).intersection(network.peerdex.map { "\($0.address)" })
            #expect(peerdexHolders.isSubset(of: refusers), "peerdex nodes holding seq 4 refuse 3: \(stale)")
        }
    }

    @Test func announcementsOfEitherSideAreFoundByTheOther() async throws {
        try await InteropNetwork.with { network in
            // peerdex → libtorrent: every peerdex node announced its TCP port under SHA-1("peerdex/1").
            let rendezvous = hex(Insecure.SHA1.hash(data: Array("peerdex/1".utf8)))
            let found = try await network.libtorrent.send("get_peers", ["node": 4, "info_hash": rendezvous])
            let peers = Set(found.strings("peers"))
            #expect(found.ok && Set(network.peerdex.map { "\($0.address)" }).isSubset(of: peers), "\(found)")

            // libtorrent → peerdex, under an info-hash equal to a peerdex node's ID, so that this node
            // is surely among the closest that libtorrent announces to, and must store it.
            let alan = network.peerdex[2]
            let infoHash = try #require(alan.dhtID())
            let before = Int(try await alan.statistics()["peers"] ?? "") ?? -1
            let announced = try await network.libtorrent.send("announce", ["node": 4, "info_hash": infoHash.hex])
            #expect(announced.ok && announced.string("via") == "libtorrent", "\(announced)")
            #expect(announced.int("num_success") ?? 0 >= 1, "\(announced)")
            let after = Int(try await alan.statistics()["peers"] ?? "") ?? -1
            print("DEBUG peers", before, after, announced, found)
            #expect(after == before + 1, "\(alan.name) stored libtorrent's announcement: \(before) → \(after) peers")
            let libtorrentPeer = "127.0.0.1:\(network.libtorrent.nodes[4].port)"
            let seen = try await network.readPeers(infoHash)
            #expect(seen.map(\.description) == [libtorrentPeer], "get_peers from a peerdex DHTNode")
        }
    }
}

/// Lowercase hex of bytes, as the driver takes them.
private func hex(_ bytes: some Sequence<UInt8>) -> String { HexBytes.encode(bytes) }

extension CommandRunner.Result {
    /// Stdout as one JSON object, when the run succeeded.
    var json: [String: Any]? {
        guard status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

// MARK: - The test network

/// 8 libtorrent nodes and 4 `peerdex node` processes on 127.0.0.1: the peerdex nodes bootstrap from
/// libtorrent nodes and the peerdex nodes started before them, and every libtorrent node is given
/// every peerdex node (`add_node`). Ready once every libtorrent node holds every peerdex node in its
/// routing table and every peerdex node has published its profile (when public) and announced.
final class InteropNetwork: @unchecked Sendable {
    /// The profiles of the peerdex nodes: `profile set` arguments; the last one stays private.
    static let profiles: [(name: String, arguments: [String])] = [
        ("Ada Lovelace", ["--interests", "mathematics,engines", "--location", "London", "--visibility", "public"]),
        ("Grace Hopper", ["--interests", "compilers", "--location", "Arlington", "--visibility", "public"]),
        ("Alan Turing", ["--visibility", "public"]),
        ("Pat Private", []),
    ]
    /// How long a network may take to converge on a loaded machine (it takes about a second idle).
    static let convergence: Duration = .seconds(20)

    let libtorrent: LibtorrentDriver
    private(set) var peerdex: [PeerdexNodeProcess] = []

    private init(libtorrent: LibtorrentDriver) { self.libtorrent = libtorrent }

    /// Runs `body` on a new network, then stops every process of it, whatever happened.
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
        return [libtorrent.nodes[index % count], libtorrent.nodes[(index + 1) % count]].map { "127.0.0.1:\($0.port)" }
            + peerdex.prefix(index).map { "\($0.address)" }
    }

    private func start() async throws {
        for (index, profile) in Self.profiles.enumerated() {
            let runner = CommandRunner()
            let set = try runner.run(["profile", "set", "--name", profile.name] + profile.arguments)
            guard set.status == 0 else { throw NetworkNotReady(reason: "profile set: \(set.stderr)") }
            peerdex.append(try await PeerdexNodeProcess(runner: runner, name: profile.name, bootstrap: bootstrap(for: index)))
        }
        for node in peerdex {
            let added = try await libtorrent.send("add_node", ["port": node.address.port])
            guard added.ok else { throw NetworkNotReady(reason: "add_node: \(added)") }
        }
        let deadline = ContinuousClock.now + Self.convergence
        for (node, profile) in zip(peerdex, Self.profiles) {
            let published = profile.arguments.contains("public") ? ["profile published"] : []
            for event in published + ["announced on the rendezvous"] {
                guard await node.waitForLog(event, until: deadline) else {
                    throw NetworkNotReady(reason: "\(node.name) did not log '\(event)': \(node.log(after: 0))")
                }
            }
        }
        while true {
            let missing = try await missingFromLibtorrent()
            if missing.isEmpty { return }
            guard ContinuousClock.now < deadline else {
                throw NetworkNotReady(reason: "libtorrent's routing tables lack peerdex nodes: \(missing)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// "libtorrent node i lacks <peerdex node>" for every pair not (yet) in a routing table.
    private func missingFromLibtorrent() async throws -> [String] {
        let tables = try await libtorrentRoutingTables()
        return tables.enumerated().flatMap { index, table in
            peerdex.filter { table["\($0.address)"] == nil }.map { "libtorrent node \(index) lacks \($0.name)" }
        }
    }

    /// Each libtorrent node's routing table: node ID (hex) by `127.0.0.1:port`.
    func libtorrentRoutingTables() async throws -> [[String: String]] {
        let state = try await libtorrent.send("state")
        guard state.ok else { throw NetworkNotReady(reason: "state: \(state)") }
        return state.objects("nodes").map { node in
            let live = node["live"] as? [[String: Any]] ?? []
            return Dictionary(live.compactMap { entry in
                (entry["addr"] as? String).flatMap { addr in (entry["id"] as? String).map { (addr, $0) } }
            }) { first, _ in first }
        }
    }

    /// `peerdex lookup <peer> --bootstrap 127.0.0.1:<port> --json` from a fresh data directory.
    func lookup(_ peer: PeerID, through port: Int) throws -> CommandRunner.Result {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        return try runner.run(["lookup", peer.text, "--bootstrap", "127.0.0.1:\(port)", "--json"])
    }

    /// The profile item under `publicKey` as a read-only peerdex `DHTNode` in this process reads it.
    func readItem(publicKey: [UInt8]) async throws -> MutableItem? {
        let result = try await withDHTNode { try await $0.run(.getMutable(publicKey: publicKey, salt: ProfileRecord.salt)) }
        guard case .item(let item, _) = result.outcome else { return nil }
        return item
    }

    /// The peers announced under `infoHash`, as a read-only peerdex `DHTNode` in this process finds them.
    func readPeers(_ infoHash: NodeID) async throws -> [DHTEndpoint] {
        let result = try await withDHTNode { try await $0.run(.getPeers(infoHash)) }
        guard case .peers(let peers) = result.outcome else { return [] }
        return peers
    }

    /// A read-only node (BEP 43: nobody keeps it in a routing table, so it leaves no dead entry
    /// behind), joined through a peerdex node and a libtorrent node.
    private func withDHTNode(_ body: (DHTNode) async throws -> DHTOperationResult) async throws -> DHTOperationResult {
        var configuration = DHTEngineConfiguration()
        configuration.readOnly = true
        var random = SystemRandomNumberGenerator()
        let logger = Logger(label: "test.interop") { _ in SwiftLogNoOpLogHandler() }
        let node = DHTNode(localID: NodeID(random: &random), configuration: configuration, logger: logger)
        try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        do {
            let seeds = [peerdex[0].address.port, libtorrent.nodes[0].port].map { DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16($0)) }
            _ = try await node.run(.bootstrap(seeds))
            let result = try await body(node)
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }

    private func stop() async {
        for node in peerdex {
            await node.stop()
            node.runner.cleanUp()
        }
        libtorrent.stop()
    }

    struct NetworkNotReady: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the interop network did not come up: \(reason)" }
    }
}

// MARK: - A peerdex node process

/// `peerdex node --listen … --bootstrap …` on a data directory, restartable on the same port.
final class PeerdexNodeProcess: @unchecked Sendable {
    let runner: CommandRunner
    let name: String
    /// Where it listens (TCP for Noise, UDP for the DHT): the same after a restart.
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

    /// Starts it again (after `stop`) on the same port, as the same peer.
    func restart(bootstrap: [String]) async throws {
        let (process, lines, address, peerID) = try await Self.launch(runner, name, "\(address)", bootstrap)
        self.process = process
        self.lines = lines
        guard address == self.address, peerID == self.peerID else {
            throw NodeDidNotStart(name: name, line: "restarted as \(peerID) on \(address)")
        }
    }

    /// Runs the process and reads its `listening on HOST:PORT peer ID` line.
    private static func launch(_ runner: CommandRunner, _ name: String, _ listen: String, _ bootstrap: [String])
        async throws -> (Process, TimedLineReader, HostPort, PeerID)
    {
        let process = Process()
        let output = Pipe()
        process.executableURL = CommandRunner.executable
        process.arguments = ["node", "--listen", listen, "--data-dir", runner.dataDirectory]
            + bootstrap.flatMap { ["--bootstrap", $0] }
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let lines = TimedLineReader(output.fileHandleForReading)
        let line = await lines.next(timeout: .seconds(20)) ?? "(nothing)"
        let fields = line.split(separator: " ")
        guard fields.count == 5, fields[0] == "listening", fields[3] == "peer",
            let bound = try? HostPort(parsing: fields[2]), let id = try? PeerID(parsing: fields[4])
        else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw NodeDidNotStart(name: name, line: line)
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

    /// One `dht:` statistics line (SIGUSR1), as name → value: nodes, items, peers, answered, external…
    func statistics() async throws -> [String: String] {
        kill(process.processIdentifier, SIGUSR1)
        while let line = await lines.next(timeout: .seconds(10)) {
            guard line.hasPrefix("dht: ") else { continue }
            let words = line.dropFirst(5).split(separator: " ").map(String.init)
            return Dictionary(stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }) { $1 }
        }
        throw NodeDidNotStart(name: name, line: "no statistics line after SIGUSR1")
    }

    // MARK: Its data directory

    /// The Ed25519 seed of its identity (`identity.key`, version 2: `ed25519-seed <base64>`).
    func identitySeed() throws -> [UInt8] {
        let text = try String(contentsOfFile: runner.dataDirectory + "/identity.key", encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("ed25519-seed ") }
        guard let encoded = line?.split(separator: " ").last, let seed = Data(base64Encoded: String(encoded)) else {
            throw NodeDidNotStart(name: name, line: "no ed25519-seed in identity.key")
        }
        return Array(seed)
    }

    /// Its log (`peerdex.log`) from byte `offset` on.
    func log(after offset: Int) -> String {
        let data = FileManager.default.contents(atPath: runner.dataDirectory + "/peerdex.log") ?? Data()
        return String(decoding: data.dropFirst(offset), as: UTF8.self)
    }

    /// The log's length now, to look only at what a restart logs.
    var logLength: Int { log(after: 0).utf8.count }

    /// The DHT node ID of its latest run (`dht listening … id=<hex>`).
    func dhtID() -> NodeID? {
        let line = log(after: 0).split(separator: "\n").last { $0.contains("dht listening") }
        return line?.split(separator: " ").first { $0.hasPrefix("id=") }.flatMap { NodeID(hex: $0.dropFirst(3)) }
    }

    /// Waits for a log line (after byte `offset`) containing every one of `words`.
    func waitForLog(_ words: String..., after offset: Int = 0, until deadline: ContinuousClock.Instant? = nil) async -> Bool {
        let deadline = deadline ?? ContinuousClock.now + InteropNetwork.convergence
        while true {
            let found = log(after: offset).split(separator: "\n").contains { line in words.allSatisfy { line.contains($0) } }
            if found { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    struct NodeDidNotStart: Error, CustomStringConvertible {
        var name: String
        var line: String
        var description: String { "peerdex node \(name): \(line)" }
    }
}
