import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTUI
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Commands from the TUI, performed against a real book in a temporary data directory.
@Suite struct TUICommandExecutorTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-exec-\(UUID().uuidString)")

    func withExecutor(_ body: (TUICommandExecutor, ContactBook) throws -> Void) throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        try body(TUICommandExecutor(book: book), book)
    }

    @Test func mutationsAreCommittedBeforeTheyAreReported() throws {
        try withExecutor { executor, book in
            let zoe = Invite(peerID: Fixtures.peerID(1))
            #expect(executor.perform(.addContact(zoe, name: "Zoë")) == [.mutationSucceeded("Added Zoë")])
            let stored = try book.database.contact(zoe.peerID)
            #expect(stored?.name == "Zoë")
            #expect(executor.perform(.setFavorite(zoe.peerID, true)) == [.mutationSucceeded("★ Zoë is a favorite")])
            #expect(executor.perform(.loadCounts) == [.countsChanged(PaneCounts(contacts: 1, favorites: 1, blocked: 0))])
            #expect(executor.perform(.updateContact(zoe.peerID, alias: "Z", note: "hi")) == [.mutationSucceeded("Saved Z")])
            #expect(executor.perform(.setBlocked(zoe.peerID, true)) == [.mutationSucceeded("Blocked Z")])
            #expect(executor.perform(.loadCounts) == [.countsChanged(PaneCounts(contacts: 0, favorites: 0, blocked: 1))])
            #expect(executor.perform(.removeContact(zoe.peerID)) == [.mutationSucceeded("Removed Z")])
            let blocked = try book.database.count(in: .blocked)
            #expect(blocked == 0)
        }
    }

    @Test func failuresComeBackAsMessages() throws {
        try withExecutor { executor, book in
            let own = book.identity.invite()
            #expect(executor.perform(.addContact(own, name: "me")) == [.mutationFailed(AppError.ownPeerID.description)])
            let stranger = Fixtures.peerID(9)
            guard case .mutationFailed(let reason) = executor.perform(.setFavorite(stranger, true)).first else {
                Issue.record("expected a failure")
                return
            }
            #expect(reason.contains("no contact with peer ID"))
        }
    }

    @Test func windowsAndSearchAnswerTheirCommand() throws {
        try withExecutor { executor, book in
            for seed in 1...5 {
                try book.add(Contact(peerID: Fixtures.peerID(seed), name: "Anna \(seed)", addedAt: Fixtures.now))
            }
            let answer = executor.perform(.loadWindow(pane: .contacts, offset: 1, limit: 2))
            guard case .windowLoaded(let window) = answer.first else {
                Issue.record("expected a window")
                return
            }
            #expect(window.offset == 1 && window.total == 5 && window.rows.map(\.name) == ["Anna 2", "Anna 3"])
            guard case .searchResults(let query, let contacts) = executor.perform(.search(query: "anna 4", limit: 10)).first
            else {
                Issue.record("expected search results")
                return
            }
            #expect(query == "anna 4" && contacts.map(\.name) == ["Anna 4"])
            #expect(executor.perform(.loadWindow(pane: .nearby, offset: 0, limit: 10))
                == [.windowLoaded(ContactWindow(pane: .nearby, offset: 0, rows: [], total: 0))])
        }
    }
}
