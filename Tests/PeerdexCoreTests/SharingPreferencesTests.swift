import Foundation
import PeerdexTestSupport
import Testing

import PeerdexCore

@Suite struct SharingPreferencesTests {
    @Test func theDefaultsShareNothing() {
        let preferences = SharingPreferences()
        #expect(preferences.discoverableBy == .private)
        #expect(preferences.shareWithDiscoveryPeers == false)
        #expect(preferences.allowContactSharing == false)
    }

    @Test func theAudienceMirrorsTheProfileVisibility() {
        for level in PrivacyLevel.allCases {
            #expect(SharingPreferences(profile: Profile(visibility: level)).discoverableBy == level)
        }
    }

    @Test func aJSONRoundTripKeepsEveryField() throws {
        let preferences = SharingPreferences(
            discoverableBy: .friends, shareWithDiscoveryPeers: true, allowContactSharing: true)
        let data = try JSONEncoder().encode(preferences)
        #expect(try JSONDecoder().decode(SharingPreferences.self, from: data) == preferences)
    }

    @Test func missingKeysDecodeToTheirDefaults() throws {
        let empty = try JSONDecoder().decode(SharingPreferences.self, from: Data("{}".utf8))
        #expect(empty == SharingPreferences())
        let partial = try JSONDecoder().decode(
            SharingPreferences.self, from: Data(#"{"allowContactSharing": true}"#.utf8))
        #expect(partial == SharingPreferences(allowContactSharing: true))
    }

    @Test func anUnknownLevelIsRefused() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SharingPreferences.self, from: Data(#"{"discoverableBy": "everyone"}"#.utf8))
        }
    }
}
