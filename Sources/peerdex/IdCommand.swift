import ArgumentParser
import PeerdexApp

extension Peerdex {
    /// `peerdex id`: print our peer ID and invite.
    struct Id: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print your peer ID and invite (created on first use).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON object with peerId and invite.") var json = false

        func run() throws {
            let book = try global.openBook()
            let invite = book.identity.invite()
            if json {
                try Output.json(["peerId": invite.peerID.text, "invite": invite.url])
            } else {
                print("peer ID  \(invite.peerID)")
                print("invite   \(invite.url)")
            }
        }
    }
}
