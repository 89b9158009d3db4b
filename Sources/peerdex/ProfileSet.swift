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
                (nobody; the default until you choose).
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Display name peers see.") var name: String?
        @Option(help: ArgumentHelp("Interests, comma-separated (\"\" clears them).", valueName: "a,b"))
        var interests: String?
        @Option(help: "General location (city or region, never an exact address).") var location: String?
        @Option(help: ArgumentHelp("Who may see the profile.", valueName: "public|contacts|friends|private"))
        var visibility: PrivacyLevel?
        @Flag(help: "Print the saved profile as JSON.") var json = false

        func validate() throws {
            guard name != nil || interests != nil || location != nil || visibility != nil else {
                throw ValidationError("give at least one of --name, --interests, --location and --visibility")
            }
            do { _ = try change() } catch { throw ValidationError(error.description) }
        }

        func run() throws {
            let book = try global.openBook()
            let (profile, changed) = try book.updateProfile(try change())
            if json { return try Output.json(book.json(of: profile)) }
            print(changed ? "saved (seq \(profile.seq))" : "no change (seq \(profile.seq))")
            Output.profile(profile, of: book.identity.peerID)
        }

        /// The change the options ask for; the interests are split at commas.
        private func change() throws(ProfileError) -> ProfileChange {
            try ProfileChange(
                name: name, interests: interests.map { $0.split(separator: ",").map(String.init) }, location: location,
                visibility: visibility)
        }
    }
}
