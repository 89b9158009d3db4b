import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex.Contacts {
    /// `peerdex contacts show`: everything we know about one contact.
    struct Show: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(abstract: "Show one contact in full, with its connection history.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            let id = try ContactBook.parsePeer(peer).peerID
            let book = try global.openBook()
            guard let (contact, history) = try book.store({ try $0.details(of: id) }) else {
                throw AppError.store(.contactNotFound(id))
            }
            if json { return try Output.json(ContactJSON(contact, history: history)) }
            let rows: [(String, String)] = [
                ("peer ID", contact.peerID.text),
                ("name", contact.name),
                ("alias", contact.alias),
                ("note", contact.note),
                ("interests", contact.interests.joined(separator: ", ")),
                ("location", contact.location),
                ("privacy", contact.privacy.rawValue),
                ("friend", contact.isFriend ? "yes" : "no"),
                ("favorite", contact.favoritedAt.map { "yes, since \(Output.time($0))" } ?? "no"),
                ("blocked", contact.blockedAt.map { "yes, since \(Output.time($0))" } ?? "no"),
                ("added", Output.time(contact.addedAt)),
                ("last seen", Output.time(contact.lastSeen)),
                ("last contact", Output.time(contact.lastInteraction)),
            ]
            for (label, value) in rows {
                let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
                print(label.padding(toLength: 13, withPad: " ", startingAt: 0) + Output.oneLine(String(lines[0])))
                for line in lines.dropFirst() { print(String(repeating: " ", count: 13) + Output.oneLine(String(line))) }
            }
            print("connections  " + (history.isEmpty ? "none yet" : "\(history.count), latest last:"))
            for event in history.suffix(10) {
                print("  \(Output.time(event.time))  \(event.address)  \(event.outcome.rawValue)")
            }
        }
    }
}
