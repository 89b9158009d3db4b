import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex.Profile {
    /// `peerdex profile set`: change the given fields of the profile, and only those.
    struct Set: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change your profile: only the fields given change.",
            discussion: """
                --name "" and --location "" clear those fields, --interests "" clears the interests. \
                Limits (so that the published profile fits in its 1,000 bytes): name and location \
                \(PeerdexCore.Profile.maximumNameBytes) bytes of UTF-8 each, at most \
                \(PeerdexCore.Profile.maximumInterestCount) interests of \
                \(PeerdexCore.Profile.maximumInterestBytes) bytes. Visibility: public (anyone), \
                contacts (peers in your book), friends (contacts marked as friends) or private \
                (nobody; the default until you choose). A contacts or friends profile is published \
                encrypted; its key goes to the audience and changes when someone leaves it. The two \
                sharing switches are off until you turn them on (docs/PRIVACY.md has the full rules).
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Display name peers see.") var name: String?
        @Option(help: ArgumentHelp("Interests, comma-separated (\"\" clears them).", valueName: "a,b"))
        var interests: String?
        @Option(help: "General location (city or region, never an exact address).") var location: String?
        @Option(help: ArgumentHelp("Who may see the profile.", valueName: "public|contacts|friends|private"))
        var visibility: PrivacyLevel?
        @Option(
            help: ArgumentHelp(
                "Answer network searches from discovery peers. on lets your profile (general location only, and "
                    + "only to whom --visibility allows) leave the machine in answers that other discovery peers "
                    + "may cache and pass on; with --allow-contact-sharing on, shareable contacts go too.",
                valueName: "on|off"))
        var shareWithDiscoveryPeers: Switch?
        @Option(
            help: ArgumentHelp(
                "Let contacts be shared. on lets the peer ID, name, interests and general location of each "
                    + "contact whose own privacy level allows it leave the machine, to the peers that level allows; "
                    + "never private or blocked contacts, never your alias or note.",
                valueName: "on|off"))
        var allowContactSharing: Switch?
        @Flag(help: "Print the saved profile as JSON.") var json = false

        func validate() throws {
            guard
                name != nil || interests != nil || location != nil || visibility != nil
                    || shareWithDiscoveryPeers != nil || allowContactSharing != nil
            else {
                throw ValidationError(
                    "give at least one of --name, --interests, --location, --visibility, "
                        + "--share-with-discovery-peers and --allow-contact-sharing")
            }
            do { _ = try change() } catch { throw ValidationError(error.description) }
        }

        func run() throws {
            let book = try global.openBook()
            let profileChanged = try book.updateProfile(try change()).changed
            let sharingChanged = try book.updateSharing(
                shareWithDiscoveryPeers: shareWithDiscoveryPeers.map { $0 == .on },
                allowContactSharing: allowContactSharing.map { $0 == .on }
            ).changed
            // A new visibility may need a key; the sync may raise seq, so the profile is read after it.
            try book.syncAudienceKeys()
            let profile = try book.profile()
            let sharing = try book.sharingPreferences()
            let key = try book.audienceKey(for: profile.visibility)
            if json { return try Output.json(book.json(of: profile, sharing: sharing, audienceKey: key)) }
            print(profileChanged || sharingChanged ? "saved (seq \(profile.seq))" : "no change (seq \(profile.seq))")
            Output.profile(profile, of: book.identity.peerID)
            Output.sharing(sharing, audienceKey: key)
        }

        /// The change the options ask for; the interests are split at commas.
        private func change() throws(ProfileError) -> ProfileChange {
            try ProfileChange(
                name: name, interests: interests.map { $0.split(separator: ",").map(String.init) }, location: location,
                visibility: visibility)
        }
    }
}

/// An on/off value on the command line.
enum Switch: String, ExpressibleByArgument {
    case on, off
}
