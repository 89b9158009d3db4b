import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// The DHT side of `peerdex node`: a `DHTNode` on the node's port number (UDP), joined through
/// saved or configured nodes, that publishes the user's profile when it is public and announces
/// this node under the peerdex rendezvous info-hash, for as long as the node runs.
public final class DHTService: Sendable {
    /// Where peerdex nodes find each other among all Mainline nodes: SHA-1 of `peerdex/1`.
    public static let rendezvousInfoHash = NodeID(bytes: Array(Insecure.SHA1.hash(data: Array("peerdex/1".utf8))))!
    /// Seconds between announcements (BEP 5 peers expire after 30 minutes without one).
    static let announceInterval = 15.0 * 60
    /// Seconds between checks of the profile for a change to publish, and between attempts to
    /// join through a rendezvous server while alone.
    static let profileCheckInterval = 30.0
    /// Seconds between looks at whether the book changed (one `PRAGMA data_version`): a saved
    /// profile is published within about this long, not at the next `profileCheckInterval`.
    static let bookCheckInterval = 1.0

    /// What a node with no bootstrap node says, in its log and on its terminal.
    public static let howToJoin =
        "no DHT bootstrap node configured: unless nodes saved by an earlier run answer, this node waits for "
        + "others to join it. To join a network, pass "
        + "--bootstrap HOST:PORT (another peerdex node) or set bootstrap = [\"HOST:PORT\"] in config.toml, "
        + "or --rendezvous-server HOST:PORT (a 'peerdex node --rendezvous') or rendezvous = [\"HOST:PORT\"]; "
        + "--bootstrap \(BootstrapNodes.mainlineKeyword) joins the public BitTorrent DHT"

    /// What the status says when there was nothing to join through.
    static let noBootstrapOutcome = "no bootstrap node configured"
    /// The DHT node.
    public let node: DHTNode
    private let book: ContactBook
    private let tcpPort: Int
    private let bootstrap: [DHTEndpoint]
    /// Rendezvous servers, asked for nodes when the saved and bootstrap nodes gave none.
    private let rendezvous: [PeerAddress]
    private let logger: Logger
    /// The state the last run saved, which `run` restores.
    private let saved: DHTSavedState
    /// How the last attempt to join went, in a few words, for status lines.
    private let joinOutcome = LockedValue<String?>(nil)

    private init(
        node: DHTNode, book: ContactBook, tcpPort: Int, bootstrap: [DHTEndpoint], rendezvous: [PeerAddress],
        saved: DHTSavedState, logger: Logger
    ) {
        self.node = node
        self.book = book
        self.tcpPort = tcpPort
        self.bootstrap = bootstrap
        self.rendezvous = rendezvous
        self.saved = saved
        self.logger = logger
    }

    /// Binds the DHT's UDP socket on `host:port` (the TCP listener's port number) with the node
    /// ID, routing table and items saved by the last run (a new random ID on first use); nothing
    /// is sent until `run`.
    public static func start(
        book: ContactBook, host: String, port: Int, bootstrap: [DHTEndpoint], rendezvous: [PeerAddress] = [],
        configuration: DHTEngineConfiguration, logger: Logger
    ) async throws -> DHTService {
        let saved = try DHTPersistenceWiring.initialState(in: book)
        let node = DHTNode(localID: saved.nodeID, configuration: configuration, logger: logger)
        try await node.start(bindingTo: HostPort(host: host, port: port))
        return DHTService(
            node: node, book: book, tcpPort: port, bootstrap: bootstrap, rendezvous: rendezvous, saved: saved,
            logger: logger)
    }

    /// Joins (from the saved nodes, else the bootstrap nodes), then keeps the profile published,
    /// the rendezvous announced and the state saved until cancelled.
    public func run() async {
        await join()
        let saving = Task { [node, book, logger] in await DHTPersistenceWiring.keepSaving(node, to: book, logger: logger) }
        defer { saving.cancel() }
        var lastPublishedSeq: Int64 = -1
        var nextAnnounce = 0.0
        var nextProfileCheck = 0.0
        var elapsed = 0.0
        let bookChanges = try? book.store { try $0.changeObserver() }
        while !Task.isCancelled {
            // A change to the book (the profile saved in the TUI or by `profile set`) is published
            // at once; otherwise every `profileCheckInterval`, which also retries a failed publish.
            let bookChanged = (try? bookChanges?.hasChanged()) == true
            if elapsed >= nextProfileCheck || bookChanged {
                if elapsed >= nextProfileCheck {
                    if elapsed > 0 { await joinThroughRendezvous() }  // alone still (the servers were down or empty)
                    nextProfileCheck = elapsed + Self.profileCheckInterval
                }
                lastPublishedSeq = await publishProfileIfChanged(after: lastPublishedSeq)
            }
            if elapsed >= nextAnnounce {
                nextAnnounce = elapsed + Self.announceInterval
                await announce()
                await announceInterests()
            }
            try? await Task.sleep(for: .seconds(Self.bookCheckInterval))
            elapsed += Self.bookCheckInterval
        }
    }

    /// Joins the network through the saved nodes, else the configured bootstrap nodes, then, if
    /// no node has answered, through the nodes a rendezvous server hands out; or says how to.
    func join() async {
        // Saved nodes first: a restarted node that finds some of them alive needs no bootstrap.
        let alive = await DHTPersistenceWiring.restore(saved, into: node, logger: logger)
        if alive > 0 {
            joinOutcome.withLock { $0 = "rejoined through \(alive) saved nodes" }
            return
        }
        guard !bootstrap.isEmpty || !rendezvous.isEmpty else {
            logger.notice("\(Self.howToJoin)")
            joinOutcome.withLock { $0 = Self.noBootstrapOutcome }
            return
        }
        if !bootstrap.isEmpty {
            do {
                let result = try await node.run(.bootstrap(bootstrap))
                let size = try await node.inspect { $0.routing.count }
                joinOutcome.withLock { $0 = size > 0 ? "joined, \(size) nodes" : "no bootstrap node answered" }
                logger.info(
                    "dht joined",
                    metadata: [
                        "nodes": "\(size)", "queries": "\(result.queriesSent)", "answers": "\(result.responses)",
                    ])
            } catch {
                logger.error("dht bootstrap failed", metadata: ["error": "\(error)"])
                joinOutcome.withLock { $0 = "failed: \(error)" }
            }
        }
        await joinThroughRendezvous()
    }

    /// Asks the rendezvous servers for nodes and joins through them, unless a node has answered
    /// us lately (saved or bootstrap nodes did their job). `run` asks again every
    /// `profileCheckInterval` for as long as no node answers.
    func joinThroughRendezvous() async {
        guard !rendezvous.isEmpty, (try? await node.recentlyAnsweredNodes(limit: 1).isEmpty) == true else { return }
        do {
            let (outcome, joined) = try await RendezvousClient.join(node, through: rendezvous, logger: logger)
            guard let joined, let server = outcome.server else {
                logger.warning("no rendezvous server gave a DHT node", metadata: ["failures": "\(outcome.failures)"])
                joinOutcome.withLock { $0 = "no rendezvous server gave a DHT node" }
                return
            }
            let size = try await node.inspect { $0.routing.count }
            joinOutcome.withLock { $0 = "joined through a rendezvous server, \(size) nodes" }
            logger.info(
                "dht joined through a rendezvous server",
                metadata: [
                    "server": "\(server)", "handed out": "\(outcome.nodes.count)", "nodes": "\(size)",
                    "answers": "\(joined.responses)",
                ])
        } catch {
            logger.error("dht bootstrap through a rendezvous server failed", metadata: ["error": "\(error)"])
            joinOutcome.withLock { $0 = "rendezvous failed: \(error)" }
        }
    }

    /// Publishes the profile record the privacy controller asks for when the profile changed
    /// since `publishedSeq`: open for a public profile, sealed under the audience's key for a
    /// `contacts` or `friends` one; withdraws it when the profile turned private. Returns the
    /// seq now published (or -1).
    func publishProfileIfChanged(after publishedSeq: Int64) async -> Int64 {
        let controller: PrivacyController
        do { controller = try DiscoveryServing.controller(of: book) } catch {
            logger.error("cannot read the profile", metadata: ["error": "\(error)"])
            return publishedSeq
        }
        let profile = controller.profile
        guard profile.seq > 0, let record = record(for: controller) else {
            if publishedSeq >= 0 {
                let target = MutableItem.target(publicKey: book.identity.peerID.publicKey, salt: ProfileRecord.salt)
                try? await node.modify { $0.withdraw(target) }
                logger.info("profile private: stopped publishing it")
            }
            return -1
        }
        guard profile.seq != publishedSeq else { return publishedSeq }
        do {
            let item = try MutableItem.sign(
                value: record.bencodeValue, seq: profile.seq, salt: ProfileRecord.salt, with: book.identity.signingKey)
            let result = try await node.publish(item)
            guard case .stored(let acknowledged, let required, let refusals) = result.outcome else { return publishedSeq }
            logger.log(
                level: acknowledged >= required ? .info : .warning, "profile published",
                metadata: [
                    "seq": "\(profile.seq)", "visibility": "\(profile.visibility)", "acknowledged": "\(acknowledged)",
                    "required": "\(required)", "refusals": "\(refusals.map { "\($0.code) \($0.message)" })",
                ])
            return profile.seq
        } catch {
            logger.error("cannot publish the profile", metadata: ["error": "\(error)"])
            return publishedSeq
        }
    }

    /// The record to publish, or nil when nothing is (a private profile, or a sealed one whose
    /// key cannot be read or made).
    private func record(for controller: PrivacyController) -> ProfileRecord? {
        let capabilities = controller.preferences.shareWithDiscoveryPeers ? [PeerCapability.contactDiscovery] : []
        let port = UInt16(clamping: tcpPort)
        switch controller.publishedRecord {
        case .nothing:
            return nil
        case .open(let profile):
            return ProfileRecord(
                content: .open(name: profile.name, interests: profile.interests, location: profile.location), port: port,
                capabilities: capabilities)
        case .sealed(let audience, let profile):
            do {
                var key = try book.audienceKey(for: audience)
                if key == nil {
                    try book.syncAudienceKeys()
                    key = try book.audienceKey(for: audience)
                }
                guard let key else { return nil }
                var random = SystemRandomNumberGenerator()
                let content = try ProfileSealer.seal(
                    ProfileSealer.OpenFields(name: profile.name, interests: profile.interests, location: profile.location),
                    ownerKey: book.identity.peerID.publicKey, with: key, using: &random)
                return ProfileRecord(content: content, port: port, capabilities: capabilities)
            } catch {
                logger.error("cannot seal the profile", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    /// Announces our TCP port under the info-hash of each interest of a public profile, so that
    /// `findPeersByInterest` finds us; a profile that is not public announces none.
    func announceInterests() async {
        guard let controller = try? DiscoveryServing.controller(of: book), case .open(let profile) = controller.publishedRecord
        else { return }
        for tag in InterestTag.tags(of: profile.interests).sorted() {
            do {
                _ = try await node.run(.announce(tag.infoHash, port: UInt16(clamping: tcpPort)))
            } catch {
                logger.error("cannot announce an interest", metadata: ["interest": "\(tag)", "error": "\(error)"])
            }
        }
    }

    /// Announces our TCP port under the rendezvous info-hash.
    func announce() async {
        do {
            let result = try await node.run(.announce(Self.rendezvousInfoHash, port: UInt16(clamping: tcpPort)))
            if case .announced(let acknowledged) = result.outcome {
                logger.info("announced on the rendezvous", metadata: ["acknowledged": "\(acknowledged)"])
            }
        } catch {
            logger.error("cannot announce", metadata: ["error": "\(error)"])
        }
    }

    /// How the last attempt to join went ("joined, 12 nodes", "no bootstrap node answered",
    /// "no bootstrap node configured", …); nil before the first.
    public var lastJoin: String? { joinOutcome.value }

    /// A verified LAN peer was put into the routing table (nearby discovery): when no bootstrap
    /// node did the joining, the status says the LAN did.
    func noteNearbyPeer() {
        joinOutcome.withLock { outcome in
            if outcome == nil || outcome == Self.noBootstrapOutcome { outcome = "joined through nearby peers" }
        }
    }

    /// One line on the DHT's state, for `--stats-every` and SIGUSR1.
    public func statistics() async -> String {
        guard
            let line = try? await node.inspect({ engine -> String in
                let stats = engine.statistics
                let external = engine.externalAddress.map { " external \($0)" } ?? ""
                return "dht: nodes \(engine.routing.count) items \(engine.items.count) peers \(engine.peers.peerCount) "
                    + "published \(engine.published.count) operations \(engine.runningOperations) "
                    + "in-flight \(engine.queriesInFlight) received \(stats.datagramsReceived) "
                    + "answered \(stats.queriesAnswered) sent \(stats.queriesSent) timeouts \(stats.timeouts) "
                    + "malformed \(stats.malformed) unmatched \(stats.unmatchedResponses) "
                    + "rate-limited \(stats.queriesRateLimited)\(external)"
            })
        else { return "dht: not running" }
        return line
    }

    /// Saves the DHT's state for the next run, then stops the node.
    public func shutdown() async {
        await DHTPersistenceWiring.save(node, to: book, logger: logger)
        await node.shutdown()
    }
}
