import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTUI

/// Performs the TUI's requests against the contact book: one request, one store method, one
/// transaction, one answer.
///
/// The executor is where "committed before shown" holds: a mutation's answer is only produced
/// after `ContactDatabase` returned from its transaction. It blocks while the store works; the
/// `RequestRunner` calls it off the event loop.
public struct TUICommandExecutor: Sendable {
    let book: ContactBook

    /// An executor over an opened book.
    public init(book: ContactBook) { self.book = book }

    /// The answer to one request, or why there is none.
    public func perform(_ request: Request) -> Result<Answer, RequestFailure> {
        do {
            return .success(try answer(request))
        } catch {
            if case .store(let storeError) = error {
                return .failure(RequestFailure(storeError.description, isTransient: storeError.isTransient))
            }
            return .failure(RequestFailure(error.description))
        }
    }

    /// As `contacts block` and `remove` do: forgets the keys a peer we lost handed us, and
    /// rotates the audiences it left, so that the next record is sealed under a key it never had.
    /// The change itself is committed already: a failure here must not report it as failed, and
    /// the next sync (the node's, or any `profile set`) catches up, since the store flags it.
    private func keepAudienceKeys(afterLosing peer: PeerID?) {
        if let peer { try? book.forgetAudienceKeys(from: peer) }
        _ = try? book.syncAudienceKeys()
    }

    private func answer(_ request: Request) throws(AppError) -> Answer {
        switch request {
        case .loadCounts:
            let counts = try book.store { try $0.counts() }
            return .counts(
                PaneCounts(
                    contacts: counts[.all] ?? 0, favorites: counts[.favorites] ?? 0, nearby: 0,
                    blocked: counts[.blocked] ?? 0))
        case .loadWindow(let pane, let offset, let limit):
            guard let list = Self.list(for: pane) else {
                return .window(ContactWindow(pane: pane, offset: offset, rows: [], total: 0))
            }
            let (rows, total) = try book.store { try $0.window(of: list, offset: offset, limit: limit) }
            return .window(ContactWindow(pane: pane, offset: offset, rows: rows, total: total))
        case .search(let query, let limit):
            let results = try book.store { try $0.search(SearchQuery(query), limit: limit) }
            return .searchResults(results.map(\.contact))
        case .addContact(let invite, let name):
            let now = ContactBook.now()
            let contact = try book.add(Contact(peerID: invite.peerID, name: name, addedAt: now, lastInteraction: now))
            return .done("Added \(contact.displayName)")
        case .setFavorite(let id, let isFavorite):
            let contact = try book.store { try $0.setFavorite(id, isFavorite, at: ContactBook.now()) }
            return .done(isFavorite ? "★ \(contact.displayName) is a favorite" : "\(contact.displayName) is no longer a favorite")
        case .setBlocked(let id, let isBlocked):
            let contact = try book.store { try $0.setBlocked(id, isBlocked, at: ContactBook.now()) }
            keepAudienceKeys(afterLosing: isBlocked ? id : nil)
            return .done(isBlocked ? "Blocked \(contact.displayName)" : "Unblocked \(contact.displayName)")
        case .updateContact(let id, let alias, let note):
            let now = ContactBook.now()
            let contact = try book.store { database in
                try database.update(id) { contact in
                    contact.alias = alias
                    contact.note = note
                    contact.lastInteraction = now
                }
            }
            return .done("Saved \(contact.displayName)")
        case .removeContact(let id):
            let removed = try book.store { try $0.remove(id) }
            keepAudienceKeys(afterLosing: id)
            return .done("Removed \(removed.displayName)")
        case .networkSearch:
            // The runner hands network searches to the TUI's node (`TUINetwork`), whose results
            // stream in as `Message.networkResults`; only a runner without one gets here.
            throw .network("the network is off")
        case .lookupProfile:
            // Likewise answered by the TUI's node (`TUINetwork.lookup`).
            throw .network("the network is off")
        case .loadProfile:
            return .profile(try book.profile())
        case .updateProfile(let change):
            let (profile, changed) = try book.updateProfile(change)
            guard changed else { return .done("Your profile is unchanged") }
            return .done("Saved your profile (visibility: \(profile.visibility.rawValue))")
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
