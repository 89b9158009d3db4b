import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex profile …`: the user's own profile, what peers may learn about us.
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change your own profile: name, interests, location and who may see them.",
            discussion: """
                A new profile is empty and private: nothing about you is published until you choose \
                a wider --visibility. Every saved change raises the profile's sequence number (seq), \
                which tells peers which version of it is the newest.
                """,
            subcommands: [Set.self, Show.self],
            defaultSubcommand: Show.self
        )

        /// So that `peerdex profile --data-dir DIR show` works too, and `profile --help` shows it.
        @OptionGroup var global: GlobalOptions
    }
}

extension Output {
    /// Prints a profile for people: one labelled field per line.
    static func profile(_ profile: PeerdexCore.Profile, of peerID: PeerID) {
        let rows: [(String, String)] = [
            ("peer ID", peerID.text),
            ("name", profile.name.isEmpty ? "(none)" : profile.name),
            ("interests", profile.interests.isEmpty ? "(none)" : profile.interests.joined(separator: ", ")),
            ("location", profile.location.isEmpty ? "(none)" : profile.location),
            ("visibility", "\(profile.visibility.rawValue): \(audience(of: profile.visibility))"),
            ("seq", "\(profile.seq)"),
            ("updated", time(profile.updatedAt)),
        ]
        for (label, value) in rows {
            print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + oneLine(value))
        }
    }

    /// Who may see a profile of this visibility, in words.
    static func audience(of visibility: PrivacyLevel) -> String {
        switch visibility {
        case .public: "anyone who looks you up or searches the network"
        case .contacts: "only peers in your contact book"
        case .friends: "only contacts marked as friends"
        case .private: "nobody; it never leaves this machine"
        }
    }
}
