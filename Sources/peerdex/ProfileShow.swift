import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex.Profile {
    /// `peerdex profile show`: the profile as stored.
    struct Show: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(abstract: "Show your profile and who may see it.")

        @OptionGroup var global: GlobalOptions
        @Flag(
            help: """
                Print a JSON object with peerId, name, interests, location, visibility, seq, updatedAt, \
                shareWithDiscoveryPeers, allowContactSharing and audienceKey (audience, id, generation; or null).
                """)
        var json = false

        func run() throws {
            let book = try global.openBook()
            let profile = try book.profile()
            let sharing = try book.sharingPreferences()
            let key = try book.audienceKey(for: profile.visibility)
            if json { return try Output.json(book.json(of: profile, sharing: sharing, audienceKey: key)) }
            Output.profile(profile, of: book.identity.peerID)
            Output.sharing(sharing, audienceKey: key)
        }
    }
}

extension Output {
    /// Prints the sharing switches and the audience key's ID (never its bytes), aligned with `profile`.
    static func sharing(_ sharing: SharingPreferences, audienceKey: AudienceKey?) {
        var rows: [(String, String)] = [
            (
                "discovery",
                sharing.shareWithDiscoveryPeers
                    ? "on: network searches may get your profile, as its visibility allows"
                    : "off: you answer no network search"
            ),
            (
                "sharing",
                sharing.allowContactSharing
                    ? "on: contacts may be shared, as each one's privacy level allows"
                    : "off: no contact of yours is shared"
            ),
        ]
        if let audienceKey {
            let id = HexBytes.encode(audienceKey.id)
            rows.append(("key", "\(audienceKey.audience.rawValue), id \(id), generation \(audienceKey.generation)"))
        }
        for (label, value) in rows { print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
    }
}
