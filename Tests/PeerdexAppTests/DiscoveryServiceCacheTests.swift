import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// The asking side's query cache over real Noise connections on 127.0.0.1: a repeated search is
/// answered at once without asking anyone, blocked peers are still removed, and only searches
/// someone answered are kept, for the cache's time to live.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DiscoveryServiceCacheTests {
    /// The service's settings for tests not about timeouts: a request timeout long enough that a
    /// live peer on 127.0.0.1 always answers, however loaded the machine (CI once saw the first
    /// search of a suite get no answer within the default 2 s).
    static var patient: DiscoveryService.Configuration {
        var configuration = DiscoveryService.Configuration()
        configuration.requestTimeout = .seconds(10)
        return configuration
    }

    /// A service whose only discovery peers are `peers`, asking over a running node of its own.
    static func withService<T: Sendable>(
        peers: [DiscoveryPeer], configuration: DiscoveryService.Configuration = patient,
        _ body: @Sendable (DiscoveryService) async throws -> T
    ) async throws -> T {
        let identity = NetworkSearchTests.identity()
        // A handshake timeout shorter than the default 5 s, so that the black hole's dial does not
        // hold the shutdown long, yet long enough for a live peer on a machine loaded by the suite.
        var nodeConfiguration = NodeConfiguration()
        nodeConfiguration.handshakeTimeout = .seconds(3)
        let node = PeerdexNode(
            identity: identity, configuration: nodeConfiguration, logger: Logger(label: "test.asker"))
        let running = Task { try await node.run() }
        var random = SystemRandomNumberGenerator()
        let dht = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "test.dht"))
        let service = DiscoveryService(
            node: node, dht: dht, ownID: identity.peerID, configuration: configuration,
            logger: Logger(label: "test.discovery"))
        for peer in peers { await service.add(peer) }
        let result: Result<T, any Error>
        do { result = .success(try await body(service)) } catch { result = .failure(error) }
        await node.shutdown()
        _ = await running.result
        return try result.get()
    }

    @Test func aRepeatedQueryIsAnsweredFromTheCacheAtOnceAndMarkedSo() async throws {
        try await NetworkSearchTests.withPeers(["Ada Berg", "Anna Cole"]) { peers in
            try await Self.withService(peers: peers) { service in
                let first = await service.search(text: "a")
                #expect(!first.fromCache && first.progress.answered == 2)
                #expect(first.ranked.map(\.name) == ["Ada Berg", "Anna Cole"])

                let streamed = LockedValue([NetworkSearch.Update]())
                let again = await service.search(text: "  A ") { update in streamed.withLock { $0.append(update) } }
                #expect(again.fromCache && again.finished)
                #expect(again.progress.asked == 0, "no one was asked")
                #expect(again.ranked == first.ranked)
                #expect(streamed.value == [again])

                // Another minimum score is another question: asked over the network.
                let stricter = await service.search(text: "a", minimumScore: 0.9)
                #expect(!stricter.fromCache && stricter.progress.asked == 2)
            }
        }
    }

    @Test func aPeerBlockedAfterCachingIsNotShownOnAHit() async throws {
        try await NetworkSearchTests.withPeers(["Ada Berg", "Anna Cole"]) { peers in
            try await Self.withService(peers: peers) { service in
                let first = await service.search(text: "a")
                let ada = try #require(first.ranked.first { $0.name == "Ada Berg" })
                let hit = await service.search(text: "a", blocked: [ada.peerID])
                #expect(hit.fromCache)
                #expect(hit.ranked.map(\.name) == ["Anna Cole"])
            }
        }
    }

    @Test func anEntryLivesForTheTimeToLiveOnly() async throws {
        var configuration = Self.patient
        configuration.queryCache = try QueryCacheSettings(ttl: 0.5)
        try await NetworkSearchTests.withPeers(["Ada Berg"]) { [configuration] peers in
            try await Self.withService(peers: peers, configuration: configuration) { service in
                _ = await service.search(text: "ada")
                #expect(await service.search(text: "ada").fromCache)
                try await Task.sleep(for: .milliseconds(600))
                let later = await service.search(text: "ada")
                #expect(!later.fromCache && later.progress.answered == 1)
            }
        }
    }

    @Test func aSearchNoOneAnsweredIsNotKept() async throws {
        let hole = try NetworkSearchTests.BlackHole()
        var configuration = DiscoveryService.Configuration()
        configuration.requestTimeout = .milliseconds(300)
        try await Self.withService(peers: [hole.peer()], configuration: configuration) { service in
            let first = await service.search(text: "ada")
            #expect(first.progress.failed == 1)
            let second = await service.search(text: "ada")
            #expect(!second.fromCache && second.progress.asked == 1)
        }
    }
}
