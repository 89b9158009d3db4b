import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// `peerdex search`: asks discovery peers for people matching a query, with our identity (so
/// that each peer answers as it would answer us), on a short-lived node.
///
/// The session joins the DHT read-only with a random node ID (as `lookup` does), finds the
/// discovery peers announced under the rendezvous info-hash, asks the healthiest few
/// (`DiscoveryService`) and hands every change of the merged results to the caller as it happens.
public enum SearchSession {
    /// One result, as `--json` prints it.
    public struct Result: Sendable, Encodable, Equatable {
        /// The peer's ID.
        public var peerId: String
        /// Its display name.
        public var name: String
        /// Its interests (normalized tags).
        public var interests: [String]
        /// Its general location.
        public var location: String
        /// The sequence number of the record it came from (0 for a contact shared by a third party).
        public var seq: Int64
        /// How well its interests match the query's (Jaccard similarity; 0 without interests).
        public var score: Double
        /// Whether the peer is in our contact book already.
        public var inContacts: Bool
        /// The discovery peers that reported it.
        public var sources: [String]
    }

    /// What a search came to.
    public struct Summary: Sendable, Encodable {
        /// The results, best first.
        public var results: [Result]
        /// Discovery peers found through the rendezvous.
        public var discoveryPeers: Int
        /// Peers asked, and what they did.
        public var asked: Int
        /// Peers that answered with results (possibly none).
        public var answered: Int
        /// Peers that were busy.
        public var busy: Int
        /// Peers that failed or ran out of time.
        public var failed: Int
        /// Milliseconds the query took, from the first request (joining the DHT not counted).
        public var elapsedMs: Double
    }

    /// Searches the network for `text` and `interests` and returns the summary; `onResults`
    /// sees the ranked results each time they change.
    public static func run(
        book: ContactBook, text: String, interests: [String], bootstrap: [DHTEndpoint], rendezvous: [PeerAddress],
        configuration: DiscoveryService.Configuration = DiscoveryService.Configuration(),
        minimumScore: Double = InterestMatcher.defaultMinimumScore, joinTimeout: Duration,
        onResults: @escaping @Sendable ([Result]) -> Void = { _ in }
    ) async throws -> Summary {
        guard !bootstrap.isEmpty || !rendezvous.isEmpty else {
            throw AppError.network(
                "no bootstrap node: pass --bootstrap HOST:PORT (a running 'peerdex node'), set bootstrap = [\"HOST:PORT\"] "
                    + "in config.toml, or pass --rendezvous-server HOST:PORT (a 'peerdex node --rendezvous')")
        }
        let logger = Logger(label: "peerdex.search")
        var dhtConfiguration = DHTEngineConfiguration()
        dhtConfiguration.readOnly = true
        var random = SystemRandomNumberGenerator()
        let dht = DHTNode(localID: NodeID(random: &random), configuration: dhtConfiguration, logger: logger)
        let loopbackOnly =
            bootstrap.allSatisfy(\.ip.isLoopback)
            && rendezvous.allSatisfy { IPAddress(parsing: $0.hostPort.host)?.isLoopback ?? false }
        try await dht.start(bindingTo: HostPort(host: loopbackOnly ? "127.0.0.1" : "0.0.0.0", port: 0))
        let node = PeerdexNode(identity: book.identity.handshakeIdentity, logger: logger)
        let running = Task { try await node.run() }
        // Both nodes are stopped, and waited for, on every way out: nothing of them outlives the search.
        func stop() async {
            await node.shutdown()
            running.cancel()
            await dht.shutdown()
        }
        do {
            let summary = try await joinAndSearch(
                dht: dht, node: node, book: book, bootstrap: bootstrap, rendezvous: rendezvous, joinTimeout: joinTimeout,
                configuration: configuration, text: text, interests: interests, minimumScore: minimumScore,
                logger: logger, onResults: onResults)
            await stop()
            return summary
        } catch {
            await stop()
            throw error
        }
    }

    /// The search once both nodes run: join the DHT, find discovery peers, ask them.
    private static func joinAndSearch(
        dht: DHTNode, node: PeerdexNode, book: ContactBook, bootstrap: [DHTEndpoint], rendezvous: [PeerAddress],
        joinTimeout: Duration, configuration: DiscoveryService.Configuration, text: String, interests: [String],
        minimumScore: Double, logger: Logger, onResults: @escaping @Sendable ([Result]) -> Void
    ) async throws -> Summary {
        let joined = await DiscoveryService.withDeadline(joinTimeout) { () async -> Swift.Result<Void, AppError> in
            do {
                _ = try await LookupSession.join(dht, bootstrap: bootstrap, rendezvous: rendezvous)
                return .success(())
            } catch let error as AppError {
                return .failure(error)
            } catch {
                return .failure(.network("\(error)"))
            }
        }
        guard let joined else { throw AppError.network("could not join the DHT within \(joinTimeout)") }
        try joined.get()
        let service = DiscoveryService(node: node, dht: dht, ownID: book.identity.peerID, configuration: configuration, logger: logger)
        let found = await service.refreshPeers()
        guard found > 0 else {
            throw AppError.network(
                "no discovery peer found: no node announced under the peerdex rendezvous offers discovery "
                    + "(a node offers it after 'peerdex profile set --share-with-discovery-peers on')")
        }
        let contacts = try book.store { try ContactBookIndex(database: $0) }
        let update = await service.search(
            text: text, interests: interests, blocked: contacts.blocked, minimumScore: minimumScore
        ) { update in
            onResults(update.ranked.map { result(of: $0, contacts: contacts) })
        }
        return Summary(
            results: update.ranked.map { result(of: $0, contacts: contacts) }, discoveryPeers: found,
            asked: update.progress.asked, answered: update.progress.answered, busy: update.progress.busy,
            failed: update.progress.failed, elapsedMs: update.elapsed * 1_000)
    }

    private static func result(of peer: DiscoveredPeer, contacts: ContactBookIndex) -> Result {
        Result(
            peerId: peer.peerID.text, name: peer.name, interests: peer.interests, location: peer.location, seq: peer.seq,
            score: peer.score, inContacts: contacts.known.contains(peer.peerID),
            sources: peer.sources.sorted().map(\.text))
    }
}
