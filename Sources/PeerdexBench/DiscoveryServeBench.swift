import Crypto
import Dispatch
import Foundation
import Logging
import PeerdexCore
import PeerdexNet

#if canImport(Glibc)
    import Glibc
#endif

/// `discovery.serve.queries_per_s`: one discovery peer answering text peer queries over 10,000
/// shareable records, asked by 64 concurrent askers on 127.0.0.1.
///
/// The server is a `PeerdexNode` in this process with a `DiscoveryHandler` over the replicating
/// layer and a `DiscoveryResponder` built once from 10,000 generated contacts, every one `public` and
/// unblocked, with contact sharing and discovery answers switched on, so that a stranger may
/// learn all of them. The askers are 64 other nodes in this process, each its own identity (a
/// stranger to the server) with one connection and one query in flight at a time: asker and
/// server share this machine's cores. Each asker sends at most a few hundred queries a second,
/// well under the node's default per-peer rate limit (1,000/s, burst 2,000), which stays on:
/// the figure measures answering, not rate limiting, and any refused or failed query fails the run.
/// The askers walk 4,096 distinct queries, so most answers come from the responder's cache of
/// strangers' answers; `discovery.serve.uncached` runs again with that cache off.
struct DiscoveryServeBench {
    static let figures = ["discovery.serve.queries_per_s", "discovery.serve.uncached.queries_per_s"]
    /// Shareable records the server holds.
    static let recordCount = 10_000
    /// Askers, each a node with its own identity and one query in flight.
    static let askerCount = 64
    /// Distinct queries drawn beforehand; askers walk through them from different starting points.
    static let queryCount = 4_096
    static let warmUp: Duration = .seconds(2)
    static let duration: Duration = .seconds(10)

    let options: BenchOptions

    func run() throws {
        let options = options
        try runBlocking { try await Self.measure(options: options) }
    }

    private static func measure(options: BenchOptions) async throws {
        Report.start(
            "discovery.serve.queries_per_s",
            measures: "peer queries answered per second by one node over \(recordCount) shareable records, "
                + "\(askerCount) askers (one query in flight each) on 127.0.0.1, \(Int(duration.seconds)) s after "
                + "\(Int(warmUp.seconds)) s of warm-up; askers and server share this machine's "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; floor >= 5,000 queries/s")
        let buildStart = ContinuousClock.now
        let responder = try Self.responder(seed: options.seed)
        Report.note("   responder with its index built in \(Report.format((ContinuousClock.now - buildStart).seconds * 1000)) ms")
        var random = SplitMix64(seed: options.seed &+ 0x7365_7276)
        let queries = (0..<queryCount).map { _ in WirePeerQuery(text: Self.queryText(random: &random)) }
        try Self.noteAnswerCost(responder: responder, queries: queries)

        let serverIdentity = Self.identity()
        let snapshot = DiscoveryResponderSnapshot(responder)
        // As a user's node answers: through the replicating layer, which counts every query (no
        // discovery peer is known here, so nothing is sent or received).
        let server = PeerdexNode(
            identity: serverIdentity, logger: Self.silentLogger,
            handler: DiscoveryHandler(responding: ReplicatingResponder(snapshot: snapshot)))
        let (bound, boundQueue) = AsyncStream.makeStream(of: HostPort.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(listeningOn: HostPort(host: "127.0.0.1", port: 0)) { boundQueue.yield($0) }
                boundQueue.finish()
            }
            var addresses = bound.makeAsyncIterator()
            guard let hostPort = await addresses.next() else { throw BenchError("the discovery node did not listen") }
            let address = PeerAddress(hostPort, peerID: serverIdentity.peerID)
            do {
                try await NetBench.withClients(askerCount) { askers in
                    let figure = try await Self.ask(askers: askers, server: address, queries: queries, validating: false)
                    let cache = responder.strangerAnswers.statistics
                    Report.note(
                        "   answers from the node's cache of strangers' answers: \(cache.hits) of \(cache.hits + cache.misses) "
                            + "(\(queries.count) distinct queries asked in turn; \(responder.strangerAnswers.count) answers kept)")
                    Report.figure("discovery.serve.queries_per_s", figure, "queries/s")
                    Report.note("   again with every answer searched (the node's answer cache off):")
                    snapshot.update(try Self.responder(seed: options.seed, answerCacheCapacity: 0))
                    let uncached = try await Self.ask(askers: askers, server: address, queries: queries, validating: false)
                    Report.figure("discovery.serve.uncached.queries_per_s", uncached, "queries/s")
                    snapshot.update(responder)
                    Report.note("   again with askers validating every entry as PeerConnection.query does (more asker CPU):")
                    _ = try await Self.ask(askers: askers, server: address, queries: queries, validating: true)
                }
            } catch {
                await server.shutdown()
                throw error
            }
            await server.shutdown()
            try await group.waitForAll()
        }
    }

    /// Runs the askers for warm-up plus the measured span, notes latency and CPU, and returns
    /// queries answered per second. Without `validating`, an asker only checks that the reply is
    /// a non-busy answer and counts its entries, so that the load generator leaves the shared
    /// cores to the server; with it, each asker decodes and validates every entry as
    /// `PeerConnection.query(_:timeout:)` does.
    private static func ask(
        askers: [PeerdexNode], server: PeerAddress, queries: [WirePeerQuery], validating: Bool
    ) async throws -> Double {
        let connections = try await withThrowingTaskGroup(of: PeerConnection.self) { group in
            for asker in askers { group.addTask { try await asker.connection(to: server) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let measuring = Locked(false)
        let start = ContinuousClock.now
        var measuredStart = start
        var cpuAtStart = 0.0
        let perAsker = await withTaskGroup(of: AskerTally.self) { group in
            for (number, connection) in connections.enumerated() {
                group.addTask {
                    var tally = AskerTally()
                    var next = number * (queries.count / askerCount)
                    while ContinuousClock.now - start < warmUp + duration {
                        let query = queries[next % queries.count]
                        next += 1
                        let sent = ContinuousClock.now
                        do {
                            let (busy, count) = try await Self.send(query, on: connection, validating: validating)
                            guard measuring.value else { continue }
                            if busy { tally.refused += 1 }
                            tally.latencies.append((ContinuousClock.now - sent).seconds * 1000)
                            tally.results += count
                        } catch {
                            if measuring.value { tally.failed += 1 }
                        }
                    }
                    return tally
                }
            }
            try? await Task.sleep(for: warmUp)
            measuredStart = ContinuousClock.now
            cpuAtStart = Self.processCPUSeconds()
            measuring.set(true)
            return await group.reduce(into: []) { $0.append($1) }
        }
        let seconds = (ContinuousClock.now - measuredStart).seconds
        let cpu = Self.processCPUSeconds() - cpuAtStart
        var latencies = Samples()
        for tally in perAsker { for value in tally.latencies { latencies.append(value) } }
        let failed = perAsker.reduce(0) { $0 + $1.failed }
        let refused = perAsker.reduce(0) { $0 + $1.refused }
        let results = perAsker.reduce(0) { $0 + $1.results }
        guard latencies.count > 0, results > 0 else { throw BenchError("no query was answered with results") }
        guard failed == 0, refused == 0 else {
            throw BenchError("\(failed) queries failed and \(refused) were answered busy or with rejected entries")
        }
        let rate = Double(latencies.count) / seconds
        Report.note(
            "   \(validating ? "validating askers" : "counting askers"): \(Report.format(rate)) queries/s; latency per query p50 \(Report.format(latencies.median)) ms, p99 \(Report.format(latencies.percentile(99))) ms; "
                + "\(latencies.count) queries in \(Report.format(seconds)) s, "
                + "\(Report.format(Double(results) / Double(latencies.count))) results per answer on average")
        Report.note(
            "   CPU: askers and server in this one process used \(Report.format(cpu / seconds)) of "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores (user + system)")
        return rate
    }

    /// Sends one query; whether the answer was busy (or had entries rejected) and its entries.
    private static func send(
        _ query: WirePeerQuery, on connection: PeerConnection, validating: Bool
    ) async throws -> (busy: Bool, results: Int) {
        if validating {
            let reply = try await connection.query(query)
            return (reply.busy || reply.rejected > 0, reply.results.count)
        }
        let response = try await connection.request(.peerQuery(query))
        guard case .peerQueryReply(let reply) = response.body else {
            throw BenchError("expected a peer query reply, got \(response.body.map { "\($0)" } ?? "nothing")")
        }
        return (reply.busy, reply.results.count)
    }

    /// Notes what answering alone costs, without transport: `peerQueryReply` on one thread, on a
    /// responder like `responder` with no answer cache (so every answer is searched).
    private static func noteAnswerCost(responder cached: DiscoveryResponder, queries: [WirePeerQuery]) throws {
        let responder = DiscoveryResponder(
            controller: cached.controller, contacts: cached.contacts, answerCacheCapacity: 0)
        let stranger = try PeerID(publicKey: Array(repeating: 9, count: PeerID.keyLength))
        var results = 0
        let start = ContinuousClock.now
        for query in queries {
            results += try responder.peerQueryReply(to: query, from: stranger, load: 0, referralCandidates: []).results.count
        }
        let microseconds = (ContinuousClock.now - start).seconds * 1e6 / Double(queries.count)
        let matching = try queries.map { try $0.validated() }
        let rankingStart = ContinuousClock.now
        for query in matching {
            results += responder.results(matching: query, for: stranger, limit: DiscoveryProtocol.maximumResults).count
        }
        let ranking = (ContinuousClock.now - rankingStart).seconds * 1e6 / Double(queries.count)
        Report.note(
            "   answering alone (no transport, one thread): \(Report.format(microseconds)) µs per query "
                + "(finding and ranking the results: \(Report.format(ranking)) µs; the rest builds the reply), "
                + "\(Report.format(Double(results) / Double(2 * queries.count))) results per answer")
    }

    /// What one asker saw while measuring.
    private struct AskerTally: Sendable {
        var latencies: [Double] = []
        var results = 0
        var failed = 0
        var refused = 0
    }

    // MARK: - Data

    /// A responder sharing \(recordCount) generated contacts with anyone (strangers included).
    static func responder(
        seed: UInt64, answerCacheCapacity: Int = DiscoveryAnswerCache.standardCapacity
    ) throws -> DiscoveryResponder {
        var generator = ContactGenerator(seed: seed &+ 0x6469_7363)
        let contacts = generator.contacts(recordCount).map { contact in
            var contact = contact
            contact.privacy = .public
            contact.blockedAt = nil
            return contact
        }
        let profile = Profile(name: "Bench Server", interests: ["jazz"], location: "Lyon", visibility: .public, seq: 1)
        let controller = PrivacyController(
            ownPeerID: try PeerID(publicKey: Array(repeating: 7, count: PeerID.keyLength)), profile: profile,
            preferences: SharingPreferences(profile: profile, shareWithDiscoveryPeers: true, allowContactSharing: true))
        let shared = controller.sharedContacts(contacts, for: .stranger, path: .peerQuery).count
        guard shared == recordCount else { throw BenchError("only \(shared) of \(recordCount) contacts are shareable") }
        return DiscoveryResponder(controller: controller, contacts: contacts, answerCacheCapacity: answerCacheCapacity)
    }

    /// What someone looking for a person types: the start of a name (three letters or more; one
    /// or two characters in scripts without spaces), a whole name, or the start of an interest.
    static func queryText(random: inout SplitMix64) -> String {
        let namePools = [
            NamePools.latinGiven, NamePools.latinFamily, NamePools.latinGiven, NamePools.latinFamily,
            NamePools.cyrillicGiven, NamePools.cyrillicFamily, NamePools.greekGiven, NamePools.greekFamily,
            NamePools.chineseFamily, NamePools.japaneseFamily, NamePools.katakanaNames, NamePools.arabicGiven,
        ]
        switch random.below(20) {
        case 0..<3:
            return random.pick(NamePools.latinGiven) + " " + random.pick(NamePools.latinFamily)
        case 3..<6:
            return prefix(of: random.pick(NamePools.interests), random: &random)
        default:
            let pool = random.pick(namePools)
            return prefix(of: random.pick(pool), random: &random)
        }
    }

    private static func prefix(of word: String, random: inout SplitMix64) -> String {
        let characters = Array(word)
        let isUnspaced = word.unicodeScalars.contains { (0x3040...0x9FFF).contains($0.value) }
        let shortest = min(characters.count, isUnspaced ? 1 : 3)
        return String(characters.prefix(random.between(shortest...characters.count)))
    }

    // MARK: - Helpers

    static let silentLogger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    static func identity() -> LocalHandshakeIdentity {
        try! LocalHandshakeIdentity(
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    /// CPU time (user + system) this process has used, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
