import Logging
import PeerdexCore
import PeerdexNet

/// The asking side of discovery on a running node: finds discovery peers (announced under the
/// rendezvous info-hash, proven by the Noise handshake, offering `contactDiscovery` in their
/// PONG), keeps their health in a `DiscoveryCoordinator`, and runs network searches over the
/// healthiest few (issue 11, items 3–4).
public actor DiscoveryService {
    /// Tunables; the defaults are what a user's node runs with.
    public struct Configuration: Sendable {
        /// Discovery peers asked per query.
        public var fanOut = 3
        /// Time each peer has to answer a query, dial and handshake included.
        public var requestTimeout: Duration = .seconds(2)
        /// Time a PING (dial included) may take when looking for or checking discovery peers.
        public var pingTimeout: Duration = .seconds(2)
        /// Announced endpoints tried per refresh, at most.
        public var maximumEndpointsPerRefresh = 32
        /// PINGs in flight at once during a refresh.
        public var concurrentPings = 8
        /// The coordinator's tunables.
        public var coordinator = DiscoveryCoordinator.Configuration()
        /// How many searches' results are kept, and for how long (issue 11, item 6).
        public var queryCache = QueryCacheSettings.standard
        /// Peers' known profiles and endpoints, and how long a profile spares a fetch (issue 11, item 6).
        public var knownProfiles = ProfileFetchPlanner.Configuration()

        /// The defaults.
        public init() {}
    }

    /// How often a running node looks for discovery peers and checks the known ones.
    public static let refreshInterval: Duration = .seconds(60)
    /// How often a node that knows no discovery peer yet looks again.
    public static let searchingInterval: Duration = .seconds(1)

    /// The Noise node that dials discovery peers with our identity.
    public let node: PeerdexNode
    /// The DHT node that finds them.
    public let dht: DHTNode
    /// Our peer ID, never a discovery peer of ours.
    public let ownID: PeerID
    /// The tunables.
    public let configuration: Configuration
    var coordinator: DiscoveryCoordinator
    /// Recent searches' merged results, by normalized query: a repeat within the TTL asks no one.
    private var recentSearches: QueryCache<CachedSearch>
    /// Endpoints that answered a PING without offering discovery, so they are not asked every refresh.
    private var notDiscoveryPeers = Set<DHTEndpoint>()
    /// Peers' latest profile records, from search results and fetches, and who answers where.
    private var knownProfiles: ProfileFetchPlanner
    /// Profile requests sent to announced endpoints so far (what the profile cache saves).
    private(set) var profileFetches = 0
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let logger: Logger

    /// A service that dials with `node` and looks peers up in `dht`.
    public init(node: PeerdexNode, dht: DHTNode, ownID: PeerID, configuration: Configuration = Configuration(), logger: Logger) {
        self.node = node
        self.dht = dht
        self.ownID = ownID
        self.configuration = configuration
        coordinator = DiscoveryCoordinator(ownID: ownID, configuration: configuration.coordinator)
        recentSearches = QueryCache(settings: configuration.queryCache)
        knownProfiles = ProfileFetchPlanner(configuration: configuration.knownProfiles)
        start = clock.now
        self.logger = logger
    }

    var now: Double {
        let (seconds, attoseconds) = (clock.now - start).components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Discovery peers known, healthy or not.
    public var knownPeers: [DiscoveryPeer] { coordinator.peers.values.sorted { $0.peerID < $1.peerID } }

    /// Discovery peers a query may ask now.
    public var selectablePeerCount: Int {
        let now = now
        return coordinator.peers.keys.filter { coordinator.isSelectable($0, now: now) }.count
    }

    /// Adds a discovery peer we learned of some other way (a test, a configured peer).
    public func add(_ peer: DiscoveryPeer) { coordinator.add(peer) }

    /// The discovery peers a "busy" answer to `requester` refers it to (`BusyPolicy`).
    public func referrals(for requester: PeerID, policy: BusyPolicy = BusyPolicy()) -> [DiscoveryPeer] {
        var random = SystemRandomNumberGenerator()
        return policy.referrals(for: requester, from: coordinator, now: now, random: &random)
    }

    /// Refreshes the discovery peers every `interval` until cancelled (the first time at once);
    /// sooner while none is known (the node is still joining the DHT when this starts): after
    /// `DiscoveryService.searchingInterval`, doubling up to `interval`.
    public func keepRefreshing(every interval: Duration) async {
        var wait = Self.searchingInterval
        while !Task.isCancelled {
            let known = await refreshPeers()
            logger.debug("discovery peers refreshed", metadata: ["known": "\(known)"])
            if known > 0 {
                wait = Self.searchingInterval
                try? await Task.sleep(for: interval)
            } else {
                try? await Task.sleep(for: wait)
                wait = min(wait * 2, interval)
            }
        }
    }

    // MARK: - Finding discovery peers

    /// Reads the peers announced under the rendezvous info-hash and PINGs the new ones, and the
    /// known ones that are due (the coordinator decides): those offering discovery are kept, with
    /// their RTT and load. Returns the number of discovery peers known afterwards.
    @discardableResult
    public func refreshPeers() async -> Int {
        var endpoints = [DHTEndpoint]()
        do {
            let result = try await dht.run(.getPeers(DHTService.rendezvousInfoHash))
            if case .peers(let found) = result.outcome { endpoints = found }
        } catch {
            logger.warning("cannot read the rendezvous", metadata: ["error": "\(error)"])
        }
        let known = Set(coordinator.peers.values.map(\.endpoint))
        let fresh = endpoints.filter { !known.contains($0) && !notDiscoveryPeers.contains($0) }
            .prefix(configuration.maximumEndpointsPerRefresh)
        let due = coordinator.peersToPing(now: now).map { ($0.endpoint, Optional($0.peerID)) }
        let targets = fresh.map { ($0, PeerID?.none) } + due
        let replies = await ping(targets)
        let now = now
        for (endpoint, expected, reply) in replies {
            guard let reply else {
                if let expected { coordinator.recordFailure(of: expected, now: now) }
                continue
            }
            guard reply.peer != ownID, reply.capabilities.contains(PeerCapability.contactDiscovery) else {
                notDiscoveryPeers.insert(endpoint)
                if let expected { coordinator.remove(expected) }
                continue
            }
            coordinator.add(DiscoveryPeer(peerID: reply.peer, endpoint: endpoint))
            coordinator.recordPong(
                of: reply.peer, rtt: Self.seconds(reply.roundTrip), load: Float(reply.load), now: now)
        }
        return coordinator.peers.count
    }

    /// PINGs each endpoint (expecting the given peer where known), a few at a time; nil for no answer.
    private func ping(_ targets: [(DHTEndpoint, PeerID?)]) async -> [(DHTEndpoint, PeerID?, PingReply?)] {
        let node = node
        let timeout = configuration.pingTimeout
        let width = max(1, configuration.concurrentPings)
        return await withTaskGroup(of: (DHTEndpoint, PeerID?, PingReply?).self) { group in
            var results = [(DHTEndpoint, PeerID?, PingReply?)]()
            var pending = targets[...]
            func launch() {
                guard let (endpoint, expected) = pending.popFirst() else { return }
                group.addTask {
                    let address = PeerAddress(HostPort(host: "\(endpoint.ip)", port: Int(endpoint.port)), peerID: expected)
                    let reply = await Self.withDeadline(timeout) { try await node.ping(address, timeout: timeout) }
                    return (endpoint, expected, reply)
                }
            }
            for _ in 0..<width { launch() }
            while let result = await group.next() {
                results.append(result)
                launch()
            }
            return results
        }
    }

    // MARK: - Searching

    /// Asks the `fanOut` best discovery peers for `text` and `interests` and, with interests,
    /// the peers announced under them for their profiles (`findPeersByInterest`); `onUpdate`
    /// sees the merged results as they arrive. Each discovery peer's outcome goes into its
    /// health record.
    ///
    /// A query asked again (the same `QueryCacheKey` and minimum score) within the query cache's
    /// time to live is answered at once from the results of the last search that heard from
    /// someone, marked `fromCache`, with today's `blocked` peers removed.
    public func search(
        text: String, interests: [String] = [], blocked: Set<PeerID> = [],
        minimumScore: Double = InterestMatcher.defaultMinimumScore,
        onUpdate: @escaping @Sendable (NetworkSearch.Update) -> Void = { _ in }
    ) async -> NetworkSearch.Update {
        let key = QueryCacheKey(text: text, interests: interests)
        if let cached = recentSearches.lookup(key, now: now), cached.minimumScore == minimumScore {
            let update = NetworkSearch.Update(
                ranked: cached.ranked.filter { !blocked.contains($0.peerID) }, progress: DiscoveryQueryRun.Progress(),
                finished: true, elapsed: 0, fromCache: true)
            onUpdate(update)
            return update
        }
        let update = await searchNetwork(
            text: text, interests: interests, blocked: blocked, minimumScore: minimumScore, onUpdate: onUpdate)
        // A search no one answered says nothing about the network: it is not kept.
        if update.finished, update.progress.answered > 0 || !update.ranked.isEmpty {
            recentSearches.store(CachedSearch(minimumScore: minimumScore, ranked: update.ranked), for: key, now: now)
        }
        return update
    }

    /// A search's results as the query cache keeps them.
    private struct CachedSearch: Sendable {
        var minimumScore: Double
        var ranked: [DiscoveredPeer]
    }

    /// `search` over the network, the cache aside.
    private func searchNetwork(
        text: String, interests: [String], blocked: Set<PeerID>, minimumScore: Double,
        onUpdate: @escaping @Sendable (NetworkSearch.Update) -> Void
    ) async -> NetworkSearch.Update {
        // A node that has just joined knows no discovery peer yet (its refresh backs off while
        // the DHT fills): reading the rendezvous now beats asking nobody.
        if coordinator.peers.isEmpty { await refreshPeers() }
        var random = SystemRandomNumberGenerator()
        let peers = coordinator.select(count: configuration.fanOut, excluding: blocked, now: now, random: &random)
        let outcomes = LockedValue([NetworkSearch.PeerOutcome]())
        let search = NetworkSearch(node: node, requestTimeout: configuration.requestTimeout)
        // With interests, the peers announced under them are asked for their profiles meanwhile;
        // both paths feed one merger, so a peer found both ways shows once.
        let combined = LockedValue(
            DiscoveryResultMerger(
                query: DiscoveryQuery(text: text, interests: interests), ownID: ownID, blocked: blocked,
                minimumScore: minimumScore))
        let merge: @Sendable ([DiscoveredPeer], NetworkSearch.Update) -> NetworkSearch.Update = { found, update in
            var merged = update
            merged.ranked = combined.withLock { merger in
                for peer in found { _ = merger.merge([peer], from: peer.sources.min() ?? peer.peerID) }
                return merger.ranked
            }
            return merged
        }
        async let byInterest: [DiscoveredPeer] =
            interests.isEmpty ? [] : findPeersByInterest(interests, blocked: blocked, minimumScore: minimumScore)
        var update = await search.run(
            text: text, interests: interests, ownID: ownID, peers: peers, blocked: blocked, minimumScore: minimumScore,
            onUpdate: { update in
                if !update.finished { onUpdate(merge(update.ranked, update)) }
            }, onPeer: { outcome in outcomes.withLock { $0.append(outcome) } })
        // Only what discovery peers reported: the merged results also hold cached profiles,
        // which must not look freshly seen.
        let reportedAt = now
        for peer in update.ranked { knownProfiles.remember(peer, now: reportedAt) }
        update = merge(update.ranked, update)
        let announced = await byInterest
        if !announced.isEmpty { update = merge(announced, update) }
        onUpdate(update)
        let now = now
        for outcome in outcomes.value {
            if outcome.answered {
                coordinator.recordSuccess(of: outcome.peer, rtt: outcome.seconds, now: now)
            } else {
                coordinator.recordFailure(of: outcome.peer, now: now)
            }
        }
        return update
    }

    // MARK: - Interests

    /// `findPeersByInterest` (issue 11, item 5): the peers announced under the info-hash of each
    /// of `interests`, asked directly for their profiles (each within `requestTimeout`), scored
    /// by Jaccard similarity, those under `minimumScore` and blocked ones dropped; best first.
    /// At most `maximumPeers` announced endpoints are considered in all; one whose peer's profile
    /// was seen within `knownProfiles.freshness` is answered from the cache, not asked.
    public func findPeersByInterest(
        _ interests: [String], blocked: Set<PeerID> = [], minimumScore: Double = InterestMatcher.defaultMinimumScore,
        maximumPeers: Int = 32
    ) async -> [DiscoveredPeer] {
        let tags = InterestTag.tags(of: interests).sorted().prefix(DiscoveryProtocol.maximumQueryInterests)
        var endpoints = [DHTEndpoint]()
        for tag in tags {
            guard let result = try? await dht.run(.getPeers(tag.infoHash)), case .peers(let found) = result.outcome
            else { continue }
            for endpoint in found where !endpoints.contains(endpoint) && endpoints.count < maximumPeers {
                endpoints.append(endpoint)
            }
        }
        let profiles = await announcedProfiles(at: endpoints, blocked: blocked)
        var merger = DiscoveryResultMerger(
            query: DiscoveryQuery(interests: interests), ownID: ownID, blocked: blocked, minimumScore: minimumScore)
        for profile in profiles { _ = merger.merge([profile], from: profile.peerID) }
        return merger.ranked
    }

    /// The profiles of the peers at `endpoints`: fresh ones from the cache, the others fetched
    /// (and remembered); blocked peers' cached profiles left out.
    func announcedProfiles(at endpoints: [DHTEndpoint], blocked: Set<PeerID>) async -> [DiscoveredPeer] {
        let plan = knownProfiles.plan(endpoints, blocked: blocked, now: now)
        profileFetches += plan.toFetch.count
        let fetched = await fetchProfiles(at: plan.toFetch)
        let now = now
        for (endpoint, profile) in fetched { knownProfiles.remember(profile, answeredAt: endpoint, now: now) }
        return plan.cached + fetched.map(\.1)
    }

    /// Each endpoint's profile as it shows it to us, a few at a time; endpoints that do not
    /// answer in time, or have nothing for us, give nothing.
    private func fetchProfiles(at endpoints: [DHTEndpoint]) async -> [(DHTEndpoint, DiscoveredPeer)] {
        let node = node
        let timeout = configuration.requestTimeout
        let width = max(1, configuration.concurrentPings)
        return await withTaskGroup(of: (DHTEndpoint, DiscoveredPeer?).self) { group in
            var profiles = [(DHTEndpoint, DiscoveredPeer)]()
            var pending = endpoints[...]
            func launch() {
                guard let endpoint = pending.popFirst() else { return }
                group.addTask {
                    let address = PeerAddress(HostPort(host: "\(endpoint.ip)", port: Int(endpoint.port)))
                    let profile = await Self.withDeadline(timeout) {
                        try await node.connection(to: address).requestProfile(timeout: timeout)
                    } ?? nil
                    return (endpoint, profile)
                }
            }
            for _ in 0..<width { launch() }
            while let (endpoint, profile) = await group.next() {
                if let profile { profiles.append((endpoint, profile)) }
                launch()
            }
            return profiles
        }
    }

    // MARK: - Time

    /// `body`'s result, or nil when it throws or takes longer than `timeout` (it is then
    /// cancelled and left to finish on its own, unawaited).
    static func withDeadline<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
        let first = FirstOf<T?>()
        let work = Task { first.offer(try? await body()) }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            first.offer(nil)
        }
        let value = await first.value
        work.cancel()
        timer.cancel()
        return value
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
