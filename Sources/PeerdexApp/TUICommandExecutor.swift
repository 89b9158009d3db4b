import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTUI

/// Performs the TUI's commands against the contact book and answers with messages.
///
/// The executor is where "committed before shown" holds: a mutation's success message is only
/// produced after `ContactDatabase` returned from its transaction.
public struct TUICommandExecutor: Sendable {
    let book: ContactBook

    /// An executor over an opened book.
    public init(book: ContactBook) { self.book = book }

    /// The messages that answer one command (none for `quit`, which the event loop handles).
    public func perform(_ command: Command) -> [Message] {
        do {
            return try answer(command)
        } catch {
            return [.mutationFailed(error.description)]
        }
    }

    private func answer(_ command: Command) throws(AppError) -> [Message] {
        switch command {
        case .loadCounts:
            let counts = try book.store { try $0.counts() }
            return [.countsChanged(
                PaneCounts(contacts: counts[.all] ?? 0, favorites: counts[.favorites] ?? 0, nearby: 0, blocked: counts[.blocked] ?? 0))]
        case .loadWindow(let pane, let offset, let limit):
            guard let list = Self.list(for: pane) else {
                return [.windowLoaded(ContactWindow(pane: pane, offset: offset, rows: [], total: 0))]
            }
            let (rows, total) = try book.store { try $0.window(of: list, offset: offset, limit: limit) }
            return [.windowLoaded(ContactWindow(pane: pane, offset: offset, rows: rows, total: total))]
        case .search(let query, let limit):
            let results = try book.store { try $0.search(SearchQuery(query), limit: limit) }
            return [.searchResults(query: query, contacts: results.map(\.contact))]
        case .addContact(let invite, let name):
            let now = ContactBook.now()
            let contact = try book.add(
                Contact(peerID: invite.peerID, name: name, addedAt: now, lastInteraction: now))
            return [.mutationSucceeded("Added \(contact.displayName)")]
        case .setFavorite(let id, let isFavorite):
            let contact = try book.store { try $0.setFavorite(id, isFavorite, at: ContactBook.now()) }
            return [.mutationSucceeded(isFavorite ? "★ \(contact.displayName) is a favorite" : "\(contact.displayName) is no longer a favorite")]
        case .setBlocked(let id, let isBlocked):
            let contact = try book.store { try $0.setBlocked(id, isBlocked, at: ContactBook.now()) }
            return [.mutationSucceeded(isBlocked ? "Blocked \(contact.displayName)" : "Unblocked \(contact.displayName)")]
        case .updateContact(let id, let alias, let note):
            let now = ContactBook.now()
            let contact = try book.store { database in
                try database.update(id) { contact in
                    contact.alias = alias
                    contact.note = note
                    contact.lastInteraction = now
                }
            }
            return [.mutationSucceeded("Saved \(contact.displayName)")]
        case .removeContact(let id):
            let removed = try book.store { try $0.remove(id) }
            return [.mutationSucceeded("Removed \(removed.displayName)")]
        case .quit:
            return []
        }
    }

    /// The stored list behind a pane; nil for panes the store does not hold (nearby, search).
    static func list(for pane: Pane) -> ContactList? {
        switch pane {
        case .contacts: .all
        case .favorites: .favorites
        case .blocked: .blocked
        case .nearby, .search: nil
        }
    }
}
