import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex.Profile {
    /// `peerdex profile show`: the profile as stored.
    struct Show: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(abstract: "Show your profile and who may see it.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON object with peerId, name, interests, location, visibility, seq and updatedAt.")
        var json = false

        func run() throws {
            let book = try global.openBook()
            let profile = try book.profile()
            if json { return try Output.json(book.json(of: profile)) }
            Output.profile(profile, of: book.identity.peerID)
        }
    }
}
