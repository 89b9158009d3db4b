import PeerdexCore
import Testing

@testable import PeerdexApp

/// The interest search's profile cache over real Noise connections on 127.0.0.1: a peer whose
/// profile was fetched a moment ago is not dialled again, a blocked one is left out, and a
/// profile past its freshness is fetched again.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DiscoveryServiceProfileCacheTests {
    @Test func aSecondInterestSearchDoesNotFetchTheProfilesAgain() async throws {
        try await NetworkSearchTests.withPeers(["Ada Berg", "Anna Cole"]) { peers in
            try await DiscoveryServiceCacheTests.withService(peers: []) { service in
                let endpoints = peers.map(\.endpoint)
                let first = await service.announcedProfiles(at: endpoints, blocked: [])
                #expect(Set(first.map(\.name)) == ["Ada Berg", "Anna Cole"])
                #expect(await service.profileFetches == 2)

                let second = await service.announcedProfiles(at: endpoints, blocked: [])
                #expect(Set(second) == Set(first))
                #expect(await service.profileFetches == 2, "answered from the cache")

                let ada = try #require(first.first { $0.name == "Ada Berg" })
                let unblocked = await service.announcedProfiles(at: endpoints, blocked: [ada.peerID])
                #expect(unblocked.map(\.name) == ["Anna Cole"])
                #expect(await service.profileFetches == 2)
            }
        }
    }

    @Test func aProfilePastItsFreshnessIsFetchedAgain() async throws {
        var configuration = DiscoveryServiceCacheTests.patient
        configuration.knownProfiles.freshness = 0.3
        try await NetworkSearchTests.withPeers(["Ada Berg"]) { [configuration] peers in
            try await DiscoveryServiceCacheTests.withService(peers: [], configuration: configuration) { service in
                let endpoints = peers.map(\.endpoint)
                _ = await service.announcedProfiles(at: endpoints, blocked: [])
                _ = await service.announcedProfiles(at: endpoints, blocked: [])
                #expect(await service.profileFetches == 1)
                try await Task.sleep(for: .milliseconds(400))
                let later = await service.announcedProfiles(at: endpoints, blocked: [])
                #expect(later.map(\.name) == ["Ada Berg"])
                #expect(await service.profileFetches == 2)
            }
        }
    }
}
