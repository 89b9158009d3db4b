import PeerdexCore
import Testing

/// The interest search's profile cache on a virtual clock: a fresh profile spares a fetch, a
/// stale one does not, a higher seq replaces, blocked peers never come back, and both maps are bounded.
@Suite struct ProfileFetchPlannerTests {
    private static func peer(_ number: Int) -> PeerID {
        var key = [UInt8](repeating: 0, count: PeerID.keyLength)
        key[0] = UInt8(number >> 8 & 0xFF)
        key[1] = UInt8(number & 0xFF)
        key[2] = 0xA5
        return try! PeerID(publicKey: key)
    }

    private static func endpoint(_ number: Int) -> DHTEndpoint {
        DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(20_000 + number))
    }

    private static func profile(_ number: Int, seq: Int64, name: String? = nil) -> DiscoveredPeer {
        DiscoveredPeer(peerID: peer(number), name: name ?? "peer \(number)", interests: ["jazz"], seq: seq)
    }

    private let ada = Self.profile(1, seq: 3, name: "Ada")
    private let adaEndpoint = Self.endpoint(1)
    private let bobEndpoint = Self.endpoint(2)

    // MARK: - Freshness

    @Test func aProfileFetchedRecentlyStandsInForTheFetch() {
        var planner = ProfileFetchPlanner()
        #expect(planner.plan([adaEndpoint], blocked: [], now: 0).toFetch == [adaEndpoint], "unknown: asked")
        planner.remember(ada, answeredAt: adaEndpoint, now: 10)

        let plan = planner.plan([adaEndpoint, bobEndpoint], blocked: [], now: 10 + 299)
        #expect(plan.cached.map(\.name) == ["Ada"])
        #expect(plan.toFetch == [bobEndpoint])
    }

    @Test func aStaleProfileIsFetchedAgain() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 10)
        let plan = planner.plan([adaEndpoint], blocked: [], now: 10 + 300)
        #expect(plan.cached.isEmpty)
        #expect(plan.toFetch == [adaEndpoint])
    }

    @Test func theFreshnessIsConfigurable() {
        var configuration = ProfileFetchPlanner.Configuration()
        configuration.freshness = 30
        var planner = ProfileFetchPlanner(configuration: configuration)
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        #expect(planner.plan([adaEndpoint], blocked: [], now: 29).toFetch.isEmpty)
        #expect(planner.plan([adaEndpoint], blocked: [], now: 31).toFetch == [adaEndpoint])
    }

    @Test func aSearchResultForAPeerWithAKnownEndpointSparesTheFetch() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        // A discovery peer reports the same version 10 minutes later: still current.
        planner.remember(ada, now: 600)
        #expect(planner.plan([adaEndpoint], blocked: [], now: 700).cached.map(\.peerID) == [ada.peerID])
    }

    @Test func aSearchResultAloneDoesNotSpareAFetchOfAnUnknownEndpoint() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, now: 0)
        #expect(planner.plan([adaEndpoint], blocked: [], now: 1).toFetch == [adaEndpoint])
    }

    @Test func hearsayAtSeqZeroIsNotCached() {
        var planner = ProfileFetchPlanner()
        planner.remember(Self.profile(1, seq: 0), answeredAt: adaEndpoint, now: 0)
        #expect(planner.profiles.count == 0)
        #expect(planner.peer(at: adaEndpoint) == ada.peerID, "who answers where is still kept")
        #expect(planner.plan([adaEndpoint], blocked: [], now: 1).toFetch == [adaEndpoint])
    }

    // MARK: - Seq

    @Test func aHigherSeqReplacesTheCachedProfileAndALowerOneNever() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        planner.remember(Self.profile(1, seq: 4, name: "Ada v4"), now: 5)
        #expect(planner.freshProfile(of: ada.peerID, now: 6)?.name == "Ada v4")
        planner.remember(Self.profile(1, seq: 2, name: "Ada v2"), answeredAt: adaEndpoint, now: 7)
        #expect(planner.freshProfile(of: ada.peerID, now: 8)?.name == "Ada v4")
        #expect(planner.plan([adaEndpoint], blocked: [], now: 9).cached.map(\.name) == ["Ada v4"])
    }

    @Test func anOldVersionSeenAgainDoesNotRestartItsTime() {
        var planner = ProfileFetchPlanner()
        planner.remember(Self.profile(1, seq: 4), answeredAt: adaEndpoint, now: 0)
        planner.remember(ada, answeredAt: adaEndpoint, now: 250)  // seq 3, older
        #expect(planner.plan([adaEndpoint], blocked: [], now: 301).toFetch == [adaEndpoint])
    }

    @Test func cachedProfilesCarryNoRankingOrSources() {
        var planner = ProfileFetchPlanner()
        var ranked = ada
        ranked.sources = [Self.peer(9)]
        ranked.score = 0.8
        ranked.tier = .exact
        planner.remember(ranked, answeredAt: adaEndpoint, now: 0)
        let cached = planner.plan([adaEndpoint], blocked: [], now: 1).cached
        #expect(cached == [ada])
    }

    // MARK: - Blocking and repeats

    @Test func aBlockedPeerIsNeverReturnedNorAskedWhileFresh() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        let plan = planner.plan([adaEndpoint], blocked: [ada.peerID], now: 1)
        #expect(plan == ProfileFetchPlanner.Plan())
        #expect(planner.plan([adaEndpoint], blocked: [], now: 2).cached == [ada], "unblocked: back")
    }

    @Test func aPeerAtTwoEndpointsOrARepeatedEndpointCountsOnce() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        planner.remember(ada, answeredAt: bobEndpoint, now: 0)
        let plan = planner.plan([adaEndpoint, bobEndpoint, adaEndpoint], blocked: [], now: 1)
        #expect(plan.cached == [ada])
        #expect(plan.toFetch.isEmpty)
        let unknown = Self.endpoint(3)
        #expect(planner.plan([unknown, unknown], blocked: [], now: 1).toFetch == [unknown])
    }

    @Test func anEndpointTakenOverByAnotherPeerMapsToIt() {
        var planner = ProfileFetchPlanner()
        planner.remember(ada, answeredAt: adaEndpoint, now: 0)
        let carl = Self.profile(3, seq: 1, name: "Carl")
        planner.remember(carl, answeredAt: adaEndpoint, now: 1)
        #expect(planner.peer(at: adaEndpoint) == carl.peerID)
        #expect(planner.plan([adaEndpoint], blocked: [], now: 2).cached == [carl])
    }

    // MARK: - Bounds

    @Test func theDefaultsAreTheStandardFiveThousandAndFiveMinutes() {
        let planner = ProfileFetchPlanner()
        #expect(planner.profiles.capacity == 5000)
        #expect(planner.configuration.endpointCapacity == 5000)
        #expect(planner.configuration.freshness == 300)
    }

    @Test func bothMapsEvictTheLeastRecentlyUsedPastCapacity() {
        var configuration = ProfileFetchPlanner.Configuration()
        configuration.profileCapacity = 2
        configuration.endpointCapacity = 2
        var planner = ProfileFetchPlanner(configuration: configuration)
        planner.remember(Self.profile(1, seq: 1), answeredAt: Self.endpoint(1), now: 0)
        planner.remember(Self.profile(2, seq: 1), answeredAt: Self.endpoint(2), now: 0)
        // Using the first makes the second the one evicted.
        #expect(planner.plan([Self.endpoint(1)], blocked: [], now: 1).cached.count == 1)
        planner.remember(Self.profile(3, seq: 1), answeredAt: Self.endpoint(3), now: 2)

        #expect(planner.profiles.count == 2)
        #expect(planner.peer(at: Self.endpoint(2)) == nil)
        #expect(planner.freshProfile(of: Self.peer(2), now: 3) == nil)
        #expect(planner.peer(at: Self.endpoint(1)) == Self.peer(1))
        let plan = planner.plan((1...3).map(Self.endpoint), blocked: [], now: 3)
        #expect(plan.cached.map(\.peerID) == [Self.peer(1), Self.peer(3)])
        #expect(plan.toFetch == [Self.endpoint(2)])
    }
}
