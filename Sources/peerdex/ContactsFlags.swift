import ArgumentParser
import PeerdexApp
import PeerdexCore

/// The shape shared by the one-contact commands: parse the ID, open the book, act, report.
protocol SingleContactCommand: ParsableCommand {
    var global: GlobalOptions { get }
    var peer: String { get }
    /// Performs the change and returns the line to print.
    func act(on id: PeerID, in book: ContactBook) throws -> String
}

extension SingleContactCommand {
    func run() throws {
        let id = try ContactBook.parsePeer(peer).peerID
        let book = try ContactBook.open(DataDirectory(explicit: global.dataDirectory))
        print(try act(on: id, in: book))
    }
}

extension Peerdex.Contacts {
    /// `peerdex contacts favorite`.
    struct Favorite: SingleContactCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a contact as a favorite.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let contact = try book.store { try $0.setFavorite(id, true, at: ContactBook.now()) }
            return "★ \(contact.displayName) is a favorite"
        }
    }

    /// `peerdex contacts unfavorite`.
    struct Unfavorite: SingleContactCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact from the favorites.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let contact = try book.store { try $0.setFavorite(id, false, at: ContactBook.now()) }
            return "\(contact.displayName) is not a favorite"
        }
    }

    /// `peerdex contacts block`.
    struct Block: SingleContactCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a contact: it leaves every list and search but 'list --blocked'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let contact = try book.store { try $0.setBlocked(id, true, at: ContactBook.now()) }
            return "⊘ \(contact.displayName) is blocked"
        }
    }

    /// `peerdex contacts unblock`.
    struct Unblock: SingleContactCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a contact.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let contact = try book.store { try $0.setBlocked(id, false, at: ContactBook.now()) }
            return "\(contact.displayName) is no longer blocked"
        }
    }

    /// `peerdex contacts remove`.
    struct Remove: SingleContactCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a contact and its history (to keep someone out, block them instead).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let name = try book.store { try $0.contact(id) }?.displayName ?? id.text
            try book.store { try $0.remove(id) }
            return "removed \(name)"
        }
    }
}
