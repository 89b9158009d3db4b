import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore

extension Peerdex.Contacts {
    /// `peerdex contacts add`: add a contact by peer ID or invite.
    struct Add: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a contact by peer ID or invite.",
            discussion: """
                Give '-' instead of an ID to add one peer ID or invite per line of standard input; \
                each line is committed and reported ('added <peer-id>') before the next is read.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or peerdex:// invite, or - for stdin.", valueName: "peer-id|invite"))
        var peer: String
        @Option(help: "Display name (default: the invite's name).") var name: String?
        @Option(help: "Your own name for the contact.") var alias: String?
        @Option(help: "A note.") var note: String?
        @Option(help: ArgumentHelp("Interests, comma-separated.", valueName: "a,b")) var interests: String?
        @Option(help: "General location (city or region).") var location: String?
        @Option(help: ArgumentHelp("Who may learn about this contact.", valueName: "public|contacts|friends|private"))
        var privacy: PrivacyLevel = .private
        @Flag(help: "Mark as a friend.") var friend = false
        @Flag(help: "Print the added contact as JSON.") var json = false

        func run() throws {
            let book = try global.openBook()
            if peer == "-" { return try addFromStandardInput(book) }
            let contact = try book.add(contact(from: ContactBook.parsePeer(peer)))
            if json {
                try Output.json(ContactJSON(contact))
            } else {
                print("added \(contact.displayName) (\(contact.peerID))")
            }
        }

        private func contact(from invite: Invite) -> Contact {
            let now = ContactBook.now()
            return Contact(
                peerID: invite.peerID, name: name ?? invite.name ?? "", alias: alias ?? "", note: note ?? "",
                interests: (interests ?? "").split(separator: ",").map(String.init), location: location ?? "",
                privacy: privacy, isFriend: friend, addedAt: now, lastInteraction: now)
        }

        /// Adds one contact per line; a bad line is reported and skipped, the rest go on.
        private func addFromStandardInput(_ book: ContactBook) throws {
            var failures = 0
            while let line = readLine() {
                guard !line.allSatisfy(\.isWhitespace) else { continue }
                do {
                    let contact = try book.add(contact(from: ContactBook.parsePeer(line)))
                    print("added \(contact.peerID)")
                    fflush(nil)
                } catch {
                    failures += 1
                    Output.warn("peerdex: skipped: \(error)")
                }
            }
            if failures > 0 { throw ExitCode.failure }
        }
    }
}

extension PrivacyLevel: ExpressibleByArgument {}
