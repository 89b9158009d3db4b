import Logging
import PeerdexCore
import PeerdexNet

/// One running peerdex node, as `peerdex node` and the TUI run it: the Noise listener on TCP,
/// the DHT on UDP on the same port number, discovery answered from the book
/// (`DiscoveryServing`) and asked of discovery peers (`DiscoveryService`).
public final class NodeRuntime: Sendable {
    /// Where the node listens (the port the system chose, for port 0).
    public let address: HostPort
    /// The Noise node.
    public let node: PeerdexNode
    /// The DHT side: joining, publishing, announcing.
    public let dht: DHTService
    /// The asking side of discovery.
    public let discovery: DiscoveryService
    /// LAN discovery, when it was asked for.
    public let nearby: NearbyService?
    private let book: ContactBook
    private let responses: DiscoveryResponderSnapshot
    private let serving: Task<Void, any Error>
    private let logger: Logger

    private init(
        address: HostPort, node: PeerdexNode, dht: DHTService, discovery: DiscoveryService, nearby: NearbyService?,
        book: ContactBook, responses: DiscoveryResponderSnapshot, serving: Task<Void, any Error>, logger: Logger
    ) {
        self.address = address
        self.node = node
        self.dht = dht
        self.discovery = discovery
        self.nearby = nearby
        self.book = book
        self.responses = responses
        self.serving = serving
        self.logger = logger
    }

    /// Starts listening on `listen` (TCP, then UDP on the port number TCP got) with the book's
    /// identity; nothing is sent until `run`. Throws when either port cannot be bound. With
    /// `nearby`, `run` also browses (and, as the visibility allows, advertises) on the LAN.
    public static func start(
        book: ContactBook, listen: HostPort, configuration: NodeConfiguration, bootstrap: [DHTEndpoint] = [],
        rendezvous: [PeerAddress] = [], servesRendezvous: Bool = false,
        dhtConfiguration: DHTEngineConfiguration = DHTEngineConfiguration(), nearby: NearbyService.Settings? = nil,
        logger: Logger
    ) async throws -> NodeRuntime {
        let rendezvousHandler = servesRendezvous ? RendezvousHandler() : nil
        // Discovery answers come from the book; referrals from the discovery peers we know,
        // which exist only once the node does (hence the boxes).
        let discovery = LockedValue<DiscoveryService?>(nil)
        let loadSource = LockedValue<PeerdexNode?>(nil)
        let responses = DiscoveryResponderSnapshot(
            load: { Float(loadSource.value?.load ?? 0) },
            referrals: { requester in await discovery.value?.referrals(for: requester) ?? [] })
        var configuration = configuration
        for capability in DiscoveryServing.capabilities(of: book) where !configuration.capabilities.contains(capability) {
            configuration.capabilities.append(capability)
        }
        // Popular queries' stranger answers go to, and come from, the discovery peers we know.
        let replicating = ReplicatingResponder(snapshot: responses)
        // Every node answers nearby probes as its visibility allows (docs/NEARBY.md), with the
        // port its listener got, known once it is up.
        let listeningPort = LockedValue<UInt16?>(nil)
        let node = PeerdexNode(
            identity: book.identity.handshakeIdentity, configuration: configuration, logger: logger,
            handler: NearbyProbeAnswer.handler(
                book: book, port: { listeningPort.value }, logger: logger,
                next: ReplicationHandler(
                    replicating, next: DiscoveryHandler(responding: replicating, next: rendezvousHandler))))
        loadSource.withLock { $0 = node }
        DiscoveryServing.refresh(book, into: responses, advertisingOn: node, logger: logger)

        let (bound, boundContinuation) = AsyncStream.makeStream(of: HostPort.self)
        let serving = Task {
            defer { boundContinuation.finish() }
            try await node.run(listeningOn: listen) { address in boundContinuation.yield(address) }
        }
        var addresses = bound.makeAsyncIterator()
        guard let address = await addresses.next() else {
            // The listener never came up: `run` has thrown why.
            try await serving.value
            throw NetError.notRunning
        }
        listeningPort.withLock { $0 = UInt16(clamping: address.port) }
        let dht: DHTService
        do {
            dht = try await DHTService.start(
                book: book, host: address.host, port: address.port, bootstrap: bootstrap, rendezvous: rendezvous,
                configuration: dhtConfiguration, logger: Logger(label: "peerdex.dht"))
        } catch {
            await node.shutdown()
            _ = await serving.result
            throw error
        }
        rendezvousHandler?.serve(from: dht.node)
        let service = DiscoveryService(
            node: node, dht: dht.node, ownID: book.identity.peerID, logger: Logger(label: "peerdex.discovery"))
        discovery.withLock { $0 = service }
        replicating.connect(service)
        let nearbyService = nearby.map { settings in
            NearbyService(book: book, node: node, dht: dht.node, port: address.port, settings: settings)
        }
        // Tells `peerdex invite` where we are; `run` removes it when the node stops.
        NodeAddressFile.publish(bound: address, in: book.dataDirectory, logger: logger)
        return NodeRuntime(
            address: address, node: node, dht: dht, discovery: service, nearby: nearbyService, book: book,
            responses: responses, serving: serving, logger: logger)
    }

    /// Joins the DHT and keeps everything running until `shutdown` (or cancellation); then
    /// saves the DHT's state and stops it. Throws what stopped the listener, if it failed.
    /// LAN discovery's events, when it runs, go to `onNearby`.
    public func run(onNearby: @escaping @Sendable (NearbyService.Event) -> Void = { _ in }) async throws {
        defer { NodeAddressFile.withdraw(bound: address, from: book.dataDirectory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [dht] in await dht.run() }
            if let nearby {
                group.addTask { [dht] in
                    await nearby.run { event in
                        if case .appeared = event { dht.noteNearbyPeer() }
                        onNearby(event)
                    }
                }
            }
            group.addTask { [book, responses, node, logger] in
                await DiscoveryServing.keepServing(book, into: responses, advertisingOn: node, logger: logger)
            }
            group.addTask { [discovery] in await discovery.keepRefreshing(every: DiscoveryService.refreshInterval) }
            group.addTask { [book, node, dht] in
                await AudienceKeyFetcher(book: book, node: node, dht: dht.node, logger: Logger(label: "peerdex.audience-keys"))
                    .run()
            }
            group.addTask { [serving] in try await serving.value }
            // The node's run ends at shutdown; the other tasks end with it.
            defer { group.cancelAll() }
            try await group.next()
        }
        await dht.shutdown()
        logger.info("stopped")
    }

    /// Stops accepting and closes every connection once requests in flight are answered; `run` then returns.
    public func shutdown() async {
        nearby?.withdraw()  // the goodbye first: LAN peers drop us at once
        await node.shutdown()
    }

    /// What the status line shows: address, DHT nodes, discovery peers, how the last join went.
    public func status() async -> (address: HostPort, dhtNodes: Int, discoveryPeers: Int, lastJoin: String?) {
        let nodes = (try? await dht.node.inspect { $0.routing.count }) ?? 0
        return (address, nodes, await discovery.knownPeers.count, dht.lastJoin)
    }
}
