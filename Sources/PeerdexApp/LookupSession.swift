import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// `peerdex lookup`: finds a peer's profile record in the DHT from its peer ID alone.
///
/// The lookup runs a short-lived, read-only DHT node (BEP 43: it answers nothing and no routing
/// table keeps it) with a random node ID, so that looking someone up says nothing about who asked.
/// A sealed record (a `contacts` or `friends` profile) is opened with the keys its owner handed
/// us; when we hold none that opens it and the owner is one of our contacts, the lookup asks the
/// owner for its keys over Noise (with our identity: the owner alone learns who asked).
public enum LookupSession {
    /// What a lookup found, as `--json` prints it.
    public struct Report: Sendable, Encodable {
        /// The peer looked up.
        public var peerId: String
        /// Its display name, when the record is open or we opened it.
        public var name: String?
        /// Its interests, when open or opened.
        public var interests: [String]?
        /// Its general location, when open or opened.
        public var location: String?
        /// Whether the record is sealed for an audience (`contacts` or `friends`).
        public var sealed: Bool
        /// Whether a sealed record was opened with a key its owner handed us.
        public var opened: Bool
        /// Why a sealed record stayed closed (e.g. `LookupSession.noCurrentKeyReason`).
        public var unopenedReason: String?
        /// What asking the owner for its keys gave, when the lookup asked.
        public var keyRequest: String?
        /// The record's sequence number (it rises with every change).
        public var seq: Int64
        /// The TCP port of its Noise listener, when given.
        public var port: UInt16?
        /// Where it says it can be reached (`host:port`).
        public var addresses: [String]
        /// What it says it can do.
        public var capabilities: [String]
        /// The DHT nodes that returned this version of the record.
        public var foundAt: [String]
        /// Milliseconds from the first query to the answer.
        public var elapsedMs: Double
        /// Queries the lookup sent.
        public var queries: Int
    }

    /// Looks up `peer`'s profile through the DHT nodes at `bootstrap`, or, when none of them
    /// answers (or there are none), through the nodes the `rendezvous` servers hand out.
    /// With `book`, a sealed record is opened with the keys `peer` handed us, asking `peer` for
    /// them (each address within `askTimeout`) when none opens it and `peer` is a contact that is
    /// not blocked.
    public static func run(
        peer: PeerID, bootstrap: [DHTEndpoint], rendezvous: [PeerAddress] = [], timeout: Duration,
        book: ContactBook? = nil, askTimeout: Duration = .seconds(2)
    ) async throws -> Report {
        guard !bootstrap.isEmpty || !rendezvous.isEmpty else {
            throw AppError.network(
                "no bootstrap node: pass --bootstrap HOST:PORT (a running 'peerdex node'), set bootstrap = [\"HOST:PORT\"] "
                    + "in config.toml, pass --rendezvous-server HOST:PORT (a 'peerdex node --rendezvous'), "
                    + "or use --bootstrap \(BootstrapNodes.mainlineKeyword) to join the public DHT")
        }
        var configuration = DHTEngineConfiguration()
        configuration.readOnly = true
        var random = SystemRandomNumberGenerator()
        let node = DHTNode(
            localID: NodeID(random: &random), configuration: configuration, logger: Logger(label: "peerdex.lookup"))
        let loopbackOnly =
            bootstrap.allSatisfy(\.ip.isLoopback)
            && rendezvous.allSatisfy { IPAddress(parsing: $0.hostPort.host)?.isLoopback ?? false }
        let anyAddress = loopbackOnly ? "127.0.0.1" : "0.0.0.0"
        try await node.start(bindingTo: HostPort(host: anyAddress, port: 0))
        defer { Task { await node.shutdown() } }
        return try await withThrowingTaskGroup(of: Report?.self) { group in
            group.addTask {
                let joined = try await join(node, bootstrap: bootstrap, rendezvous: rendezvous)
                let fetched = try await fetch(
                    peer, through: node, book: book, askTimeout: askTimeout, joinQueries: joined.queriesSent)
                switch fetched {
                case .found(let report):
                    return report
                case .notFound(let responses, let queries):
                    throw AppError.network("no profile found for \(peer) (\(responses) nodes answered \(queries) queries)")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let report = first else {
                throw AppError.network("the lookup took longer than \(timeout) and was stopped")
            }
            return report
        }
    }

    /// Joins through `bootstrap`, then, if no node answered, through the nodes the `rendezvous`
    /// servers hand out; the join that found nodes, or an error that says what each way said.
    static func join(_ node: DHTNode, bootstrap: [DHTEndpoint], rendezvous: [PeerAddress]) async throws
        -> DHTOperationResult
    {
        var failures = [String]()
        if !bootstrap.isEmpty {
            let joined = try await node.run(.bootstrap(bootstrap))
            if case .nodes(let nodes) = joined.outcome, !nodes.isEmpty { return joined }
            failures.append("no DHT node answered at \(bootstrap.map(\.description).joined(separator: ", "))")
        }
        if !rendezvous.isEmpty {
            let (outcome, joined) = try await RendezvousClient.join(
                node, through: rendezvous, logger: Logger(label: "peerdex.lookup"))
            if let joined, case .nodes(let nodes) = joined.outcome, !nodes.isEmpty { return joined }
            failures += outcome.failures
            if let server = outcome.server {
                failures.append("no DHT node answered of the \(outcome.nodes.count) that \(server.hostPort) handed out")
            }
        }
        throw AppError.network(failures.joined(separator: "; "))
    }

    /// What reading a peer's profile record from the DHT gave.
    public enum Fetched: Sendable {
        /// The newest record whose signature verified, read with the keys we hold.
        case found(Report)
        /// No node returned a record: `responses` nodes answered `queries` queries.
        case notFound(responses: Int, queries: Int)
    }

    /// Reads `peer`'s profile record through `dht`, a node already joined: the short-lived node
    /// of `peerdex lookup`, or a running node's (the TUI's `L`). With `book`, a sealed record is
    /// opened with the keys `peer` handed us, asking `peer` for them (each address within
    /// `askTimeout`) when none opens it and `peer` is a contact that is not blocked; the ask
    /// dials through `dialer` (a running node with the book's identity) or a node of its own.
    static func fetch(
        _ peer: PeerID, through dht: DHTNode, book: ContactBook?, askTimeout: Duration, dialer: PeerdexNode? = nil,
        joinQueries: Int = 0
    ) async throws -> Fetched {
        let result = try await dht.run(.getMutable(publicKey: peer.publicKey, salt: ProfileRecord.salt))
        guard case .item(let item, let holders) = result.outcome, let item else {
            return .notFound(responses: result.responses, queries: result.queriesSent)
        }
        var (report, record) = try report(
            peer: peer, item: item, holders: holders, result: result, joinQueries: joinQueries)
        guard let book else { return .found(report) }
        let keys = (try? book.audienceKeyring().keys(from: peer)) ?? []
        report.apply(read(record, owner: peer, keys: keys))
        if report.sealed, !report.opened, mayAsk(peer, in: book) {
            report.keyRequest = await askOwner(
                peer, record: record, book: book, dht: dht, dialer: dialer, timeout: askTimeout)
            report.apply(read(record, owner: peer, keys: (try? book.audienceKeyring().keys(from: peer)) ?? []))
        }
        return .found(report)
    }

    private static func report(
        peer: PeerID, item: MutableItem, holders: [DHTEndpoint], result: DHTOperationResult, joinQueries: Int
    ) throws -> (Report, ProfileRecord) {
        let record: ProfileRecord
        do { record = try ProfileRecord(value: item.value) } catch {
            throw AppError.network("the profile record found for \(peer) is not valid: \(error)")
        }
        var sealed = false
        if case .sealed = record.content { sealed = true }
        let report = Report(
            peerId: peer.text, name: record.name, interests: record.interests, location: record.location, sealed: sealed,
            opened: false, unopenedReason: sealed ? noKeyReason : nil, keyRequest: nil, seq: item.seq, port: record.port,
            addresses: record.addressHints.map(\.description),
            capabilities: record.capabilities, foundAt: holders.map(\.description),
            elapsedMs: (result.finishedAt - result.startedAt) * 1_000, queries: result.queriesSent + joinQueries)
        return (report, record)
    }
}

extension LookupSession.Report {
    /// Fills the profile's fields (or why they stay closed) from what reading the record gave.
    mutating func apply(_ reading: LookupSession.Reading) {
        switch reading {
        case .open(let fields), .opened(let fields):
            if case .opened = reading { opened = true }
            name = fields.name
            interests = fields.interests
            location = fields.location
            unopenedReason = nil
        case .sealed(let reason):
            unopenedReason = reason
        }
    }
}
