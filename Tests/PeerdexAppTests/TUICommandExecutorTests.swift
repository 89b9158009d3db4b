import Foundation
import GRDB
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
            #expect(executor.perform(.addContact(zoe, name: "Zoë")) == .success(.done("Added Zoë")))
            let stored = try book.database.contact(zoe.peerID)
            #expect(stored?.name == "Zoë")
            #expect(executor.perform(.setFavorite(zoe.peerID, true)) == .success(.done("★ Zoë is a favorite")))
            #expect(executor.perform(.loadCounts) == .success(.counts(PaneCounts(contacts: 1, favorites: 1, blocked: 0))))
            #expect(executor.perform(.updateContact(zoe.peerID, alias: "Z", note: "hi")) == .success(.done("Saved Z")))
            #expect(executor.perform(.setBlocked(zoe.peerID, true)) == .success(.done("Blocked Z")))
            #expect(executor.perform(.loadCounts) == .success(.counts(PaneCounts(contacts: 0, favorites: 0, blocked: 1))))
            #expect(executor.perform(.removeContact(zoe.peerID)) == .success(.done("Removed Z")))
            let blocked = try book.database.count(in: .blocked)
            #expect(blocked == 0)
        }
    }

    @Test func failuresSayWhyAndWhetherToRetry() throws {
        try withExecutor { executor, book in
            let own = book.identity.invite()
            #expect(executor.perform(.addContact(own, name: "me")) == .failure(RequestFailure(AppError.ownPeerID.description)))
            let stranger = Fixtures.peerID(9)
            guard case .failure(let failure) = executor.perform(.setFavorite(stranger, true)) else {
                Issue.record("expected a failure")
                return
            }
            #expect(failure.reason.contains("no contact with peer ID"))
            #expect(!failure.isTransient)
        }
    }

    @Test func aBusyStoreIsATransientFailure() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory, busyTimeout: 0.1)
        try book.add(Contact(peerID: Fixtures.peerID(1), name: "Anna", addedAt: Fixtures.now))
        let other = try DatabaseQueue(path: directory.databasePath)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            let result = TUICommandExecutor(book: book).perform(.setFavorite(Fixtures.peerID(1), true))
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(failure.isTransient)
            #expect(failure.reason.contains("is busy"))
            try db.execute(sql: "ROLLBACK")
        }
    }

    @Test func windowsAndSearchAnswerTheirRequest() throws {
        try withExecutor { executor, book in
            for seed in 1...5 {
                try book.add(Contact(peerID: Fixtures.peerID(seed), name: "Anna \(seed)", addedAt: Fixtures.now))
            }
            guard case .success(.window(let window)) = executor.perform(.loadWindow(pane: .contacts, offset: 1, limit: 2)) else {
                Issue.record("expected a window")
                return
            }
            #expect(window.offset == 1 && window.total == 5 && window.rows.map(\.name) == ["Anna 2", "Anna 3"])
            guard case .success(.searchResults(let contacts)) = executor.perform(.search(query: "anna 4", limit: 10)) else {
                Issue.record("expected search results")
                return
            }
            #expect(contacts.map(\.name) == ["Anna 4"])
            #expect(executor.perform(.loadWindow(pane: .nearby, offset: 0, limit: 10))
                == .success(.window(ContactWindow(pane: .nearby, offset: 0, rows: [], total: 0))))
        }
    }
}
