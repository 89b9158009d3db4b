import ArgumentParser
import PeerdexApp
import PeerdexCore

/// The shape shared by the one-contact commands: parse the ID, open the book, act, report.
protocol SingleContactCommand: GlobalOptionsCommand {
    /// The peer ID or invite as typed.
    var peer: String { get }
    /// Performs the change and returns the line to print.
    func act(on id: PeerID, in book: ContactBook) throws -> String
}

extension SingleContactCommand {
    func run() throws {
        let id = try ContactBook.parsePeer(peer).peerID
        let book = try global.openBook()
        print(try act(on: id, in: book))
    }
}

/// A contact flag the command line switches on or off.
enum ContactFlag {
    case favorite, blocked
}

/// favorite / unfavorite / block / unblock: one flag set to one value.
protocol FlagCommand: SingleContactCommand {
    /// Which flag the command sets.
    static var flag: ContactFlag { get }
    /// The value it sets the flag to.
    static var value: Bool { get }
}

extension FlagCommand {
    func act(on id: PeerID, in book: ContactBook) throws -> String {
        let now = ContactBook.now()
        switch (Self.flag, Self.value) {
        case (.favorite, let value):
            let contact = try book.store { try $0.setFavorite(id, value, at: now) }
            return value ? "★ \(contact.displayName) is a favorite" : "\(contact.displayName) is not a favorite"
        case (.blocked, let value):
            let contact = try book.store { try $0.setBlocked(id, value, at: now) }
            // Blocking rotates the audience keys the peer held; its keys to us are dropped.
            if value { try book.forgetAudienceKeys(from: id) }
            try book.syncAudienceKeys()
            return value ? "⊘ \(contact.displayName) is blocked" : "\(contact.displayName) is no longer blocked"
        }
    }
}

extension Peerdex.Contacts {
    /// `peerdex contacts favorite`.
    struct Favorite: FlagCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a contact as a favorite.")
        static let flag = ContactFlag.favorite
        static let value = true
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String
    }

    /// `peerdex contacts unfavorite`.
    struct Unfavorite: FlagCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact from the favorites.")
        static let flag = ContactFlag.favorite
        static let value = false
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String
    }

    /// `peerdex contacts block`.
    struct Block: FlagCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a contact: it leaves every list and search but 'list --blocked'.")
        static let flag = ContactFlag.blocked
        static let value = true
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String
    }

    /// `peerdex contacts unblock`.
    struct Unblock: FlagCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a contact.")
        static let flag = ContactFlag.blocked
        static let value = false
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String
    }

    /// `peerdex contacts remove`.
    struct Remove: SingleContactCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a contact and its history (to keep someone out, block them instead).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Peer ID or invite.", valueName: "peer-id")) var peer: String

        func act(on id: PeerID, in book: ContactBook) throws -> String {
            let removed = try book.store { try $0.remove(id) }
            try book.forgetAudienceKeys(from: id)
            try book.syncAudienceKeys()
            return "removed \(removed.displayName)"
        }
    }
}
